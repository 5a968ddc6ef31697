//! Articles: public reads (lists and single articles), editorial writes
//! (`write`) and the workflow actions (`workflow`). Handlers authorize,
//! convert (`input` for writes, `filters` for lists), write or read, and
//! respond (`view`); `access` says who may write which article.

pub mod access;
pub mod corrections;
pub mod featured;
pub mod filters;
pub mod input;
pub mod jsonld;
pub mod preview;
pub mod related;
pub mod review;
pub mod revisions;
pub mod search;
pub mod shape;
pub mod stored;
pub mod view;
pub mod workflow;
pub mod write;

// Globs, so the endpoint table sees the handlers' OpenAPI descriptions too.
use corrections::*;
use featured::*;
use preview::*;
use related::*;
use review::*;
use revisions::*;
use workflow::*;
use write::*;

use crate::caller::{AuthUser, Viewer};
use crate::error::{ApiError, Code, Problem};
use crate::http_cache::{
    Audience, etag_of_bytes, respond_page, respond_page_tagged, respond_tagged,
};
use crate::pagination::{self, Page};
use crate::read_cache::Read;
use crate::responses::*;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, http::header, web};
use chrono::{DateTime, Utc};
use filters::ArticleListQuery;
use serde::Deserialize;
use shape::Shape;
use std::collections::HashMap;
use toasoan_domain::site::Site;
use toasoan_domain::user::Role;
use toasoan_persistence::models::article::ArticleRow;
use toasoan_persistence::queries::articles::{Found, Position};
use toasoan_persistence::queries::{articles, documents, site, views};
use toasoan_persistence::{DbConn, time};
use utoipa::IntoParams;
use view::{ArticleSummary, ArticleView};

crate::endpoints![
    list_articles,
    create_article,
    get_article,
    update_article,
    delete_article,
    publish_article,
    unpublish_article,
    submit_article,
    archive_article,
    return_article,
    list_article_revisions,
    get_article_revision,
    restore_article_revision,
    create_article_correction,
    list_related_articles,
    list_featured,
    replace_featured,
    create_preview_token,
];

pub(crate) fn not_found() -> ApiError {
    Code::ArticleNotFound.err("no such article")
}

/// What a viewer may read: readers see what is public; editors see
/// everything; authors also see their own unpublished articles.
fn may_read(viewer: Option<&AuthUser>, row: &ArticleRow, now: DateTime<Utc>) -> bool {
    row.is_public(now) || is_staff_of(viewer, row)
}

/// Editors, and the article's own author.
fn is_staff_of(viewer: Option<&AuthUser>, row: &ArticleRow) -> bool {
    viewer.is_some_and(|u| {
        u.role.at_least(Role::Editor) || row.created_by.as_deref() == Some(u.id.as_str())
    })
}

/// The article `key` (id, slug or old slug) names, if `viewer` may read it
/// (404 otherwise): `Err(current slug)` for an old slug, and whether any
/// reader may see it (only that is publicly cacheable).
fn readable(
    conn: &mut DbConn,
    key: &str,
    viewer: Option<&AuthUser>,
    now: DateTime<Utc>,
) -> Result<(Result<ArticleRow, String>, bool), ApiError> {
    let (row, renamed) = match articles::find_by_key(conn, key)? {
        Some(Found::Article(row)) => (row, false),
        Some(Found::Renamed(row)) => (row, true),
        None => return Err(not_found()),
    };
    if !may_read(viewer, &row, now) {
        return Err(not_found());
    }
    let public = viewer.is_none() && row.is_public(now);
    Ok((if renamed { Err(row.slug) } else { Ok(row) }, public))
}

/// 301 to `location`, the current URL of what an old slug named.
fn moved(state: &AppState, location: String, public: bool) -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, location))
        .insert_header((
            header::CACHE_CONTROL,
            state.audience(!public).cache_control(),
        ))
        .insert_header((header::VARY, "Authorization"))
        .finish()
}

/// Finds an article by id or current slug (not by an old one).
pub(crate) fn find(conn: &mut DbConn, key: &str) -> Result<Option<ArticleRow>, ApiError> {
    Ok(match articles::find_by_key(conn, key)? {
        Some(Found::Article(row)) => Some(row),
        _ => None,
    })
}

