-- Nothing changes on PostgreSQL: a row fetched by its slug does not read
-- the article's body (large values live out of line, in TOAST, and are
-- read only when selected). SQLite's row does: see migrations/sqlite, same
-- name.
SELECT 1;
