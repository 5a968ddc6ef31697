//! HTTP routes, one module per resource. Handlers are named
//! `<verb>_<resource>`; that name is the OpenAPI operation id. Each module
//! lists its handlers once with `endpoints!`; this list of modules is the
//! only other place a new module is named.

pub mod account;
pub mod api_keys;
pub mod articles;
pub mod audit;
pub mod auth;
pub mod authors;
pub mod categories;
pub mod comments;
pub mod events;
pub mod feeds;
pub mod health;
pub mod images;
pub mod media;
pub mod popularity;
pub mod site;
pub mod sitemaps;
pub mod tags;
pub mod users;
pub mod webhooks;

use crate::router::Endpoint;

/// Every endpoint the API serves and documents.
pub fn endpoints() -> Vec<Endpoint> {
    [
        health::endpoints,
        auth::endpoints,
        account::endpoints,
        users::endpoints,
        categories::endpoints,
        authors::endpoints,
        tags::endpoints,
        articles::endpoints,
        images::endpoints,
        media::endpoints,
        site::endpoints,
        feeds::endpoints,
        sitemaps::endpoints,
        popularity::endpoints,
        comments::endpoints,
        events::endpoints,
        webhooks::endpoints,
        audit::endpoints,
        api_keys::endpoints,
    ]
    .into_iter()
    .flat_map(|module| module())
    .collect()
}
