//! Login, token refresh, logout and the caller's own account.

use crate::auth;
use crate::caller::AuthUser;
use crate::error::{ApiError, Code, Problem};
use crate::password_guard::PasswordAttempt;
use crate::responses::*;
use crate::state::AppState;
use crate::views::{UserView, user_view};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use toasoan_domain::user::Email;
use toasoan_persistence::models::session::{RefreshTokenRow, SessionRow};
use toasoan_persistence::queries::{sessions, users};
use toasoan_persistence::{DbConn, time};
use utoipa::ToSchema;

crate::endpoints![login, refresh_token, logout, get_me];

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account's e-mail.
    #[schema(example = "bientap@baoquangnam.vn")]
    pub email: String,
    /// The account's password.
    #[schema(example = "mật khẩu đủ dài")]
    pub password: String,
}

/// A fresh pair of tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT to send as `Authorization: Bearer ...`.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: u64,
    /// Single-use token for `/auth/refresh`; each use returns a new one.
    pub refresh_token: String,
}

/// A refresh token to exchange.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh.
    pub refresh_token: String,
}

/// Logs in with e-mail and password.
///
/// Failed logins are counted per account and address, per address (all
/// accounts; an IPv6 /64 is one address) and per account (all addresses)
/// over a sliding window; see README for the budgets. When the account's
/// own budget is spent, an address it logged in from before may still try,
/// so an attacker elsewhere cannot lock its owner out. Behind a proxy, the
/// address is the right-most `Forwarded`/`X-Forwarded-For` hop that is not
/// a trusted proxy (`TOASOAN_TRUSTED_PROXIES`).
#[utoipa::path(post, path = "/api/v1/auth/login", operation_id = "login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 401, description = "Unknown account or wrong password (`invalid_credentials`), same answer and time for both", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Body of the wrong shape", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed logins (`too_many_requests`) for this account from this address, from this address, or (from an address the account never logged in from) for this account; refused attempts are not counted, and are answered only after `TOASOAN_LOGIN_TARPIT_MS` (250 ms by default)", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until the oldest counted failure leaves the window: a retry then is checked"))),
        (status = 503, description = "Too many password checks are waiting (`service_unavailable`), or the database is unavailable", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
        JsonBody,
    ))]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: crate::extractors::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { email, password } = body.into_inner();
    // An address no account can have (no @, control characters) is looked
    // up as nobody, and answered exactly like a wrong password.
    let email = Email::parse(&email).ok().map(|e| e.as_str().to_owned());
    let counted_as = email.clone().unwrap_or_default();
    let (attempt, user) =
        PasswordAttempt::begin(&state, &req, &counted_as, move |conn| match &email {
            Some(email) => Ok(users::find_by_email(conn, email)?),
            None => Ok(None),
        })
        .await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let passwords = state.passwords.clone();
    let (ok, rehashed) = state
        .password_work(move || {
            let ok = passwords.verify(&password, stored.as_deref());
            // A hash at another cost is replaced while the password is at hand.
            let rehashed = stored
                .filter(|s| ok && passwords.needs_rehash(s))
                .and_then(|s| Some((s, passwords.hash(&password).ok()?)));
            (ok, rehashed)
        })
        .await?;
    let user = match user {
        Some(user) if ok && user.is_active => user,
        _ => {
            attempt.failed(&state).await?;
            return Err(invalid_credentials());
        }
    };
    let succeeded = attempt.succeeded();
    req.extensions_mut().insert(crate::audit::Actor {
        id: user.id.clone(),
        role: user.role,
        api_key_id: None,
    });
    let role = user.role;
    let tokens = state.tokens.clone();
    let max_age = session_max_age(&state)?;
    let device = device(&req, &state.config.proxies);
    let pair = state
        .write(move |conn| {
            let now = time::now();
            succeeded.record(conn, &user.id)?;
            if let Some((old, new)) = &rehashed {
                users::replace_password_hash(conn, &user.id, old, new, now)?;
            }
            let session = SessionRow {
                id: uuid::Uuid::now_v7().to_string(),
                user_id: user.id.clone(),
                created_at: now,
                revoked_at: None,
                user_agent: device.0,
                address: device.1,
                last_used_at: Some(now),
            };
            let refresh = auth::new_refresh_token();
            let row = refresh_row(&refresh, &session.id, now, now + max_age, &tokens)?;
            sessions::open(conn, &session, &row)?;
            Ok(TokenResponse {
                access_token: tokens.issue(&user.id, &session.id, role)?,
                token_type: "Bearer",
                expires_in: tokens.access_ttl.as_secs(),
                refresh_token: refresh,
            })
        })
        .await?;
    Ok(no_store(pair))
}

/// The device a login comes from, for the session list: its user agent
/// (see `auth::user_agent`) and client address.
fn device(req: &HttpRequest, proxies: &auth::TrustedProxies) -> (Option<String>, Option<String>) {
    // The address is always an IP address (never header text).
    let address = auth::request_client_ip(req, proxies).map(|ip| ip.to_string());
    (auth::user_agent(req), address)
}

fn invalid_credentials() -> ApiError {
    Code::InvalidCredentials.err("the e-mail or password is wrong")
}

