//! Bulk moderation: many comments moved to one state in one call.

use super::CommentStatusView;
use crate::caller::Editor;
use crate::error::ApiError;
use crate::responses::*;
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use toasoan_domain::FieldError;
use toasoan_domain::comment::CommentStatus;
use toasoan_persistence::queries::comments;
use toasoan_persistence::queries::is_id;
use toasoan_persistence::time;
use utoipa::ToSchema;

/// Most comments one bulk call moderates.
pub const MAX_BULK: usize = 100;

/// Many comments moved to one state.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkModeration {
    /// Comment ids, 1 to 100.
    #[schema(min_items = 1, max_items = 100)]
    pub ids: Vec<String>,
    /// The state they move to.
    pub status: CommentStatusView,
}

/// What happened to one comment of a bulk call.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BulkOutcome {
    /// Moved to the state asked for.
    Changed,
    /// It was in that state already.
    Unchanged,
    /// No such comment.
    NotFound,
}

/// One comment's result.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResult {
    /// The id as sent.
    pub id: String,
    /// What happened.
    pub outcome: BulkOutcome,
}

/// Results of a bulk call, in the order of the ids sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResults {
    /// One result per id.
    pub data: Vec<BulkResult>,
}

/// Approves, rejects, holds or files as spam many comments in one call.
///
/// One transaction; each article's `comment_count` moves by exactly the
/// approvals gained and lost.
#[utoipa::path(patch, path = "/api/v1/comments", operation_id = "moderate_comments", tag = "comments",
    security(("bearer" = [])), request_body = BulkModeration,
    responses(
        (status = 200, description = "What happened to each comment", body = BulkResults),
        EditorOnly,
        JsonBody,
    ))]
pub async fn moderate_comments(
    state: web::Data<AppState>,
    editor: Editor,
    body: crate::extractors::Json<BulkModeration>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    if input.ids.is_empty() || input.ids.len() > MAX_BULK {
        return Err(ApiError::field(FieldError::new(
            "ids",
            "invalid_length",
            format!("send 1 to {MAX_BULK} ids"),
        )));
    }
    let to = CommentStatus::from(input.status);
    let by = editor.0.id;
    let ids = input.ids;
    let results = state
        .write(move |conn| {
            let valid: Vec<String> = ids
                .iter()
                .map(|i| i.to_ascii_lowercase())
                .filter(|i| is_id(i))
                .collect();
            let moved = comments::set_status_many(conn, &valid, to, Some(&by), time::now())?;
            Ok(ids
                .into_iter()
                .map(|id| {
                    let lower = id.to_ascii_lowercase();
                    let outcome = match moved.iter().find(|(m, _)| *m == lower) {
                        Some((_, Some(m))) if m.changed => BulkOutcome::Changed,
                        Some((_, Some(_))) => BulkOutcome::Unchanged,
                        _ => BulkOutcome::NotFound,
                    };
                    BulkResult { id, outcome }
                })
                .collect())
        })
        .await?;
    Ok(HttpResponse::Ok().json(BulkResults { data: results }))
}
