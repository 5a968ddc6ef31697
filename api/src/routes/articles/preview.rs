//! Preview links: an editor or the article's author mints a signed,
//! short-lived token (`POST .../preview-token`) with which a frontend reads
//! that one article, unpublished, with no account
//! (`GET /api/v1/articles/{id_or_slug}?preview=TOKEN`). The token logic is
//! in `crate::auth` (`TokenKeys::issue_preview`, `verify_preview`).

use super::shape::Shape;
use super::{find, jsonld, not_found, view};
use crate::caller::AuthUser;
use crate::error::{ApiError, Code};
use crate::http_cache::Audience;
use crate::responses::*;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use toasoan_domain::site::Site;
use toasoan_domain::user::Role;
use toasoan_persistence::queries::articles::{self, Found};
use toasoan_persistence::queries::site;
use utoipa::ToSchema;

/// A preview link's cache policy: never stored, by anyone.
const NO_STORE: &str = "private, no-store";

/// A minted preview link.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewToken {
    /// The token; pass it as `?preview=` on the article's read.
    #[schema(
        example = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIwMTkwZjFjMi0uLi4ifQ.c2lnbmF0dXJl"
    )]
    pub token: String,
    /// When the token stops opening the article.
    #[schema(example = "2024-04-20T03:54:00Z")]
    pub expires_at: DateTime<Utc>,
    /// The article's read with the token, relative to the API's origin.
    #[schema(
        example = "/api/v1/articles/0190f1c2-7c1e-7b3a-9f55-4c1d2e3f4a5b?preview=eyJ0eXAi..."
    )]
    pub url: String,
}

/// Mints a preview link for an article.
///
/// For editors, and for the article's author on their own articles (another
/// author's unpublished article is 404 to them). The token opens only this
/// article, for `TOASOAN_PREVIEW_TTL_SECS` (default one hour), to anyone
/// who holds it: share it like a password. Minting for a published article
/// is allowed (harmless: the link shows what readers see anyway).
#[utoipa::path(post, path = "/api/v1/articles/{id_or_slug}/preview-token", operation_id = "create_preview_token", tag = "articles",
    security(("bearer" = [])),
    params(("id_or_slug" = String, Path, description = "Article id or slug")),
    responses(
        (status = 201, description = "The preview link", body = PreviewToken,
            headers(("Cache-Control" = String, description = "`private, no-store`: the token is a secret"))),
        ArticleAccess,
    ))]
pub async fn create_preview_token(
    state: web::Data<AppState>,
    user: AuthUser,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let id = state
        .db(move |conn| {
            let row = find(conn, &key)?.ok_or_else(not_found)?;
            let own = row.created_by.as_deref() == Some(user.id.as_str());
            if own || user.role.at_least(Role::Editor) {
                return Ok(row.id);
            }
            // Authors must not learn of others' unpublished work.
            if row.is_public(Utc::now()) {
                return Err(
                    Code::Forbidden.err("only editors and the article's author mint preview links")
                );
            }
            Err(not_found())
        })
        .await?;
    let preview = state.tokens.issue_preview(&id, state.config.preview_ttl)?;
    let url = format!("/api/v1/articles/{id}?preview={}", preview.token);
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, NO_STORE))
        .json(PreviewToken {
            token: preview.token,
            expires_at: preview.expires_at,
            url,
        }))
}

/// Answers `GET /api/v1/articles/{key}?preview=TOKEN`: the article the
/// token was minted for, whatever its status, to anyone, never stored by a
/// cache and never counted as a view. `jsonld` is the origin for the
/// JSON-LD's URLs when it is asked for.
pub(super) async fn read_preview(
    state: &AppState,
    req: &HttpRequest,
    key: String,
    token: &str,
    shape: &Shape,
    jsonld: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let article_id = state.tokens.verify_preview(token)?;
    let article = state
        .db(move |conn| {
            let row = match articles::find_by_key(conn, &key)? {
                Some(Found::Article(row) | Found::Renamed(row)) => row,
                None => return Err(not_found()),
            };
            if row.id != article_id {
                return Err(Code::PreviewInvalid.err("this preview token opens another article"));
            }
            let mut article = view::for_readers(view::full(conn, row)?);
            if let Some(base) = jsonld {
                let site = Site::try_from(site::get(conn)?)?;
                let absolute = |path: &str| format!("{base}{path}");
                article.jsonld = Some(jsonld::news_article(&article, &site, absolute));
            }
            Ok(article)
        })
        .await?;
    let mut response = if shape.is_plain() {
        view::respond(req, &article, Audience::Private)?
    } else {
        view::respond_trimmed(req, &article, shape, Audience::Private)?
    };
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static(NO_STORE),
    );
    Ok(response)
}
