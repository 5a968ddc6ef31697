//! The editorial workflow: submit, publish (now, back-dated or scheduled,
//! with an optional expiry), unpublish, archive; each records the event
//! readers would notice (`events::article_written`).

use super::access::{check_if_match, load_for, save};
use super::view::{self, ArticleView};
use crate::caller::AuthUser;
use crate::error::{ApiError, Code, Problem};
use crate::extractors::{nullable, optional_json};
use crate::http_cache::{Audience, Precondition, expected_version};
use crate::responses::*;
use crate::slugs;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use toasoan_domain::article::{Action, Status};
use toasoan_persistence::models::article::ArticleChanges;
use toasoan_persistence::queries::{articles, review_notes};
use toasoan_persistence::time;
use utoipa::ToSchema;

/// When to publish, and until when.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// Omitted: now (or keep the date of an article already published).
    /// In the past: the historical publication date. In the future: the
    /// article is scheduled and becomes visible exactly then. Years 1900
    /// to 9999 (`out_of_range` otherwise).
    #[schema(example = "2024-04-20T02:54:00Z")]
    pub at: Option<DateTime<Utc>>,
    /// Expiry: from this instant on readers no longer see the article.
    /// Omitted: keep the one set (if any); null: never expire. Must come
    /// after the publication instant; years 1900 to 9999.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<DateTime<Utc>>, example = "2024-05-20T02:54:00Z")]
    pub unpublish_at: Option<Option<DateTime<Utc>>>,
}

/// A workflow action and what it carries.
pub(crate) struct Transition {
    /// The action.
    pub action: Action,
    /// Publish: when (`None`: now, or keep the date of a published article).
    pub at: Option<DateTime<Utc>>,
    /// Publish: a new expiry (`Some(None)` clears it).
    pub unpublish_at: Option<Option<DateTime<Utc>>>,
    /// Return: the note for the author, already validated.
    pub note: Option<String>,
}

impl Transition {
    /// The action with nothing else.
    pub fn new(action: Action) -> Self {
        Self {
            action,
            at: None,
            unpublish_at: None,
            note: None,
        }
    }
}

pub(crate) async fn transition(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    key: String,
    change: Transition,
) -> Result<HttpResponse, ApiError> {
    let Transition {
        action,
        at,
        unpublish_at,
        note,
    } = change;
    let unpublish_at = super::input::expiry(unpublish_at)?;
    let at = at
        .map(|at| toasoan_domain::article::instant("at", at))
        .transpose()
        .map_err(ApiError::field)?;
    let expected = expected_version(&req, None)?;
    let if_match = Precondition::of(&req);
    let saver = super::revisions::saver(&state, &user);
    // On PostgreSQL two publishes can settle on one free slug; the one
    // whose update loses picks again, past the winner's.
    let mut attempts = 0;
    let article: ArticleView = loop {
        attempts += 1;
        let (key, user, if_match, saver, note) = (
            key.clone(),
            user.clone(),
            if_match.clone(),
            saver.clone(),
            note.clone(),
        );
        let written = state
            .write(move |conn| {
                let current = load_for(conn, &key, &user, action)?;
                if let Some(version) = expected
                    && version != current.version
                {
                    return Err(ApiError::StaleVersion(version));
                }
                check_if_match(conn, &if_match, &current)?;
                let status = current.status;
                let next = status
                    .after(action)
                    .map_err(|e| Code::InvalidTransition.err(e.message))?;
                let now = time::now();
                let published_at = match action {
                    Action::Publish => Some(match (at, status) {
                        (Some(at), _) => Some(time::to_db(at)),
                        (None, Status::Published) => current.published_at.or(Some(now)),
                        (None, _) => Some(now),
                    }),
                    _ => None,
                };
                if action == Action::Publish {
                    super::input::check_expiry(
                        published_at.flatten(),
                        unpublish_at.unwrap_or(current.unpublish_at),
                    )?;
                }
                // An author's draft has a provisional slug until it is
                // published: then it gets the slug readers will know it by.
                let slug = match action {
                    Action::Publish => slugs::settle(&current.slug, &current.id, |base| {
                        Ok(articles::taken_by_others(conn, base, &current.id)?)
                    })?,
                    _ => None,
                };
                let changes = ArticleChanges {
                    status: Some(next),
                    slug,
                    published_at,
                    unpublish_at: unpublish_at.filter(|_| action == Action::Publish),
                    ..ArticleChanges::next_version(current.version, now)
                }
                .saved_by(saver);
                if let Some(note) = &note {
                    review_notes::insert(conn, &current.id, note, &user.id, now)?;
                }
                save(conn, action, &current, current.version, &changes, &user.id)
            })
            .await;
        match written {
            Err(e) if action == Action::Publish && slugs::retry(false, &e, attempts) => {}
            other => break other?,
        }
    };
    view::respond(&req, &article, Audience::Private)
}

