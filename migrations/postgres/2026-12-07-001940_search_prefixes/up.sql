-- Nothing changes on PostgreSQL: GIN answers a prefix (`:*`) of any length
-- from the index of `words`. SQLite's FTS5 table gets prefix indexes of 2
-- to 7 letters from this migration on (see migrations/sqlite, same name).
SELECT 1;
