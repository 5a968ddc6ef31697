//! Revisions: every save of an article (create, edit, each workflow action,
//! a correction, a restore) is recorded by the persistence write path with a
//! full snapshot. Here: the history, one revision, and restoring one.

use super::access::{check_if_match, load_for, save};
use super::input::{self, UpdateArticle};
use super::view::{self, ArticleView};
use super::{find, not_found};
use crate::caller::AuthUser;
use crate::error::{ApiError, Code, Problem};
use crate::extractors::optional_json;
use crate::http_cache::{Audience, Precondition, expected_version, respond, respond_page};
use crate::pagination::{self, Page};
use crate::responses::*;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use toasoan_domain::article::Action;
use toasoan_domain::revision::Snapshot;
use toasoan_domain::slug::Slug;
use toasoan_domain::user::Role;
use toasoan_persistence::models::article::ArticleRow;
use toasoan_persistence::models::revision::{RevisionSummaryRow, Saver};
use toasoan_persistence::queries::revisions;
use toasoan_persistence::{DbConn, time};
use utoipa::{IntoParams, ToSchema};

/// Who saves, as the revision a write records names them, with the
/// configured number of draft revisions kept.
pub(crate) fn saver(state: &AppState, user: &AuthUser) -> Saver {
    Saver::new(&user.id, state.config.draft_revisions_kept)
}

fn revision_not_found() -> ApiError {
    Code::RevisionNotFound.err("this article has no revision with that number")
}

/// The account that saved a revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedBy {
    /// Account id.
    #[schema(format = Uuid)]
    pub id: String,
    /// Account display name.
    #[schema(example = "Trần Văn Biên")]
    pub display_name: String,
}

/// A revision in an article's history (no snapshot).
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionSummary {
    /// Its number: 1, 2, 3 ... per article.
    #[schema(example = 3)]
    pub n: i32,
    /// The article version this save produced.
    #[schema(example = 3)]
    pub version: i32,
    /// Who saved it; null when the account is gone or none saved it (seeding).
    pub by: Option<SavedBy>,
    /// When it was saved.
    #[schema(example = "2024-04-20T02:50:00Z")]
    pub at: DateTime<Utc>,
    /// The title then.
    #[schema(example = "Mặt trận các cấp triển khai kế hoạch học tập và làm theo Bác")]
    pub title: String,
    /// The workflow status then, as stored (`draft`, `in_review`, `published`, `archived`).
    #[schema(example = "published")]
    pub status: String,
}

/// One revision with its full snapshot.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionView {
    /// Number, version, who and when.
    #[serde(flatten)]
    pub summary: RevisionSummary,
    /// The article's content and metadata as this save left them.
    pub snapshot: Snapshot,
}

/// Paging of an article's history.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RevisionListQuery {
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<i64>,
    /// `meta.next_cursor` of the previous page; empty means the first page.
    #[serde(default, deserialize_with = "crate::pagination::blank_is_none")]
    pub cursor: Option<String>,
}

/// Optional body of a restore.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestoreRequest {
    /// The article version being replaced (alternative to If-Match).
    #[schema(example = 7)]
    #[serde(default, deserialize_with = "toasoan_domain::number::optional_integer")]
    pub version: Option<i32>,
}

/// Loads an article whose history the caller may read: editors any,
/// authors their own (anything else is 404 to them).
fn load_history(conn: &mut DbConn, key: &str, user: &AuthUser) -> Result<ArticleRow, ApiError> {
    let row = find(conn, key)?.ok_or_else(not_found)?;
    let own = row.created_by.as_deref() == Some(user.id.as_str());
    if !own && !user.role.at_least(Role::Editor) {
        return Err(not_found());
    }
    Ok(row)
}

/// Names who saved each revision (one query for the page).
fn summaries(
    conn: &mut DbConn,
    rows: Vec<RevisionSummaryRow>,
) -> Result<Vec<RevisionSummary>, ApiError> {
    let mut ids: Vec<String> = rows.iter().filter_map(|r| r.saved_by.clone()).collect();
    ids.sort();
    ids.dedup();
    let names: HashMap<String, String> = revisions::savers(conn, &ids)?.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|r| RevisionSummary {
            n: r.n,
            version: r.version,
            by: r.saved_by.and_then(|id| {
                names.get(&id).map(|name| SavedBy {
                    display_name: name.clone(),
                    id,
                })
            }),
            at: time::from_db(r.saved_at),
            title: r.title,
            status: r.status.as_str().to_owned(),
        })
        .collect())
}

