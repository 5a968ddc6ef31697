//! Authors: bylines. An author may or may not have an account.

use crate::FieldError;
use crate::slug::Slug;
use crate::text::{optional_plain, plain};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A name in bylines; it may belong to an account, or to nobody who logs in
/// (a correspondent, a news agency).
#[derive(Debug, Clone, PartialEq)]
pub struct Author {
    /// UUIDv7.
    pub id: Uuid,
    /// URL slug.
    pub slug: Slug,
    /// Byline name ("Lê Thị Như Thủy").
    pub name: String,
    /// Short biography.
    pub bio: Option<String>,
    /// The linked account, if any.
    pub user_id: Option<Uuid>,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// Increases on every change; edits name it to detect lost races.
    pub version: i32,
}

/// A byline name ("Lê Thị Như Thủy"): 1 to 120 characters.
pub fn name(raw: &str) -> Result<String, FieldError> {
    plain("name", raw, 1, 120)
}

/// A short biography of up to 2 000 characters.
pub fn bio(raw: Option<&str>) -> Result<Option<String>, FieldError> {
    optional_plain("bio", raw, 2_000)
}
