//! Categories: the paper's sections and sub-sections.

use crate::caller::Editor;
use crate::error::{ApiError, Code, Problem};
use crate::extractors::{nullable, resolve_patch};
use crate::http_cache::respond;
use crate::pagination::Page;
use crate::responses::*;
use crate::state::AppState;
use crate::taxonomy::{self, Taxon, TextRules};
use crate::views::SlugText;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use toasoan_domain::category::{self, Category};
use toasoan_persistence::models::category::{CategoryChanges, CategoryRow};
use toasoan_persistence::queries::{categories, counts};
use toasoan_persistence::{DbConn, Guarded, time};
use utoipa::{IntoParams, ToSchema};

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
    #[schema(format = Uuid)]
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
    #[schema(format = Uuid)]
    pub parent_id: Option<String>,
    /// Order among its siblings, ascending.
    pub position: i32,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// Increases on every change; send it back as `If-Match` (the ETag) or `version`.
    #[schema(example = 3)]
    pub version: i32,
    /// Public articles filed directly in this category.
    #[schema(example = 42)]
    pub article_count: i64,
    /// Public articles in this category and all its sub-categories.
    #[schema(example = 57)]
    pub total_article_count: i64,
    /// With `tree=true`: the sub-categories, in display order.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub children: Option<Vec<CategoryView>>,
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
            version: c.version,
            article_count: 0,
            total_article_count: 0,
            children: None,
        }
    }
}

/// A category with no articles yet (a new one).
fn view(row: CategoryRow) -> Result<CategoryView, ApiError> {
    Ok(Category::try_from(row)?.into())
}

/// Every category and the public articles filed directly in each.
struct Census {
    all: Vec<CategoryRow>,
    direct: HashMap<String, i64>,
}

impl Census {
    fn take(conn: &mut DbConn) -> Result<Self, ApiError> {
        Ok(Self {
            all: categories::list(conn)?,
            direct: counts::per_category(conn, time::now())?,
        })
    }

    /// A category's view with its counts (its own and its subtree's).
    fn view(&self, row: CategoryRow) -> Result<CategoryView, ApiError> {
        let total = categories::subtree_ids(&self.all, &row.id)
            .iter()
            .map(|id| self.direct.get(id).copied().unwrap_or(0))
            .sum();
        let article_count = self.direct.get(&row.id).copied().unwrap_or(0);
        Ok(CategoryView {
            article_count,
            total_article_count: total,
            ..view(row)?
        })
    }

    /// The categories under `parent` (the roots for `None`), each with its
    /// own children, in display order.
    fn tree(&self, parent: Option<&str>) -> Result<Vec<CategoryView>, ApiError> {
        self.all
            .iter()
            .filter(|c| c.parent_id.as_deref() == parent)
            .map(|c| {
                Ok(CategoryView {
                    children: Some(self.tree(Some(&c.id))?),
                    ..self.view(c.clone())?
                })
            })
            .collect()
    }
}

/// How the category list is shaped.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CategoryListQuery {
    /// Nest sub-categories under their parent in `children` (the list then
    /// holds the top-level sections only).
    pub tree: Option<bool>,
}

/// A new category.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCategory {
    /// Display name, 1 to 100 characters.
    #[schema(example = "Theo gương Bác", min_length = 1, max_length = 100)]
    pub name: String,
    /// Slug; made from the name when absent.
    #[schema(value_type = Option<SlugText>)]
    pub slug: Option<String>,
    /// Up to 1 000 characters.
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    /// Parent category id or slug.
    #[schema(example = "chinh-tri")]
    pub parent_id: Option<String>,
    /// Order among siblings (default 0).
    #[serde(default, deserialize_with = "toasoan_domain::number::optional_integer")]
    pub position: Option<i32>,
}

/// Changes to a category; absent fields stay, `null` clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCategory {
    /// New name, 1 to 100 characters.
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// New slug.
    #[schema(value_type = Option<SlugText>)]
    pub slug: Option<String>,
    /// New description (up to 1 000 characters), or null.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub description: Option<Option<String>>,
    /// New parent id or slug, or null for a top-level section.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<Option<String>>,
    /// New position.
    #[serde(default, deserialize_with = "toasoan_domain::number::optional_integer")]
    pub position: Option<i32>,
    /// The version being edited (alternative to If-Match).
    #[schema(example = 3)]
    #[serde(default, deserialize_with = "toasoan_domain::number::optional_integer")]
    pub version: Option<i32>,
}

/// A category's name and description rules.
const RULES: TextRules = TextRules {
    name: category::name,
    text: category::description,
};

impl Taxon for CategoryRow {
    const COLLECTION: &'static str = "/api/v1/categories";
    const FALLBACK_SLUG: &'static str = "chuyen-muc";
    const NOT_FOUND: Code = Code::CategoryNotFound;
    const NOUN: &'static str = "category";
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

/// Every category, in display order, with its article counts.
///
/// Flat by default (sub-categories name their `parent_id`); `tree=true`
/// nests them under their parent in `children`.
#[utoipa::path(get, path = "/api/v1/categories", operation_id = "list_categories", tag = "categories",
    params(CategoryListQuery),
    responses(
        (status = 200, description = "All categories", body = Page<CategoryView>,
            headers(("ETag" = String, description = "Validator for If-None-Match"), ("Cache-Control" = String, description = "Public caching"))),
        NotModified,
        QueryErrors,
    ))]
pub async fn list_categories(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<CategoryListQuery>,
) -> Result<HttpResponse, ApiError> {
    let census = state.db(Census::take).await?;
    let views = if query.tree.unwrap_or(false) {
        census.tree(None)?
    } else {
        census
            .all
            .iter()
            .map(|c| census.view(c.clone()))
            .collect::<Result<Vec<_>, _>>()?
    };
    respond(&req, &Page::all(views), "", state.audience(false))
}

