//! Articles as clients get them, and the batched loading of their relations
//! (one query per relation, whatever the page size).

use crate::error::ApiError;
use crate::views::Ref;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;
use toasoan_domain::article::{PublicStatus, Status};
use toasoan_domain::block::Block;
use toasoan_persistence::models::article::{ArticleRow, ArticleSummaryRow};
use toasoan_persistence::models::author::AuthorRow;
use toasoan_persistence::models::category::CategoryRow;
use toasoan_persistence::models::image::ImageRow;
use toasoan_persistence::models::tag::TagRow;
use toasoan_persistence::queries::{articles, categories, images};
use toasoan_persistence::{DbConn, time};
use utoipa::ToSchema;

/// An image as an article shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImageView {
    /// UUIDv7.
    pub id: String,
    /// Public URL of the file.
    #[schema(example = "/media/2024/04/quang-canh-dai-hoi.jpg")]
    pub url: String,
    /// Pixel width.
    #[schema(example = 1200)]
    pub width: i32,
    /// Pixel height.
    #[schema(example = 800)]
    pub height: i32,
    /// Caption.
    #[schema(example = "Hoàn thành tổ chức đại hội MTTQ Việt Nam các cấp")]
    pub caption: Option<String>,
    /// Photo credit.
    #[schema(example = "N.T")]
    pub credit: Option<String>,
    /// Alternative text.
    pub alt: Option<String>,
    /// Resized variants by name (empty until renditions are generated).
    pub renditions: HashMap<String, String>,
}

impl From<&ImageRow> for ImageView {
    fn from(row: &ImageRow) -> Self {
        Self {
            id: row.id.clone(),
            url: row.url.clone(),
            width: row.width,
            height: row.height,
            caption: row.caption.clone(),
            credit: row.credit.clone(),
            alt: row.alt.clone(),
            renditions: HashMap::new(),
        }
    }
}

/// An article in a list: everything but the body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleSummary {
    /// UUIDv7.
    pub id: String,
    /// URL slug.
    #[schema(example = "mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac")]
    pub slug: String,
    /// Headline.
    #[schema(example = "Mặt trận các cấp triển khai kế hoạch học tập và làm theo Bác")]
    pub title: String,
    /// Lead paragraph.
    #[schema(
        example = "(QNO) - Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Quảng Nam vừa ban hành kế hoạch ..."
    )]
    pub sapo: Option<String>,
    /// Workflow status; `scheduled` is published with a future `published_at`.
    pub status: PublicStatus,
    /// Shown among featured articles.
    pub featured: bool,
    /// Order among featured articles, ascending.
    pub featured_rank: Option<i32>,
    /// Publication instant (UTC).
    #[schema(example = "2024-04-20T02:54:00Z")]
    pub published_at: Option<DateTime<Utc>>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// Section.
    pub category: Option<Ref>,
    /// Byline, in order.
    pub authors: Vec<Ref>,
    /// Cover photo.
    pub cover_image: Option<ImageView>,
    /// Tags.
    pub tags: Vec<Ref>,
    /// Approved comments.
    pub comment_count: i32,
    /// Increases on every change; send it back as `If-Match` or `version`.
    pub version: i32,
}

/// A whole article.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleView {
    /// Everything a list shows.
    #[serde(flatten)]
    pub summary: ArticleSummary,
    /// Body blocks.
    pub body: Vec<Block>,
    /// The body rendered to HTML, safe to insert into a page.
    #[schema(example = "<p>Theo đó, tiếp tục tổ chức quán triệt ...</p>")]
    pub body_html: String,
    /// When created.
    pub created_at: DateTime<Utc>,
}

/// The relations of a set of articles, each loaded with one query.
#[derive(Default)]
pub struct Relations {
    categories: HashMap<String, CategoryRow>,
    authors: HashMap<String, Vec<AuthorRow>>,
    tags: HashMap<String, Vec<TagRow>>,
    images: HashMap<String, ImageRow>,
}