fn position(cursor: &str, by_publication: bool) -> Result<Position, ApiError> {
    if by_publication {
        let parts = pagination::decode_cursor(cursor, "p", 2)?;
        let at = DateTime::parse_from_rfc3339(&parts[0])
            .map_err(|_| Code::InvalidCursor.err("the cursor is not one this list gave out"))?;
        Ok(Position::Published(
            time::to_db(at.to_utc()),
            parts[1].clone(),
        ))
    } else {
        Ok(Position::Id(
            pagination::decode_cursor(cursor, "i", 1)?.remove(0),
        ))
    }
}

fn cursor_after(summary: &ArticleSummary, by_publication: bool) -> String {
    cursor_at(summary.published_at, &summary.id, by_publication)
}

fn cursor_at(published_at: Option<DateTime<Utc>>, id: &str, by_publication: bool) -> String {
    match published_at.filter(|_| by_publication) {
        Some(at) => pagination::encode_cursor(
            "p",
            &[&at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true), id],
        ),
        None => pagination::encode_cursor("i", &[id]),
    }
}

/// A list page: built live, or assembled from stored entries.
enum Listed {
    /// Summaries built at read time (searches, staff lists, trimmed shapes).
    Live(Page<ArticleSummary>),
    /// What readers see, from the stored entries.
    Stored(stored::StoredPage),
}

/// Where a page starts.
enum After {
    /// At the top.
    Start,
    /// After a position of the plain list.
    Position(Position),
    /// After a search hit.
    Rank(toasoan_persistence::search::Rank),
}

