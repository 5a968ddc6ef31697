//! Authors: the names in bylines. An author may have no account.

use crate::caller::{Editor, Viewer};
use crate::error::{ApiError, Code, Problem};
use crate::extractors::{nullable, resolve_patch};
use crate::pagination::{AlphabeticalQuery, Page};
use crate::responses::*;
use crate::state::AppState;
use crate::taxonomy::{self, Taxon, TextRules};
use crate::views::SlugText;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use toasoan_domain::FieldError;
use toasoan_domain::author::{self, Author};
use toasoan_domain::text::vietnamese_sort_key;
use toasoan_persistence::models::author::{AuthorChanges, AuthorRow};
use toasoan_persistence::queries::counts;
use toasoan_persistence::queries::{authors, users};
use toasoan_persistence::{DbConn, time};
use utoipa::ToSchema;

crate::endpoints![
    list_authors,
    create_author,
    get_author,
    update_author,
    delete_author
];

/// An author.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorView {
    /// UUIDv7.
    #[schema(format = Uuid)]
    pub id: String,
    /// URL slug.
    #[schema(example = "le-thi-nhu-thuy")]
    pub slug: String,
    /// Byline name.
    #[schema(example = "Lê Thị Như Thủy")]
    pub name: String,
    /// Short biography.
    pub bio: Option<String>,
    /// The linked account (shown to staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Uuid)]
    pub user_id: Option<String>,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// Increases on every change; send it back as `If-Match` (the ETag) or `version`.
    #[schema(example = 3)]
    pub version: i32,
    /// Public articles with this author in the byline.
    #[schema(example = 128)]
    pub article_count: i64,
}

impl AuthorView {
    fn new(author: Author, staff: bool, article_count: i64) -> Self {
        Self {
            id: author.id.to_string(),
            slug: author.slug.into_string(),
            name: author.name,
            bio: author.bio,
            user_id: author.user_id.filter(|_| staff).map(|u| u.to_string()),
            created_at: author.created_at,
            updated_at: author.updated_at,
            version: author.version,
            article_count,
        }
    }
}

fn view(row: AuthorRow, staff: bool, article_count: i64) -> Result<AuthorView, ApiError> {
    Ok(AuthorView::new(
        Author::try_from(row)?,
        staff,
        article_count,
    ))
}

/// Public article counts of these authors, in one query.
fn article_counts(conn: &mut DbConn, rows: &[AuthorRow]) -> Result<HashMap<String, i64>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    Ok(counts::per_author(conn, time::now(), &ids)?)
}

/// A new author.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAuthor {
    /// Byline name, 1 to 120 characters.
    #[schema(example = "Lê Thị Như Thủy", min_length = 1, max_length = 120)]
    pub name: String,
    /// Slug; made from the name when absent.
    #[schema(value_type = Option<SlugText>)]
    pub slug: Option<String>,
    /// Up to 2 000 characters.
    #[schema(max_length = 2000)]
    pub bio: Option<String>,
    /// Account to link, so the byline defaults to this author for it.
    #[schema(format = Uuid)]
    pub user_id: Option<String>,
}

/// Changes to an author; absent fields stay, `null` clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAuthor {
    /// New name, 1 to 120 characters.
    #[schema(min_length = 1, max_length = 120)]
    pub name: Option<String>,
    /// New slug.
    #[schema(value_type = Option<SlugText>)]
    pub slug: Option<String>,
    /// New bio (up to 2 000 characters), or null.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub bio: Option<Option<String>>,
    /// New linked account, or null.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub user_id: Option<Option<String>>,
    /// The version being edited (alternative to If-Match).
    #[schema(example = 3)]
    #[serde(default, deserialize_with = "toasoan_domain::number::optional_integer")]
    pub version: Option<i32>,
}

/// An author's name and bio rules.
const RULES: TextRules = TextRules {
    name: author::name,
    text: author::bio,
};

impl Taxon for AuthorRow {
    const COLLECTION: &'static str = "/api/v1/authors";
    const FALLBACK_SLUG: &'static str = "tac-gia";
    const NOT_FOUND: Code = Code::AuthorNotFound;
    const NOUN: &'static str = "author";
}

fn check_user(conn: &mut DbConn, user_id: &str) -> Result<String, ApiError> {
    let user = users::find(conn, user_id)?.ok_or_else(|| {
        ApiError::field(FieldError::new("user_id", "not_found", "no such account"))
    })?;
    Ok(user.id)
}

/// Authors in Vietnamese alphabetical order.
#[utoipa::path(get, path = "/api/v1/authors", operation_id = "list_authors", tag = "authors",
    params(AlphabeticalQuery),
    responses(
        (status = 200, description = "A page of authors", body = Page<AuthorView>,
            headers(("ETag" = String), ("Cache-Control" = String), ("Link" = String, description = "`<...>; rel=\"next\"` when there is a next page"))),
        NotModified,
        ListErrors,
        OptionalAuth,
    ))]
pub async fn list_authors(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<AlphabeticalQuery>,
) -> Result<HttpResponse, ApiError> {
    let staff = viewer.is_staff();
    let audience = state.audience(staff);
    taxonomy::list_with(
        &state,
        &req,
        &query,
        audience,
        article_counts,
        |r, counts| {
            let count = counts.get(&r.id).copied().unwrap_or(0);
            view(r, staff, count)
        },
    )
    .await
}