/// The columns relations are found by.
pub struct Keys<'a> {
    /// Article id.
    pub id: &'a str,
    /// Its category.
    pub category_id: Option<&'a str>,
    /// Its cover image.
    pub cover_image_id: Option<&'a str>,
}

impl Relations {
    /// Loads categories, bylines, tags and cover images for these articles:
    /// four queries in all.
    pub fn load(conn: &mut DbConn, keys: &[Keys<'_>]) -> Result<Self, ApiError> {
        let ids: Vec<String> = keys.iter().map(|k| k.id.to_owned()).collect();
        let category_ids = distinct(keys.iter().filter_map(|k| k.category_id));
        let image_ids = distinct(keys.iter().filter_map(|k| k.cover_image_id));
        let mut relations = Relations::default();
        for row in categories::by_ids(conn, &category_ids)? {
            relations.categories.insert(row.id.clone(), row);
        }
        for (article_id, author) in articles::authors_of(conn, &ids)? {
            relations
                .authors
                .entry(article_id)
                .or_default()
                .push(author);
        }
        for (article_id, tag) in articles::tags_of(conn, &ids)? {
            relations.tags.entry(article_id).or_default().push(tag);
        }
        for row in images::by_ids(conn, &image_ids)? {
            relations.images.insert(row.id.clone(), row);
        }
        Ok(relations)
    }

    /// The summary of one article.
    pub fn summary(
        &self,
        row: ArticleSummaryRow,
        now: NaiveDateTime,
    ) -> Result<ArticleSummary, ApiError> {
        let status = Status::parse(&row.status).map_err(ApiError::internal)?;
        let published_at = row.published_at.map(time::from_db);
        Ok(ArticleSummary {
            status: status.public(published_at, time::from_db(now)),
            category: row
                .category_id
                .as_ref()
                .and_then(|c| self.categories.get(c))
                .map(Ref::from),
            authors: self
                .authors
                .get(&row.id)
                .map(|a| a.iter().map(Ref::from).collect())
                .unwrap_or_default(),
            tags: self
                .tags
                .get(&row.id)
                .map(|t| t.iter().map(Ref::from).collect())
                .unwrap_or_default(),
            cover_image: row
                .cover_image_id
                .as_ref()
                .and_then(|i| self.images.get(i))
                .map(ImageView::from),
            id: row.id,
            slug: row.slug,
            title: row.title,
            sapo: row.sapo,
            featured: row.featured,
            featured_rank: row.featured_rank,
            published_at,
            updated_at: time::from_db(row.updated_at),
            comment_count: row.comment_count,
            version: row.version,
        })
    }
}

fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = values.map(str::to_owned).collect();
    out.sort();
    out.dedup();
    out
}

/// Splits a full row into its summary part, body and creation time.
pub fn split(row: ArticleRow) -> (ArticleSummaryRow, String, String, NaiveDateTime) {
    let created_at = row.created_at;
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
    (summary, row.body, row.body_html, created_at)
}

/// Loads what one article needs and builds its view.
pub fn full(conn: &mut DbConn, row: ArticleRow) -> Result<ArticleView, ApiError> {
    let relations = Relations::load(
        conn,
        &[Keys {
            id: &row.id,
            category_id: row.category_id.as_deref(),
            cover_image_id: row.cover_image_id.as_deref(),
        }],
    )?;
    let (summary, body, body_html, created_at) = split(row);
    let body: Vec<Block> = serde_json::from_str(&body).map_err(ApiError::internal)?;
    Ok(ArticleView {
        summary: relations.summary(summary, time::now())?,
        body,
        body_html,
        created_at: time::from_db(created_at),
    })
}

/// True when readers may see the article at `now`.
pub fn is_public(status: &str, published_at: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    status == Status::Published.as_str() && published_at.is_some_and(|at| at <= now)
}
