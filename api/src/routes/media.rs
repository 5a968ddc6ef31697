//! `GET /media/{key}`: stored image files. Names carry the content hash, so
//! responses are cached for a year as immutable; `Accept: image/webp` gets
//! the WebP sibling of a JPEG, PNG or GIF; single byte ranges are served.

use crate::error::{ApiError, Code};
use crate::state::AppState;
use actix_web::http::header::{self, ContentEncoding};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use std::ops::Range;
use toasoan_domain::image_file::{ImageFormat, is_public_key};
use toasoan_media::StorageError;

crate::endpoints![get_media];

fn not_found() -> ApiError {
    Code::FileNotFound.err("no such file")
}

/// True when `Accept` names `image/webp` (or `image/*`) with a non-zero q.
fn accepts_webp(req: &HttpRequest) -> bool {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    accept.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let kind = parts.next().unwrap_or_default().to_ascii_lowercase();
        let zero = parts.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        kind == "image/webp" && !zero
    })
}

/// The single range a `Range` header asks for within `size` bytes: `None`
/// for no header or one this server ignores (several ranges, other units),
/// `Err` when it lies outside the file.
fn range(req: &HttpRequest, size: u64) -> Result<Option<Range<u64>>, ApiError> {
    let Some(raw) = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(None);
    };
    let Some(spec) = raw.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((start, end)) = spec.split_once('-') else {
        return Ok(None);
    };
    let unsatisfiable = || ApiError::RangeNotSatisfiable(size);
    let (start, end) = (start.trim(), end.trim());
    let range = if start.is_empty() {
        let n: u64 = end.parse().map_err(|_| unsatisfiable())?;
        if n == 0 {
            return Err(unsatisfiable());
        }
        size.saturating_sub(n)..size
    } else {
        let start: u64 = start.parse().map_err(|_| unsatisfiable())?;
        let end = if end.is_empty() {
            size
        } else {
            end.parse::<u64>()
                .map_err(|_| unsatisfiable())?
                .saturating_add(1)
                .min(size)
        };
        start..end
    };
    if range.start >= size || range.start >= range.end {
        return Err(unsatisfiable());
    }
    Ok(Some(range))
}

/// A stored image file: a full-size image or a rendition.
#[utoipa::path(get, path = "/media/{key}", operation_id = "get_media", tag = "images",
    params(("key" = String, Path, description = "File name, as in an image's `url` or a rendition's")),
    responses(
        (status = 200, description = "The file; WebP instead when `Accept` allows and the file is not WebP (see `Vary`)", content_type = "image/*"),
        (status = 206, description = "The byte range asked for", content_type = "image/*"),
        (status = 404, description = "No such file (`file_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 416, description = "The range is outside the file (`range_not_satisfiable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_media(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    if !is_public_key(&key) {
        return Err(not_found());
    }
    let format = key
        .rsplit_once('.')
        .and_then(|(_, ext)| ImageFormat::from_extension(ext))
        .ok_or_else(not_found)?;
    let storage_error = |e: StorageError| match e {
        StorageError::NotFound | StorageError::InvalidKey => not_found(),
        other => ApiError::internal(other),
    };
    let mut chosen = (key.clone(), format);
    let mut size = None;
    if format != ImageFormat::Webp && accepts_webp(&req) {
        let webp = format!(
            "{}.webp",
            key.rsplit_once('.').map_or(key.as_str(), |(s, _)| s)
        );
        if let Some(n) = state.storage.size(&webp).await.map_err(storage_error)? {
            chosen = (webp, ImageFormat::Webp);
            size = Some(n);
        }
    }
    let size = match size {
        Some(n) => n,
        None => state
            .storage
            .size(&chosen.0)
            .await
            .map_err(storage_error)?
            .ok_or_else(not_found)?,
    };
    let range = range(&req, size)?;
    let fetched = state
        .storage
        .get(&chosen.0, range.clone())
        .await
        .map_err(storage_error)?;
    let length = fetched.range.end - fetched.range.start;
    let mut response = match range {
        Some(_) => {
            let mut r = HttpResponse::PartialContent();
            r.insert_header((
                header::CONTENT_RANGE,
                format!(
                    "bytes {}-{}/{}",
                    fetched.range.start,
                    fetched.range.end - 1,
                    fetched.size
                ),
            ));
            r
        }
        None => HttpResponse::Ok(),
    };
    response
        .insert_header((header::CONTENT_TYPE, chosen.1.mime()))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'"))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        // Images are compressed already.
        .insert_header(ContentEncoding::Identity);
    if format != ImageFormat::Webp {
        response.insert_header((header::VARY, "Accept"));
    }
    let body = fetched
        .stream
        .map(|chunk| chunk.map_err(ApiError::internal));
    Ok(response.no_chunking(length).streaming(body))
}
