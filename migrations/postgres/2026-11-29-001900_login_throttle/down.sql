DROP TABLE login_addresses;
DROP INDEX login_failures_at;
