//! Who is calling: password hashing, access tokens (JWT, HS256), refresh
//! tokens, and the extractors handlers take (`user: Editor`).

use crate::app::AppState;
use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, http::header, web};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::future::LocalBoxFuture;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;
use std::time::Duration;
use toasoan_domain::user::Role;
use toasoan_persistence::queries::sessions;

/// What an access token says.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The account id.
    pub sub: String,
    /// The session (login) id, so logout can end the token early.
    pub sid: String,
    /// The role when the token was issued (the database has the final word).
    pub role: Role,
    /// Issued at, Unix seconds.
    pub iat: i64,
    /// Expires at, Unix seconds.
    pub exp: i64,
}

/// Signs and checks access tokens.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Access token lifetime.
    pub access_ttl: Duration,
    /// Refresh token lifetime.
    pub refresh_ttl: Duration,
}

impl TokenKeys {
    /// Keys from an HMAC secret.
    pub fn new(secret: &[u8], access_ttl: Duration, refresh_ttl: Duration) -> Self {
        // Only HS256 is accepted: `alg: none` or an RS/ES token signed with
        // a public key as HMAC secret fail before the signature is checked.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl,
            refresh_ttl,
        }
    }

    /// Issues an access token for an account's session.
    pub fn issue(&self, user_id: &str, session_id: &str, role: Role) -> Result<String, ApiError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_owned(),
            sid: session_id.to_owned(),
            role,
            iat: now,
            exp: now + i64::try_from(self.access_ttl.as_secs()).unwrap_or(900),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)
    }

    /// Checks a token's signature, algorithm and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => ApiError::Unauthorized(
                    "token_expired",
                    "the access token has expired; refresh it".into(),
                ),
                _ => {
                    ApiError::Unauthorized("token_invalid", "the access token is not valid".into())
                }
            })
    }
}

/// A new random refresh token (256 bits, URL-safe).
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// How a secret token is stored: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes a password with argon2id. Slow on purpose: call it in `web::block`.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(ApiError::internal)
}

/// A hash no password matches, verified when the account is unknown so that
/// an unknown account and a wrong password take the same time.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("no account has this password, ever").unwrap_or_default());

/// Checks a password against a stored hash, or against the dummy hash when
/// there is no account. Slow on purpose: call it in `web::block`.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    let hash = stored.unwrap_or(DUMMY_HASH.as_str());
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok();
    matches && stored.is_some()
}

/// Computes the dummy hash now, so the first login is not slower than others.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

/// An authenticated staff member whose session is open and account active.
#[derive(Debug, Clone)]
pub struct AuthUser {
    /// Account id.
    pub id: String,
    /// Current role, read from the database on every request.
    pub role: Role,
    /// Session id from the token.
    pub session_id: String,
}

fn bearer(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().unwrap_or_default();
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_owned()))
        }
        _ => Err(ApiError::Unauthorized(
            "token_invalid",
            "Authorization must be `Bearer <access token>`".into(),
        )),
    }
}

async fn authenticate(req: HttpRequest) -> Result<Option<AuthUser>, ApiError> {
    let Some(token) = bearer(&req)? else {
        return Ok(None);
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("state missing"))?;
    let claims = state.tokens.verify(&token)?;
    let (sid, sub) = (claims.sid.clone(), claims.sub.clone());
    let row = state
        .db(move |conn| Ok(sessions::active_user(conn, &sid, &sub)?))
        .await?;
    let row = row.ok_or_else(|| {
        ApiError::Unauthorized(
            "session_revoked",
            "this login has ended or the account is disabled; log in again".into(),
        )
    })?;
    let role = Role::parse(&row.role).map_err(ApiError::internal)?;
    Ok(Some(AuthUser {
        id: row.id,
        role,
        session_id: claims.sid,
    }))
}

fn missing() -> ApiError {
    ApiError::Unauthorized(
        "token_missing",
        "this needs an access token: `Authorization: Bearer <token>`".into(),
    )
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await?.ok_or_else(missing) })
    }
}

/// The caller if a valid token came with the request, else an anonymous
/// reader. A token that is sent but invalid is still refused.
#[derive(Debug, Clone)]
pub struct Viewer(pub Option<AuthUser>);

impl Viewer {
    /// True for any logged-in staff member.
    pub fn is_staff(&self) -> bool {
        self.0.is_some()
    }
}

impl FromRequest for Viewer {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(Viewer(authenticate(req).await?)) })
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
                    let user = authenticate(req).await?.ok_or_else(missing)?;
                    if user.role.at_least($role) {
                        Ok($name(user))
                    } else {
                        Err(ApiError::Forbidden(
                            "forbidden",
                            format!("this needs the {} role or higher", $role.as_str()),
                        ))
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
