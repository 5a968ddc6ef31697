//! The caller's own credentials: changing their password, and the logins
//! (sessions) their account has open, listed per device and revocable.

use crate::caller::AuthUser;
use crate::error::{ApiError, Code, Problem};
use crate::pagination::Page;
use crate::password_guard::PasswordAttempt;
use crate::responses::*;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use toasoan_domain::user::{Owner, Password};
use toasoan_persistence::models::session::SessionRow;
use toasoan_persistence::queries::{sessions, users};
use toasoan_persistence::time;
use utoipa::ToSchema;

crate::endpoints![
    change_password,
    list_sessions,
    revoke_session,
    revoke_other_sessions
];

/// A password change: the current password, and the new one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    /// The account's password now.
    #[schema(format = Password)]
    pub current_password: String,
    /// The new password: 10 to 256 characters (`too_short`, `too_long`),
    /// not a common or guessable one (a zxcvbn score of 3 or more,
    /// `too_weak`), and not containing the account's e-mail name or
    /// display name (`contains_personal`).
    #[schema(min_length = 10, max_length = 256, format = Password)]
    pub new_password: String,
}

/// One open login of the caller's account.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// The session id (the `sid` claim of its access tokens).
    #[schema(format = Uuid)]
    pub id: String,
    /// When the login happened.
    pub created_at: DateTime<Utc>,
    /// The last login or token refresh of this session.
    pub last_used_at: DateTime<Utc>,
    /// The `User-Agent` the login came with (at most 256 characters).
    #[schema(example = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")]
    pub user_agent: Option<String>,
    /// The client address the login came from, as the server saw it.
    #[schema(example = "203.0.113.7")]
    pub address: Option<String>,
    /// True for the session of the access token making this request.
    pub current: bool,
}

fn no_store(response: &mut actix_web::HttpResponseBuilder) -> &mut actix_web::HttpResponseBuilder {
    response.insert_header(("Cache-Control", "no-store"))
}

/// Changes the caller's own password.
///
/// Takes the current password. Every other session of the account ends
/// (their access and refresh tokens stop working); the session making
/// this request stays open, with the tokens it has.
#[utoipa::path(post, path = "/api/v1/auth/password", operation_id = "change_password", tag = "auth",
    security(("bearer" = [])), request_body = ChangePassword,
    responses(
        (status = 204, description = "Changed; the account's other sessions are ended",
            headers(("Cache-Control" = String, description = "`no-store`"))),
        AuthRequired,
        (status = 403, description = "`current_password` is wrong (`wrong_password`); nothing changed. Counted like a failed login. Or the caller is an API key (`api_key_scope`): a password changes only with a person's login", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords for this account from this address, or from this address (`too_many_requests`), in the login throttle's budgets", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until the oldest counted failure leaves the window"))),
        JsonBody,
    ))]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    body: crate::extractors::Json<ChangePassword>,
) -> Result<HttpResponse, ApiError> {
    let session = user.session()?.to_owned();
    let ChangePassword {
        current_password,
        new_password,
    } = body.into_inner();
    let id = user.id.clone();
    // Counted like logins: a stolen access token does not buy unlimited
    // guesses at the password it cannot change without.
    let email = state
        .db(move |conn| Ok(users::find(conn, &id)?))
        .await?
        .ok_or_else(|| Code::UserNotFound.err("no such account"))?
        .email;
    let id = user.id.clone();
    let (attempt, account) = PasswordAttempt::begin(&state, &req, &email, move |conn| {
        Ok(users::find(conn, &id)?)
    })
    .await?;
    let account = account.ok_or_else(|| Code::UserNotFound.err("no such account"))?;
    let (email, name) = (account.email.clone(), account.display_name.clone());
    let new = state
        .password_work(move || {
            let owner = Owner {
                email: &email,
                display_name: &name,
            };
            Password::parse(&new_password, owner)
        })
        .await?
        .map_err(|mut e| {
            e.field = "new_password".into();
            ApiError::field(e)
        })?;
    let expected = account.password_hash.clone();
    let stored = expected.clone();
    let ok = state.verify_password(current_password, stored).await?;
    if !ok {
        attempt.failed(&state).await?;
        return Err(wrong_password());
    }
    let succeeded = attempt.succeeded();
    let hash = state.hash_password(new.expose().to_owned()).await?;
    state
        .write(move |conn| {
            let now = time::now();
            // Changed meanwhile (another change): the password checked is
            // no longer the current one.
            if !users::replace_password_hash(conn, &user.id, &expected, &hash, now)? {
                return Err(wrong_password());
            }
            sessions::revoke_others(conn, &user.id, &session, now)?;
            succeeded.record(conn, &user.id)?;
            Ok(())
        })
        .await?;
    Ok(no_store(&mut HttpResponse::NoContent()).finish())
}