/// Lists articles.
///
/// By default what readers see, newest first, with keyset paging that
/// costs the same at any depth. With `q`, the matches of a full-text
/// search, best first, each with a `highlight`.
#[utoipa::path(get, path = "/api/v1/articles", operation_id = "list_articles", tag = "articles",
    params(ArticleListQuery),
    responses(
        (status = 200, description = "A page of articles (no bodies)", body = Page<ArticleSummary>,
            headers(("ETag" = String), ("Link" = String, description = "`<...>; rel=\"next\"` when there is a next page"))),
        NotModified,
        SearchListErrors,
        (status = 401, description = "`status` asked without an access token (`token_missing`), or a token or API key sent that is not usable (`token_invalid`, `token_expired`, `session_revoked`, `api_key_invalid`, `api_key_revoked`, `api_key_expired`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`status` asked with a `read` API key (`api_key_scope`): it lists what the public reads", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown category, author or tag (`category_not_found`, `author_not_found`, `tag_not_found`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_articles(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<ArticleListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    if query.status.is_some() && viewer.has_read_key() {
        return Err(Code::ApiKeyScope.err(
            "a read API key lists published articles only; `status` needs a preview or write key",
        ));
    }
    if query.status.is_some() && viewer.0.is_none() {
        return Err(Code::TokenMissing.err("listing by status needs an access token"));
    }
    let staff = viewer.is_staff();
    let viewer = viewer.0;
    let shape = Shape::parse(query.fields.as_deref(), query.include.as_deref())?;
    let include = shape.include;
    if let Some(window) = query.popular_window()? {
        let page = state.db(move |conn| most_read(conn, window, limit)).await?;
        return respond_shaped(&state, &req, page, &shape, staff).await;
    }
    // A reader's plain page (no search): the read cache may hold it, under
    // the parsed query (so parameter order and encoding do not matter).
    let cache_key =
        (viewer.is_none() && query.q.is_none() && shape.is_plain()).then(|| format!("l/{query:?}"));
    if let Some(key) = &cache_key
        && let Some(read) = state.reads.get(key)
        && let Read::Page {
            body,
            etag,
            next_cursor,
        } = &*read
    {
        return respond_page_tagged(
            &req,
            body.clone(),
            etag.clone(),
            next_cursor.as_deref(),
            state.audience(false),
        );
    }
    let ticket = state.reads.ticket();
    let by_publication = query.by_publication();
    let searched = query.q.as_deref().map(search::parse).transpose()?;
    let counted = query.count == Some(filters::Count::Exact);
    if counted && searched.is_some() {
        return Err(Code::InvalidQuery.err("count=exact does not combine with q"));
    }
    let after = match (&searched, query.cursor.as_deref()) {
        (_, None) => After::Start,
        (Some(q), Some(c)) => After::Rank(search::after(c, q)?),
        (None, Some(c)) => After::Position(position(c, by_publication)?),
    };
    let plain = shape.is_plain();
    let listed = state
        .db(move |conn| {
            let now = time::now();
            let filters = filters::resolve(conn, &query, viewer.as_ref(), now)?;
            let after = match (after, &searched) {
                (After::Rank(rank), Some(q)) => {
                    return search::page(
                        conn,
                        q,
                        filters.page(None, limit),
                        Some(rank),
                        limit,
                        now,
                    )
                    .map(Listed::Live);
                }
                (_, Some(q)) => {
                    return search::page(conn, q, filters.page(None, limit), None, limit, now)
                        .map(Listed::Live);
                }
                (After::Position(position), None) => Some(position),
                (_, None) => None,
            };
            let list = filters.page(after, limit + 1);
            let total = if counted {
                Some(articles::count(conn, &list)?)
            } else {
                None
            };
            // What readers see, whole: the stored entries, in one query.
            if plain && matches!(list.visibility, articles::Visibility::Public { .. }) {
                let rows = documents::entries(conn, &list)?;
                return stored::page(conn, rows, limit, total, |at, id| {
                    cursor_at(at, id, by_publication)
                })
                .map(Listed::Stored);
            }
            let rows = articles::list(conn, &list)?;
            let summaries = view::summaries_with(conn, rows, time::from_db(now), include)?;
            let mut page = Page::new(summaries, limit, |s| cursor_after(s, by_publication));
            page.meta.total = total;
            Ok(Listed::Live(page))
        })
        .await?;
    match listed {
        Listed::Live(page) => respond_shaped(&state, &req, page, &shape, staff).await,
        Listed::Stored(page) => {
            let body = bytes::Bytes::from(page.body);
            let etag = etag_of_bytes(&body, "");
            let response = respond_page_tagged(
                &req,
                body.clone(),
                etag.clone(),
                page.next_cursor.as_deref(),
                state.audience(staff),
            );
            if let Some(key) = cache_key {
                let read = Read::Page {
                    body,
                    etag,
                    next_cursor: page.next_cursor,
                };
                state
                    .reads
                    .put(ticket, key, std::sync::Arc::new(read), None);
            }
            response
        }
    }
}

/// Sends a page of articles, trimmed as `fields=`/`include=` ask, with the
/// bodies loaded (one query) when `include=body`.
async fn respond_shaped(
    state: &AppState,
    req: &HttpRequest,
    page: Page<ArticleSummary>,
    shape: &Shape,
    staff: bool,
) -> Result<HttpResponse, ApiError> {
    if shape.is_plain() {
        return respond_page(req, &page, state.audience(staff));
    }
    let mut bodies = HashMap::new();
    if shape.include.body {
        let ids: Vec<String> = page.data.iter().map(|a| a.id.clone()).collect();
        for (id, body, html) in state
            .db(move |conn| Ok(articles::bodies(conn, &ids)?))
            .await?
        {
            let blocks: serde_json::Value =
                serde_json::from_str(&body).map_err(ApiError::internal)?;
            bodies.insert(id, (blocks, html));
        }
    }
    let page = page.try_map(|summary| {
        let mut value = serde_json::to_value(&summary).map_err(ApiError::internal)?;
        if let (Some((blocks, html)), Some(object)) =
            (bodies.remove(&summary.id), value.as_object_mut())
        {
            object.insert("body".into(), blocks);
            object.insert("body_html".into(), html.into());
        }
        shape.apply(&mut value);
        Ok::<_, ApiError>(value)
    })?;
    respond_page(req, &page, state.audience(staff))
}

/// "Đọc nhiều": the most viewed public articles in `window`, most first.
fn most_read(
    conn: &mut DbConn,
    window: filters::Window,
    limit: i64,
) -> Result<Page<ArticleSummary>, ApiError> {
    let now = time::now();
    let since = time::to_db(time::from_db(now) - window.span());
    let ranked = views::ranking(conn, now, since, limit)?;
    let ids: Vec<String> = ranked.iter().map(|(id, _)| id.clone()).collect();
    let rows = articles::summaries_by_ids(conn, &ids)?;
    let mut summaries = view::summaries(conn, rows, time::from_db(now))?;
    summaries.sort_by_key(|s| ids.iter().position(|id| *id == s.id));
    // One page: the ranking has no next page.
    Ok(Page::new(summaries, limit, |_| String::new()))
}

/// A public response about an article that expires is cached no longer
/// than until its expiry, so no cache serves it after it is gone.
fn until_expiry(audience: Audience, unpublish_at: Option<DateTime<Utc>>) -> Audience {
    match (audience, unpublish_at) {
        (Audience::Public(max_age), Some(until)) => {
            let left = (until - Utc::now()).num_seconds().max(0);
            Audience::Public(max_age.min(u32::try_from(left).unwrap_or(u32::MAX)))
        }
        (audience, _) => audience,
    }
}

/// Options of an article read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ArticleReadQuery {
    /// Add `jsonld`, a schema.org `NewsArticle` for the page's head.
    pub jsonld: Option<bool>,
    /// Fields to keep, comma separated (`id` always stays).
    #[param(example = "title,sapo,body_html,published_at_local")]
    pub fields: Option<String>,
    /// A preview token (`POST .../preview-token`): reads this article
    /// whatever its status, with no account, `Cache-Control: private,
    /// no-store`, not counted as a view.
    pub preview: Option<String>,
}

/// One article by id or slug.
///
/// An old slug answers 301 with the current one in `Location`. Drafts,
/// scheduled, expired and archived articles are 404 to readers, unless
/// `preview` holds a preview token minted for this article. Editors and
/// the article's author also get its `review_notes`.
#[utoipa::path(get, path = "/api/v1/articles/{id_or_slug}", operation_id = "get_article", tag = "articles",
    params(("id_or_slug" = String, Path, description = "Article id or slug", example = "mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac"), ArticleReadQuery),
    responses(
        (status = 200, description = "The article", body = ArticleView,
            headers(("ETag" = String, description = "`\"v{version}-...\"`; send it back as If-Match when editing"))),
        (status = 301, description = "An old slug; `Location` names the current URL",
            headers(("Location" = String, description = "`/api/v1/articles/{current slug}`"))),
        NotModified,
        (status = 400, description = "An unknown or mistyped parameter (`invalid_query`), or a `fields` name articles do not have (`unknown_field`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`preview` is not a preview token this API minted for this article: garbage, tampered, an access token, or one for another article (`preview_invalid`); or it has expired (`preview_expired`)", body = Problem, content_type = "application/problem+json"),
        ArticleNotFound,
        OptionalAuth,
    ))]
