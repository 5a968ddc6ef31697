-- API keys for server-side frontends and integrations. Only the key's
-- SHA-256 is kept (a key is 32 random bytes: a fast hash is enough); the
-- key itself is shown once, when it is made. A key acts as its owner
-- (user_id) with the owner's current role, narrowed by its scope: read
-- (published content only), preview (content as staff see it, no writes)
-- or write. Revoked keys stay listed, for the audit log's sake.
CREATE TABLE api_keys (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    key_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    created_by TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_keys_user ON api_keys(user_id);
-- Which key made a write, when one did.
ALTER TABLE audit_log ADD COLUMN api_key_id TEXT COLLATE "C";
