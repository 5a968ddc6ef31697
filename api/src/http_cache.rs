//! Conditional requests: `ETag` + `If-None-Match` → 304 on reads (writes
//! ignore it), `If-Match` → 412 on writes, and `Cache-Control`.

use crate::error::{ApiError, Code};
use crate::pagination::{Page, next_link};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// How a response may be cached.
#[derive(Debug, Clone, Copy)]
pub enum Audience {
    /// Anyone may cache it for `max_age` seconds.
    Public(u32),
    /// Staff-specific (drafts, account data): nobody keeps a copy, not
    /// even the browser, so drafts do not linger on shared newsroom
    /// machines.
    Private,
}

impl Audience {
    /// The `Cache-Control` value.
    pub fn cache_control(self) -> String {
        match self {
            Audience::Public(max_age) => {
                format!(
                    "public, max-age={max_age}, stale-while-revalidate={}",
                    max_age * 5
                )
            }
            Audience::Private => "private, no-store".to_owned(),
        }
    }
}

/// Serializes `value`, tags it with an ETag (prefixed, e.g. with the
/// article version, so `If-Match` can name it) and answers `If-None-Match`
/// with 304 when the client's copy is current.
pub fn respond<T: Serialize>(
    req: &HttpRequest,
    value: &T,
    tag_prefix: &str,
    audience: Audience,
) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(value).map_err(ApiError::internal)?;
    respond_bytes(req, body, "application/json", tag_prefix, audience)
}

/// Sends a serialized representation (JSON, XML, a feed) with its ETag and
/// `Cache-Control`, or 304 when the client's copy is current.
pub fn respond_bytes(
    req: &HttpRequest,
    body: Vec<u8>,
    content_type: &str,
    tag_prefix: &str,
    audience: Audience,
) -> Result<HttpResponse, ApiError> {
    let etag = etag_of_bytes(&body, tag_prefix);
    respond_tagged(req, body, content_type, etag, audience)
}

/// Sends a representation under an ETag computed by the caller (for
/// representations with a live counter the tag leaves out).
pub fn respond_tagged(
    req: &HttpRequest,
    body: impl Into<bytes::Bytes>,
    content_type: &str,
    etag: String,
    audience: Audience,
) -> Result<HttpResponse, ApiError> {
    let cache_control = audience.cache_control();
    let not_modified = none_match(req, &etag);
    let mut response = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache_control))
        .insert_header((header::VARY, "Authorization, Accept-Encoding"));
    if not_modified {
        return Ok(response.finish());
    }
    Ok(response
        .content_type(content_type.to_owned())
        .body(body.into()))
}

/// The strong ETag of a serialized representation.
pub fn etag_of_bytes(body: &[u8], tag_prefix: &str) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest.iter().take(10).map(|b| format!("{b:02x}")).collect();
    format!("\"{tag_prefix}{hex}\"")
}

/// The ETag `respond` sends for `value`.
pub fn etag_of<T: Serialize>(value: &T, tag_prefix: &str) -> Result<String, ApiError> {
    let body = serde_json::to_vec(value).map_err(ApiError::internal)?;
    Ok(etag_of_bytes(&body, tag_prefix))
}

/// An `If-Match` header, read before a write and checked inside it with
/// the strong comparison RFC 9110 requires: the tag must be exactly the
/// ETag a read sends now; a weak (`W/`) or made-up tag never matches; `*`
/// matches whatever the current version is.
#[derive(Debug, Clone, Default)]
pub struct Precondition(Option<String>);

impl Precondition {
    /// The request's `If-Match`, if any.
    pub fn of(req: &HttpRequest) -> Self {
        Self(
            req.headers()
                .get(header::IF_MATCH)
                .map(|v| v.to_str().unwrap_or_default().trim().to_owned()),
        )
    }

    /// True for `If-Match: *` ("the resource exists, whatever its version").
    pub fn is_any(&self) -> bool {
        self.0.as_deref() == Some("*")
    }

    /// Refuses with 412 unless the header is absent, `*`, or names the
    /// current ETag (computed only when needed).
    pub fn check(
        &self,
        current_etag: impl FnOnce() -> Result<String, ApiError>,
    ) -> Result<(), ApiError> {
        let Some(value) = self.0.as_deref().filter(|_| !self.is_any()) else {
            return Ok(());
        };
        let current = current_etag()?;
        if value.split(',').map(str::trim).any(|tag| tag == current) {
            Ok(())
        } else {
            Err(Code::StaleVersion.err(
                "If-Match does not name the current representation; reload it and reapply your change",
            ))
        }
    }
}

/// Sends a list page with its ETag and a `Link: rel="next"` header.
pub fn respond_page<T: Serialize>(
    req: &HttpRequest,
    page: &Page<T>,
    audience: Audience,
) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(page).map_err(ApiError::internal)?;
    respond_page_bytes(req, body, page.meta.next_cursor.as_deref(), audience)
}

/// Sends a serialized list page with its ETag and a `Link: rel="next"`
/// header when `next_cursor` is given.
pub fn respond_page_bytes(
    req: &HttpRequest,
    body: Vec<u8>,
    next_cursor: Option<&str>,
    audience: Audience,
) -> Result<HttpResponse, ApiError> {
    let etag = etag_of_bytes(&body, "");
    respond_page_tagged(req, body, etag, next_cursor, audience)
}

/// Sends a serialized list page under its ETag, with a `Link: rel="next"`
/// header (made from this request's query) when `next_cursor` is given.
pub fn respond_page_tagged(
    req: &HttpRequest,
    body: impl Into<bytes::Bytes>,
    etag: String,
    next_cursor: Option<&str>,
    audience: Audience,
) -> Result<HttpResponse, ApiError> {
    let mut response = respond_tagged(req, body, "application/json", etag, audience)?;
    if let Some(next) = next_cursor
        && let Ok(value) = header::HeaderValue::from_str(&next_link(req, next))
    {
        response.headers_mut().insert(header::LINK, value);
    }
    Ok(response)
}

/// True when a read's `If-None-Match` names `etag` (or `*`). Writes
/// ignore the header (RFC 9110 allows it): a write that acted never
/// answers 304.
fn none_match(req: &HttpRequest, etag: &str) -> bool {
    if !matches!(
        *req.method(),
        actix_web::http::Method::GET | actix_web::http::Method::HEAD
    ) {
        return false;
    }
    let Some(value) = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    value
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// The ETag prefix that carries an article's version.
pub fn version_prefix(version: i32) -> String {
    format!("v{version}-")
}

/// The version a write expects: from `If-Match` (an article ETag) or from
/// the body's `version` field; both must agree when both are sent.
pub fn expected_version(
    req: &HttpRequest,
    body_version: Option<i32>,
) -> Result<Option<i32>, ApiError> {
    let header_version = match req.headers().get(header::IF_MATCH) {
        None => None,
        Some(value) if value.as_bytes().trim_ascii() == b"*" => None,
        Some(value) => {
            let raw = value
                .to_str()
                .unwrap_or_default()
                .trim()
                .trim_start_matches("W/")
                .trim_matches('"');
            let version = raw
                .strip_prefix('v')
                .and_then(|rest| rest.split('-').next())
                .and_then(|n| n.parse::<i32>().ok())
                .ok_or_else(|| {
                    Code::InvalidIfMatch.err("If-Match must be an ETag this API sent")
                })?;
            Some(version)
        }
    };
    match (header_version, body_version) {
        (Some(h), Some(b)) if h != b => {
            Err(Code::VersionMismatch
                .err("If-Match and the `version` field name different versions"))
        }
        (h, b) => Ok(h.or(b)),
    }
}
