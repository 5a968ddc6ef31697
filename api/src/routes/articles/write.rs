//! Writing articles: create (always a draft), update with optimistic
//! locking, delete.

use super::access::{check_if_match, load_for, lost_race, save};
use super::input::{self, CreateArticle, UpdateArticle};
use super::view::{self, ArticleView};
use crate::caller::AuthUser;
use crate::error::{ApiError, Code, Problem};
use crate::http_cache::{Audience, Precondition, expected_version};
use crate::responses::*;
use crate::state::AppState;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use toasoan_domain::article::Action;
use toasoan_domain::user::Role;
use toasoan_persistence::queries::{articles, events};
use toasoan_persistence::time;

fn editors_only(user: &AuthUser, featured: bool) -> Result<(), ApiError> {
    if featured && !user.role.at_least(Role::Editor) {
        return Err(Code::Forbidden.err("only editors choose featured articles"));
    }
    Ok(())
}

fn editors_pick_related(user: &AuthUser, related: bool) -> Result<(), ApiError> {
    if related && !user.role.at_least(Role::Editor) {
        return Err(Code::Forbidden.err("only editors pick related articles"));
    }
    Ok(())
}

/// Sends an article after a write, with its version ETag.
fn written(
    req: &HttpRequest,
    article: &ArticleView,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let mut response = view::respond(req, article, Audience::Private)?;
    *response.status_mut() = status;
    if status == StatusCode::CREATED
        && let Ok(value) =
            header::HeaderValue::from_str(&format!("/api/v1/articles/{}", article.summary.id))
    {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// Creates a draft.
///
/// Its slug depends on who creates it. For editors and admins, it is the
/// one asked for (409 `slug_taken` if any article has it, as current or
/// old slug), or one made from the title numbered past those in use
/// (`-2`, `-3`, ...). For an author it is provisional: the slug asked for
/// or made from the title, followed by the end of the article's own id
/// (`tin-moi-2e3f4a5b`). It is never compared with other articles, so it
/// tells the author nothing about articles they may not read, and never
/// answers 409. Publishing settles it (see `publish_article`).
#[utoipa::path(post, path = "/api/v1/articles", operation_id = "create_article", tag = "articles",
    security(("bearer" = [])), request_body = CreateArticle,
    responses(
        (status = 201, description = "Created as a draft", body = ArticleView,
            headers(("Location" = String, description = "`/api/v1/articles/{id}`"), ("ETag" = String, description = "Send it back as If-Match when editing"))),
        AuthRequired,
        (status = 403, description = "An author setting `featured` or `related_ids` (`forbidden`), or an API key whose scope does not cover this (`api_key_scope`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An editor asked for a slug in use (`slug_taken`); never for an author", body = Problem, content_type = "application/problem+json"),
        JsonBody,
    ))]
pub async fn create_article(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    input: crate::extractors::Json<CreateArticle>,
) -> Result<HttpResponse, ApiError> {
    let mut input = input.into_inner();
    editors_only(&user, input.sets_featured())?;
    editors_pick_related(&user, input.sets_related())?;
    // On PostgreSQL two creates with one title can both read the same slug
    // as free; the one whose insert loses picks again, past the winner's.
    // A slug asked for by name is never renumbered: its clash is a 409.
    let derived_slug = input.slug.is_none();
    let body = input::CheckedBody::check_off_thread(std::mem::take(&mut input.body)).await?;
    let mut attempts = 0;
    let article = loop {
        attempts += 1;
        let (input, body, user) = (input.clone(), body.clone(), user.clone());
        let created = state
            .write(move |conn| {
                let new = input::new_article(conn, input, body, &user)?;
                articles::insert(conn, &new)?;
                view::full(conn, new.into())
            })
            .await;
        match created {
            Err(e) if crate::slugs::retry(!derived_slug, &e, attempts) => {}
            other => break other?,
        }
    };
    written(&req, &article, StatusCode::CREATED)
}

