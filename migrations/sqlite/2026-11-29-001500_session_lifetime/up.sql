-- Sessions end: an absolute lifetime, pruning, and a retried refresh
-- answered with the same successor.

-- The successor of a spent refresh token, sealed with the spent token
-- itself (XOR with an HMAC keyed by it): only a client that presents the
-- spent token again, within the grace window, can read it back.
ALTER TABLE refresh_tokens ADD COLUMN successor_sealed TEXT;
-- Pruning finds expired tokens and old sessions by index.
CREATE INDEX refresh_tokens_expires ON refresh_tokens(expires_at);
CREATE INDEX sessions_created ON sessions(created_at);
CREATE INDEX sessions_revoked ON sessions(revoked_at);