/// One author by id or slug.
///
/// An old slug (the author was renamed) answers 301 with the current one
/// in `Location`, for ever, until another author takes it.
#[utoipa::path(get, path = "/api/v1/authors/{id_or_slug}", operation_id = "get_author", tag = "authors",
    params(("id_or_slug" = String, Path, description = "Author id or slug", example = "le-thi-nhu-thuy")),
    responses(
        (status = 200, description = "The author", body = AuthorView,
            headers(("ETag" = String, description = "`\"v{version}-...\"`: send it back as If-None-Match, or as If-Match when editing"), ("Cache-Control" = String))),
        (status = 301, description = "An old slug; `Location` names the current URL",
            headers(("Location" = String, description = "`/api/v1/authors/{current slug}`"))),
        NotModified,
        AuthorNotFound,
        OptionalAuth,
    ))]
pub async fn get_author(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let staff = viewer.is_staff();
    let audience = state.audience(staff);
    let count =
        |conn: &mut DbConn, row: &AuthorRow| article_counts(conn, std::slice::from_ref(row));
    taxonomy::get_with(
        &state,
        &req,
        key.into_inner(),
        audience,
        count,
        |r, counts| {
            let count = counts.get(&r.id).copied().unwrap_or(0);
            view(r, staff, count)
        },
    )
    .await
}

/// Creates an author.
#[utoipa::path(post, path = "/api/v1/authors", operation_id = "create_author", tag = "authors",
    security(("bearer" = [])), request_body = CreateAuthor,
    responses(
        (status = 201, description = "Created", body = AuthorView, headers(
            ("Location" = String, description = "The new author's URL, `/api/v1/authors/{id}`"),
            ("ETag" = String, description = "The validator a read of it sends"))),
        EditorOnly,
        (status = 409, description = "The slug is taken (`slug_taken`) or the account is linked already (`account_linked`)", body = Problem, content_type = "application/problem+json"),
        JsonBody,
    ))]
pub async fn create_author(
    state: web::Data<AppState>,
    req: HttpRequest,
    _editor: Editor,
    body: crate::extractors::Json<CreateAuthor>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let (name, bio) = RULES.new_values(&body.name, body.bio.as_deref())?;
    let row = taxonomy::create(&state, body.slug.is_some(), move |conn| {
        let user_id = body
            .user_id
            .as_deref()
            .map(|u| check_user(conn, u))
            .transpose()?;
        let now = time::now();
        Ok(AuthorRow {
            id: uuid::Uuid::now_v7().to_string(),
            slug: taxonomy::new_slug::<AuthorRow>(conn, body.slug.as_deref(), &name)?,
            sort_key: vietnamese_sort_key(&name),
            name: name.clone(),
            bio: bio.clone(),
            user_id,
            created_at: now,
            updated_at: now,
            version: 1,
        })
    })
    .await?;
    // A new author is in no byline yet.
    taxonomy::created(&req, &row, &view(row.clone(), true, 0)?)
}

/// Changes an author.
///
/// Conditional, like article edits: send the ETag of the version edited as
/// `If-Match` (or its `version`); if someone changed it since, 412 and
/// nothing changes. A new slug keeps the old one answering 301.
#[utoipa::path(patch, path = "/api/v1/authors/{id_or_slug}", operation_id = "update_author", tag = "authors",
    security(("bearer" = [])), request_body = UpdateAuthor,
    params(
        ("id_or_slug" = String, Path, description = "Author id or slug"),
        ("If-Match" = Option<String>, Header, description = taxonomy::IF_MATCH, example = "\"v3-5e1f0c2a9b7d4e3c2a1b\""),
    ),
    responses(
        (status = 200, description = "Updated", body = AuthorView,
            headers(("ETag" = String, description = "The new version's; send it back as If-Match on the next edit"))),
        EditorOnly,
        AuthorNotFound,
        (status = 409, description = "The slug is taken (`slug_taken`) or the account linked elsewhere (`account_linked`)", body = Problem, content_type = "application/problem+json"),
        VersionedJsonBody,
    ))]
pub async fn update_author(
    state: web::Data<AppState>,
    req: HttpRequest,
    _editor: Editor,
    key: web::Path<String>,
    body: crate::extractors::Json<UpdateAuthor>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let expect = taxonomy::required_expectation(&req, body.version)?;
    let (name, bio) = RULES.changed_values(
        body.name.as_deref(),
        body.bio.as_ref().map(Option::as_deref),
    )?;
    let asked = body.name.is_some() || body.bio.is_some() || body.user_id.is_some();
    let row: AuthorRow = taxonomy::update(
        &state,
        key.into_inner(),
        expect,
        body.slug,
        asked,
        move |conn, _| {
            Ok(AuthorChanges {
                user_id: resolve_patch(&body.user_id, |u| check_user(conn, u))?,
                sort_key: name.as_deref().map(vietnamese_sort_key),
                name,
                bio,
                slug: None,
                updated_at: Some(time::now()),
            })
        },
    )
    .await?;
    let id = row.id.clone();
    let counts = state
        .db(move |conn| Ok(counts::per_author(conn, time::now(), &[id])?))
        .await?;
    let count = counts.get(&row.id).copied().unwrap_or(0);
    taxonomy::updated(&req, &row, &view(row.clone(), true, count)?)
}

/// Deletes an author no byline names.
#[utoipa::path(delete, path = "/api/v1/authors/{id_or_slug}", operation_id = "delete_author", tag = "authors",
    security(("bearer" = [])),
    params(
        ("id_or_slug" = String, Path, description = "Author id or slug"),
        ("If-Match" = Option<String>, Header, description = taxonomy::IF_MATCH_DELETE),
    ),
    responses(
        (status = 204, description = "Deleted"),
        EditorOnly,
        AuthorNotFound,
        IfMatch,
        (status = 409, description = "Articles still name this author (`author_in_use`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_author(
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
        |conn, author: &AuthorRow| {
            if authors::in_use(conn, &author.id)? {
                return Err(Code::AuthorInUse.err("articles still name this author"));
            }
            Ok(())
        },
    )
    .await
}
