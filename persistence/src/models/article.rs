//! `articles` rows and their link tables.

use crate::schema::articles;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// An article as stored, body included.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = articles)]
pub struct ArticleRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub sapo: Option<String>,
    pub body: String,
    pub body_html: String,
    pub status: String,
    pub featured: bool,
    pub featured_rank: Option<i32>,
    pub published_at: Option<NaiveDateTime>,
    pub category_id: Option<String>,
    pub cover_image_id: Option<String>,
    pub created_by: Option<String>,
    pub comment_count: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An article as a list shows it: no body, no rendered HTML.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles)]
pub struct ArticleSummaryRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub sapo: Option<String>,
    pub status: String,
    pub featured: bool,
    pub featured_rank: Option<i32>,
    pub published_at: Option<NaiveDateTime>,
    pub category_id: Option<String>,
    pub cover_image_id: Option<String>,
    pub created_by: Option<String>,
    pub comment_count: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A partial update of an article; `version` is always bumped by the caller.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = articles)]
pub struct ArticleChanges {
    pub slug: Option<String>,
    pub title: Option<String>,
    pub sapo: Option<Option<String>>,
    pub body: Option<String>,
    pub body_html: Option<String>,
    pub status: Option<String>,
    pub featured: Option<bool>,
    pub featured_rank: Option<Option<i32>>,
    pub published_at: Option<Option<NaiveDateTime>>,
    pub category_id: Option<Option<String>>,
    pub cover_image_id: Option<Option<String>>,
    pub version: Option<i32>,
    pub updated_at: Option<NaiveDateTime>,
}
