//! The `site_settings` row (there is exactly one).

use crate::DbError;
use crate::schema::site_settings;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use toasoan_domain::site::{self, Site};

/// The settings as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = site_settings)]
pub struct SiteRow {
    pub id: i32,
    pub name: String,
    pub url: String,
    pub language: String,
    pub time_zone: String,
    pub logo_url: Option<String>,
    pub article_path: String,
    pub updated_at: NaiveDateTime,
}

/// A partial update of the settings.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = site_settings)]
pub struct SiteChanges {
    pub name: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    pub logo_url: Option<Option<String>>,
    pub article_path: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

impl TryFrom<SiteRow> for Site {
    type Error = DbError;

    fn try_from(row: SiteRow) -> Result<Self, DbError> {
        let corrupt = |e: toasoan_domain::FieldError| DbError::Corrupt(e.to_string());
        Ok(Site {
            name: row.name,
            url: row.url,
            language: row.language,
            time_zone: site::time_zone(&row.time_zone).map_err(corrupt)?,
            logo_url: row.logo_url,
            article_path: row.article_path,
        })
    }
}
