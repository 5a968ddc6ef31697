//! Sending an article back: an editor returns an in-review article to
//! draft with a note for its author. The notes are the article's review
//! history, shown in its staff view only.

use super::view::ArticleView;
use super::workflow::{Transition, transition};
use crate::caller::AuthUser;
use crate::error::{ApiError, Problem};
use crate::responses::*;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toasoan_domain::article::{self, Action};
use toasoan_persistence::DbConn;
use toasoan_persistence::queries::review_notes;
use toasoan_persistence::time;
use utoipa::ToSchema;

/// Why the article goes back to its author.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    /// What the author should change: 1 to 2 000 characters, plain text.
    #[schema(
        example = "Thiếu nguồn cho số liệu ở đoạn 2; bổ sung ý kiến của Sở Giáo dục.",
        min_length = 1,
        max_length = 2000
    )]
    pub note: String,
}

/// A note sent back with an article.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewNote {
    /// The note, plain text.
    #[schema(example = "Thiếu nguồn cho số liệu ở đoạn 2; bổ sung ý kiến của Sở Giáo dục.")]
    pub note: String,
    /// The editor who sent it; null once the account is gone.
    pub by: Option<NoteAuthor>,
    /// When it was sent.
    #[schema(example = "2024-04-20T01:30:00Z")]
    pub at: DateTime<Utc>,
}

/// The account that sent a note.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoteAuthor {
    /// Account id.
    #[schema(format = Uuid)]
    pub id: String,
    /// Shown name.
    #[schema(example = "Nguyễn Văn Biên")]
    pub display_name: String,
}

/// Adds the article's review notes, newest first (one query), for a staff
/// view: callers make sure the viewer is an editor or the article's author.
pub(crate) fn attach(conn: &mut DbConn, article: &mut ArticleView) -> Result<(), ApiError> {
    let notes = review_notes::of_article(conn, &article.summary.id)?
        .into_iter()
        .map(|(row, name)| ReviewNote {
            note: row.note,
            by: row
                .created_by
                .zip(name)
                .map(|(id, display_name)| NoteAuthor { id, display_name }),
            at: time::from_db(row.created_at),
        })
        .collect();
    article.review_notes = Some(notes);
    Ok(())
}

/// Sends an in-review article back to draft with a note (editors).
///
/// The note joins the article's review history (`review_notes` in what
/// staff read; never in what readers get).
#[utoipa::path(post, path = "/api/v1/articles/{id_or_slug}/return", operation_id = "return_article", tag = "articles",
    security(("bearer" = [])), request_body = ReturnRequest,
    params(
        ("id_or_slug" = String, Path, description = "Article id or slug"),
        ("If-Match" = Option<String>, Header, description = "Only if still at this version"),
    ),
    responses(
        (status = 200, description = "Back to draft, the note first in `review_notes`", body = ArticleView,
            headers(("ETag" = String, description = "The new version's"))),
        ArticleAccess,
        IfMatch,
        (status = 409, description = "Not in review (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
        JsonBody,
    ))]
pub async fn return_article(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    key: web::Path<String>,
    body: crate::extractors::Json<ReturnRequest>,
) -> Result<HttpResponse, ApiError> {
    let note = article::review_note(&body.into_inner().note).map_err(ApiError::field)?;
    transition(
        state,
        req,
        user,
        key.into_inner(),
        Transition {
            note: Some(note),
            ..Transition::new(Action::Return)
        },
    )
    .await
}
