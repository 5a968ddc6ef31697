//! Row types, one module per table: what is read (`*Row`), what is
//! inserted (`New*`) and what a partial update sets (`*Changes`, where
//! `Option<Option<T>>` means leave alone / set NULL / set a value).

pub mod article;
pub mod author;
pub mod category;
pub mod comment;
pub mod event;
pub mod image;
pub mod revision;
pub mod session;
pub mod site;
pub mod stored;
pub mod tag;
pub mod user;
pub mod webhook;

use crate::DbError;
use toasoan_domain::slug::Slug;
use uuid::Uuid;

/// A stored id; anything else is corruption.
pub(crate) fn id(raw: &str) -> Result<Uuid, DbError> {
    Uuid::try_parse(raw).map_err(|_| DbError::Corrupt(format!("stored id {raw:?} is not a UUID")))
}

/// A stored optional id.
pub(crate) fn opt_id(raw: Option<&str>) -> Result<Option<Uuid>, DbError> {
    raw.map(id).transpose()
}

/// A stored slug.
pub(crate) fn slug(raw: &str) -> Result<Slug, DbError> {
    Slug::parse(raw).map_err(|e| DbError::Corrupt(format!("stored slug {raw:?}: {e}")))
}

/// A stored rule-bound value that no longer parses.
pub(crate) fn corrupt(e: impl std::fmt::Display) -> DbError {
    DbError::Corrupt(e.to_string())
}

pub(crate) use crate::time::from_db as at;
