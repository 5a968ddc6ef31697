-- The login throttle: failures pruned on a timer by index, and the
-- addresses (keyed hashes of an IPv4 address or an IPv6 /64) each account
-- logged in from, which may still try once the account's own budget is
-- spent.
CREATE INDEX login_failures_at ON login_failures(failed_at);
CREATE TABLE login_addresses (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    address_hash TEXT NOT NULL,
    last_login_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, address_hash)
);
CREATE INDEX login_addresses_last ON login_addresses(last_login_at);