/// Edits an article. Authors edit only their own drafts.
///
/// A new slug from an editor must be free (409 `slug_taken`); the old one
/// keeps answering with a redirect. A new slug from an author is
/// provisional, as when creating: the slug asked for followed by the end of
/// the article's id, never compared with other articles and settled when
/// the article is published.
#[utoipa::path(patch, path = "/api/v1/articles/{id_or_slug}", operation_id = "update_article", tag = "articles",
    security(("bearer" = [])), request_body = UpdateArticle,
    params(
        ("id_or_slug" = String, Path, description = "Article id or slug"),
        ("If-Match" = Option<String>, Header, description = "The ETag of the version edited (or send `version`)", example = "\"v3-5e1f0c2a9b7d4e3c2a1b\""),
    ),
    responses(
        (status = 200, description = "Updated", body = ArticleView,
            headers(("ETag" = String, description = "The new version's; send it back as If-Match on the next edit"))),
        ArticleAccess,
        (status = 409, description = "An editor asked for a slug in use (`slug_taken`); not for an author (except in the unlikely case that another article has exactly the provisional slug)", body = Problem, content_type = "application/problem+json"),
        VersionedJsonBody,
        ArticleDates,
    ))]
pub async fn update_article(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    key: web::Path<String>,
    input: crate::extractors::Json<UpdateArticle>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let mut input = input.into_inner();
    let if_match = Precondition::of(&req);
    let expected = expected_version(&req, input.version)?;
    if expected.is_none() && !if_match.is_any() {
        return Err(Code::PreconditionRequired.err(
            "send If-Match with the article's ETag, or the `version` field, so concurrent edits are not lost",
        ));
    }
    editors_only(&user, input.sets_featured())?;
    editors_pick_related(&user, input.sets_related())?;
    let body = match input.body.take() {
        Some(raw) => Some(input::CheckedBody::check_off_thread(raw).await?),
        None => None,
    };
    let asked = !input.is_empty() || body.is_some();
    let saver = super::revisions::saver(&state, &user);
    let article = state
        .write(move |conn| {
            let current = load_for(conn, &key, &user, Action::Edit)?;
            let expected = expected.unwrap_or(current.version);
            if current.version != expected {
                return Err(ApiError::StaleVersion(expected));
            }
            check_if_match(conn, &if_match, &current)?;
            if !asked {
                // Nothing named: no write, no revision, no event, same ETag.
                let mut article = view::full(conn, current)?;
                super::review::attach(conn, &mut article)?;
                return Ok(article);
            }
            let changes = input::changes(conn, input, body, &current, &user)?.saved_by(saver);
            save(conn, Action::Edit, &current, expected, &changes, &user.id)
        })
        .await?;
    written(&req, &article, StatusCode::OK)
}

/// Deletes an article for good. Authors delete only their own drafts.
#[utoipa::path(delete, path = "/api/v1/articles/{id_or_slug}", operation_id = "delete_article", tag = "articles",
    security(("bearer" = [])),
    params(
        ("id_or_slug" = String, Path, description = "Article id or slug"),
        ("If-Match" = Option<String>, Header, description = "Only if still at this version"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        ArticleAccess,
        IfMatch,
    ))]
pub async fn delete_article(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let expected = expected_version(&req, None)?;
    let if_match = Precondition::of(&req);
    state
        .write(move |conn| {
            let current = load_for(conn, &key, &user, Action::Delete)?;
            let version = expected.unwrap_or(current.version);
            if version != current.version {
                return Err(ApiError::StaleVersion(version));
            }
            check_if_match(conn, &if_match, &current)?;
            // Recorded first (the pending due work goes with the article);
            // a delete that then fails rolls the event back with it.
            let now = time::now();
            events::article_written(
                conn,
                Action::Delete,
                Some(&current),
                None,
                Some(&user.id),
                now,
            )?;
            // Conditional on the version read: a publish that lands between
            // the permission check and the delete makes this one fail.
            if !articles::delete(conn, &current.id, version)? {
                return Err(lost_race(conn, &current.id, version));
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
