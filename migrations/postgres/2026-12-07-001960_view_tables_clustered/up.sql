SELECT 1;
-- Nothing changes on PostgreSQL: its tables have no rowid, and a flush
-- sorted by article (queries::views::add) already walks each primary key
-- in order. See migrations/sqlite, same name.
