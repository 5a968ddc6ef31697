//! What readers do: post a comment, read an article's approved threads.

use super::{CommentModeView, CommentPage, CommentPageMeta, at, respond_safe_page, text_html};
use crate::auth::client_address;
use crate::caller::Viewer;
use crate::error::{ApiError, Code, Problem};
use crate::pagination::{self, Page};
use crate::responses::*;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use toasoan_domain::comment::screening::{Submission, Verdict, screen};
use toasoan_domain::comment::{AuthorName, Comment, CommentBody, CommentStatus, reply_depth};
use toasoan_domain::user::{Email, Role};
use toasoan_domain::{FieldError, ValidationErrors};
use toasoan_persistence::models::comment::CommentRow;
use toasoan_persistence::queries::comments::{self, Order, Thread};
use toasoan_persistence::queries::is_id;
use toasoan_persistence::queries::rate_limits::{self, Admission, Limit};
use toasoan_persistence::time;
use utoipa::{IntoParams, ToSchema};

/// A new comment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    /// The name shown with the comment, 1 to 80 characters.
    #[schema(example = "Nguyễn Văn An", min_length = 1, max_length = 80)]
    pub author_name: String,
    /// For the newsroom only; never shown.
    #[schema(example = "an.nguyen@example.vn", max_length = 254)]
    pub email: Option<String>,
    /// Plain text (markup is kept as typed and never interpreted), within
    /// the configured length and link limits.
    #[schema(example = "Kế hoạch rất thiết thực, cảm ơn tòa soạn.", min_length = 1)]
    pub body: String,
    /// The comment this replies to (approved, on the same article).
    #[schema(format = Uuid)]
    pub parent_id: Option<String>,
    /// Leave empty: a form field hidden from people, which bots fill in.
    pub website: Option<String>,
}

/// A comment was received.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentReceipt {
    /// The comment's id.
    #[schema(format = Uuid)]
    pub id: String,
    /// `pending` until an editor approves it, or `approved` when shown at
    /// once (staff replies; newsrooms without premoderation).
    pub status: super::CommentStatusView,
}

/// A comment as readers see it, with its replies.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentView {
    /// UUIDv7.
    #[schema(format = Uuid)]
    pub id: String,
    /// The comment replied to.
    #[schema(format = Uuid)]
    pub parent_id: Option<String>,
    /// The commenter's shown name, as typed (plain text).
    pub author_name: String,
    /// The text as typed (plain text; escape it before inserting into HTML).
    pub body: String,
    /// The text escaped for HTML, line breaks as `<br>`: safe to insert as it is.
    pub body_html: String,
    /// Written by the newsroom.
    pub is_staff: bool,
    /// When posted.
    pub created_at: DateTime<Utc>,
    /// Approved replies, oldest first.
    #[schema(no_recursion)]
    pub replies: Vec<CommentView>,
}

impl From<Thread> for CommentView {
    fn from(thread: Thread) -> Self {
        let c = thread.comment;
        Self {
            body_html: text_html(&c.body),
            id: c.id,
            parent_id: c.parent_id,
            author_name: c.author_name,
            body: c.body,
            is_staff: c.is_staff,
            created_at: at(c.created_at),
            replies: thread.replies.into_iter().map(Self::from).collect(),
        }
    }
}

/// Which threads come first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ThreadOrder {
    /// Oldest first (the default).
    Oldest,
    /// Newest first.
    Newest,
}

/// Order and paging of an article's threads.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ThreadQuery {
    /// `oldest` (default) or `newest` first; replies are always oldest first.
    #[param(inline)]
    pub order: Option<ThreadOrder>,
    /// Top-level comments per page, 1 to 100 (default 20); each comes with all its replies.
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<i64>,
    /// `meta.next_cursor` of the previous page; empty means the first page.
    #[serde(default, deserialize_with = "crate::pagination::blank_is_none")]
    pub cursor: Option<String>,
}

fn article_not_found() -> ApiError {
    Code::ArticleNotFound.err("no such article")
}

fn parent_not_found() -> ApiError {
    ApiError::field(FieldError::new(
        "parent_id",
        "parent_not_found",
        "no approved comment with this id on this article",
    ))
}

/// What the write transaction decided.
enum Outcome {
    /// Stored; the tightest budget left, for staff none.
    Stored(CommentReceipt, Option<(i64, i64, i64)>),
    /// Refused by a budget: its size and the seconds until a slot frees.
    Limited(i64, i64),
    Duplicate,
}

