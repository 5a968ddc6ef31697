//! Corrections: an editor appends a public note to a published article.
//! Readers see them in the article's `corrections`; the article's version
//! and `updated_at` move (so caches and ETags see the change), its
//! `published_at` does not, and the save is recorded as a revision.

use super::access::{check_if_match, save};
use super::revisions::saver;
use super::view::{self, ArticleView};
use super::{find, not_found};
use crate::caller::Editor;
use crate::error::{ApiError, Code, Problem};
use crate::http_cache::{Audience, Precondition, expected_version};
use crate::responses::*;
use crate::state::AppState;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use toasoan_domain::article::Action;
use toasoan_domain::revision::correction_text;
use toasoan_persistence::models::article::ArticleChanges;
use toasoan_persistence::models::revision::CorrectionRow;
use toasoan_persistence::queries::corrections;
use toasoan_persistence::time;
use utoipa::ToSchema;

/// A correction to append.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCorrection {
    /// The note readers see, plain text, 1 to 2 000 characters (trimmed).
    #[schema(
        example = "Bản trước ghi nhầm ngày ban hành kế hoạch là 18/4; đúng là 19/4/2024.",
        min_length = 1,
        max_length = 2000
    )]
    pub text: String,
}

/// Appends a public correction to a published article (editors).
///
/// The server sets its time. The article's `corrections` list it, oldest
/// first; its `version` and `updated_at` move (so its ETag changes) while
/// `published_at` stays; the save is recorded as a revision. Only an
/// article readers can see now takes a correction: a draft, a scheduled or
/// an archived article is edited instead. Answers 201 with the whole
/// article (its new ETag included). `If-Match` is optional.
#[utoipa::path(post, path = "/api/v1/articles/{id_or_slug}/corrections", operation_id = "create_article_correction", tag = "articles",
    security(("bearer" = [])), request_body = CreateCorrection,
    params(
        ("id_or_slug" = String, Path, description = "Article id or slug"),
        ("If-Match" = Option<String>, Header, description = "Only if still at this version"),
    ),
    responses(
        (status = 201, description = "Appended; the article as readers now see it, corrections included", body = ArticleView,
            headers(("ETag" = String, description = "The new version's"), ("Location" = String, description = "`/api/v1/articles/{id}`"))),
        EditorOnly,
        ArticleNotFound,
        (status = 409, description = "The article is not published, or not yet (`not_published`)", body = Problem, content_type = "application/problem+json"),
        IfMatch,
        JsonBody,
    ))]
pub async fn create_article_correction(
    state: web::Data<AppState>,
    req: HttpRequest,
    editor: Editor,
    key: web::Path<String>,
    input: crate::extractors::Json<CreateCorrection>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let user = editor.0;
    let text = correction_text(&input.text).map_err(ApiError::field)?;
    let expected = expected_version(&req, None)?;
    let if_match = Precondition::of(&req);
    let saver = saver(&state, &user);
    let article: ArticleView = state
        .write(move |conn| {
            let current = find(conn, &key)?.ok_or_else(not_found)?;
            if let Some(version) = expected
                && version != current.version
            {
                return Err(ApiError::StaleVersion(version));
            }
            check_if_match(conn, &if_match, &current)?;
            if !current.is_public(chrono::Utc::now()) {
                return Err(Code::NotPublished.err(
                    "only a published article takes a correction; edit an unpublished one instead",
                ));
            }
            let now = time::now();
            corrections::insert(
                conn,
                &CorrectionRow {
                    id: uuid::Uuid::now_v7().to_string(),
                    article_id: current.id.clone(),
                    text,
                    created_by: Some(user.id.clone()),
                    created_at: now,
                },
            )?;
            let changes = ArticleChanges::next_version(current.version, now).saved_by(saver);
            save(
                conn,
                Action::Edit,
                &current,
                current.version,
                &changes,
                &user.id,
            )
        })
        .await?;
    let mut response = view::respond(&req, &article, Audience::Private)?;
    *response.status_mut() = StatusCode::CREATED;
    if let Ok(location) =
        header::HeaderValue::from_str(&format!("/api/v1/articles/{}", article.summary.id))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}