const ID_OR_SLUG: &str = "Article id or slug";

/// An article's revisions, newest first.
///
/// Every save of an article stores a revision: its creation, each edit,
/// each workflow action (submit, publish, unpublish, archive), each
/// correction and each restore. Listed without snapshots. Editors see any
/// article's history; authors only their own articles'. Revisions of an
/// article that has ever been published are kept for ever; a never-published
/// draft keeps its first revision and its newest `TOASOAN_DRAFT_REVISIONS_KEPT`
/// (default 50), older ones being pruned as new ones are saved.
#[utoipa::path(get, path = "/api/v1/articles/{id_or_slug}/revisions", operation_id = "list_article_revisions", tag = "articles",
    security(("bearer" = [])),
    params(("id_or_slug" = String, Path, description = ID_OR_SLUG), RevisionListQuery),
    responses(
        (status = 200, description = "A page of revisions, newest first (no snapshots)", body = Page<RevisionSummary>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when there is a next page"))),
        ListErrors,
        AuthRequired,
        ArticleNotFound,
    ))]
pub async fn list_article_revisions(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    key: web::Path<String>,
    query: web::Query<RevisionListQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let limit = pagination::limit(query.limit)?;
    let before =
        match query.cursor.as_deref() {
            Some(cursor) => {
                let raw = pagination::decode_cursor(cursor, "r", 1)?.remove(0);
                Some(raw.parse::<i32>().map_err(|_| {
                    Code::InvalidCursor.err("the cursor is not one this list gave out")
                })?)
            }
            None => None,
        };
    let page = state
        .db(move |conn| {
            let article = load_history(conn, &key, &user)?;
            let rows = revisions::page(conn, &article.id, before, limit + 1)?;
            let items = summaries(conn, rows)?;
            Ok(Page::new(items, limit, |r| {
                pagination::encode_cursor("r", &[&r.n.to_string()])
            }))
        })
        .await?;
    respond_page(&req, &page, Audience::Private)
}