pub async fn get_article(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    key: web::Path<String>,
    query: web::Query<ArticleReadQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let viewer = viewer.0;
    let with_jsonld = query.jsonld.unwrap_or(false);
    let shape = Shape::parse(query.fields.as_deref(), None)?;
    // JSON-LD's media paths become URLs on the origin the client called
    // (worked out only when asked for: not on a reader's plain read).
    let base = || crate::published::absolute(&req, "");
    if let Some(token) = query.preview.as_deref() {
        let jsonld = with_jsonld.then(base);
        return preview::read_preview(&state, &req, key, token, &shape, jsonld).await;
    }
    // A reader's plain read: from the read cache, or one trip to the
    // database (the stored document: one indexed lookup).
    if viewer.is_none() && !with_jsonld && shape.is_plain() {
        return read_for_readers(&state, &req, key).await;
    }
    let base = base();
    let found = state
        .db(move |conn| {
            let (row, public) = match readable(conn, &key, viewer.as_ref(), Utc::now())? {
                (Ok(row), public) => (row, public),
                (Err(slug), public) => return Ok((Err(slug), public)),
            };
            // Editors and the article's author see its review notes and
            // the related picks; readers get neither.
            let staff = is_staff_of(viewer.as_ref(), &row);
            let mut article = view::full(conn, row)?;
            if staff {
                review::attach(conn, &mut article)?;
            } else {
                article = view::for_readers(article);
            }
            if with_jsonld {
                let site = Site::try_from(site::get(conn)?)?;
                let absolute = |path: &str| format!("{}{path}", base);
                article.jsonld = Some(jsonld::news_article(&article, &site, absolute));
            }
            Ok((Ok(article), public))
        })
        .await?;
    let (found, public) = found;
    match found {
        Ok(article) => {
            // A reader's read by id or slug is a view ("Đọc nhiều"); staff
            // reads and redirects are not.
            if public {
                state.views.record(&article.summary.id);
            }
            let audience = until_expiry(state.audience(!public), article.summary.unpublish_at);
            if shape.is_plain() {
                view::respond(&req, &article, audience)
            } else {
                view::respond_trimmed(&req, &article, &shape, audience)
            }
        }
        Err(slug) => Ok(moved(&state, format!("/api/v1/articles/{slug}"), public)),
    }
}

