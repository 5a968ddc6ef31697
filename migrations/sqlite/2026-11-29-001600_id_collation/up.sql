-- Nothing to do on SQLite: ids compare bytewise (BINARY) everywhere.
SELECT 1;
