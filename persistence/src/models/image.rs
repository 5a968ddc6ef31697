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

impl TryFrom<ImageRow> for toasoan_domain::image::Image {
    type Error = crate::DbError;

    fn try_from(row: ImageRow) -> Result<Self, Self::Error> {
        use super::{at, id};
        Ok(Self {
            id: id(&row.id)?,
            url: row.url,
            mime_type: row.mime_type,
            byte_size: row.byte_size,
            width: row.width,
            height: row.height,
            alt: row.alt,
            caption: row.caption,
            credit: row.credit,
            created_at: at(row.created_at),
        })
    }
}
