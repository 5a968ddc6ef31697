//! `articles` rows and their link tables.

use super::stored::Stored;
use crate::schema::articles;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use toasoan_domain::article::{Status, visible_to_readers};
use toasoan_domain::slug::Slug;

/// An article as stored, body included.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles)]
pub struct ArticleRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub sapo: Option<String>,
    pub body: String,
    pub body_html: String,
    #[diesel(deserialize_as = Stored<Status>)]
    pub status: Status,
    pub featured: bool,
    pub featured_rank: Option<i32>,
    pub published_at: Option<NaiveDateTime>,
    pub unpublish_at: Option<NaiveDateTime>,
    pub category_id: Option<String>,
    pub cover_image_id: Option<String>,
    pub created_by: Option<String>,
    pub comment_count: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ArticleRow {
    /// True when readers may see it at `now`: the domain's one definition
    /// (`toasoan_domain::article::visible_to_readers`), applied to a row.
    pub fn is_public(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        visible_to_readers(
            self.status,
            self.published_at.map(super::at),
            self.unpublish_at.map(super::at),
            now,
        )
    }
}

/// A new article with its byline and tags, ready to store.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = articles)]
pub struct NewArticle {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub sapo: Option<String>,
    pub body: String,
    pub body_html: String,
    #[diesel(serialize_as = Stored<Status>)]
    pub status: Status,
    pub featured: bool,
    pub featured_rank: Option<i32>,
    pub published_at: Option<NaiveDateTime>,
    pub unpublish_at: Option<NaiveDateTime>,
    pub category_id: Option<String>,
    pub cover_image_id: Option<String>,
    pub created_by: Option<String>,
    pub comment_count: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Byline: author ids, in order.
    #[diesel(skip_insertion)]
    pub authors: Vec<String>,
    /// Tag ids.
    #[diesel(skip_insertion)]
    pub tags: Vec<String>,
}

impl NewArticle {
    /// A new draft with the workflow's defaults: a fresh UUIDv7, status
    /// draft, unpublished, not featured, empty body, no relations, no
    /// comments, version 1. Callers fill in what the request gave.
    pub fn draft(title: String, slug: Slug, created_by: &str, now: NaiveDateTime) -> Self {
        Self {
            id: uuid::Uuid::now_v7().to_string(),
            slug: slug.into_string(),
            title,
            sapo: None,
            body: "[]".to_owned(),
            body_html: String::new(),
            status: Status::Draft,
            featured: false,
            featured_rank: None,
            published_at: None,
            unpublish_at: None,
            category_id: None,
            cover_image_id: None,
            created_by: Some(created_by.to_owned()),
            comment_count: 0,
            version: 1,
            created_at: now,
            updated_at: now,
            authors: Vec::new(),
            tags: Vec::new(),
        }
    }
}

/// An article as a list shows it: no body, no rendered HTML.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = articles)]
pub struct ArticleSummaryRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub sapo: Option<String>,
    #[diesel(deserialize_as = Stored<Status>)]
    pub status: Status,
    pub featured: bool,
    pub featured_rank: Option<i32>,
    pub published_at: Option<NaiveDateTime>,
    pub unpublish_at: Option<NaiveDateTime>,
    pub category_id: Option<String>,
    pub cover_image_id: Option<String>,
    pub created_by: Option<String>,
    pub comment_count: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A partial update of an article, with its byline and tags when they
/// change; `version` is always bumped by the caller.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = articles)]
pub struct ArticleChanges {
    pub slug: Option<String>,
    pub title: Option<String>,
    pub sapo: Option<Option<String>>,
    pub body: Option<String>,
    pub body_html: Option<String>,
    #[diesel(serialize_as = Stored<Status>)]
    pub status: Option<Status>,
    pub featured: Option<bool>,
    pub featured_rank: Option<Option<i32>>,
    pub published_at: Option<Option<NaiveDateTime>>,
    pub unpublish_at: Option<Option<NaiveDateTime>>,
    pub category_id: Option<Option<String>>,
    pub cover_image_id: Option<Option<String>>,
    pub version: Option<i32>,
    pub updated_at: Option<NaiveDateTime>,
    /// New byline: author ids, in order.
    #[diesel(skip_update)]
    pub authors: Option<Vec<String>>,
    /// New tag ids.
    #[diesel(skip_update)]
    pub tags: Option<Vec<String>>,
}

impl From<NewArticle> for ArticleRow {
    /// The row as stored once inserted (no need to read it back).
    fn from(new: NewArticle) -> Self {
        Self {
            id: new.id,
            slug: new.slug,
            title: new.title,
            sapo: new.sapo,
            body: new.body,
            body_html: new.body_html,
            status: new.status,
            featured: new.featured,
            featured_rank: new.featured_rank,
            published_at: new.published_at,
            unpublish_at: new.unpublish_at,
            category_id: new.category_id,
            cover_image_id: new.cover_image_id,
            created_by: new.created_by,
            comment_count: new.comment_count,
            version: new.version,
            created_at: new.created_at,
            updated_at: new.updated_at,
        }
    }
}

impl ArticleChanges {
    /// No field changed yet, but the version moves on from `version` and the
    /// article counts as updated at `now`: every write starts here.
    pub fn next_version(version: i32, now: NaiveDateTime) -> Self {
        Self {
            version: Some(version + 1),
            updated_at: Some(now),
            ..Self::default()
        }
    }
}

impl TryFrom<ArticleSummaryRow> for toasoan_domain::article::ArticleMeta {
    type Error = crate::DbError;

    fn try_from(row: ArticleSummaryRow) -> Result<Self, Self::Error> {
        use super::{at, id, opt_id, slug};
        Ok(Self {
            id: id(&row.id)?,
            slug: slug(&row.slug)?,
            title: row.title,
            sapo: row.sapo,
            status: row.status,
            featured: row.featured,
            featured_rank: row.featured_rank,
            published_at: row.published_at.map(at),
            unpublish_at: row.unpublish_at.map(at),
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
            unpublish_at: row.unpublish_at,
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
