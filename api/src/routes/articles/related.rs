//! Related articles for readers: an editor's picks first, then articles
//! sharing tags, then the same category; only what readers may see.

use super::view::{self, ArticleSummary};
use super::{moved, readable};
use crate::caller::Viewer;
use crate::error::{ApiError, Code, Problem};
use crate::http_cache::respond_page;
use crate::pagination::Page;
use crate::responses::*;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde::Deserialize;
use toasoan_domain::placement::{DEFAULT_RELATED_LIMIT, MAX_RELATED_LIMIT};
use toasoan_persistence::queries::articles;
use toasoan_persistence::queries::related::{self, Source};
use toasoan_persistence::time;
use utoipa::IntoParams;

/// How many related articles.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RelatedQuery {
    /// 1 to 20 (default 5).
    #[param(minimum = 1, maximum = 20, example = 5)]
    pub limit: Option<i64>,
}

/// Articles related to one article.
///
/// The editor's picks (`related_ids`) in their order, then articles
/// sharing the most tags (newest first among equals), then the newest of
/// the same category; never the article itself, never twice, never an
/// article readers may not see. One page, no cursor. A draft or scheduled
/// source is 404 to readers, as its read is.
#[utoipa::path(get, path = "/api/v1/articles/{id_or_slug}/related", operation_id = "list_related_articles", tag = "articles",
    params(("id_or_slug" = String, Path, description = "Article id or slug", example = "mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac"), RelatedQuery),
    responses(
        (status = 200, description = "Related articles, best first (no bodies)", body = Page<ArticleSummary>,
            headers(("ETag" = String))),
        (status = 301, description = "An old slug; `Location` names the current URL",
            headers(("Location" = String, description = "`/api/v1/articles/{current slug}/related`"))),
        NotModified,
        (status = 400, description = "`limit` outside 1 to 20 (`invalid_limit`), or an unknown or mistyped parameter (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
        ArticleNotFound,
        OptionalAuth,
    ))]
pub async fn list_related_articles(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    key: web::Path<String>,
    query: web::Query<RelatedQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = match query.limit {
        None => DEFAULT_RELATED_LIMIT,
        Some(n) if (1..=MAX_RELATED_LIMIT).contains(&n) => n,
        Some(n) => {
            return Err(
                Code::InvalidLimit.err(format!("limit must be 1 to {MAX_RELATED_LIMIT}, got {n}"))
            );
        }
    };
    let key = key.into_inner();
    let viewer = viewer.0;
    let (found, public) = state
        .db(move |conn| {
            let now = Utc::now();
            let (row, public) = match readable(conn, &key, viewer.as_ref(), now)? {
                (Ok(row), public) => (row, public),
                (Err(slug), public) => return Ok((Err(slug), public)),
            };
            let source = Source {
                article_id: &row.id,
                category_id: row.category_id.as_deref(),
            };
            let ids = related::related_ids(conn, source, time::to_db(now), limit)?;
            let rows = articles::summaries_by_ids(conn, &ids)?;
            let mut summaries = view::summaries(conn, rows, now)?;
            summaries.sort_by_key(|s| ids.iter().position(|id| *id == s.id));
            Ok((Ok(Page::new(summaries, limit, |_| String::new())), public))
        })
        .await?;
    match found {
        Ok(page) => respond_page(&req, &page, state.audience(!public)),
        Err(slug) => Ok(moved(
            &state,
            format!("/api/v1/articles/{slug}/related"),
            public,
        )),
    }
}
