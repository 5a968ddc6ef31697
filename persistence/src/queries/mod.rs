//! Queries, one module per area. Plain functions taking `&mut DbConn`;
//! lists load each relation with one batched `IN (...)` query.

pub mod articles;
pub mod authors;
pub mod categories;
pub mod feed;
pub mod images;
pub mod sessions;
pub mod site;
pub mod slugged;
pub mod tags;
pub mod users;

use crate::DbError;
use diesel::QueryResult;

/// What a key from a URL or a request body names.
pub enum Key {
    /// A canonical lowercase UUID: an id.
    Id(String),
    /// A well-formed slug.
    Slug(String),
}

/// Classifies a key, or `None` when it can name nothing (it is neither an
/// id nor a slug), so hostile input never reaches the database.
pub fn key(raw: &str) -> Option<Key> {
    let lower = raw.trim().to_ascii_lowercase();
    if is_id(&lower) {
        return Some(Key::Id(lower));
    }
    toasoan_domain::slug::Slug::parse(&lower)
        .ok()
        .map(|s| Key::Slug(s.into_string()))
}

/// True for a canonical hyphenated UUID (the only id form the API hands out).
pub fn is_id(raw: &str) -> bool {
    raw.len() == 36 && uuid::Uuid::try_parse(raw).is_ok()
}

/// Keeps only well-formed ids (lowercased).
pub(crate) fn ids_only(ids: &[String]) -> Vec<String> {
    ids.iter()
        .map(|i| i.to_ascii_lowercase())
        .filter(|i| is_id(i))
        .collect()
}

/// Turns a "no row" result into `None`, any other error into `DbError`.
pub(crate) fn optional<T>(result: QueryResult<T>) -> Result<Option<T>, DbError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(diesel::result::Error::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The `LIKE` pattern matching `base-2`, `base-3`, ... (slugs contain no `%` or `_`).
pub(crate) fn suffixed(base: &str) -> String {
    format!("{base}-%")
}
