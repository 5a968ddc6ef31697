//! `POST /api/v1/images`: a multipart upload read as a stream with a byte
//! limit, processed off the async executor, stored, then recorded.

use crate::caller::AuthUser;
use crate::error::{ApiError, Code, Problem};
use crate::responses::*;
use crate::state::AppState;
use crate::views::ImageView;
use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use toasoan_domain::image::{Image, describe, search_text};
use toasoan_domain::image_file::{original_file_name, original_key, storage_stem};
use toasoan_domain::{FieldError, ValidationErrors};
use toasoan_media::{MediaError, ProcessSettings, Processed};
use toasoan_persistence::models::image::{ImageRow, renditions_json};
use toasoan_persistence::queries::images;
use toasoan_persistence::{DbError, time};
use utoipa::ToSchema;

/// Room for the multipart framing and text fields around the file.
const FORM_OVERHEAD: u64 = 64 * 1024;
/// Longest text field accepted before its characters are counted.
const MAX_TEXT_BYTES: usize = 8 * 1024;

/// The multipart form of an upload.
#[derive(ToSchema)]
#[allow(
    dead_code,
    reason = "documents the form; the handler reads it as a stream"
)]
pub struct ImageUpload {
    /// The image: JPEG, PNG, WebP or GIF, decided by its content.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Caption, up to 1 000 characters.
    caption: Option<String>,
    /// Photo credit, up to 1 000 characters.
    credit: Option<String>,
    /// Alternative text, up to 1 000 characters.
    alt: Option<String>,
}

/// What the form carried.
#[derive(Default)]
struct Form {
    file: Option<(Bytes, String, Option<String>)>,
    caption: Option<String>,
    credit: Option<String>,
    alt: Option<String>,
}

fn too_large(max: u64) -> ApiError {
    Code::PayloadTooLarge.err(format!("the file is larger than {max} bytes"))
}

fn malformed(e: actix_multipart::MultipartError) -> ApiError {
    Code::MalformedMultipart.err(format!("the multipart body cannot be read: {e}"))
}

fn invalid(field: &str, code: &'static str, message: &str) -> ApiError {
    ApiError::field(FieldError::new(field, code, message))
}

/// Reads the form. The file is hashed as it arrives and refused as soon as
/// it passes the limit; nothing is written anywhere until it is whole.
async fn read_form(mut form: Multipart, max_bytes: u64) -> Result<Form, ApiError> {
    let mut out = Form::default();
    while let Some(field) = form.next().await {
        let mut field = field.map_err(malformed)?;
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                if out.file.is_some() {
                    return Err(invalid("file", "duplicate", "send one file per upload"));
                }
                let file_name = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .and_then(original_file_name);
                let mut bytes = BytesMut::new();
                let mut hash = Sha256::new();
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(malformed)?;
                    if (bytes.len() + chunk.len()) as u64 > max_bytes {
                        return Err(too_large(max_bytes));
                    }
                    hash.update(&chunk);
                    bytes.extend_from_slice(&chunk);
                }
                let hash = toasoan_media::process::hex(&hash.finalize());
                out.file = Some((bytes.freeze(), hash, file_name));
            }
            "caption" | "credit" | "alt" => {
                let mut text = Vec::new();
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(malformed)?;
                    if text.len() + chunk.len() > MAX_TEXT_BYTES {
                        return Err(invalid(&name, "too_long", "at most 1000 characters"));
                    }
                    text.extend_from_slice(&chunk);
                }
                let text = String::from_utf8(text)
                    .map_err(|_| invalid(&name, "invalid_characters", "must be UTF-8 text"))?;
                let slot = match name.as_str() {
                    "caption" => &mut out.caption,
                    "credit" => &mut out.credit,
                    _ => &mut out.alt,
                };
                if slot.replace(text).is_some() {
                    return Err(invalid(&name, "duplicate", "send each field once"));
                }
            }
            _ => {
                return Err(invalid(
                    &name,
                    "unknown_field",
                    "the form takes file, caption, credit and alt",
                ));
            }
        }
    }
    Ok(out)
}

fn media_error(error: MediaError) -> ApiError {
    match error {
        MediaError::UnsupportedFormat => Code::UnsupportedImage
            .err("the file is not a JPEG, PNG, WebP or GIF image (by its content)"),
        MediaError::TooManyPixels {
            width,
            height,
            max_pixels,
        } => Code::TooManyPixels.err(format!(
            "the image declares {width}×{height} pixels; at most {max_pixels} are accepted"
        )),
        MediaError::Corrupt(cause) => {
            Code::ImageCorrupt.err(format!("the image is truncated or corrupt: {cause}"))
        }
        MediaError::Encode(cause) => ApiError::internal(cause),
    }
}

