//! Categories: the paper's sections and sub-sections.

use crate::caller::Editor;
use crate::error::{ApiError, Code, Problem};
use crate::extractors::{nullable, resolve_patch};
use crate::http_cache::respond;
use crate::pagination::Page;
use crate::responses::*;
use crate::slugs;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toasoan_domain::ValidationErrors;
use toasoan_domain::category::{self, Category};
use toasoan_persistence::models::category::{CategoryChanges, CategoryRow};
use toasoan_persistence::queries::categories;
use toasoan_persistence::{DbConn, Guarded, time};
use utoipa::ToSchema;

crate::endpoints![
    list_categories,
    create_category,
    get_category,
    update_category,
    delete_category
];

/// A category.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    /// UUIDv7.
    pub id: String,
    /// URL slug.
    #[schema(example = "theo-guong-bac")]
    pub slug: String,
    /// Display name.
    #[schema(example = "Theo gương Bác")]
    pub name: String,
    /// Optional description.
    pub description: Option<String>,
    /// The parent category, for sub-sections.
    pub parent_id: Option<String>,
    /// Order among its siblings, ascending.
    pub position: i32,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Category> for CategoryView {
    fn from(c: Category) -> Self {
        Self {
            id: c.id.to_string(),
            slug: c.slug.into_string(),
            name: c.name,
            description: c.description,
            parent_id: c.parent_id.map(|p| p.to_string()),
            position: c.position,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

fn view(row: CategoryRow) -> Result<CategoryView, ApiError> {
    Ok(Category::try_from(row)?.into())
}

/// A new category.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCategory {
    /// Display name, 1 to 100 characters.
    #[schema(example = "Theo gương Bác")]
    pub name: String,
    /// Slug; made from the name when absent.
    pub slug: Option<String>,
    /// Up to 1 000 characters.
    pub description: Option<String>,
    /// Parent category id or slug.
    #[schema(example = "chinh-tri")]
    pub parent_id: Option<String>,
    /// Order among siblings (default 0).
    pub position: Option<i32>,
}

/// Changes to a category; absent fields stay, `null` clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCategory {
    /// New name.
    pub name: Option<String>,
    /// New slug.
    pub slug: Option<String>,
    /// New description, or null.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// New parent id or slug, or null for a top-level section.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<Option<String>>,
    /// New position.
    pub position: Option<i32>,
}

fn not_found() -> ApiError {
    Code::CategoryNotFound.err("no such category")
}

/// Checks a proposed parent and returns its id. Writers of the tree take
/// turns, so two moves at once cannot make a cycle between them.
fn resolve_parent(
    conn: &mut DbConn,
    own_id: Option<&str>,
    parent: &str,
) -> Result<String, ApiError> {
    toasoan_persistence::lock(conn, Guarded::Categories)?;
    let all = categories::list(conn)?;
    let parent = categories::find(conn, parent)?.ok_or_else(|| {
        ApiError::field(toasoan_domain::FieldError::new(
            "parent_id",
            "not_found",
            "no such category",
        ))
    })?;
    let chain = categories::chain(&all, &parent.id);
    let height = own_id.map_or(1, |id| categories::subtree_height(&all, id));
    category::check_ancestry(own_id, &chain, height).map_err(ApiError::field)?;
    Ok(parent.id)
}

/// Every category, in display order; sub-categories name their `parent_id`.
#[utoipa::path(get, path = "/api/v1/categories", operation_id = "list_categories", tag = "categories",
    responses(
        (status = 200, description = "All categories", body = Page<CategoryView>,
            headers(("ETag" = String, description = "Validator for If-None-Match"), ("Cache-Control" = String, description = "Public caching"))),
        (status = 304, description = "Not modified"),
    ))]
pub async fn list_categories(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let rows = state.db(|conn| Ok(categories::list(conn)?)).await?;
    respond(
        &req,
        &Page::all(rows.into_iter().map(view).collect::<Result<Vec<_>, _>>()?),
        "",
        state.audience(false),
    )
}

/// One category by id or slug.
#[utoipa::path(get, path = "/api/v1/categories/{id_or_slug}", operation_id = "get_category", tag = "categories",
    params(("id_or_slug" = String, Path, description = "Category id or slug", example = "theo-guong-bac")),
    responses(
        (status = 200, description = "The category", body = CategoryView),
        (status = 304, description = "Not modified"),
        CategoryNotFound,
    ))]
