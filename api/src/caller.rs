//! Who is calling: the extractors handlers take (`user: AuthUser`,
//! `viewer: Viewer`, `_editor: Editor`). A token is checked for signature
//! and expiry, then its session and account against the database.

use crate::error::{ApiError, Code};
use crate::state::AppState;
use actix_web::HttpMessage;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, http::header, web};
use futures_util::future::LocalBoxFuture;
use toasoan_domain::user::Role;
use toasoan_persistence::queries::sessions;

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
        _ => Err(Code::TokenInvalid.err("Authorization must be `Bearer <access token>`")),
    }
}

async fn authenticate(req: HttpRequest) -> Result<Option<AuthUser>, ApiError> {
    let Some(token) = bearer(&req)? else {
        return Ok(None);
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::bug("state missing"))?;
    let claims = state.tokens.verify(&token)?;
    let (sid, sub) = (claims.sid.clone(), claims.sub.clone());
    let row = state
        .db(move |conn| Ok(sessions::active_user(conn, &sid, &sub)?))
        .await?;
    let row = row.ok_or_else(|| {
        Code::SessionRevoked.err("this login has ended or the account is disabled; log in again")
    })?;
    let role = row.role;
    req.extensions_mut().insert(crate::audit::Actor {
        id: row.id.clone(),
        role,
    });
    Ok(Some(AuthUser {
        id: row.id,
        role,
        session_id: claims.sid,
    }))
}

fn missing() -> ApiError {
    Code::TokenMissing.err("this needs an access token: `Authorization: Bearer <token>`")
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
