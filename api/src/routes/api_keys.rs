//! API keys, for admins: made for server-side frontends and integrations,
//! shown once, stored hashed, revoked but never forgotten (the audit log
//! names the key each write was made with).

use crate::auth::{Scope, new_key};
use crate::caller::Admin;
use crate::error::{ApiError, Code};
use crate::pagination::{self, Page};
use crate::responses::*;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toasoan_domain::error::{FieldError, ValidationErrors};
use toasoan_domain::text::plain;
use toasoan_persistence::queries::api_keys::{self, ApiKeyRow};
use toasoan_persistence::queries::{is_id, users};
use toasoan_persistence::time;
use utoipa::{IntoParams, ToSchema};

crate::endpoints![list_api_keys, create_api_key, get_api_key, revoke_api_key];

/// An API key, without the key itself (shown only when it is made).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyView {
    /// UUIDv7.
    #[schema(format = Uuid, example = "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5d")]
    pub id: String,
    /// What it is for.
    #[schema(example = "Website frontend (Next.js)")]
    pub name: String,
    /// What it may do: `read` what the public reads, `preview` content as
    /// its account sees it (drafts too), or `write` as its account.
    pub scope: Scope,
    /// The key's first characters, to recognise it by.
    #[schema(example = "tsk_Q2hhbmdl")]
    pub prefix: String,
    /// The account it acts as (with that account's current role).
    #[schema(format = Uuid)]
    pub user_id: String,
    /// The admin who made it.
    #[schema(format = Uuid)]
    pub created_by: String,
    /// When made.
    pub created_at: DateTime<Utc>,
    /// When it stops working; null for never.
    pub expires_at: Option<DateTime<Utc>>,
    /// The last request it came with, to the minute; null if never used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When revoked; null while it works.
    pub revoked_at: Option<DateTime<Utc>>,
}

fn view(row: ApiKeyRow) -> Result<ApiKeyView, ApiError> {
    Ok(ApiKeyView {
        scope: Scope::parse(&row.scope).ok_or_else(|| ApiError::bug("unknown API key scope"))?,
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        user_id: row.user_id,
        created_by: row.created_by,
        created_at: time::from_db(row.created_at),
        expires_at: row.expires_at.map(time::from_db),
        last_used_at: row.last_used_at.map(time::from_db),
        revoked_at: row.revoked_at.map(time::from_db),
    })
}

/// A key just made: the key itself, this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewApiKeyView {
    /// The key, shown only now: store it as a secret. Send it as
    /// `Authorization: Bearer tsk_...` or `X-Api-Key: tsk_...`.
    #[schema(example = "tsk_Q2hhbmdlIHRoaXMga2V5OyBpdCBpcyBhbiBleGFtcGxlLg")]
    pub key: String,
    /// The key as listed from now on.
    #[serde(flatten)]
    pub api_key: ApiKeyView,
}

/// A new API key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    /// What it is for, 1 to 100 characters.
    #[schema(
        example = "Website frontend (Next.js)",
        min_length = 1,
        max_length = 100
    )]
    pub name: String,
    /// What it may do.
    pub scope: Scope,
    /// The account it acts as; the admin making it when absent. It never
    /// exceeds that account's role, and stops working if the account is
    /// disabled.
    #[schema(format = Uuid)]
    pub user_id: Option<String>,
    /// When it stops working (in the future, before year 10000); never
    /// when absent.
    #[schema(example = "2027-06-30T00:00:00Z")]
    pub expires_at: Option<DateTime<Utc>>,
}

/// Paging of the key list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyQuery {
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<i64>,
    /// `meta.next_cursor` of the previous page; empty means the first page.
    #[serde(default, deserialize_with = "crate::pagination::blank_is_none")]
    pub cursor: Option<String>,
}

fn no_store(response: &mut actix_web::HttpResponseBuilder) -> &mut actix_web::HttpResponseBuilder {
    response.insert_header((header::CACHE_CONTROL, "private, no-store"))
}

fn not_found() -> ApiError {
    Code::ApiKeyNotFound.err("no such API key")
}

/// The id a path names; anything that is not an id names no key.
fn key_id(raw: String) -> Result<String, ApiError> {
    let id = raw.to_ascii_lowercase();
    if is_id(&id) { Ok(id) } else { Err(not_found()) }
}

/// API keys, newest first, revoked ones included.
///
/// For admins logged in as a person: no API key manages keys.
#[utoipa::path(get, path = "/api/v1/api-keys", operation_id = "list_api_keys", tag = "api-keys",
    security(("bearer" = [])),
    params(ApiKeyQuery),
    responses(
        (status = 200, description = "A page of keys", body = Page<ApiKeyView>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when there is a next page"))),
        ListErrors,
        KeyAdminOnly,
    ))]