pub async fn get_category(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let row = state
        .db(move |conn| Ok(categories::find(conn, &key)?))
        .await?
        .ok_or_else(not_found)?;
    respond(&req, &view(row)?, "", state.audience(false))
}

/// Creates a category.
#[utoipa::path(post, path = "/api/v1/categories", operation_id = "create_category", tag = "categories",
    security(("bearer" = [])), request_body = CreateCategory,
    responses(
        (status = 201, description = "Created", body = CategoryView),
        EditorOnly,
        SlugTaken,
        JsonBody,
    ))]
pub async fn create_category(
    state: web::Data<AppState>,
    _editor: Editor,
    body: web::Json<CreateCategory>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = ValidationErrors::default();
    let name = errors.check(category::name(&body.name));
    let description = errors.check(category::description(body.description.as_deref()));
    let (Some(name), Some(description)) = (name, description) else {
        return Err(errors.into());
    };
    let row = state
        .write(move |conn| {
            let parent_id = body
                .parent_id
                .as_deref()
                .map(|p| resolve_parent(conn, None, p))
                .transpose()?;
            let slug = slugs::choose(body.slug.as_deref(), &name, "chuyen-muc", |base| {
                Ok(categories::taken_slugs(conn, base)?)
            })?;
            let now = time::now();
            let row = CategoryRow {
                id: uuid::Uuid::now_v7().to_string(),
                slug,
                name,
                description,
                parent_id,
                position: body.position.unwrap_or(0),
                created_at: now,
                updated_at: now,
            };
            categories::insert(conn, &row)?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(view(row)?))
}

/// Changes a category.
#[utoipa::path(patch, path = "/api/v1/categories/{id_or_slug}", operation_id = "update_category", tag = "categories",
    security(("bearer" = [])), request_body = UpdateCategory,
    params(("id_or_slug" = String, Path, description = "Category id or slug")),
    responses(
        (status = 200, description = "Updated", body = CategoryView),
        EditorOnly,
        CategoryNotFound,
        SlugTaken,
        JsonBody,
    ))]
pub async fn update_category(
    state: web::Data<AppState>,
    _editor: Editor,
    key: web::Path<String>,
    body: web::Json<UpdateCategory>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let body = body.into_inner();
    let mut errors = ValidationErrors::default();
    let name = body
        .name
        .as_deref()
        .map(category::name)
        .and_then(|r| errors.check(r));
    let description = match &body.description {
        Some(d) => errors.check(category::description(d.as_deref())),
        None => None,
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let row = state
        .write(move |conn| {
            let current = categories::find(conn, &key)?.ok_or_else(not_found)?;
            let parent_id = resolve_patch(&body.parent_id, |p| {
                resolve_parent(conn, Some(&current.id), p)
            })?;
            let slug = match body.slug.as_deref() {
                Some(s) if s != current.slug => Some(slugs::choose(Some(s), "", "", |base| {
                    Ok(categories::taken_slugs(conn, base)?)
                })?),
                _ => None,
            };
            let changes = CategoryChanges {
                slug,
                name,
                description,
                parent_id,
                position: body.position,
                updated_at: Some(time::now()),
            };
            categories::update(conn, &current.id, &changes)?;
            categories::find(conn, &current.id)?.ok_or_else(not_found)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(row)?))
}

/// Deletes a category that no article or sub-category uses.
#[utoipa::path(delete, path = "/api/v1/categories/{id_or_slug}", operation_id = "delete_category", tag = "categories",
    security(("bearer" = [])),
    params(("id_or_slug" = String, Path, description = "Category id or slug")),
    responses(
        (status = 204, description = "Deleted"),
        EditorOnly,
        CategoryNotFound,
        (status = 409, description = "Articles or sub-categories still use it (`category_in_use`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_category(
    state: web::Data<AppState>,
    _editor: Editor,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    state
        .write(move |conn| {
            let current = categories::find(conn, &key)?.ok_or_else(not_found)?;
            if categories::in_use(conn, &current.id)? {
                return Err(Code::CategoryInUse
                    .err("articles or sub-categories still use this category; move them first"));
            }
            categories::delete(conn, &current.id)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
