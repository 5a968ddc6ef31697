//! Articles as clients get them, and the batched loading of their relations
//! (one query per relation, whatever the page size).

use super::shape::{Includes, Shape};
use crate::error::ApiError;
use crate::http_cache::{Audience, etag_of, respond_tagged, version_prefix};
use crate::views::{ImageView, Ref};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;
use std::collections::HashMap;
use toasoan_domain::article::{Article, ArticleMeta, PublicStatus};
use toasoan_domain::author::Author;
use toasoan_domain::block::Block;
use toasoan_domain::byline::BylineRole;
use toasoan_domain::category::Category;
use toasoan_domain::image::Image;
use toasoan_domain::site::Site;
use toasoan_domain::tag::Tag;
use toasoan_persistence::DbConn;
use toasoan_persistence::models::article::{ArticleRow, ArticleSummaryRow};
use toasoan_persistence::queries::{
    articles, categories, corrections, images, related, site, views,
};
use utoipa::ToSchema;
use uuid::Uuid;

/// An article in a list: everything but the body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleSummary {
    /// UUIDv7.
    #[schema(format = Uuid)]
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
    /// Flagged as featured (`featured=true` lists it); the ordered
    /// "Nổi bật" list is `GET /api/v1/featured`.
    pub featured: bool,
    /// Publication instant (UTC).
    #[schema(example = "2024-04-20T02:54:00Z")]
    pub published_at: Option<DateTime<Utc>>,
    /// The same instant in the newsroom's time zone (site settings), so an
    /// app can print "20/04/2024 09:54" with no time-zone database.
    #[schema(value_type = Option<String>, format = DateTime, example = "2024-04-20T09:54:00+07:00")]
    pub published_at_local: Option<DateTime<FixedOffset>>,
    /// Expiry (UTC): from this instant on readers no longer see the
    /// article (404, gone from every list, feed and sitemap); its status
    /// then reads `expired` to staff. Null: it never expires.
    #[schema(example = "2024-05-20T02:54:00Z")]
    pub unpublish_at: Option<DateTime<Utc>>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// Section.
    pub category: Option<Ref>,
    /// Byline, in order, each author with their role.
    pub authors: Vec<BylineView>,
    /// Cover photo.
    pub cover_image: Option<ImageView>,
    /// Tags.
    pub tags: Vec<Ref>,
    /// Approved comments.
    pub comment_count: i32,
    /// Times readers viewed it ("Đọc nhiều"): a live counter, written in
    /// batches, so it lags by up to `TOASOAN_VIEWS_FLUSH_SECS`. The ETag does
    /// not cover it: a 304 may come with an older count.
    #[schema(example = 1520)]
    pub view_count: i64,
    /// Increases on every change; send it back as `If-Match` or `version`.
    pub version: i32,
    /// Words of the body's text (computed on write).
    #[schema(example = 412)]
    pub word_count: i32,
    /// Minutes to read the body at about 200 words a minute, rounded up, at
    /// least 1 (computed on write).
    #[schema(example = 3)]
    pub reading_time_minutes: i32,
    /// Search results (`q`) only: a short passage of the sapo, body or
    /// title around the best match, the matched words in `<mark>`.
    /// HTML-escaped: safe to insert into a page as it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(
        example = "… nâng cao nhận thức về <mark>học</mark> <mark>tập</mark> và <mark>làm</mark> <mark>theo</mark> <mark>Bác</mark> …"
    )]
    pub highlight: Option<String>,
}