pub async fn list_api_keys(
    state: web::Data<AppState>,
    req: HttpRequest,
    admin: Admin,
    query: web::Query<ApiKeyQuery>,
) -> Result<HttpResponse, ApiError> {
    admin.0.session()?;
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let before = match &query.cursor {
        Some(cursor) => Some(pagination::decode_cursor(cursor, "api-keys", 1)?.remove(0)),
        None => None,
    };
    let rows = state
        .db(move |conn| Ok(api_keys::list(conn, before.as_deref(), limit + 1)?))
        .await?;
    let items = rows.into_iter().map(view).collect::<Result<Vec<_>, _>>()?;
    let page = Page::new(items, limit, |k| {
        pagination::encode_cursor("api-keys", &[&k.id])
    });
    let mut response = HttpResponse::Ok();
    no_store(&mut response);
    if let Some(next) = &page.meta.next_cursor {
        response.insert_header(("Link", pagination::next_link(&req, next)));
    }
    Ok(response.json(page))
}

/// Makes an API key (admins, logged in as a person).
///
/// The answer carries the key once; only its hash is stored. The key acts
/// as `user_id` (the admin by default) with that account's current role,
/// narrowed by `scope`: `read` reads what the public reads, `preview`
/// reads content as the account does (drafts included) and writes nothing,
/// `write` may do what the account may, bar managing logins, passwords and
/// keys. Requests made with it are named in the audit log by its id.
#[utoipa::path(post, path = "/api/v1/api-keys", operation_id = "create_api_key", tag = "api-keys",
    security(("bearer" = [])), request_body = CreateApiKey,
    responses(
        (status = 201, description = "Made; `key` is shown this once", body = NewApiKeyView, headers(
            ("Location" = String, description = "The key's URL, `/api/v1/api-keys/{id}`"),
            ("Cache-Control" = String, description = "`private, no-store`"))),
        KeyAdminOnly,
        JsonBody,
    ))]
pub async fn create_api_key(
    state: web::Data<AppState>,
    admin: Admin,
    body: crate::extractors::Json<CreateApiKey>,
) -> Result<HttpResponse, ApiError> {
    admin.0.session()?;
    let body = body.into_inner();
    let mut errors = ValidationErrors::default();
    let name = errors.check(plain("name", &body.name, 1, 100));
    let owner = match body.user_id {
        Some(raw) => {
            let id = raw.trim().to_ascii_lowercase();
            if is_id(&id) {
                Some(id)
            } else {
                errors.push(FieldError::new(
                    "user_id",
                    "invalid",
                    "must be an account's id",
                ));
                None
            }
        }
        None => Some(admin.0.id.clone()),
    };
    let now = Utc::now();
    let expires_at = match body.expires_at {
        Some(at) if at <= now => {
            errors.push(FieldError::new(
                "expires_at",
                "in_the_past",
                "must be in the future",
            ));
            None
        }
        Some(at) => errors
            .check(toasoan_domain::article::instant("expires_at", at))
            .map(Some),
        None => Some(None),
    };
    let (Some(name), Some(owner), Some(expires_at)) = (name, owner, expires_at) else {
        return Err(errors.into());
    };
    let (key, key_hash, prefix) = new_key();
    let row = ApiKeyRow {
        id: uuid::Uuid::now_v7().to_string(),
        name,
        scope: body.scope.as_str().to_owned(),
        key_hash,
        prefix,
        user_id: owner,
        created_by: admin.0.id.clone(),
        created_at: time::now(),
        expires_at: expires_at.map(|at| at.naive_utc()),
        last_used_at: None,
        revoked_at: None,
    };
    let stored = row.clone();
    state
        .write(move |conn| {
            match users::find(conn, &stored.user_id)? {
                Some(user) if user.is_active => {}
                _ => {
                    let mut errors = ValidationErrors::default();
                    errors.push(FieldError::new(
                        "user_id",
                        "not_found",
                        "no active account has this id",
                    ));
                    return Err(errors.into());
                }
            }
            Ok(api_keys::insert(conn, &stored)?)
        })
        .await?;
    let view = NewApiKeyView {
        key,
        api_key: view(row)?,
    };
    Ok(no_store(&mut HttpResponse::Created())
        .insert_header((
            header::LOCATION,
            format!("/api/v1/api-keys/{}", view.api_key.id),
        ))
        .json(view))
}

/// One API key (admins, logged in as a person).
#[utoipa::path(get, path = "/api/v1/api-keys/{id}", operation_id = "get_api_key", tag = "api-keys",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "The key's id")),
    responses(
        (status = 200, description = "The key (without the key itself)", body = ApiKeyView,
            headers(("Cache-Control" = String, description = "`private, no-store`"))),
        KeyAdminOnly,
        ApiKeyNotFound,
    ))]
pub async fn get_api_key(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    admin.0.session()?;
    let id = key_id(id.into_inner())?;
    let row = state
        .db(move |conn| Ok(api_keys::find(conn, &id)?))
        .await?
        .ok_or_else(not_found)?;
    Ok(no_store(&mut HttpResponse::Ok()).json(view(row)?))
}

/// Revokes an API key (admins, logged in as a person).
///
/// It stops working at once, on every instance; it stays listed, with
/// `revoked_at`. Revoking a revoked key changes nothing.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", operation_id = "revoke_api_key", tag = "api-keys",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "The key's id")),
    responses(
        (status = 204, description = "Revoked"),
        KeyAdminOnly,
        ApiKeyNotFound,
    ))]
pub async fn revoke_api_key(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    admin.0.session()?;
    let id = key_id(id.into_inner())?;
    state
        .write(move |conn| Ok(api_keys::revoke(conn, &id, time::now())?))
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::NoContent().finish())
}
