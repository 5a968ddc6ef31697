-- Every successful write through the API: who, what, when, from where.
-- Rows are only ever inserted (and pruned after the retention period);
-- no endpoint changes them. No foreign keys: the log outlives what it
-- names.
CREATE TABLE audit_log (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_id TEXT COLLATE "C",
    actor_role TEXT,
    method TEXT NOT NULL,
    route TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    resource TEXT,
    address TEXT NOT NULL,
    user_agent TEXT,
    request_id TEXT COLLATE "C" NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log(actor_id, id);
CREATE INDEX audit_log_at ON audit_log(at);
