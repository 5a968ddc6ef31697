-- Nothing changes on PostgreSQL: its search table has carried the
-- visibility columns since 2026-11-28-001200_search_visibility. SQLite's
-- index row table gets them from this migration on (see migrations/sqlite,
-- same name).
SELECT 1;
