//! Tags: keywords grouping articles across categories.

use crate::caller::Editor;
use crate::error::{ApiError, Code};
use crate::http_cache::{respond, respond_page};
use crate::pagination::Page;
use crate::responses::*;
use crate::routes::authors::{AlphabeticalQuery, alphabetical_cursor};
use crate::slugs;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toasoan_domain::tag::{self, Tag};
use toasoan_domain::text::vietnamese_sort_key;
use toasoan_persistence::models::tag::{TagChanges, TagRow};
use toasoan_persistence::queries::tags;
use toasoan_persistence::time;
use utoipa::ToSchema;

crate::endpoints![list_tags, create_tag, get_tag, update_tag, delete_tag];

/// A tag.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagView {
    /// UUIDv7.
    pub id: String,
    /// URL slug.
    #[schema(example = "hoc-tap-va-lam-theo-bac")]
    pub slug: String,
    /// Display name.
    #[schema(example = "Học tập và làm theo Bác")]
    pub name: String,
    /// When created.
    pub created_at: DateTime<Utc>,
}

impl From<Tag> for TagView {
    fn from(t: Tag) -> Self {
        Self {
            id: t.id.to_string(),
            slug: t.slug.into_string(),
            name: t.name,
            created_at: t.created_at,
        }
    }
}

fn view(row: TagRow) -> Result<TagView, ApiError> {
    Ok(Tag::try_from(row)?.into())
}

/// A new tag, or changes to one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagInput {
    /// Display name, 1 to 80 characters (required on create).
    #[schema(example = "Học tập và làm theo Bác")]
    pub name: Option<String>,
    /// Slug; made from the name when absent on create.
    pub slug: Option<String>,
}

fn not_found() -> ApiError {
    Code::TagNotFound.err("no such tag")
}

/// Tags in Vietnamese alphabetical order.
#[utoipa::path(get, path = "/api/v1/tags", operation_id = "list_tags", tag = "tags",
    params(AlphabeticalQuery),
    responses(
        (status = 200, description = "A page of tags", body = Page<TagView>),
        (status = 304, description = "Not modified"),
        ListErrors,
    ))]
pub async fn list_tags(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<AlphabeticalQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = query.parse()?;
    let rows = state
        .db(move |conn| Ok(tags::page(conn, after, limit + 1)?))
        .await?;
    let page = Page::new(rows, limit, |r| alphabetical_cursor(&r.sort_key, &r.id)).try_map(view)?;
    respond_page(&req, &page, state.audience(false))
}

/// One tag by id or slug.
#[utoipa::path(get, path = "/api/v1/tags/{id_or_slug}", operation_id = "get_tag", tag = "tags",
    params(("id_or_slug" = String, Path, description = "Tag id or slug")),
    responses(
        (status = 200, description = "The tag", body = TagView),
        (status = 304, description = "Not modified"),
        TagNotFound,
    ))]
pub async fn get_tag(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let row = state
        .db(move |conn| Ok(tags::find(conn, &key)?))
        .await?
        .ok_or_else(not_found)?;
    respond(&req, &view(row)?, "", state.audience(false))
}

/// Creates a tag.
#[utoipa::path(post, path = "/api/v1/tags", operation_id = "create_tag", tag = "tags",
    security(("bearer" = [])), request_body = TagInput,
    responses(
        (status = 201, description = "Created", body = TagView),
        EditorOnly,
        SlugTaken,
        JsonBody,
    ))]
pub async fn create_tag(
    state: web::Data<AppState>,
    _editor: Editor,
    body: web::Json<TagInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let name = tag::name(body.name.as_deref().unwrap_or_default()).map_err(ApiError::field)?;
    let row = state
        .write(move |conn| {
            let slug = slugs::choose(body.slug.as_deref(), &name, "the", |base| {
                Ok(tags::taken_slugs(conn, base)?)
            })?;
            let row = TagRow {
                id: uuid::Uuid::now_v7().to_string(),
                slug,
                sort_key: vietnamese_sort_key(&name),
                name,
                created_at: time::now(),
            };
            tags::insert(conn, &row)?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(view(row)?))
}

/// Renames a tag or changes its slug.
#[utoipa::path(patch, path = "/api/v1/tags/{id_or_slug}", operation_id = "update_tag", tag = "tags",
    security(("bearer" = [])), request_body = TagInput,
    params(("id_or_slug" = String, Path, description = "Tag id or slug")),
    responses(
        (status = 200, description = "Updated", body = TagView),
        EditorOnly,
        TagNotFound,
        SlugTaken,
        JsonBody,
    ))]
pub async fn update_tag(
    state: web::Data<AppState>,
    _editor: Editor,
    key: web::Path<String>,
    body: web::Json<TagInput>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let body = body.into_inner();
    let name = body
        .name
        .as_deref()
        .map(tag::name)
        .transpose()
        .map_err(ApiError::field)?;
    let row = state
        .write(move |conn| {
            let current = tags::find(conn, &key)?.ok_or_else(not_found)?;
            let slug = match body.slug.as_deref() {
                Some(s) if s != current.slug => Some(slugs::choose(Some(s), "", "", |base| {
                    Ok(tags::taken_slugs(conn, base)?)
                })?),
                _ => None,
            };
            let changes = TagChanges {
                slug,
                sort_key: name.as_deref().map(vietnamese_sort_key),
                name,
            };
            tags::update(conn, &current.id, &changes)?;
            tags::find(conn, &current.id)?.ok_or_else(not_found)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(row)?))
}

/// Deletes a tag and removes it from every article.
#[utoipa::path(delete, path = "/api/v1/tags/{id_or_slug}", operation_id = "delete_tag", tag = "tags",
    security(("bearer" = [])),
    params(("id_or_slug" = String, Path, description = "Tag id or slug")),
    responses(
        (status = 204, description = "Deleted"),
        EditorOnly,
        TagNotFound,
    ))]
pub async fn delete_tag(
    state: web::Data<AppState>,
    _editor: Editor,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    state
        .write(move |conn| {
            let current = tags::find(conn, &key)?.ok_or_else(not_found)?;
            tags::delete(conn, &current.id)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
