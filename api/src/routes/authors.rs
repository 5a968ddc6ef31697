//! Authors: the names in bylines. An author may have no account.

use crate::caller::{Editor, Viewer};
use crate::error::{ApiError, Code, Problem};
use crate::extractors::{nullable, resolve_patch};
use crate::http_cache::{respond, respond_page};
use crate::pagination::{self, Page};
use crate::responses::*;
use crate::slugs;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toasoan_domain::author::{self, Author};
use toasoan_domain::text::vietnamese_sort_key;
use toasoan_domain::{FieldError, ValidationErrors};
use toasoan_persistence::models::author::{AuthorChanges, AuthorRow};
use toasoan_persistence::queries::{authors, users};
use toasoan_persistence::{DbConn, time};
use utoipa::{IntoParams, ToSchema};

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
    pub user_id: Option<String>,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl AuthorView {
    fn new(author: Author, staff: bool) -> Self {
        Self {
            id: author.id.to_string(),
            slug: author.slug.into_string(),
            name: author.name,
            bio: author.bio,
            user_id: author.user_id.filter(|_| staff).map(|u| u.to_string()),
            created_at: author.created_at,
            updated_at: author.updated_at,
        }
    }
}

fn view(row: AuthorRow, staff: bool) -> Result<AuthorView, ApiError> {
    Ok(AuthorView::new(Author::try_from(row)?, staff))
}

/// A new author.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAuthor {
    /// Byline name, 1 to 120 characters.
    #[schema(example = "Lê Thị Như Thủy")]
    pub name: String,
    /// Slug; made from the name when absent.
    pub slug: Option<String>,
    /// Up to 2 000 characters.
    pub bio: Option<String>,
    /// Account to link, so the byline defaults to this author for it.
    pub user_id: Option<String>,
}

/// Changes to an author; absent fields stay, `null` clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAuthor {
    /// New name.
    pub name: Option<String>,
    /// New slug.
    pub slug: Option<String>,
    /// New bio, or null.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub bio: Option<Option<String>>,
    /// New linked account, or null.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub user_id: Option<Option<String>>,
}

/// Paging of a list in alphabetical order.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AlphabeticalQuery {
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<i64>,
    /// `meta.next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl AlphabeticalQuery {
    /// The checked limit and keyset position.
    pub fn parse(&self) -> Result<(i64, Option<(String, String)>), ApiError> {
        let limit = pagination::limit(self.limit)?;
        let after = match &self.cursor {
            Some(c) => {
                let mut parts = pagination::decode_cursor(c, "a", 2)?.into_iter();
                Some((
                    parts.next().unwrap_or_default(),
                    parts.next().unwrap_or_default(),
                ))
            }
            None => None,
        };
        Ok((limit, after))
    }
}

/// The cursor after a row of an alphabetical list.
pub fn alphabetical_cursor(sort_key: &str, id: &str) -> String {
    pagination::encode_cursor("a", &[sort_key, id])
}

fn not_found() -> ApiError {
    Code::AuthorNotFound.err("no such author")
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
        (status = 200, description = "A page of authors", body = Page<AuthorView>),
        (status = 304, description = "Not modified"),
        ListErrors,
    ))]
pub async fn list_authors(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<AlphabeticalQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = query.parse()?;
    let rows = state
        .db(move |conn| Ok(authors::page(conn, after, limit + 1)?))
        .await?;
    let page = Page::new(rows, limit, |r| alphabetical_cursor(&r.sort_key, &r.id));
    let staff = viewer.is_staff();
    let page = page.try_map(|r| view(r, staff))?;
    respond_page(&req, &page, state.audience(staff))
}

/// One author by id or slug.
#[utoipa::path(get, path = "/api/v1/authors/{id_or_slug}", operation_id = "get_author", tag = "authors",
    params(("id_or_slug" = String, Path, description = "Author id or slug", example = "le-thi-nhu-thuy")),
    responses(
        (status = 200, description = "The author", body = AuthorView),
        (status = 304, description = "Not modified"),
        AuthorNotFound,
    ))]
pub async fn get_author(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let row = state
        .db(move |conn| Ok(authors::find(conn, &key)?))
        .await?
        .ok_or_else(not_found)?;
    let staff = viewer.is_staff();
    respond(&req, &view(row, staff)?, "", state.audience(staff))
}