/// Posts a comment.
///
/// Anyone may post; the comment waits for an editor unless the newsroom
/// turned premoderation off. An editor's access token makes it a staff
/// reply, marked as such and shown at once. Comments caught by the
/// honeypot or the blocklist are filed as spam and answered like any other.
#[utoipa::path(post, path = "/api/v1/articles/{id_or_slug}/comments", operation_id = "create_comment", tag = "comments",
    params(("id_or_slug" = String, Path, description = "Article id or slug")),
    request_body = NewComment,
    responses(
        (status = 202, description = "Received; shown once approved", body = CommentReceipt),
        (status = 403, description = "The article takes no new comments (`comments_closed`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The same text was posted recently, on this article or from this address (`duplicate_comment`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many comments from this address or on this article (`too_many_requests`)", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until a comment is taken again"))),
        OptionalAuth,
        ArticleNotFound,
        JsonBody,
    ))]
pub async fn create_comment(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    key: web::Path<String>,
    body: crate::extractors::Json<NewComment>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let input = body.into_inner();
    let cfg = state.config.comments.clone();
    let staff = viewer.0.filter(|u| u.role.at_least(Role::Editor));

    let mut errors = ValidationErrors::default();
    let name = errors.check(AuthorName::parse(&input.author_name));
    let text = errors.check(CommentBody::parse(&input.body, &cfg.text));
    let email = errors.check(
        input
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(Email::parse)
            .transpose(),
    );
    let parent_id = input.parent_id.as_deref().map(str::to_ascii_lowercase);
    if parent_id.as_deref().is_some_and(|p| !is_id(p)) {
        errors.push(FieldError::new(
            "parent_id",
            "parent_not_found",
            "no approved comment with this id on this article",
        ));
    }
    let (Some(name), Some(text), Some(email), true) = (name, text, email, errors.is_empty()) else {
        return Err(errors.into());
    };
    let verdict = screen(
        &Submission {
            author_name: &name,
            body: &text,
            honeypot: input.website.as_deref(),
            by_staff: staff.is_some(),
        },
        &cfg.policy,
    );
    let ip_hash = state
        .client_key
        .hash(&client_address(&req, &state.config.proxies));

    let outcome = state
        .write(move |conn| {
            let now = time::now();
            let target = comments::target(conn, &key)?
                .filter(|t| t.is_public(Utc::now()))
                .ok_or_else(article_not_found)?;
            if !target.mode.accepts_new() {
                return Err(Code::CommentsClosed.err("this article takes no new comments"));
            }
            let (parent_id, root_id, depth) = match parent_id {
                None => (None, None, 1),
                Some(pid) => {
                    let parent = comments::find(conn, &pid)?
                        .filter(|p| p.article_id == target.id)
                        .ok_or_else(parent_not_found)?;
                    let root = parent.root_id.clone().unwrap_or_else(|| parent.id.clone());
                    let parent = Comment::try_from(parent)?;
                    if parent.status != CommentStatus::Approved {
                        return Err(parent_not_found());
                    }
                    let depth =
                        reply_depth(Some(parent.depth), cfg.max_depth).map_err(ApiError::field)?;
                    (Some(pid), Some(root), depth)
                }
            };
            let body_hash = text.fingerprint();
            let mut budget = None;
            if staff.is_none() {
                let limits = [
                    limit(format!("comment:address:{ip_hash}"), cfg.per_address),
                    limit(format!("comment:article:{}", target.id), cfg.per_article),
                ];
                // Hits older than every window are never read again; each
                // post clears what expired since the last one, so the table
                // stays as small as the traffic of one window.
                let longest = limits.iter().map(|l| l.window).max().unwrap_or_default();
                rate_limits::prune(conn, now - longest)?;
                match rate_limits::admit(conn, &limits, now)? {
                    Admission::Limited { limit, retry_after } => {
                        return Ok(Outcome::Limited(limit, retry_after));
                    }
                    Admission::Allowed {
                        limit,
                        remaining,
                        reset,
                    } => budget = Some((limit, remaining, reset)),
                }
                let window = seconds(cfg.duplicate_window);
                if !window.is_zero()
                    && comments::is_duplicate(
                        conn,
                        &body_hash,
                        &target.id,
                        Some(&ip_hash),
                        now - window,
                    )?
                {
                    return Ok(Outcome::Duplicate);
                }
            }
            let row = CommentRow {
                id: uuid::Uuid::now_v7().to_string(),
                article_id: target.id,
                parent_id,
                root_id,
                depth: i16::from(depth),
                author_name: name.into_string(),
                email: email.map(|e| e.as_str().to_owned()),
                body: text.into_string(),
                body_hash,
                ip_hash: Some(ip_hash),
                user_id: staff.as_ref().map(|u| u.id.clone()),
                is_staff: staff.is_some(),
                status: verdict.status(),
                spam_reason: match verdict {
                    Verdict::Spam(reason) => Some(reason.as_str().to_owned()),
                    _ => None,
                },
                created_at: now,
                updated_at: now,
                moderated_at: None,
                moderated_by: None,
            };
            comments::insert(conn, &row)?;
            // Spam is answered like a held comment: nothing to learn from.
            let shown = match verdict {
                Verdict::Publish => CommentStatus::Approved,
                Verdict::Hold | Verdict::Spam(_) => CommentStatus::Pending,
            };
            Ok(Outcome::Stored(
                CommentReceipt {
                    id: row.id,
                    status: shown.into(),
                },
                budget,
            ))
        })
        .await?;
    match outcome {
        Outcome::Stored(receipt, budget) => {
            let mut response = HttpResponse::Accepted().json(receipt);
            if let Some((limit, remaining, reset)) = budget {
                let whole = |n: i64| u64::try_from(n).unwrap_or(0);
                crate::error::rate_limit_headers(
                    response.headers_mut(),
                    whole(limit),
                    whole(remaining),
                    whole(reset),
                );
            }
            Ok(response)
        }
        Outcome::Limited(limit, secs) => Err(ApiError::TooManyRequests(
            u64::try_from(secs).unwrap_or(60),
            u64::try_from(limit).ok(),
            "too many comments; wait before posting again".into(),
        )),
        Outcome::Duplicate => Err(Code::DuplicateComment
            .err("this text was posted recently; it is held or shown already")),
    }
}