/// One category by id or slug.
///
/// An old slug (the category was renamed) answers 301 with the current one
/// in `Location`, for ever, until another category takes it.
#[utoipa::path(get, path = "/api/v1/categories/{id_or_slug}", operation_id = "get_category", tag = "categories",
    params(("id_or_slug" = String, Path, description = "Category id or slug", example = "theo-guong-bac")),
    responses(
        (status = 200, description = "The category", body = CategoryView,
            headers(("ETag" = String, description = "`\"v{version}-...\"`: send it back as If-None-Match, or as If-Match when editing"), ("Cache-Control" = String))),
        (status = 301, description = "An old slug; `Location` names the current URL",
            headers(("Location" = String, description = "`/api/v1/categories/{current slug}`"))),
        NotModified,
        CategoryNotFound,
    ))]
pub async fn get_category(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let census = |conn: &mut DbConn, _: &CategoryRow| Census::take(conn);
    let audience = state.audience(false);
    taxonomy::get_with(
        &state,
        &req,
        key.into_inner(),
        audience,
        census,
        |row, census| census.view(row),
    )
    .await
}

/// Creates a category.
#[utoipa::path(post, path = "/api/v1/categories", operation_id = "create_category", tag = "categories",
    security(("bearer" = [])), request_body = CreateCategory,
    responses(
        (status = 201, description = "Created", body = CategoryView, headers(
            ("Location" = String, description = "The new category's URL, `/api/v1/categories/{id}`"),
            ("ETag" = String, description = "The validator a read of it sends"))),
        EditorOnly,
        SlugTaken,
        JsonBody,
    ))]
pub async fn create_category(
    state: web::Data<AppState>,
    req: HttpRequest,
    _editor: Editor,
    body: crate::extractors::Json<CreateCategory>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let (name, description) = RULES.new_values(&body.name, body.description.as_deref())?;
    let row = taxonomy::create(&state, body.slug.is_some(), move |conn| {
        let parent_id = body
            .parent_id
            .as_deref()
            .map(|p| resolve_parent(conn, None, p))
            .transpose()?;
        let now = time::now();
        Ok(CategoryRow {
            id: uuid::Uuid::now_v7().to_string(),
            slug: taxonomy::new_slug::<CategoryRow>(conn, body.slug.as_deref(), &name)?,
            name: name.clone(),
            description: description.clone(),
            parent_id,
            position: body.position.unwrap_or(0),
            created_at: now,
            updated_at: now,
            version: 1,
        })
    })
    .await?;
    taxonomy::created(&req, &row, &view(row.clone())?)
}

/// Changes a category.
///
/// Conditional, like article edits: send the ETag of the version edited as
/// `If-Match` (or its `version`); if someone changed it since, 412 and
/// nothing changes. A new slug keeps the old one answering 301.
#[utoipa::path(patch, path = "/api/v1/categories/{id_or_slug}", operation_id = "update_category", tag = "categories",
    security(("bearer" = [])), request_body = UpdateCategory,
    params(
        ("id_or_slug" = String, Path, description = "Category id or slug"),
        ("If-Match" = Option<String>, Header, description = taxonomy::IF_MATCH, example = "\"v3-5e1f0c2a9b7d4e3c2a1b\""),
    ),
    responses(
        (status = 200, description = "Updated", body = CategoryView,
            headers(("ETag" = String, description = "The new version's; send it back as If-Match on the next edit"))),
        EditorOnly,
        CategoryNotFound,
        SlugTaken,
        VersionedJsonBody,
    ))]
pub async fn update_category(
    state: web::Data<AppState>,
    req: HttpRequest,
    _editor: Editor,
    key: web::Path<String>,
    body: crate::extractors::Json<UpdateCategory>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let expect = taxonomy::required_expectation(&req, body.version)?;
    let description = body.description.as_ref().map(Option::as_deref);
    let (name, description) = RULES.changed_values(body.name.as_deref(), description)?;
    let asked = body.name.is_some()
        || body.description.is_some()
        || body.parent_id.is_some()
        || body.position.is_some();
    let row = taxonomy::update(
        &state,
        key.into_inner(),
        expect,
        body.slug,
        asked,
        move |conn, current: &CategoryRow| {
            Ok(CategoryChanges {
                parent_id: resolve_patch(&body.parent_id, |p| {
                    resolve_parent(conn, Some(&current.id), p)
                })?,
                slug: None,
                name,
                description,
                position: body.position,
                updated_at: Some(time::now()),
            })
        },
    )
    .await?;
    let census = state.db(Census::take).await?;
    taxonomy::updated(&req, &row, &census.view(row.clone())?)
}

/// Deletes a category that no article or sub-category uses.
#[utoipa::path(delete, path = "/api/v1/categories/{id_or_slug}", operation_id = "delete_category", tag = "categories",
    security(("bearer" = [])),
    params(
        ("id_or_slug" = String, Path, description = "Category id or slug"),
        ("If-Match" = Option<String>, Header, description = taxonomy::IF_MATCH_DELETE),
    ),
    responses(
        (status = 204, description = "Deleted"),
        EditorOnly,
        CategoryNotFound,
        IfMatch,
        (status = 409, description = "Articles or sub-categories still use it (`category_in_use`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_category(
    state: web::Data<AppState>,
    req: HttpRequest,
    _editor: Editor,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let expect = taxonomy::expectation(&req, None)?;
    taxonomy::delete(
        &state,
        key.into_inner(),
        expect,
        |conn, category: &CategoryRow| {
            if categories::in_use(conn, &category.id)? {
                return Err(Code::CategoryInUse
                    .err("articles or sub-categories still use this category; move them first"));
            }
            Ok(())
        },
    )
    .await
}