/// Creates an author.
#[utoipa::path(post, path = "/api/v1/authors", operation_id = "create_author", tag = "authors",
    security(("bearer" = [])), request_body = CreateAuthor,
    responses(
        (status = 201, description = "Created", body = AuthorView),
        EditorOnly,
        (status = 409, description = "The slug is taken (`slug_taken`) or the account is linked already (`account_linked`)", body = Problem, content_type = "application/problem+json"),
        JsonBody,
    ))]
pub async fn create_author(
    state: web::Data<AppState>,
    _editor: Editor,
    body: web::Json<CreateAuthor>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = ValidationErrors::default();
    let name = errors.check(author::name(&body.name));
    let bio = errors.check(author::bio(body.bio.as_deref()));
    let (Some(name), Some(bio)) = (name, bio) else {
        return Err(errors.into());
    };
    let row = state
        .write(move |conn| {
            let user_id = body
                .user_id
                .as_deref()
                .map(|u| check_user(conn, u))
                .transpose()?;
            let slug = slugs::choose(body.slug.as_deref(), &name, "tac-gia", |base| {
                Ok(authors::taken_slugs(conn, base)?)
            })?;
            let now = time::now();
            let row = AuthorRow {
                id: uuid::Uuid::now_v7().to_string(),
                slug,
                sort_key: vietnamese_sort_key(&name),
                name,
                bio,
                user_id,
                created_at: now,
                updated_at: now,
            };
            authors::insert(conn, &row)?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(view(row, true)?))
}

/// Changes an author.
#[utoipa::path(patch, path = "/api/v1/authors/{id_or_slug}", operation_id = "update_author", tag = "authors",
    security(("bearer" = [])), request_body = UpdateAuthor,
    params(("id_or_slug" = String, Path, description = "Author id or slug")),
    responses(
        (status = 200, description = "Updated", body = AuthorView),
        EditorOnly,
        AuthorNotFound,
        (status = 409, description = "The slug is taken or the account linked elsewhere", body = Problem, content_type = "application/problem+json"),
        JsonBody,
    ))]
pub async fn update_author(
    state: web::Data<AppState>,
    _editor: Editor,
    key: web::Path<String>,
    body: web::Json<UpdateAuthor>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let body = body.into_inner();
    let mut errors = ValidationErrors::default();
    let name = body
        .name
        .as_deref()
        .map(author::name)
        .and_then(|r| errors.check(r));
    let bio = match &body.bio {
        Some(b) => errors.check(author::bio(b.as_deref())),
        None => None,
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let row = state
        .write(move |conn| {
            let current = authors::find(conn, &key)?.ok_or_else(not_found)?;
            let user_id = resolve_patch(&body.user_id, |u| check_user(conn, u))?;
            let slug = match body.slug.as_deref() {
                Some(s) if s != current.slug => Some(slugs::choose(Some(s), "", "", |base| {
                    Ok(authors::taken_slugs(conn, base)?)
                })?),
                _ => None,
            };
            let changes = AuthorChanges {
                slug,
                sort_key: name.as_deref().map(vietnamese_sort_key),
                name,
                bio,
                user_id,
                updated_at: Some(time::now()),
            };
            authors::update(conn, &current.id, &changes)?;
            authors::find(conn, &current.id)?.ok_or_else(not_found)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(row, true)?))
}

/// Deletes an author no byline names.
#[utoipa::path(delete, path = "/api/v1/authors/{id_or_slug}", operation_id = "delete_author", tag = "authors",
    security(("bearer" = [])),
    params(("id_or_slug" = String, Path, description = "Author id or slug")),
    responses(
        (status = 204, description = "Deleted"),
        EditorOnly,
        AuthorNotFound,
        (status = 409, description = "Articles still name this author (`author_in_use`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_author(
    state: web::Data<AppState>,
    _editor: Editor,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    state
        .write(move |conn| {
            let current = authors::find(conn, &key)?.ok_or_else(not_found)?;
            if authors::in_use(conn, &current.id)? {
                return Err(Code::AuthorInUse.err("articles still name this author"));
            }
            authors::delete(conn, &current.id)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
