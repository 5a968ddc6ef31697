//! Queries, one module per area. Plain functions taking `&mut DbConn`;
//! lists load each relation with one batched `IN (...)` query.

pub mod articles;
pub mod authors;
pub mod categories;
pub mod images;
pub mod sessions;
pub mod tags;
pub mod users;

use crate::DbError;
use diesel::QueryResult;

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
