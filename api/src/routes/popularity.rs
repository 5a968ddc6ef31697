//! "Đọc nhiều": frontends report that a reader viewed an article. Views are
//! counted in memory and written in batches (`crate::readership`); reads by
//! slug count themselves.

use crate::error::{ApiError, Code};
use crate::responses::*;
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use toasoan_persistence::queries::views;
use toasoan_persistence::time;

crate::endpoints![count_article_view];

/// Counts one view of a public article.
///
/// For frontends that serve pages from their own cache and so do not read
/// the article from the API for every reader. Counted in batches: the
/// total grows within `TOASOAN_VIEWS_FLUSH_SECS`. Drafts, scheduled and
/// archived articles are 404 and nothing is counted.
#[utoipa::path(post, path = "/api/v1/articles/{id_or_slug}/views", operation_id = "count_article_view", tag = "articles",
    params(("id_or_slug" = String, Path, description = "Article id or current slug", example = "mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac")),
    responses(
        (status = 202, description = "Counted; the total is written within the flush interval"),
        ArticleNotFound,
    ))]
pub async fn count_article_view(
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let id = state
        .db(move |conn| Ok(views::public_id(conn, &key, time::now())?))
        .await?
        .ok_or_else(|| Code::ArticleNotFound.err("no such article"))?;
    state.views.record(&id);
    Ok(HttpResponse::Accepted().finish())
}
