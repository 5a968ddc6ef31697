//! What editors do: moderation queues, status changes one by one or in
//! bulk, corrections, deletion, and each article's comment mode.

use super::{
    CommentModeView, CommentPage, CommentPageMeta, CommentStatusView, at, comment_not_found,
    respond_safe, respond_safe_page, text_html,
};
use crate::caller::Editor;
use crate::error::{ApiError, Code};
use crate::http_cache::Audience;
use crate::pagination::{self, Page};
use crate::responses::*;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toasoan_domain::ValidationErrors;
use toasoan_domain::comment::{AuthorName, CommentBody, CommentStatus};
use toasoan_persistence::models::comment::{CommentEdit, CommentRow};
use toasoan_persistence::queries::comments::{self, QueueQuery};
use toasoan_persistence::queries::is_id;
use toasoan_persistence::time;
use utoipa::{IntoParams, ToSchema};

/// A comment as moderators see it: e-mail included (the address hash never is).
#[derive(Debug, Serialize, ToSchema)]
pub struct ModeratedComment {
    /// UUIDv7.
    #[schema(format = Uuid)]
    pub id: String,
    /// The article commented on.
    #[schema(format = Uuid)]
    pub article_id: String,
    /// The comment replied to.
    #[schema(format = Uuid)]
    pub parent_id: Option<String>,
    /// 1 for a comment on the article, 2 for a reply, ...
    pub depth: i16,
    /// Shown name (plain text).
    pub author_name: String,
    /// The commenter's e-mail, if given.
    pub email: Option<String>,
    /// The text as typed (plain text).
    pub body: String,
    /// The text escaped for HTML.
    pub body_html: String,
    /// Moderation state.
    pub status: CommentStatusView,
    /// Why it was filed as spam on arrival (`honeypot`, `blocklist`).
    pub spam_reason: Option<String>,
    /// Written by the newsroom.
    pub is_staff: bool,
    /// When posted.
    pub created_at: DateTime<Utc>,
    /// When last edited or moderated.
    pub updated_at: DateTime<Utc>,
    /// When last moderated.
    pub moderated_at: Option<DateTime<Utc>>,
}

fn moderated(row: CommentRow) -> Result<ModeratedComment, ApiError> {
    Ok(ModeratedComment {
        body_html: text_html(&row.body),
        id: row.id,
        article_id: row.article_id,
        parent_id: row.parent_id,
        depth: row.depth,
        author_name: row.author_name,
        email: row.email,
        body: row.body,
        status: row.status.into(),
        spam_reason: row.spam_reason,
        is_staff: row.is_staff,
        created_at: at(row.created_at),
        updated_at: at(row.updated_at),
        moderated_at: row.moderated_at.map(at),
    })
}

fn article_not_found() -> ApiError {
    Code::ArticleNotFound.err("no such article")
}

/// An article's comment mode.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentModeInput {
    /// `open`, `closed` (shown, no new ones) or `hidden` (nothing shown, no new ones).
    pub mode: CommentModeView,
}

/// Opens, closes or hides an article's comments.
#[utoipa::path(put, path = "/api/v1/articles/{id_or_slug}/comment-mode", operation_id = "set_comment_mode", tag = "comments",
    security(("bearer" = [])), request_body = CommentModeInput,
    params(("id_or_slug" = String, Path, description = "Article id or slug")),
    responses(
        (status = 200, description = "The mode now in force", body = CommentModeInput),
        EditorOnly,
        ArticleNotFound,
        JsonBody,
    ))]
pub async fn set_comment_mode(
    state: web::Data<AppState>,
    _editor: Editor,
    key: web::Path<String>,
    body: crate::extractors::Json<CommentModeInput>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let mode = body.into_inner().mode;
    state
        .write(move |conn| {
            let target = comments::target(conn, &key)?.ok_or_else(article_not_found)?;
            comments::set_mode(conn, &target.id, mode.into())?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::Ok().json(CommentModeInput { mode }))
}

/// Filters and paging of the moderation queue.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QueueParams {
    /// Only comments in this state (all states when absent).
    #[param(inline)]
    pub status: Option<CommentStatusView>,
    /// Only comments on this article (id or slug).
    pub article: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<i64>,
    /// `meta.next_cursor` of the previous page; empty means the first page.
    #[serde(default, deserialize_with = "crate::pagination::blank_is_none")]
    pub cursor: Option<String>,
}

/// Comments for moderation, newest first.
#[utoipa::path(get, path = "/api/v1/comments", operation_id = "list_comments", tag = "comments",
    security(("bearer" = [])),
    params(QueueParams),
    responses(
        (status = 200, description = "A page of comments", body = CommentPage<ModeratedComment>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when there is a next page"))),
        NotModified,
        EditorOnly,
        ListErrors,
        ArticleNotFound,
    ))]