/// Publishes an article now, at a past date, or on a schedule (editors).
///
/// An article with a provisional slug (an author's draft: the slug asked
/// for or made from the title, followed by the end of its id) gets its
/// settled slug here, when published or scheduled: the one it stands for,
/// numbered (`-2`, `-3`, ...) past every other article's current and old
/// slugs. The response's `slug` is the one readers will see; the
/// provisional one keeps answering with a redirect. A settled slug (one an
/// editor chose, or that readers have seen) is never changed by publishing.
#[utoipa::path(post, path = "/api/v1/articles/{id_or_slug}/publish", operation_id = "publish_article", tag = "articles",
    security(("bearer" = [])), request_body(content = Option<PublishRequest>, description = "Optional; an empty body publishes now"),
    params(
        ("id_or_slug" = String, Path, description = "Article id or slug"),
        ("If-Match" = Option<String>, Header, description = "Only if still at this version"),
    ),
    responses(
        (status = 200, description = "Published or scheduled", body = ArticleView,
            headers(("ETag" = String, description = "The new version's"))),
        ArticleAccess,
        IfMatch,
        (status = 409, description = "Not in a state that can be published (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
        JsonBody,
        ArticleDates,
    ))]
pub async fn publish_article(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    key: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let request: PublishRequest = optional_json(&req, &body)?;
    transition(
        state,
        req,
        user,
        key.into_inner(),
        Transition {
            at: request.at,
            unpublish_at: request.unpublish_at,
            ..Transition::new(Action::Publish)
        },
    )
    .await
}

/// Takes an article back to draft (editors).
#[utoipa::path(post, path = "/api/v1/articles/{id_or_slug}/unpublish", operation_id = "unpublish_article", tag = "articles",
    security(("bearer" = [])),
    params(
        ("id_or_slug" = String, Path, description = "Article id or slug"),
        ("If-Match" = Option<String>, Header, description = "Only if still at this version"),
    ),
    responses(
        (status = 200, description = "Back to draft", body = ArticleView,
            headers(("ETag" = String, description = "The new version's"))),
        ArticleAccess,
        IfMatch,
        (status = 409, description = "Not in a state that can be unpublished (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn unpublish_article(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    transition(
        state,
        req,
        user,
        key.into_inner(),
        Transition::new(Action::Unpublish),
    )
    .await
}

/// Submits a draft for review (its author, or an editor).
#[utoipa::path(post, path = "/api/v1/articles/{id_or_slug}/submit", operation_id = "submit_article", tag = "articles",
    security(("bearer" = [])),
    params(
        ("id_or_slug" = String, Path, description = "Article id or slug"),
        ("If-Match" = Option<String>, Header, description = "Only if still at this version"),
    ),
    responses(
        (status = 200, description = "In review", body = ArticleView,
            headers(("ETag" = String, description = "The new version's"))),
        ArticleAccess,
        IfMatch,
        (status = 409, description = "Not a draft (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn submit_article(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    transition(
        state,
        req,
        user,
        key.into_inner(),
        Transition::new(Action::Submit),
    )
    .await
}

/// Withdraws an article from the public, keeping it (editors).
#[utoipa::path(post, path = "/api/v1/articles/{id_or_slug}/archive", operation_id = "archive_article", tag = "articles",
    security(("bearer" = [])),
    params(
        ("id_or_slug" = String, Path, description = "Article id or slug"),
        ("If-Match" = Option<String>, Header, description = "Only if still at this version"),
    ),
    responses(
        (status = 200, description = "Archived", body = ArticleView,
            headers(("ETag" = String, description = "The new version's"))),
        ArticleAccess,
        IfMatch,
        (status = 409, description = "Already archived (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn archive_article(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    transition(
        state,
        req,
        user,
        key.into_inner(),
        Transition::new(Action::Archive),
    )
    .await
}
