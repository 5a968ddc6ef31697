//! Tags: free keywords that group articles across categories.

use crate::FieldError;
use crate::slug::Slug;
use crate::text::plain;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A keyword grouping articles across categories.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// UUIDv7.
    pub id: Uuid,
    /// URL slug.
    pub slug: Slug,
    /// Display name.
    pub name: String,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// Increases on every change; edits name it to detect lost races.
    pub version: i32,
}

/// A tag name: 1 to 80 characters.
pub fn name(raw: &str) -> Result<String, FieldError> {
    plain("name", raw, 1, 80)
}
