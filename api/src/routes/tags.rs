//! Tags: keywords grouping articles across categories.

use crate::caller::Editor;
use crate::error::{ApiError, Code};
use crate::pagination::{AlphabeticalQuery, Page};
use crate::responses::*;
use crate::state::AppState;
use crate::taxonomy::{self, Taxon};
use crate::views::SlugText;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toasoan_domain::tag::{self, Tag};
use toasoan_domain::text::vietnamese_sort_key;
use toasoan_persistence::models::tag::{TagChanges, TagRow};
use toasoan_persistence::time;
use utoipa::ToSchema;

crate::endpoints![list_tags, create_tag, get_tag, update_tag, delete_tag];

/// A tag.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagView {
    /// UUIDv7.
    #[schema(format = Uuid)]
    pub id: String,
    /// URL slug.
    #[schema(example = "hoc-tap-va-lam-theo-bac")]
    pub slug: String,
    /// Display name.
    #[schema(example = "Học tập và làm theo Bác")]
    pub name: String,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// Increases on every change; send it back as `If-Match` (the ETag) or `version`.
    #[schema(example = 2)]
    pub version: i32,
}

impl From<Tag> for TagView {
    fn from(t: Tag) -> Self {
        Self {
            id: t.id.to_string(),
            slug: t.slug.into_string(),
            name: t.name,
            created_at: t.created_at,
            updated_at: t.updated_at,
            version: t.version,
        }
    }
}

fn view(row: TagRow) -> Result<TagView, ApiError> {
    Ok(Tag::try_from(row)?.into())
}

/// A new tag.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagInput {
    /// Display name, 1 to 80 characters (required on create).
    #[schema(example = "Học tập và làm theo Bác", min_length = 1, max_length = 80)]
    pub name: Option<String>,
    /// Slug; made from the name when absent on create.
    #[schema(value_type = Option<SlugText>)]
    pub slug: Option<String>,
}

/// Changes to a tag; absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTag {
    /// New name, 1 to 80 characters.
    #[schema(example = "Xây dựng nông thôn mới", min_length = 1, max_length = 80)]
    pub name: Option<String>,
    /// New slug; the old one keeps answering 301.
    #[schema(value_type = Option<SlugText>)]
    pub slug: Option<String>,
    /// The version being edited (alternative to If-Match).
    #[schema(example = 2)]
    #[serde(default, deserialize_with = "toasoan_domain::number::optional_integer")]
    pub version: Option<i32>,
}

impl Taxon for TagRow {
    const COLLECTION: &'static str = "/api/v1/tags";
    const FALLBACK_SLUG: &'static str = "the";
    const NOT_FOUND: Code = Code::TagNotFound;
    const NOUN: &'static str = "tag";
}

/// Tags in Vietnamese alphabetical order.
#[utoipa::path(get, path = "/api/v1/tags", operation_id = "list_tags", tag = "tags",
    params(AlphabeticalQuery),
    responses(
        (status = 200, description = "A page of tags", body = Page<TagView>,
            headers(("ETag" = String), ("Cache-Control" = String), ("Link" = String, description = "`<...>; rel=\"next\"` when there is a next page"))),
        NotModified,
        ListErrors,
    ))]
pub async fn list_tags(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<AlphabeticalQuery>,
) -> Result<HttpResponse, ApiError> {
    taxonomy::list(&state, &req, &query, state.audience(false), view).await
}

/// One tag by id or slug.
///
/// An old slug (the tag was renamed) answers 301 with the current one in
/// `Location`, for ever, until another tag takes it.
#[utoipa::path(get, path = "/api/v1/tags/{id_or_slug}", operation_id = "get_tag", tag = "tags",
    params(("id_or_slug" = String, Path, description = "Tag id or slug")),
    responses(
        (status = 200, description = "The tag", body = TagView,
            headers(("ETag" = String, description = "`\"v{version}-...\"`: send it back as If-None-Match, or as If-Match when editing"), ("Cache-Control" = String))),
        (status = 301, description = "An old slug; `Location` names the current URL",
            headers(("Location" = String, description = "`/api/v1/tags/{current slug}`"))),
        NotModified,
        TagNotFound,
    ))]
