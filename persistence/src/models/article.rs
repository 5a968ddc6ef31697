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
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
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

impl TryFrom<ArticleSummaryRow> for toasoan_domain::article::ArticleMeta {
    type Error = crate::DbError;

    fn try_from(row: ArticleSummaryRow) -> Result<Self, Self::Error> {
        use super::{at, corrupt, id, opt_id, slug};
        Ok(Self {
            id: id(&row.id)?,
            slug: slug(&row.slug)?,
            title: row.title,
            sapo: row.sapo,
            status: toasoan_domain::article::Status::parse(&row.status).map_err(corrupt)?,
            featured: row.featured,
            featured_rank: row.featured_rank,
            published_at: row.published_at.map(at),
            category_id: opt_id(row.category_id.as_deref())?,
            cover_image_id: opt_id(row.cover_image_id.as_deref())?,
            created_by: opt_id(row.created_by.as_deref())?,
            comment_count: row.comment_count,
            version: row.version,
            created_at: at(row.created_at),
            updated_at: at(row.updated_at),
        })
    }
}

impl TryFrom<ArticleRow> for toasoan_domain::article::Article {
    type Error = crate::DbError;

    fn try_from(row: ArticleRow) -> Result<Self, Self::Error> {
        let blocks = serde_json::from_str(&row.body).map_err(super::corrupt)?;
        let summary = ArticleSummaryRow {
            id: row.id,
            slug: row.slug,
            title: row.title,
            sapo: row.sapo,
            status: row.status,
            featured: row.featured,
            featured_rank: row.featured_rank,
            published_at: row.published_at,
            category_id: row.category_id,
            cover_image_id: row.cover_image_id,
            created_by: row.created_by,
            comment_count: row.comment_count,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        };
        Ok(Self {
            meta: summary.try_into()?,
            body: toasoan_domain::block::Body::from_stored(blocks),
            body_html: row.body_html,
        })
    }
}
