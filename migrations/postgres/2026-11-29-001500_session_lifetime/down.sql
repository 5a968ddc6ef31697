DROP INDEX sessions_revoked;
DROP INDEX sessions_created;
DROP INDEX refresh_tokens_expires;
ALTER TABLE refresh_tokens DROP COLUMN successor_sealed;
