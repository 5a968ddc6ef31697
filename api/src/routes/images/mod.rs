//! The media library: upload, list and search, metadata edits, delete.
//! Files themselves are served by `routes::media`.

mod upload;

pub use upload::*;

use crate::caller::{AuthUser, Editor};
use crate::error::{ApiError, Code, Problem, UsedBy};
use crate::pagination::{self, Page};
use crate::responses::*;
use crate::state::AppState;
use crate::views::ImageView;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use toasoan_domain::ValidationErrors;
use toasoan_domain::image::{FocalPoint, Image, describe};
use toasoan_persistence::models::image::{ImageChanges, ImageRow};
use toasoan_persistence::queries::images::{self, Deleted};
use toasoan_persistence::{DbError, time};
use utoipa::{IntoParams, ToSchema};

crate::endpoints![
    create_image,
    list_images,
    get_image,
    update_image,
    delete_image
];

fn not_found() -> ApiError {
    Code::ImageNotFound.err("no such image")
}

fn view(row: ImageRow) -> Result<ImageView, ApiError> {
    Ok(ImageView::from(&Image::try_from(row)?))
}

/// Library search and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImageQuery {
    /// Words to find in caption, credit or alt text, with or without diacritics.
    #[param(example = "dai hoi")]
    pub q: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<i64>,
    /// `meta.next_cursor` of the previous page; empty means the first page.
    #[serde(default, deserialize_with = "crate::pagination::blank_is_none")]
    pub cursor: Option<String>,
}

/// The library, newest first; `q` searches captions, credits and alt text.
#[utoipa::path(get, path = "/api/v1/images", operation_id = "list_images", tag = "images",
    security(("bearer" = [])), params(ImageQuery),
    responses(
        (status = 200, description = "A page of images", body = Page<ImageView>),
        AuthRequired,
        ListErrors,
    ))]
pub async fn list_images(
    state: web::Data<AppState>,
    _user: AuthUser,
    query: web::Query<ImageQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = match &query.cursor {
        Some(c) => {
            let parts = pagination::decode_cursor(c, "i", 2)?;
            let at = chrono::NaiveDateTime::parse_from_str(&parts[0], "%Y-%m-%dT%H:%M:%S%.f")
                .map_err(|_| Code::InvalidCursor.err("the cursor is not one this list gave out"))?;
            Some((at, parts[1].clone()))
        }
        None => None,
    };
    let q = query.q.filter(|q| !q.trim().is_empty());
    let rows = state
        .db(move |conn| Ok(images::page(conn, q.as_deref(), after, limit + 1)?))
        .await?;
    let page = Page::new(rows, limit, |r| {
        let at = r.created_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string();
        pagination::encode_cursor("i", &[&at, &r.id])
    })
    .try_map(view)?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "private, no-store"))
        .json(page))
}

/// One image of the library.
#[utoipa::path(get, path = "/api/v1/images/{id}", operation_id = "get_image", tag = "images",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Image id")),
    responses(
        (status = 200, description = "The image", body = ImageView),
        AuthRequired,
        ImageNotFound,
    ))]
pub async fn get_image(
    state: web::Data<AppState>,
    _user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let row = state
        .db(move |conn| Ok(images::by_id(conn, &id)?))
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(view(row)?))
}

/// Metadata changes; absent fields stay, `null` clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImagePatch {
    /// Caption, up to 1 000 characters.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub caption: Option<Option<String>>,
    /// Photo credit, up to 1 000 characters.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub credit: Option<Option<String>>,
    /// Alternative text, up to 1 000 characters.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub alt: Option<Option<String>>,
    /// Focal point, x and y from 0 to 1.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<FocalPoint>)]
    pub focal_point: Option<Option<FocalPoint>>,
}

/// A field that is present: `null` becomes `Some(None)`.
fn present<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Changes an image's caption, credit, alt text or focal point.
#[utoipa::path(patch, path = "/api/v1/images/{id}", operation_id = "update_image", tag = "images",
    security(("bearer" = [])), request_body = ImagePatch,
    params(("id" = String, Path, description = "Image id")),
    responses(
        (status = 200, description = "Updated", body = ImageView),
        AuthRequired,
        ImageNotFound,
        JsonBody,
    ))]
pub async fn update_image(
    state: web::Data<AppState>,
    _user: AuthUser,
    id: web::Path<String>,
    body: crate::extractors::Json<ImagePatch>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let body = body.into_inner();
    let mut errors = ValidationErrors::default();
    let mut text = |field: &str, value: Option<Option<String>>| {
        value.and_then(|v| errors.check(describe(field, v.as_deref())))
    };
    let changes = ImageChanges {
        caption: text("caption", body.caption),
        credit: text("credit", body.credit),
        alt: text("alt", body.alt),
        focal_point: match body.focal_point {
            Some(Some(p)) => errors.check(FocalPoint::parse(p.x, p.y).map(Some)),
            other => other,
        },
    };
    if !errors.0.is_empty() {
        return Err(errors.into());
    }
    let row = state
        .db(
            move |conn| match images::update(conn, &id, &changes, time::now()) {
                Err(DbError::NotFound) => Err(not_found()),
                other => Ok(other?),
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(view(row)?))
}

/// Deletes an image and its files; refused while an article uses it.
#[utoipa::path(delete, path = "/api/v1/images/{id}", operation_id = "delete_image", tag = "images",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Image id")),
    responses(
        (status = 204, description = "Deleted with its files"),
        EditorOnly,
        ImageNotFound,
        (status = 409, description = "Articles use the image as cover or in their body; `used_by` lists them (`image_in_use`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_image(
    state: web::Data<AppState>,
    _editor: Editor,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let deleted = state
        .db(move |conn| match images::delete(conn, &id) {
            Err(DbError::NotFound) => Err(not_found()),
            other => Ok(other?),
        })
        .await?;
    match deleted {
        Deleted::Removed(row) => {
            upload::remove(&state, row.all_keys()).await;
            Ok(HttpResponse::NoContent().finish())
        }
        Deleted::InUse(users) => Err(ApiError::ImageInUse(
            users
                .into_iter()
                .map(|u| UsedBy {
                    id: u.id,
                    slug: u.slug,
                    title: u.title,
                })
                .collect(),
        )),
    }
}