/// One revision of an article, with its full snapshot.
///
/// The snapshot holds the article's content and metadata as that save left
/// them: title, slug, sapo, body blocks and HTML, status, featured,
/// published_at, category, cover image, byline (in order), tags, comment
/// mode, word count and corrections. Editors, and authors for their own
/// articles.
#[utoipa::path(get, path = "/api/v1/articles/{id_or_slug}/revisions/{n}", operation_id = "get_article_revision", tag = "articles",
    security(("bearer" = [])),
    params(
        ("id_or_slug" = String, Path, description = ID_OR_SLUG),
        ("n" = i32, Path, description = "Revision number", example = 3),
    ),
    responses(
        (status = 200, description = "The revision", body = RevisionView, headers(("ETag" = String))),
        NotModified,
        (status = 400, description = "`n` is not a number (`invalid_path`)", body = Problem, content_type = "application/problem+json"),
        AuthRequired,
        (status = 404, description = "No such article, or not visible to the caller (`article_not_found`); no revision `n` of this article (`revision_not_found`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_article_revision(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (key, n) = path.into_inner();
    let revision = state
        .db(move |conn| {
            let article = load_history(conn, &key, &user)?;
            let row = revisions::find(conn, &article.id, n)?.ok_or_else(revision_not_found)?;
            let snapshot: Snapshot =
                serde_json::from_str(&row.snapshot).map_err(ApiError::internal)?;
            let summary = summaries(
                conn,
                vec![RevisionSummaryRow {
                    article_id: row.article_id,
                    n: row.n,
                    version: row.version,
                    saved_by: row.saved_by,
                    saved_at: row.saved_at,
                    title: row.title,
                    status: row.status,
                }],
            )?
            .pop()
            .ok_or_else(|| ApiError::bug("a summary per revision"))?;
            Ok(RevisionView { summary, snapshot })
        })
        .await?;
    respond(&req, &revision, "", Audience::Private)
}

/// What a restore changes: the snapshot's content and metadata, not its
/// workflow status or publication time; `featured` only for editors.
fn restoring(snapshot: Snapshot, current: &ArticleRow, user: &AuthUser) -> UpdateArticle {
    let featured = (user.role.at_least(Role::Editor) && snapshot.featured != current.featured)
        .then_some(snapshot.featured);
    // A provisional slug the article had as a draft does not replace the
    // settled one readers know it by.
    let provisional = |slug: &str| Slug::settling(slug, &current.id).is_some();
    let slug =
        (!provisional(&snapshot.slug) || provisional(&current.slug)).then_some(snapshot.slug);
    UpdateArticle {
        title: Some(snapshot.title),
        slug,
        sapo: Some(snapshot.sapo),
        body: Some(snapshot.body),
        category_id: Some(snapshot.category_id),
        author_ids: Some(
            snapshot
                .authors
                .into_iter()
                .map(|a| {
                    input::BylineInput::WithRole(input::BylineWithRole {
                        author: a.author_id,
                        role: Some(a.role.as_str().to_owned()),
                    })
                })
                .collect(),
        ),
        related_ids: (user.role.at_least(Role::Editor)).then_some(snapshot.related_ids),
        tag_ids: Some(snapshot.tag_ids),
        cover_image_id: Some(snapshot.cover_image_id),
        featured,
        ..UpdateArticle::default()
    }
}

/// Puts an article's content back as revision `n` left it.
///
/// Restores the title, slug, sapo, body (its HTML rendered again), category,
/// cover image, byline, tags and `featured` (editors only) of revision `n`;
/// the workflow status and `published_at` stay as they are now (publish,
/// unpublish and archive are separate actions). The restore is itself a
/// save: the version goes up and a new revision records it, so it can be
/// undone by restoring the revision before it. Send `If-Match` (the
/// article's ETag, or `*`) or `version` to restore only if nobody changed
/// the article since you read it. Authors restore only their own drafts,
/// as with editing. Something the revision names that is gone since
/// (a category, author, tag or image) is refused field by field (422); a
/// slug now used by another article is 409 (for an author the restored
/// slug is provisional, as when editing). The provisional slug an author's
/// draft had does not replace the slug the article was published under.
#[utoipa::path(post, path = "/api/v1/articles/{id_or_slug}/revisions/{n}/restore", operation_id = "restore_article_revision", tag = "articles",
    security(("bearer" = [])),
    request_body(content = Option<RestoreRequest>, description = "Optional; `version` instead of If-Match"),
    params(
        ("id_or_slug" = String, Path, description = ID_OR_SLUG),
        ("n" = i32, Path, description = "Revision number", example = 3),
        ("If-Match" = Option<String>, Header, description = "The ETag of the version being replaced, or `*`", example = "\"v7-5e1f0c2a9b7d4e3c2a1b\""),
    ),
    responses(
        (status = 200, description = "Restored, as a new version", body = ArticleView,
            headers(("ETag" = String, description = "The new version's"))),
        (status = 400, description = "The body is not valid JSON (`malformed_json`), `n` is not a number (`invalid_path`), `If-Match` is not an ETag this API sent (`invalid_if_match`) or names another version than `version` (`version_mismatch`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No usable access token (`token_missing`, `token_invalid`, `token_expired`, `session_revoked`), or an API key that is not usable (`api_key_invalid`, `api_key_revoked`, `api_key_expired`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller's role may not edit this article (`forbidden`), or an API key whose scope does not cover this (`api_key_scope`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article, or not visible to the caller (`article_not_found`); no revision `n` of this article (`revision_not_found`)", body = Problem, content_type = "application/problem+json"),
        SlugTaken,
        (status = 412, description = "The article changed since the version named (`stale_version`); nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A body that is not `application/json` (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A category, author, tag or image the revision names no longer exists (`validation_failed`, each in `errors`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn restore_article_revision(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    path: web::Path<(String, i32)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (key, n) = path.into_inner();
    let request: RestoreRequest = optional_json(&req, &body)?;
    let expected = expected_version(&req, request.version)?;
    let if_match = Precondition::of(&req);
    let saver = saver(&state, &user);
    let article: ArticleView = state
        .write(move |conn| {
            let current = load_for(conn, &key, &user, Action::Edit)?;
            if let Some(version) = expected
                && version != current.version
            {
                return Err(ApiError::StaleVersion(version));
            }
            check_if_match(conn, &if_match, &current)?;
            let revision = revisions::find(conn, &current.id, n)?.ok_or_else(revision_not_found)?;
            let snapshot: Snapshot =
                serde_json::from_str(&revision.snapshot).map_err(ApiError::internal)?;
            let mut input = restoring(snapshot, &current, &user);
            let body = input.body.take().map(input::CheckedBody::check);
            let changes = input::changes(conn, input, body, &current, &user)?.saved_by(saver);
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
    view::respond(&req, &article, Audience::Private)
}
