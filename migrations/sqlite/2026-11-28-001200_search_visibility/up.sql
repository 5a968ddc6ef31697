-- Nothing changes on SQLite: its search reads the newest matches off the
-- FTS5 index in rowid order and stops after the window, so looking up each
-- of those articles by key costs what the window costs, not what the
-- matches cost. PostgreSQL's search table carries the visibility columns
-- from this migration on (see migrations/postgres, same name).
SELECT 1;
