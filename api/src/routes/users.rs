//! Accounts, for admins.

use crate::caller::Admin;
use crate::error::{ApiError, Code, Problem};
use crate::pagination::Page;
use crate::responses::*;
use crate::state::AppState;
use crate::views::{UserView, user_view as view};
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use toasoan_domain::ValidationErrors;
use toasoan_domain::user::{Email, Owner, Password, Role, display_name};
use toasoan_persistence::models::user::{NewUser, UserChanges};
use toasoan_persistence::queries::{sessions, users};
use toasoan_persistence::{Guarded, time};
use utoipa::ToSchema;

crate::endpoints![list_users, create_user, get_user, update_user];

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// Login e-mail, unique.
    #[schema(example = "phongvien@baoquangnam.vn")]
    pub email: String,
    /// Shown name, 1 to 120 characters.
    #[schema(example = "Lê Thị Như Thủy", min_length = 1, max_length = 120)]
    pub display_name: String,
    /// 10 to 256 characters (`too_short`, `too_long`), not a common or
    /// guessable password (a zxcvbn score of 3 or more, `too_weak`), and
    /// not containing the e-mail's name or the display name
    /// (`contains_personal`).
    #[schema(min_length = 10, max_length = 256, format = Password)]
    pub password: String,
    /// admin, editor or author.
    pub role: Role,
}

/// Changes to an account; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    /// New shown name, 1 to 120 characters.
    #[schema(min_length = 1, max_length = 120)]
    pub display_name: Option<String>,
    /// New password, with the rules of `CreateUser.password` (ends every
    /// session of the account). Not for the caller's own
    /// account: that takes `POST /api/v1/auth/password`.
    #[schema(min_length = 10, max_length = 256, format = Password)]
    pub password: Option<String>,
    /// New role.
    pub role: Option<Role>,
    /// Disable (false; ends every session) or enable (true).
    pub is_active: Option<bool>,
}

fn owner<'a>(email: &'a str, display_name: &'a str) -> Owner<'a> {
    Owner {
        email,
        display_name,
    }
}

fn user_not_found() -> ApiError {
    Code::UserNotFound.err("no such account")
}

/// Every account, oldest first.
#[utoipa::path(get, path = "/api/v1/users", operation_id = "list_users", tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "All accounts", body = Page<UserView>),
        AdminOnly,
    ))]
pub async fn list_users(
    state: web::Data<AppState>,
    _admin: Admin,
) -> Result<HttpResponse, ApiError> {
    let rows = state.db(|conn| Ok(users::list(conn)?)).await?;
    let users = rows.into_iter().map(view).collect::<Result<Vec<_>, _>>()?;
    let page = Page::all(users);
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(page))
}

/// Creates an account.
#[utoipa::path(post, path = "/api/v1/users", operation_id = "create_user", tag = "users",
    security(("bearer" = [])), request_body = CreateUser,
    responses(
        (status = 201, description = "Created", body = UserView, headers(
            ("Location" = String, description = "The new account's URL, `/api/v1/users/{id}`"))),
        AdminOnly,
        (status = 409, description = "The e-mail is taken (`email_taken`)", body = Problem, content_type = "application/problem+json"),
        JsonBody,
    ))]
pub async fn create_user(
    state: web::Data<AppState>,
    _admin: Admin,
    body: crate::extractors::Json<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = ValidationErrors::default();
    let email = errors.check(Email::parse(&body.email));
    let name = errors.check(display_name(&body.display_name));
    let (raw, owner_email, owner_name) = (
        body.password.clone(),
        body.email.clone(),
        body.display_name.clone(),
    );
    let password = state
        .password_work(move || Password::parse(&raw, owner(&owner_email, &owner_name)))
        .await?;
    let password = errors.check(password);
    let (Some(email), Some(name), Some(password)) = (email, name, password) else {
        return Err(errors.into());
    };
    let hash = state.hash_password(password.expose().to_owned()).await?;
    let row = state
        .write(move |conn| {
            let now = time::now();
            let new = NewUser {
                id: uuid::Uuid::now_v7().to_string(),
                email: email.as_str().to_owned(),
                display_name: name,
                password_hash: hash,
                role: body.role,
                is_active: true,
                created_at: now,
                updated_at: now,
            };
            Ok(users::insert(conn, &new)?)
        })
        .await?;
    let user = view(row)?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", user.id)))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(user))
}