/// A new refresh token's row: it expires after the refresh lifetime, or
/// when its session ends (`session_ends`), whichever comes first.
fn refresh_row(
    token: &str,
    session_id: &str,
    now: chrono::NaiveDateTime,
    session_ends: chrono::NaiveDateTime,
    tokens: &auth::TokenKeys,
) -> Result<RefreshTokenRow, ApiError> {
    let ttl = Duration::from_std(tokens.refresh_ttl).map_err(ApiError::internal)?;
    Ok(RefreshTokenRow {
        token_hash: auth::token_hash(token),
        session_id: session_id.to_owned(),
        expires_at: (now + ttl).min(session_ends),
        used_at: None,
        created_at: now,
        successor_sealed: None,
    })
}

fn session_max_age(state: &AppState) -> Result<Duration, ApiError> {
    Duration::from_std(state.config.session_max_age).map_err(ApiError::internal)
}

fn no_store<T: Serialize>(body: T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(body)
}

/// Exchanges a refresh token for a new pair.
///
/// Each refresh token works once: presenting a used one again ends the
/// whole session (it was stolen). Except a retry: presented again within
/// `TOASOAN_REFRESH_GRACE_SECS` (30 s) of its use while the refresh
/// token it was exchanged for is still unused, it gets that same refresh
/// token again (and a new access token), so a client whose answer was
/// lost on the way stays logged in. A login lasts at most
/// `TOASOAN_SESSION_MAX_AGE` (90 days) however often it is refreshed.
#[utoipa::path(post, path = "/api/v1/auth/refresh", operation_id = "refresh_token", tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair; the old refresh token is spent", body = TokenResponse),
        (status = 401, description = "`token_invalid`, `token_expired`, `session_revoked`, `session_expired` (the login is older than its absolute lifetime), or `token_reused` (the session is then ended)", body = Problem, content_type = "application/problem+json"),
        JsonBody,
    ))]
pub async fn refresh_token(
    state: web::Data<AppState>,
    body: crate::extractors::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let presented = body.into_inner().refresh_token;
    let tokens = state.tokens.clone();
    let max_age = session_max_age(&state)?;
    let grace = Duration::from_std(state.config.refresh_grace).map_err(ApiError::internal)?;
    let pair = state
        .write(move |conn| {
            let now = time::now();
            let hash = auth::token_hash(&presented);
            let Some((token, session, user)) = sessions::find_token(conn, &hash)? else {
                return Err(Code::TokenInvalid.err("unknown refresh token"));
            };
            if session.revoked_at.is_some() || !user.is_active {
                return Err(Code::SessionRevoked.err("this login has ended; log in again"));
            }
            let session_ends = session.created_at + max_age;
            if session_ends <= now {
                return Err(
                    Code::SessionExpired.err("this login is too old to refresh; log in again")
                );
            }
            if token.expires_at <= now {
                return Err(Code::TokenExpired.err("the refresh token has expired; log in again"));
            }
            let next = auth::new_refresh_token();
            let row = refresh_row(&next, &session.id, now, session_ends, &tokens)?;
            let sealed = auth::seal_successor(&presented, &next).unwrap_or_default();
            let refresh =
                if token.used_at.is_none() && sessions::rotate(conn, &hash, now, &row, &sealed)? {
                    Some(next)
                } else {
                    // Spent already (maybe a moment ago, by a concurrent call):
                    // a retry gets the successor it was given, if still unused.
                    retried(conn, &presented, &hash, now, grace)?
                };
            let Some(refresh) = refresh else {
                // A spent token again: someone else holds a copy. End the
                // session; returning Ok commits the revocation.
                sessions::revoke(conn, &session.id, now)?;
                tracing::warn!("refresh token reused; session revoked");
                return Ok(None);
            };
            sessions::touch(conn, &session.id, now)?;
            let role = user.role;
            Ok(Some(TokenResponse {
                access_token: tokens.issue(&user.id, &session.id, role)?,
                token_type: "Bearer",
                expires_in: tokens.access_ttl.as_secs(),
                refresh_token: refresh,
            }))
        })
        .await?;
    let pair = pair.ok_or_else(|| {
        Code::TokenReused.err("this refresh token was already used; log in again")
    })?;
    Ok(no_store(pair))
}

/// The refresh token a spent one was exchanged for, when the spent one is
/// presented again within `grace` of its use and that successor has not
/// been used yet; `None` means a reuse.
fn retried(
    conn: &mut DbConn,
    presented: &str,
    hash: &str,
    now: chrono::NaiveDateTime,
    grace: Duration,
) -> Result<Option<String>, ApiError> {
    let Some(spent) = sessions::token(conn, hash)? else {
        return Ok(None);
    };
    let (Some(used_at), Some(sealed)) = (spent.used_at, spent.successor_sealed) else {
        return Ok(None);
    };
    if now - used_at > grace {
        return Ok(None);
    }
    let Some(successor) = auth::unseal_successor(presented, &sealed) else {
        return Ok(None);
    };
    let unused = sessions::token(conn, &auth::token_hash(&successor))?
        .is_some_and(|t| t.used_at.is_none() && t.expires_at > now);
    Ok(unused.then_some(successor))
}

/// Ends the current login: its access and refresh tokens stop working.
#[utoipa::path(post, path = "/api/v1/auth/logout", operation_id = "logout", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
        AuthRequired,
    ))]
pub async fn logout(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let session = user.session()?.to_owned();
    state
        .write(move |conn| Ok(sessions::revoke(conn, &session, time::now())?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's own account.
#[utoipa::path(get, path = "/api/v1/auth/me", operation_id = "get_me", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account", body = UserView),
        AuthRequired,
    ))]
pub async fn get_me(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let row = state
        .db(move |conn| Ok(users::find(conn, &user.id)?))
        .await?;
    let row = row.ok_or_else(|| Code::UserNotFound.err("no such account"))?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(user_view(row)?))
}
