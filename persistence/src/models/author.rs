//! `authors` rows.

use crate::schema::authors;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A byline as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = authors)]
pub struct AuthorRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub sort_key: String,
    pub bio: Option<String>,
    pub user_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Increases on every change (`Slugged::update` makes it conditional).
    pub version: i32,
}

/// A partial update of an author.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = authors)]
pub struct AuthorChanges {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub sort_key: Option<String>,
    pub bio: Option<Option<String>>,
    pub user_id: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

impl TryFrom<AuthorRow> for toasoan_domain::author::Author {
    type Error = crate::DbError;

    fn try_from(row: AuthorRow) -> Result<Self, Self::Error> {
        use super::{at, id, opt_id, slug};
        Ok(Self {
            id: id(&row.id)?,
            slug: slug(&row.slug)?,
            name: row.name,
            bio: row.bio,
            user_id: opt_id(row.user_id.as_deref())?,
            created_at: at(row.created_at),
            updated_at: at(row.updated_at),
            version: row.version,
        })
    }
}