/// One account.
#[utoipa::path(get, path = "/api/v1/users/{id}", operation_id = "get_user", tag = "users",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Account id")),
    responses(
        (status = 200, description = "The account", body = UserView),
        AdminOnly,
        UserNotFound,
    ))]
pub async fn get_user(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let row = state
        .db(move |conn| Ok(users::find(conn, &id)?))
        .await?
        .ok_or_else(user_not_found)?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(view(row)?))
}

/// Changes an account: name, password, role, or disables it.
///
/// Disabling or a new password ends all its sessions at once. Admins
/// cannot demote or disable themselves, so the newsroom is never left
/// without one, nor set their own password here: that takes the current
/// one, at `POST /api/v1/auth/password`.
#[utoipa::path(patch, path = "/api/v1/users/{id}", operation_id = "update_user", tag = "users",
    security(("bearer" = [])), request_body = UpdateUser,
    params(("id" = String, Path, format = Uuid, description = "Account id")),
    responses(
        (status = 200, description = "Updated", body = UserView),
        AdminOnly,
        (status = 403, description = "The caller is not an admin (`forbidden`), is an API key whose scope does not cover this (`api_key_scope`), or is an admin setting their own `password` here (`use_password_endpoint`): use `POST /api/v1/auth/password`", body = Problem, content_type = "application/problem+json"),
        UserNotFound,
        (status = 409, description = "An admin demoting or disabling themselves (`cannot_demote_self`), or the last active admin (`last_admin`)", body = Problem, content_type = "application/problem+json"),
        JsonBody,
    ))]
pub async fn update_user(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
    body: crate::extractors::Json<UpdateUser>,
) -> Result<HttpResponse, ApiError> {
    // Ids are stored lowercase; the self checks below compare them.
    let id = id.into_inner().to_ascii_lowercase();
    let body = body.into_inner();
    let mut errors = ValidationErrors::default();
    let name = body
        .display_name
        .as_deref()
        .map(display_name)
        .and_then(|r| errors.check(r));
    if id == admin.0.id
        && (body.role.is_some_and(|r| r != Role::Admin) || body.is_active == Some(false))
    {
        return Err(Code::CannotDemoteSelf.err("admins cannot demote or disable themselves"));
    }
    if id == admin.0.id && body.password.is_some() {
        // Knowing the current password is what keeps a stolen access
        // token from becoming a stolen account.
        return Err(Code::UsePasswordEndpoint.err(
            "change your own password with POST /api/v1/auth/password, which asks for the current one",
        ));
    }
    let password = match body.password.clone() {
        Some(raw) => {
            // The policy needs whose password it is.
            let target = id.clone();
            let account = state
                .db(move |conn| Ok(users::find(conn, &target)?))
                .await?
                .ok_or_else(user_not_found)?;
            let name = body.display_name.clone().unwrap_or(account.display_name);
            let checked = state
                .password_work(move || Password::parse(&raw, owner(&account.email, &name)))
                .await?;
            errors.check(checked)
        }
        None => None,
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let hash = match password {
        Some(p) => Some(state.hash_password(p.expose().to_owned()).await?),
        None => None,
    };
    let row = state
        .write(move |conn| {
            let now = time::now();
            let ends_sessions = hash.is_some() || body.is_active == Some(false);
            let changes = UserChanges {
                display_name: name,
                password_hash: hash,
                role: body.role,
                is_active: body.is_active,
                updated_at: Some(now),
            };
            // Account changes take turns, so two admins demoting each other
            // at once cannot leave the newsroom without one.
            toasoan_persistence::lock(conn, Guarded::Users)?;
            let current = users::find(conn, &id)?.ok_or_else(user_not_found)?;
            let stays_admin =
                body.role.is_none_or(|r| r == Role::Admin) && body.is_active != Some(false);
            if current.role == Role::Admin
                && current.is_active
                && !stays_admin
                && users::other_active_admins(conn, &id)? == 0
            {
                return Err(
                    Code::LastAdmin.err("this is the last active admin; make another admin first")
                );
            }
            let row = users::update(conn, &id, &changes)?.ok_or_else(user_not_found)?;
            if ends_sessions {
                sessions::revoke_all(conn, &id, now)?;
            }
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(row)?))
}
