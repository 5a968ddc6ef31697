-- Public reads per client (an address group or an API key) in fixed
-- windows, when TOASOAN_READ_RATE_LIMIT is set: each instance counts in
-- memory and adds its counts here about once a second, then reads back
-- the totals every instance has added, so a client's budget is shared.
-- Windows that have ended are deleted by the same loop.
CREATE TABLE read_rate_counts (
    bucket TEXT COLLATE "C" NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX read_rate_counts_window ON read_rate_counts(window_start);