/// One author of a byline: the author's reference and what they did.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5a", "slug": "le-thi-nhu-thuy", "name": "Lê Thị Như Thủy", "role": "writer"}))]
pub struct BylineView {
    /// The author.
    #[serde(flatten)]
    pub author: Ref,
    /// `writer`, `photographer`, `editor` or `translator`.
    pub role: BylineRole,
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
    /// Public corrections, oldest first (`updated_at` moves with each,
    /// `published_at` does not).
    pub corrections: Vec<CorrectionView>,
    /// Staff only: the related-article picks an editor set, in order,
    /// whether readers see them or not (readers get
    /// `GET /api/v1/articles/{id_or_slug}/related`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = json!(["0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5a"]))]
    pub related_ids: Option<Vec<String>>,
    /// With `jsonld=true`: a schema.org `NewsArticle` (headline, image,
    /// datePublished, dateModified, author, publisher) to put in the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>, example = json!({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Mặt trận các cấp triển khai kế hoạch học tập và làm theo Bác", "datePublished": "2024-04-20T09:54:00+07:00"}))]
    pub jsonld: Option<serde_json::Value>,
    /// Staff only (editors, and the article's author): the notes editors
    /// sent back with it, newest first. Never sent to readers; the ETag
    /// does not cover it (a note always comes with a new version).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_notes: Option<Vec<super::review::ReviewNote>>,
}

/// A public correction note on an article.
#[derive(Debug, Serialize, ToSchema)]
pub struct CorrectionView {
    /// The note, plain text.
    #[schema(example = "Bản trước ghi nhầm ngày ban hành kế hoạch là 18/4; đúng là 19/4/2024.")]
    pub text: String,
    /// When it was appended (set by the server).
    #[schema(example = "2024-04-21T03:10:00Z")]
    pub at: DateTime<Utc>,
}

/// The relations of a set of articles, each loaded with one query.
#[derive(Default)]
pub struct Relations {
    categories: HashMap<Uuid, Category>,
    authors: HashMap<Uuid, Vec<(Author, BylineRole)>>,
    tags: HashMap<Uuid, Vec<Tag>>,
    images: HashMap<Uuid, Image>,
    views: HashMap<String, i64>,
    site: Option<Site>,
}

fn strings<'a>(ids: impl Iterator<Item = &'a Uuid>) -> Vec<String> {
    let mut out: Vec<String> = ids.map(Uuid::to_string).collect();
    out.sort();
    out.dedup();
    out
}

impl Relations {
    /// Loads categories, bylines, tags, cover images and view counts for
    /// these articles, and the site's time zone: six queries in all,
    /// whatever their number.
    pub fn load(conn: &mut DbConn, metas: &[ArticleMeta]) -> Result<Self, ApiError> {
        Self::load_only(conn, metas, Includes::default())
    }

    /// Like `load`, skipping the queries of relations not included.
    pub fn load_only(
        conn: &mut DbConn,
        metas: &[ArticleMeta],
        include: Includes,
    ) -> Result<Self, ApiError> {
        let ids = strings(metas.iter().map(|m| &m.id));
        let category_ids = strings(metas.iter().filter_map(|m| m.category_id.as_ref()));
        let image_ids = strings(metas.iter().filter_map(|m| m.cover_image_id.as_ref()));
        let mut relations = Relations::default();
        let none = Vec::new();
        let (category_ids, image_ids) = (
            if include.category {
                &category_ids
            } else {
                &none
            },
            if include.cover_image {
                &image_ids
            } else {
                &none
            },
        );
        let article_ids = |wanted: bool| if wanted { ids.as_slice() } else { &[] };
        for row in categories::by_ids(conn, category_ids)? {
            let category = Category::try_from(row)?;
            relations.categories.insert(category.id, category);
        }
        for (article_id, row, role) in articles::authors_of(conn, article_ids(include.authors))? {
            let article_id = Uuid::try_parse(&article_id).map_err(ApiError::internal)?;
            relations
                .authors
                .entry(article_id)
                .or_default()
                .push((row.try_into()?, role));
        }
        for (article_id, row) in articles::tags_of(conn, article_ids(include.tags))? {
            let article_id = Uuid::try_parse(&article_id).map_err(ApiError::internal)?;
            relations
                .tags
                .entry(article_id)
                .or_default()
                .push(row.try_into()?);
        }
        relations.views = views::totals(conn, &ids)?;
        relations.site = Some(Site::try_from(site::get(conn)?)?);
        for row in images::by_ids(conn, image_ids)? {
            let image = Image::try_from(row)?;
            relations.images.insert(image.id, image);
        }
        Ok(relations)
    }