/// Uploads an image (multipart: `file`, optional `caption`, `credit`, `alt`).
///
/// The format is decided by the file's content; the declared size is
/// checked against the pixel limit before decoding; EXIF (GPS, serial
/// numbers) is dropped after applying the orientation. The same file
/// uploaded again answers 200 with the image already stored. Needs an
/// access token (author or higher).
#[utoipa::path(post, path = "/api/v1/images", operation_id = "create_image", tag = "images",
    security(("bearer" = [])),
    request_body(content = ImageUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored, with its renditions", body = ImageView),
        (status = 200, description = "This file was already stored: the existing image", body = ImageView),
        AuthRequired,
        (status = 400, description = "The multipart body cannot be read (`malformed_multipart`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is over the size limit (`payload_too_large`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not multipart (`unsupported_media_type`), or the file is not a JPEG, PNG, WebP or GIF image (`unsupported_image`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks its rules: missing or second `file`, unknown field, caption too long (`validation_failed`); more pixels than allowed (`too_many_pixels`); a truncated or corrupt image (`image_corrupt`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_image(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let media = &state.config.media;
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !multipart {
        return Err(Code::UnsupportedMediaType.err("send the image as multipart/form-data"));
    }
    // A declared length over the limit is refused before reading a byte; a
    // chunked or under-declared body is counted as it streams.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > media.max_bytes + FORM_OVERHEAD) {
        return Err(too_large(media.max_bytes));
    }
    let form = read_form(Multipart::new(req.headers(), payload), media.max_bytes).await?;
    let Some((bytes, hash, file_name)) = form.file else {
        return Err(invalid("file", "required", "the form needs a file"));
    };
    let mut errors = ValidationErrors::default();
    let caption = errors
        .check(describe("caption", form.caption.as_deref()))
        .flatten();
    let credit = errors
        .check(describe("credit", form.credit.as_deref()))
        .flatten();
    let alt = errors.check(describe("alt", form.alt.as_deref())).flatten();
    if !errors.0.is_empty() {
        return Err(errors.into());
    }

    let existing = {
        let hash = hash.clone();
        state
            .db(move |conn| Ok(images::by_hash(conn, &hash)?))
            .await?
    };
    if let Some(row) = existing {
        return Ok(HttpResponse::Ok().json(view(row)?));
    }

    let stem = storage_stem(caption.as_deref(), file_name.as_deref(), &hash);
    let settings = ProcessSettings {
        max_pixels: media.max_pixels,
        widths: media.widths.clone(),
        ..ProcessSettings::default()
    };
    let processed = {
        let _slot = state
            .media_slots
            .acquire()
            .await
            .map_err(ApiError::internal)?;
        let bytes = bytes.clone();
        web::block(move || toasoan_media::process(&bytes, &stem, &settings))
            .await
            .map_err(ApiError::internal)?
            .map_err(media_error)?
    };

    let original = media
        .keep_originals
        .then(|| original_key(&hash, processed.format));
    let (format, width, height) = (processed.format, processed.width, processed.height);
    let full = processed.full.rendition.clone();
    let renditions: Vec<_> = processed
        .renditions
        .iter()
        .map(|f| f.rendition.clone())
        .collect();
    let stored = store(&state, processed, original.as_deref().map(|k| (k, bytes))).await?;
    let now = time::now();
    let row = ImageRow {
        id: uuid::Uuid::now_v7().to_string(),
        storage_key: full.key,
        format: format.as_str().to_owned(),
        byte_size: i64::try_from(full.byte_size).unwrap_or(i64::MAX),
        width: i32::try_from(width).unwrap_or(i32::MAX),
        height: i32::try_from(height).unwrap_or(i32::MAX),
        content_hash: hash,
        original_file_name: file_name,
        original_key: original,
        search_text: search_text(caption.as_deref(), credit.as_deref(), alt.as_deref()),
        alt,
        caption,
        credit,
        focal_x: None,
        focal_y: None,
        renditions: renditions_json(&renditions),
        uploaded_by: Some(user.id),
        created_at: now,
        updated_at: now,
    };
    let inserted = {
        let row = row.clone();
        state
            .write(move |conn| match images::insert(conn, &row) {
                Ok(()) => Ok(Ok(row)),
                // The same file, uploaded at the same moment by someone else.
                Err(DbError::Conflict(_)) => Ok(Err(images::by_hash(conn, &row.content_hash)?)),
                Err(e) => Err(e.into()),
            })
            .await
    };
    match inserted {
        Ok(Ok(row)) => {
            let location = format!("/api/v1/images/{}", row.id);
            Ok(HttpResponse::Created()
                .insert_header((header::LOCATION, location))
                .json(view(row)?))
        }
        Ok(Err(Some(winner))) => {
            let keep = winner.all_keys();
            remove(
                &state,
                stored.into_iter().filter(|k| !keep.contains(k)).collect(),
            )
            .await;
            Ok(HttpResponse::Ok().json(view(winner)?))
        }
        Ok(Err(None)) => {
            remove(&state, stored).await;
            Err(Code::Conflict.err("the image was stored and removed at the same time; retry"))
        }
        Err(e) => {
            remove(&state, stored).await;
            Err(e)
        }
    }
}

fn view(row: ImageRow) -> Result<ImageView, ApiError> {
    Ok(ImageView::from(&Image::try_from(row)?))
}

/// Stores every file of an upload; on any failure removes those stored and
/// fails, so a refused upload leaves nothing behind.
async fn store(
    state: &AppState,
    processed: Processed,
    original: Option<(&str, Bytes)>,
) -> Result<Vec<String>, ApiError> {
    // The encoded files move into the storage calls: no copies.
    let mut files: Vec<(String, Bytes)> = std::iter::once(processed.full)
        .chain(processed.renditions)
        .map(|f| (f.rendition.key, Bytes::from(f.bytes)))
        .collect();
    if let Some((key, bytes)) = original {
        files.push((key.to_owned(), bytes));
    }
    let puts = files
        .iter()
        .map(|(key, bytes)| state.storage.put(key, bytes.clone()));
    let results = futures_util::future::join_all(puts).await;
    let keys: Vec<String> = files.into_iter().map(|(k, _)| k).collect();
    if let Some(Err(e)) = results.into_iter().find(Result::is_err) {
        remove(state, keys).await;
        return Err(ApiError::internal(format!("storing an image: {e}")));
    }
    Ok(keys)
}

/// Removes files, logging (not failing on) what cannot be removed.
pub(super) async fn remove(state: &AppState, keys: Vec<String>) {
    for key in keys {
        if let Err(e) = state.storage.delete(&key).await {
            tracing::warn!(%key, cause = %e, "image file left behind");
        }
    }
}