/// An anonymous reader's plain read of an article (200, 301 or 404), from
/// the read cache when it holds a valid answer, else looked up and kept.
async fn read_for_readers(
    state: &AppState,
    req: &HttpRequest,
    key: String,
) -> Result<HttpResponse, ApiError> {
    let cache_key = format!("a/{key}");
    if let Some(read) = state.reads.get(&cache_key) {
        return send_read(state, req, &read);
    }
    let ticket = state.reads.ticket();
    let (read, not_after) = state
        .point_read(move |conn| reader_lookup(conn, &key, Utc::now()))
        .await?;
    let read = std::sync::Arc::new(read);
    let response = send_read(state, req, &read);
    state.reads.put(ticket, cache_key, read, not_after);
    response
}

/// What an anonymous reader gets for `key` at `now`, and when that answer
/// changes by itself (the article's expiry, or a scheduled article's
/// publication), if it does.
fn reader_lookup(
    conn: &mut DbConn,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(Read, Option<DateTime<Utc>>), ApiError> {
    let upcoming = |at: Option<chrono::NaiveDateTime>| at.map(time::from_db).filter(|at| *at > now);
    // The stored document: one indexed lookup.
    if let Some(parsed) = toasoan_persistence::queries::key(key)
        && let Some(doc) = documents::public_by_key(conn, &parsed)?
        && doc.is_public(now)
    {
        let unpublish_at = doc.unpublish_at.map(time::from_db);
        let body = stored::with_views(&doc.document.0, doc.views.unwrap_or(0));
        let read = Read::Article {
            id: doc.id,
            body: body.into(),
            etag: doc.etag,
            unpublish_at,
        };
        return Ok((read, unpublish_at));
    }
    // Not stored yet, not public, an old slug, or nothing.
    Ok(match articles::find_by_key(conn, key)? {
        None => (Read::Missing, None),
        Some(Found::Article(row) | Found::Renamed(row)) if !row.is_public(now) => {
            (Read::Missing, upcoming(row.published_at))
        }
        Some(Found::Renamed(row)) => (Read::Moved(format!("/api/v1/articles/{}", row.slug)), None),
        Some(Found::Article(row)) => {
            let unpublish_at = row.unpublish_at.map(time::from_db);
            let article = view::for_readers(view::full(conn, row)?);
            let read = Read::Article {
                id: article.summary.id.clone(),
                etag: view::etag(&article)?,
                body: serde_json::to_vec(&article)
                    .map_err(ApiError::internal)?
                    .into(),
                unpublish_at,
            };
            (read, unpublish_at)
        }
    })
}

/// Sends a reader's answer about an article; an article sent is a view
/// ("Đọc nhiều"), whether it came from the database or the cache.
fn send_read(state: &AppState, req: &HttpRequest, read: &Read) -> Result<HttpResponse, ApiError> {
    match read {
        Read::Article {
            id,
            body,
            etag,
            unpublish_at,
        } => {
            state.views.record(id);
            let audience = until_expiry(state.audience(false), *unpublish_at);
            respond_tagged(
                req,
                body.clone(),
                "application/json",
                etag.clone(),
                audience,
            )
        }
        Read::Moved(location) => Ok(moved(state, location.clone(), true)),
        Read::Missing | Read::Page { .. } => Err(not_found()),
    }
}
