-- Secrets instances generate and must share (the JWT signing secret when
-- TOASOAN_JWT_SECRET is not set). Used on PostgreSQL, where instances
-- share the database; SQLite keeps its secret in a file beside the
-- database, so a copy of the database file alone cannot sign tokens.
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
