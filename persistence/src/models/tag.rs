//! `tags` rows.

use crate::schema::tags;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A tag as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = tags)]
pub struct TagRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub sort_key: String,
    pub created_at: NaiveDateTime,
    /// Increases on every change (`Slugged::update` makes it conditional).
    pub version: i32,
    /// When last changed.
    pub updated_at: NaiveDateTime,
}

/// A partial update of a tag.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = tags)]
pub struct TagChanges {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub sort_key: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

impl TryFrom<TagRow> for toasoan_domain::tag::Tag {
    type Error = crate::DbError;

    fn try_from(row: TagRow) -> Result<Self, Self::Error> {
        use super::{at, id, slug};
        Ok(Self {
            id: id(&row.id)?,
            slug: slug(&row.slug)?,
            name: row.name,
            created_at: at(row.created_at),
            updated_at: at(row.updated_at),
            version: row.version,
        })
    }
}
