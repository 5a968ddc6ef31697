//! Who is calling: the extractors handlers take (`user: AuthUser`,
//! `viewer: Viewer`, `_editor: Editor`). A credential is either an access
//! token (`Authorization: Bearer <JWT>`), checked for signature and expiry,
//! then its session and account against the database; or an API key
//! (`Authorization: Bearer tsk_...` or `X-Api-Key: tsk_...`), checked
//! against the database, acting as its account within its scope.

use crate::auth::{KEY_PREFIX, KeyGrant, Scope};
use crate::error::{ApiError, Code};
use crate::state::AppState;
use actix_web::HttpMessage;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, http::header, web};
use futures_util::future::LocalBoxFuture;
use toasoan_domain::user::Role;
use toasoan_persistence::queries::{api_keys, sessions};

/// An authenticated staff member whose session is open and account active,
/// or an API key acting as one.
#[derive(Debug, Clone)]
pub struct AuthUser {
    /// Account id.
    pub id: String,
    /// Current role, read from the database on every request.
    pub role: Role,
    /// Session id from the token; none for an API key.
    session_id: Option<String>,
    /// The API key the request came with, if it did.
    pub key: Option<KeyGrant>,
}

impl AuthUser {
    /// The login this request belongs to. An API key has none: managing
    /// logins, passwords and keys takes a person's login.
    pub fn session(&self) -> Result<&str, ApiError> {
        self.session_id.as_deref().ok_or_else(|| {
            Code::ApiKeyScope
                .err("an API key cannot do this; log in as a person (POST /api/v1/auth/login)")
        })
    }

    /// Refuses what the key's scope does not cover. Operations that take
    /// a staff member (rather than reading content, where a `Viewer` is
    /// enough) need a `write` key: a `read` key acts only as the public, a
    /// `preview` key only reads content as its account sees it.
    fn may_act(self) -> Result<Self, ApiError> {
        match self.key.as_ref().map(|k| k.scope) {
            Some(Scope::Read) => Err(Code::ApiKeyScope.err(
                "a read API key reads what the public reads; this needs a write key",
            )),
            Some(Scope::Preview) => Err(Code::ApiKeyScope.err(
                "a preview API key only reads content, as its account sees it; this needs a write key",
            )),
            _ => Ok(self),
        }
    }
}

/// What came to prove who is calling.
pub enum Credential {
    /// A JWT access token.
    Token(String),
    /// An API key.
    Key(String),
}

/// The credential in `headers`, if any: an API key in `X-Api-Key` or
/// `Authorization: Bearer tsk_...`, else an access token. Both headers at
/// once, or a malformed one, are refused.
pub fn credential(headers: &header::HeaderMap) -> Result<Option<Credential>, ApiError> {
    let key = headers
        .get("x-api-key")
        .map(|v| v.to_str().unwrap_or_default().trim().to_owned());
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return match key {
            Some(key) if key.starts_with(KEY_PREFIX) => Ok(Some(Credential::Key(key))),
            Some(_) => Err(Code::ApiKeyInvalid.err("X-Api-Key must be an API key, `tsk_...`")),
            None => Ok(None),
        };
    };
    if key.is_some() {
        return Err(
            Code::TokenInvalid.err("send one credential: Authorization or X-Api-Key, not both")
        );
    }
    let value = value.to_str().unwrap_or_default();
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            let token = token.trim().to_owned();
            if token.starts_with(KEY_PREFIX) {
                Ok(Some(Credential::Key(token)))
            } else {
                Ok(Some(Credential::Token(token)))
            }
        }
        _ => Err(Code::TokenInvalid
            .err("Authorization must be `Bearer <access token>` or `Bearer tsk_<API key>`")),
    }
}

