-- Sessions a user can list and revoke: which device opened each login
-- (its user agent, cut to 256 characters, and its client address, kept
-- plain because only the account itself and nobody else reads it) and
-- when it was last refreshed.
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN address TEXT;
ALTER TABLE sessions ADD COLUMN last_used_at TIMESTAMP;
