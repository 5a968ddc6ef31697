//! The HTTP face of Toà soạn: actix-web routes, request extractors, auth,
//! problem+json errors, pagination, caching headers and the OpenAPI
//! document, plus start-up and the `seed` and `reindex` commands. Storage goes through
//! `toasoan-persistence`; rules come from `toasoan-domain`. No SQL here.
//!
//! Imports point one way: `main` → `startup`/`app` → `routes` →
//! (`state`, `caller`, `auth`, `pagination`, `http_cache`, `views`,
//! `responses`, `router`) → `error` → persistence/domain.

pub mod app;
pub mod audit;
pub mod auth;
pub mod caller;
pub mod config;
pub mod due_work;
pub mod error;
pub mod extractors;
pub mod housekeeping;
pub mod http_cache;
pub mod low_priority;
pub mod openapi;
pub mod pagination;
pub mod password_guard;
pub mod published;
pub mod read_cache;
pub mod read_gate;
pub mod read_limit;
pub mod readership;
pub mod reindex;
pub mod request_span;
pub mod responses;
pub mod router;
pub mod routes;
pub mod seed;
pub mod slugs;
pub mod startup;
pub mod state;
pub mod taxonomy;
pub mod views;
pub mod webhooks;
