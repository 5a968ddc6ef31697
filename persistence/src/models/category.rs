//! `categories` rows.

use crate::schema::categories;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A category as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = categories)]
pub struct CategoryRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub parent_id: Option<String>,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A partial update of a category.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = categories)]
pub struct CategoryChanges {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub parent_id: Option<Option<String>>,
    pub position: Option<i32>,
    pub updated_at: Option<NaiveDateTime>,
}
