//! `images` rows.

use crate::schema::images;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use toasoan_domain::image::{FocalPoint, Image};
use toasoan_domain::image_file::{ImageFormat, Rendition};

/// Public URL path under which stored files are served.
pub const MEDIA_PREFIX: &str = "/media/";

/// An uploaded image as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = images)]
pub struct ImageRow {
    pub id: String,
    pub storage_key: String,
    pub format: String,
    pub byte_size: i64,
    pub width: i32,
    pub height: i32,
    pub content_hash: String,
    pub original_file_name: Option<String>,
    pub original_key: Option<String>,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub search_text: String,
    pub focal_x: Option<f64>,
    pub focal_y: Option<f64>,
    /// JSON array of `Rendition`.
    pub renditions: String,
    pub uploaded_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ImageRow {
    /// Public URL of the full-size served file.
    pub fn url(&self) -> String {
        format!("{MEDIA_PREFIX}{}", self.storage_key)
    }

    /// Every stored key of this image (served files and the kept original),
    /// for removing its files.
    pub fn all_keys(&self) -> Vec<String> {
        let mut keys = vec![self.storage_key.clone()];
        keys.extend(self.original_key.clone());
        if let Ok(renditions) = serde_json::from_str::<Vec<Rendition>>(&self.renditions) {
            keys.extend(renditions.into_iter().map(|r| r.key));
        }
        keys
    }
}

/// Rendition list as stored.
pub fn renditions_json(renditions: &[Rendition]) -> String {
    serde_json::to_string(renditions).unwrap_or_else(|_| "[]".to_owned())
}

/// Metadata an editor changes; `None` leaves a field alone, `Some(None)`
/// clears it.
#[derive(Debug, Clone, Default)]
pub struct ImageChanges {
    pub caption: Option<Option<String>>,
    pub credit: Option<Option<String>>,
    pub alt: Option<Option<String>>,
    pub focal_point: Option<Option<FocalPoint>>,
}

impl TryFrom<ImageRow> for Image {
    type Error = crate::DbError;

    fn try_from(row: ImageRow) -> Result<Self, Self::Error> {
        use super::{at, corrupt, id};
        let format = ImageFormat::parse(&row.format)
            .ok_or_else(|| corrupt(format!("image format {:?}", row.format)))?;
        let focal_point = match (row.focal_x, row.focal_y) {
            (Some(x), Some(y)) => Some(FocalPoint::parse(x, y).map_err(corrupt)?),
            _ => None,
        };
        Ok(Self {
            id: id(&row.id)?,
            url: row.url(),
            mime_type: format.mime().to_owned(),
            format,
            byte_size: row.byte_size,
            width: row.width,
            height: row.height,
            content_hash: row.content_hash,
            original_file_name: row.original_file_name,
            alt: row.alt,
            caption: row.caption,
            credit: row.credit,
            focal_point,
            renditions: serde_json::from_str(&row.renditions).map_err(corrupt)?,
            storage_key: row.storage_key,
            created_at: at(row.created_at),
            updated_at: at(row.updated_at),
        })
    }
}