fn wrong_password() -> ApiError {
    Code::WrongPassword.err("the current password is wrong")
}

fn session_view(row: SessionRow, current: &str) -> SessionView {
    SessionView {
        current: row.id == current,
        created_at: time::from_db(row.created_at),
        last_used_at: time::from_db(row.last_used_at.unwrap_or(row.created_at)),
        id: row.id,
        user_agent: row.user_agent,
        address: row.address,
    }
}

/// The caller's open sessions, newest first.
///
/// One per login (device) that has not ended: not logged out or revoked,
/// within `TOASOAN_SESSION_MAX_AGE`, and with a refresh token that has not
/// expired. `current` marks the session of the token making the request.
#[utoipa::path(get, path = "/api/v1/auth/sessions", operation_id = "list_sessions", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The open sessions", body = Page<SessionView>,
            headers(("Cache-Control" = String, description = "`no-store`"))),
        AuthRequired,
    ))]
pub async fn list_sessions(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let session = user.session()?.to_owned();
    let max_age = Duration::from_std(state.config.session_max_age).map_err(ApiError::internal)?;
    let id = user.id.clone();
    let rows = state
        .db(move |conn| {
            let now = time::now();
            Ok(sessions::list_open(conn, &id, now - max_age, now)?)
        })
        .await?;
    let views = rows
        .into_iter()
        .map(|row| session_view(row, &session))
        .collect();
    Ok(no_store(&mut HttpResponse::Ok()).json(Page::all(views)))
}

/// Ends one of the caller's sessions.
///
/// Its access and refresh tokens stop working at once. Ending the current
/// session is a logout.
#[utoipa::path(delete, path = "/api/v1/auth/sessions/{id}", operation_id = "revoke_session", tag = "auth",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Session id, from `GET /api/v1/auth/sessions`")),
    responses(
        (status = 204, description = "Ended",
            headers(("Cache-Control" = String, description = "`no-store`"))),
        AuthRequired,
        (status = 404, description = "The caller has no open session with this id (`session_not_found`); another account's sessions are answered the same", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn revoke_session(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    user.session()?;
    let id = id.into_inner();
    let ended = state
        .write(move |conn| Ok(sessions::revoke_own(conn, &user.id, &id, time::now())?))
        .await?;
    if !ended {
        return Err(Code::SessionNotFound.err("you have no open session with this id"));
    }
    Ok(no_store(&mut HttpResponse::NoContent()).finish())
}

/// Ends every session of the caller but the current one.
///
/// "Log out everywhere else": the other devices' access and refresh
/// tokens stop working at once.
#[utoipa::path(delete, path = "/api/v1/auth/sessions", operation_id = "revoke_other_sessions", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The other sessions are ended",
            headers(("Cache-Control" = String, description = "`no-store`"))),
        AuthRequired,
    ))]
pub async fn revoke_other_sessions(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let session = user.session()?.to_owned();
    state
        .write(move |conn| {
            sessions::revoke_others(conn, &user.id, &session, time::now())?;
            Ok(())
        })
        .await?;
    Ok(no_store(&mut HttpResponse::NoContent()).finish())
}