async fn authenticate(req: HttpRequest) -> Result<Option<AuthUser>, ApiError> {
    let Some(credential) = credential(req.headers())? else {
        return Ok(None);
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::bug("state missing"))?;
    let user = match credential {
        Credential::Token(token) => session_user(state, &token).await?,
        Credential::Key(key) => key_user(state, &key).await?,
    };
    req.extensions_mut().insert(crate::audit::Actor {
        id: user.id.clone(),
        role: user.role,
        api_key_id: user.key.as_ref().map(|k| k.id.clone()),
    });
    Ok(Some(user))
}

async fn session_user(state: &AppState, token: &str) -> Result<AuthUser, ApiError> {
    let claims = state.tokens.verify(token)?;
    let (sid, sub) = (claims.sid.clone(), claims.sub.clone());
    let row = state
        .db(move |conn| Ok(sessions::active_user(conn, &sid, &sub)?))
        .await?;
    let row = row.ok_or_else(|| {
        Code::SessionRevoked.err("this login has ended or the account is disabled; log in again")
    })?;
    Ok(AuthUser {
        id: row.id,
        role: row.role,
        session_id: Some(claims.sid),
        key: None,
    })
}

async fn key_user(state: &AppState, key: &str) -> Result<AuthUser, ApiError> {
    let hash = crate::auth::key_hash(key);
    let lookup = hash.clone();
    let found = state
        .db(move |conn| Ok(api_keys::by_hash(conn, &lookup)?))
        .await?;
    let now = toasoan_persistence::time::now();
    let (id, role, grant) = crate::auth::admit_key(found, now)?;
    state.read_limits.key_accepted(&hash);
    if state.key_uses.due(&grant.id) {
        // Noted in the background: a busy database delays the note, never
        // the request.
        let (state, key_id) = (state.clone(), grant.id.clone());
        actix_web::rt::spawn(async move {
            let noted = state
                .write_unseen(move |conn| Ok(api_keys::touch(conn, &key_id, now)?))
                .await;
            if let Err(cause) = noted {
                tracing::warn!(%cause, "API key use not noted");
            }
        });
    }
    Ok(AuthUser {
        id,
        role,
        session_id: None,
        key: Some(grant),
    })
}

fn missing() -> ApiError {
    Code::TokenMissing.err(
        "this needs an access token (`Authorization: Bearer <token>`) or an API key (`X-Api-Key: tsk_...`)",
    )
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await?.ok_or_else(missing)?.may_act() })
    }
}

/// The caller if a valid credential came with the request, else an
/// anonymous reader. A credential that is sent but invalid is still
/// refused. A `read` API key reads as the public (and is noted, so a
/// refusal can name the key's scope rather than a missing token).
#[derive(Debug, Clone)]
pub struct Viewer(pub Option<AuthUser>, bool);

impl Viewer {
    /// True for any logged-in staff member (or a preview or write key).
    pub fn is_staff(&self) -> bool {
        self.0.is_some()
    }

    /// True when the request came with a `read` API key.
    pub fn has_read_key(&self) -> bool {
        self.1
    }
}

impl FromRequest for Viewer {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match authenticate(req).await? {
                Some(user) if user.key.as_ref().is_some_and(|k| k.scope == Scope::Read) => {
                    Ok(Viewer(None, true))
                }
                user => Ok(Viewer(user, false)),
            }
        })
    }
}

macro_rules! role_extractor {
    ($name:ident, $role:expr, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone)]
        pub struct $name(pub AuthUser);

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let req = req.clone();
                Box::pin(async move {
                    let user = authenticate(req).await?.ok_or_else(missing)?.may_act()?;
                    if user.role.at_least($role) {
                        Ok($name(user))
                    } else {
                        Err(Code::Forbidden
                            .err(format!("this needs the {} role or higher", $role.as_str())))
                    }
                })
            }
        }
    };
}

role_extractor!(
    Editor,
    Role::Editor,
    "A caller with the editor role or higher."
);
role_extractor!(Admin, Role::Admin, "A caller with the admin role.");