fn limit(bucket: String, rate: crate::config::Rate) -> Limit {
    Limit {
        bucket,
        max: i64::from(rate.max),
        window: seconds(rate.window),
    }
}

/// A configured duration (bounded to days by `Config`) as a `TimeDelta`.
fn seconds(duration: std::time::Duration) -> TimeDelta {
    TimeDelta::seconds(i64::try_from(duration.as_secs()).unwrap_or(86_400))
}

/// An article's approved comments, threaded.
///
/// Top-level comments are paged (keyset, `oldest` or `newest` first); each
/// comes with all its approved replies. E-mail addresses are never shown.
#[utoipa::path(get, path = "/api/v1/articles/{id_or_slug}/comments", operation_id = "list_article_comments", tag = "comments",
    params(("id_or_slug" = String, Path, description = "Article id or slug"), ThreadQuery),
    responses(
        (status = 200, description = "A page of threads; empty when the article's comments are hidden", body = CommentPage<CommentView>,
            headers(("ETag" = String), ("Link" = String, description = "`<...>; rel=\"next\"` when there is a next page"))),
        NotModified,
        ListErrors,
        ArticleNotFound,
    ))]
pub async fn list_article_comments(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
    query: web::Query<ThreadQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let limit = pagination::limit(query.limit)?;
    let (order, kind) = match query.order.unwrap_or(ThreadOrder::Oldest) {
        ThreadOrder::Oldest => (Order::Oldest, "co"),
        ThreadOrder::Newest => (Order::Newest, "cn"),
    };
    let after = match &query.cursor {
        None => None,
        Some(cursor) => {
            let id = pagination::decode_cursor(cursor, kind, 1)?
                .into_iter()
                .next()
                .filter(|id| is_id(id))
                .ok_or_else(|| {
                    Code::InvalidCursor.err("the cursor is not one this list gave out")
                })?;
            Some(id)
        }
    };
    let (mode, threads) = state
        .db(move |conn| {
            let target = comments::target(conn, &key)?
                .filter(|t| t.is_public(Utc::now()))
                .ok_or_else(article_not_found)?;
            let threads = if target.mode.shows() {
                comments::threads(conn, &target.id, order, after.as_deref(), limit + 1)?
            } else {
                Vec::new()
            };
            Ok((target.mode, threads))
        })
        .await?;
    let page = Page::new(threads, limit, |t| {
        pagination::encode_cursor(kind, &[&t.comment.id])
    });
    let page = CommentPage {
        data: page.data.into_iter().map(CommentView::from).collect(),
        meta: CommentPageMeta::from_page(page.meta, Some(CommentModeView::from(mode))),
    };
    respond_safe_page(&req, &page, state.audience(false))
}
