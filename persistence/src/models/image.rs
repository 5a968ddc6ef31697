//! `images` rows.

use crate::schema::images;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// An uploaded image as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = images)]
pub struct ImageRow {
    pub id: String,
    pub storage_key: String,
    pub url: String,
    pub mime_type: String,
    pub byte_size: i64,
    pub width: i32,
    pub height: i32,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub uploaded_by: Option<String>,
    pub created_at: NaiveDateTime,
}