pub async fn get_tag(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    taxonomy::get(&state, &req, key.into_inner(), state.audience(false), view).await
}

/// Creates a tag.
#[utoipa::path(post, path = "/api/v1/tags", operation_id = "create_tag", tag = "tags",
    security(("bearer" = [])), request_body = TagInput,
    responses(
        (status = 201, description = "Created", body = TagView, headers(
            ("Location" = String, description = "The new tag's URL, `/api/v1/tags/{id}`"),
            ("ETag" = String, description = "The validator a read of it sends"))),
        EditorOnly,
        SlugTaken,
        JsonBody,
    ))]
pub async fn create_tag(
    state: web::Data<AppState>,
    req: HttpRequest,
    _editor: Editor,
    body: crate::extractors::Json<TagInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let name = tag::name(body.name.as_deref().unwrap_or_default()).map_err(ApiError::field)?;
    let row = taxonomy::create(&state, body.slug.is_some(), move |conn| {
        let now = time::now();
        Ok(TagRow {
            id: uuid::Uuid::now_v7().to_string(),
            slug: taxonomy::new_slug::<TagRow>(conn, body.slug.as_deref(), &name)?,
            sort_key: vietnamese_sort_key(&name),
            name: name.clone(),
            created_at: now,
            updated_at: now,
            version: 1,
        })
    })
    .await?;
    taxonomy::created(&req, &row, &view(row.clone())?)
}

/// Renames a tag or changes its slug.
///
/// Conditional, like article edits: send the ETag of the version edited as
/// `If-Match` (or its `version`); if someone changed it since, 412 and
/// nothing changes. A new slug keeps the old one answering 301.
#[utoipa::path(patch, path = "/api/v1/tags/{id_or_slug}", operation_id = "update_tag", tag = "tags",
    security(("bearer" = [])), request_body = UpdateTag,
    params(
        ("id_or_slug" = String, Path, description = "Tag id or slug"),
        ("If-Match" = Option<String>, Header, description = taxonomy::IF_MATCH, example = "\"v2-5e1f0c2a9b7d4e3c2a1b\""),
    ),
    responses(
        (status = 200, description = "Updated", body = TagView,
            headers(("ETag" = String, description = "The new version's; send it back as If-Match on the next edit"))),
        EditorOnly,
        TagNotFound,
        SlugTaken,
        VersionedJsonBody,
    ))]
pub async fn update_tag(
    state: web::Data<AppState>,
    req: HttpRequest,
    _editor: Editor,
    key: web::Path<String>,
    body: crate::extractors::Json<UpdateTag>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let expect = taxonomy::required_expectation(&req, body.version)?;
    let name = body
        .name
        .as_deref()
        .map(tag::name)
        .transpose()
        .map_err(ApiError::field)?;
    let asked = name.is_some();
    let row: TagRow = taxonomy::update(
        &state,
        key.into_inner(),
        expect,
        body.slug,
        asked,
        move |_, _| {
            Ok(TagChanges {
                slug: None,
                sort_key: name.as_deref().map(vietnamese_sort_key),
                name,
                updated_at: Some(time::now()),
            })
        },
    )
    .await?;
    taxonomy::updated(&req, &row, &view(row.clone())?)
}

/// Deletes a tag and removes it from every article.
#[utoipa::path(delete, path = "/api/v1/tags/{id_or_slug}", operation_id = "delete_tag", tag = "tags",
    security(("bearer" = [])),
    params(
        ("id_or_slug" = String, Path, description = "Tag id or slug"),
        ("If-Match" = Option<String>, Header, description = taxonomy::IF_MATCH_DELETE),
    ),
    responses(
        (status = 204, description = "Deleted"),
        EditorOnly,
        TagNotFound,
        IfMatch,
    ))]
pub async fn delete_tag(
    state: web::Data<AppState>,
    req: HttpRequest,
    _editor: Editor,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let expect = taxonomy::expectation(&req, None)?;
    taxonomy::delete(&state, key.into_inner(), expect, |_, _: &TagRow| Ok(())).await
}
