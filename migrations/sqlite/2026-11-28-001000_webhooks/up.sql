-- Webhooks: admins' subscriptions to events, and one delivery per event
-- and subscription, written in the transaction that records the event
-- (so none is lost or made twice) and sent by the delivery loop of
-- whichever instance claims it.

-- A subscription. The secret is stored as it is: the server signs every
-- delivery with it (HMAC needs the key itself; a hash could not sign).
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY NOT NULL,
    url TEXT NOT NULL,
    description TEXT,
    -- Comma-separated event types, or '*' for all.
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    -- First failed attempt since the last success (NULL: not failing).
    failing_since TIMESTAMP,
    disabled_reason TEXT,
    disabled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One event (or ping) for one subscription. `next_attempt_at` is when the
-- next attempt falls due, and while an attempt is in flight, when its
-- claim (`claim_token`) expires, so a crashed instance's work is retried.
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claim_token TEXT,
    last_attempt_at TIMESTAMP,
    last_status_code INTEGER,
    last_error TEXT,
    last_response_body TEXT,
    last_duration_ms INTEGER,
    created_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP,
    redelivered_at TIMESTAMP,
    UNIQUE (webhook_id, event_id)
);
-- The delivery loop's claim: pending rows by due time.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
-- A subscription's log, newest first (ids are UUIDv7).
CREATE INDEX webhook_deliveries_log ON webhook_deliveries(webhook_id, id);
