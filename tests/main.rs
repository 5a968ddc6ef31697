//! Black-box tests: the real application over HTTP, on a fresh SQLite file
//! per test, and on a fresh PostgreSQL database per test when
//! `TEST_DATABASE_URL` is set.

#![expect(clippy::expect_used, reason = "a failed expectation is a failed test")]

mod common;

mod accounts;
mod api_keys;
mod articles;
mod audit;
mod auth;
mod comments;
mod delivery;
mod errors;
mod events;
mod faults;
mod hardening;
mod health;
mod images;
mod login_throttle;
mod openapi;
mod pagination;
mod permissions;
mod placement;
mod previews;
mod rate_limits;
mod read_cache;
mod readership;
mod revisions;
mod schema_fuzz;
mod search;
mod seed;
mod slug_privacy;
mod slug_races;
mod stored_documents;
mod taxonomy;
mod taxonomy_versions;
mod users;
mod webhooks;
mod workflow;