pub async fn list_comments(
    state: web::Data<AppState>,
    req: HttpRequest,
    _editor: Editor,
    query: web::Query<QueueParams>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = match &query.cursor {
        None => None,
        Some(cursor) => Some(
            pagination::decode_cursor(cursor, "cm", 1)?
                .into_iter()
                .next()
                .filter(|id| is_id(id))
                .ok_or_else(|| {
                    Code::InvalidCursor.err("the cursor is not one this list gave out")
                })?,
        ),
    };
    let status = query.status.map(CommentStatus::from);
    let article = query.article;
    let rows = state
        .db(move |conn| {
            let article_id = match article {
                None => None,
                Some(key) => Some(
                    comments::target(conn, &key)?
                        .ok_or_else(article_not_found)?
                        .id,
                ),
            };
            let q = QueueQuery {
                status,
                article_id,
                after,
                limit: limit + 1,
            };
            Ok(comments::queue(conn, &q)?)
        })
        .await?;
    let page =
        Page::new(rows, limit, |r| pagination::encode_cursor("cm", &[&r.id])).try_map(moderated)?;
    let page = CommentPage {
        data: page.data,
        meta: CommentPageMeta::from_page(page.meta, None),
    };
    respond_safe_page(&req, &page, Audience::Private)
}

fn comment_id(raw: &str) -> Result<String, ApiError> {
    let id = raw.to_ascii_lowercase();
    if is_id(&id) {
        Ok(id)
    } else {
        Err(comment_not_found())
    }
}

/// One comment, for moderation.
#[utoipa::path(get, path = "/api/v1/comments/{id}", operation_id = "get_comment", tag = "comments",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id", format = Uuid)),
    responses(
        (status = 200, description = "The comment", body = ModeratedComment),
        NotModified,
        (status = 404, description = "No such comment (`comment_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        EditorOnly,
    ))]
pub async fn get_comment(
    state: web::Data<AppState>,
    req: HttpRequest,
    _editor: Editor,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = comment_id(&id)?;
    let row = state
        .db(move |conn| Ok(comments::find(conn, &id)?))
        .await?
        .ok_or_else(comment_not_found)?;
    respond_safe(&req, &moderated(row)?, Audience::Private)
}

/// A moderator's change to a comment: its state, or a correction.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentChanges {
    /// The new state.
    pub status: Option<CommentStatusView>,
    /// A corrected name.
    #[schema(min_length = 1, max_length = 80)]
    pub author_name: Option<String>,
    /// A corrected text.
    #[schema(min_length = 1)]
    pub body: Option<String>,
}

/// Approves, rejects or edits a comment.
///
/// A patch naming no field changes nothing and answers the comment as it is.
#[utoipa::path(patch, path = "/api/v1/comments/{id}", operation_id = "update_comment", tag = "comments",
    security(("bearer" = [])), request_body = CommentChanges,
    params(("id" = String, Path, description = "Comment id", format = Uuid)),
    responses(
        (status = 200, description = "The comment as changed", body = ModeratedComment),
        (status = 404, description = "No such comment (`comment_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        EditorOnly,
        JsonBody,
    ))]
pub async fn update_comment(
    state: web::Data<AppState>,
    req: HttpRequest,
    editor: Editor,
    id: web::Path<String>,
    body: crate::extractors::Json<CommentChanges>,
) -> Result<HttpResponse, ApiError> {
    let id = comment_id(&id)?;
    let input = body.into_inner();
    let limits = state.config.comments.text;
    let mut errors = ValidationErrors::default();
    let name = errors.check(
        input
            .author_name
            .as_deref()
            .map(AuthorName::parse)
            .transpose(),
    );
    let text = errors.check(
        input
            .body
            .as_deref()
            .map(|b| CommentBody::parse(b, &limits))
            .transpose(),
    );
    let (Some(name), Some(text), true) = (name, text, errors.is_empty()) else {
        return Err(errors.into());
    };
    let by = editor.0.id;
    let row = state
        .write(move |conn| {
            let now = time::now();
            if name.is_some() || text.is_some() {
                let edit = CommentEdit {
                    author_name: name.map(AuthorName::into_string),
                    body_hash: text.as_ref().map(CommentBody::fingerprint),
                    body: text.map(CommentBody::into_string),
                    updated_at: Some(now),
                };
                if !comments::edit(conn, &id, &edit)? {
                    return Err(comment_not_found());
                }
            }
            if let Some(status) = input.status {
                comments::set_status(conn, &id, status.into(), Some(&by), now)?
                    .ok_or_else(comment_not_found)?;
            }
            comments::find(conn, &id)?.ok_or_else(comment_not_found)
        })
        .await?;
    respond_safe(&req, &moderated(row)?, Audience::Private)
}

/// Deletes a comment and its replies.
#[utoipa::path(delete, path = "/api/v1/comments/{id}", operation_id = "delete_comment", tag = "comments",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id", format = Uuid)),
    responses(
        (status = 204, description = "Deleted, with its replies; the count no longer includes them"),
        (status = 404, description = "No such comment (`comment_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        EditorOnly,
    ))]
pub async fn delete_comment(
    state: web::Data<AppState>,
    _editor: Editor,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = comment_id(&id)?;
    let deleted = state
        .write(move |conn| Ok(comments::delete(conn, &id)?))
        .await?;
    if deleted == 0 {
        return Err(comment_not_found());
    }
    Ok(HttpResponse::NoContent().finish())
}