    /// The summary of one article as seen at `now`.
    pub fn summary(&self, meta: ArticleMeta, now: DateTime<Utc>) -> ArticleSummary {
        ArticleSummary {
            status: meta
                .status
                .public(meta.published_at, meta.unpublish_at, now),
            unpublish_at: meta.unpublish_at,
            category: meta
                .category_id
                .and_then(|c| self.categories.get(&c))
                .map(Ref::from),
            authors: self
                .authors
                .get(&meta.id)
                .map(|a| {
                    a.iter()
                        .map(|(author, role)| BylineView {
                            author: Ref::from(author),
                            role: *role,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            tags: self
                .tags
                .get(&meta.id)
                .map(|t| t.iter().map(Ref::from).collect())
                .unwrap_or_default(),
            cover_image: meta
                .cover_image_id
                .and_then(|i| self.images.get(&i))
                .map(ImageView::from),
            id: meta.id.to_string(),
            slug: meta.slug.into_string(),
            title: meta.title,
            sapo: meta.sapo,
            featured: meta.featured,
            published_at_local: meta
                .published_at
                .zip(self.site.as_ref())
                .map(|(at, site)| site.local(at)),
            published_at: meta.published_at,
            updated_at: meta.updated_at,
            comment_count: meta.comment_count,
            view_count: self.views.get(&meta.id.to_string()).copied().unwrap_or(0),
            version: meta.version,
            word_count: meta.word_count,
            reading_time_minutes: meta.reading_time_minutes,
            highlight: None,
        }
    }
}

/// The summaries of a page of rows as seen at `now`, their relations
/// loaded in batches.
pub fn summaries(
    conn: &mut DbConn,
    rows: Vec<ArticleSummaryRow>,
    now: DateTime<Utc>,
) -> Result<Vec<ArticleSummary>, ApiError> {
    summaries_with(conn, rows, now, Includes::default())
}

/// Like `summaries`, loading only the relations included.
pub fn summaries_with(
    conn: &mut DbConn,
    rows: Vec<ArticleSummaryRow>,
    now: DateTime<Utc>,
    include: Includes,
) -> Result<Vec<ArticleSummary>, ApiError> {
    let metas = rows
        .into_iter()
        .map(ArticleMeta::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let relations = Relations::load_only(conn, &metas, include)?;
    Ok(metas
        .into_iter()
        .map(|m| relations.summary(m, now))
        .collect())
}

/// Loads what one article needs and builds its view (staff's: with the
/// related picks; `for_readers` takes them out).
pub fn full(conn: &mut DbConn, row: ArticleRow) -> Result<ArticleView, ApiError> {
    let corrections = corrections::of(conn, &row.id)?
        .into_iter()
        .map(CorrectionView::from)
        .collect();
    let article = Article::try_from(row)?;
    let relations = Relations::load(conn, std::slice::from_ref(&article.meta))?;
    let related_ids = related::picks_of(conn, &article.meta.id.to_string())?;
    Ok(assemble(
        &relations,
        article.meta,
        article.body.blocks().to_vec(),
        article.body_html,
        corrections,
        Some(related_ids),
        Utc::now(),
    ))
}

/// An article's view from its parts and its loaded relations, as seen at
/// `now`: the one place a whole article is put together (live reads and
/// the stored documents both come from it).
pub fn assemble(
    relations: &Relations,
    meta: ArticleMeta,
    body: Vec<Block>,
    body_html: String,
    corrections: Vec<CorrectionView>,
    related_ids: Option<Vec<String>>,
    now: DateTime<Utc>,
) -> ArticleView {
    let created_at = meta.created_at;
    ArticleView {
        summary: relations.summary(meta, now),
        body,
        body_html,
        created_at,
        corrections,
        related_ids,
        jsonld: None,
        review_notes: None,
    }
}

impl From<toasoan_persistence::models::revision::CorrectionRow> for CorrectionView {
    fn from(c: toasoan_persistence::models::revision::CorrectionRow) -> Self {
        Self {
            text: c.text,
            at: toasoan_persistence::time::from_db(c.created_at),
        }
    }
}

/// The view readers get: without what only staff see (the related picks,
/// which may name unpublished articles).
pub fn for_readers(mut view: ArticleView) -> ArticleView {
    view.related_ids = None;
    view
}

/// An article's ETag: its version and a hash of its representation without
/// the live view counter (so readers' views never make an editor's
/// `If-Match` stale) and without the staff-only review notes (so staff and
/// readers name a version by the same tag).
pub fn etag(view: &ArticleView) -> Result<String, ApiError> {
    let value = serde_json::to_value(view).map_err(ApiError::internal)?;
    etag_without_views(value, view.summary.version)
}

/// The ETag of a serialized article (whole or trimmed), its view counter
/// and what only staff get left out (review notes, related picks: a change
/// of picks is a new version anyway).
fn etag_without_views(mut value: serde_json::Value, version: i32) -> Result<String, ApiError> {
    if let Some(fields) = value.as_object_mut() {
        fields.remove("view_count");
        fields.remove("review_notes");
        fields.remove("related_ids");
    }
    etag_of(&value, &version_prefix(version))
}

/// Sends an article with its ETag (304 when the client's is current).
pub fn respond(
    req: &HttpRequest,
    view: &ArticleView,
    audience: Audience,
) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(view).map_err(ApiError::internal)?;
    respond_tagged(req, body, "application/json", etag(view)?, audience)
}

/// Sends an article trimmed to the fields asked for, under the ETag of
/// what is sent (without the live view counter).
pub fn respond_trimmed(
    req: &HttpRequest,
    view: &ArticleView,
    shape: &Shape,
    audience: Audience,
) -> Result<HttpResponse, ApiError> {
    let mut value = serde_json::to_value(view).map_err(ApiError::internal)?;
    shape.apply(&mut value);
    let etag = etag_without_views(value.clone(), view.summary.version)?;
    let body = serde_json::to_vec(&value).map_err(ApiError::internal)?;
    respond_tagged(req, body, "application/json", etag, audience)
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::Connection;
    use diesel::connection::{Instrumentation, InstrumentationEvent};
    use std::sync::{Arc, Mutex};
    use toasoan_domain::slug::Slug;
    use toasoan_persistence::models::article::NewArticle;

    struct Counter(Arc<Mutex<usize>>);

    impl Instrumentation for Counter {
        fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
            if let InstrumentationEvent::StartQuery { .. } = event {
                *self.0.lock().unwrap() += 1;
            }
        }
    }

    /// Queries sent to build the summaries of `n` articles.
    fn queries_for(n: usize, include: Includes) -> usize {
        let dir = tempfile::tempdir().unwrap();
        let pool =
            toasoan_persistence::connect(dir.path().join("q.db").to_str().unwrap(), 1).unwrap();
        let mut conn = pool.get().unwrap();
        toasoan_persistence::migrate(&mut conn).unwrap();
        let now = toasoan_persistence::time::now();
        let mut ids = Vec::new();
        for i in 0..n {
            let slug = Slug::parse(&format!("bai-{i}")).unwrap();
            let mut new = NewArticle::draft(format!("Bài {i}"), slug, "", now);
            new.created_by = None;
            ids.push(new.id.clone());
            articles::insert(&mut conn, &new).unwrap();
        }
        let rows = articles::summaries_by_ids(&mut conn, &ids).unwrap();
        let seen = Arc::new(Mutex::new(0));
        conn.set_instrumentation(Counter(seen.clone()));
        summaries_with(&mut conn, rows, Utc::now(), include).unwrap();
        *seen.lock().unwrap()
    }

    #[test]
    fn each_included_relation_is_one_query_whatever_the_page_size() {
        let all = Includes::default();
        let none = Includes {
            category: false,
            authors: false,
            tags: false,
            cover_image: false,
            body: false,
        };
        // Bylines and tags are one query each for 1 or 20 articles; left
        // out, they cost nothing.
        assert_eq!(queries_for(1, all), queries_for(20, all));
        assert_eq!(queries_for(20, all), queries_for(20, none) + 2);
    }
}
