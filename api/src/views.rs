//! Shapes shared by several resources: the short references an article
//! carries to its category, authors and tags, the account view that
//! `/users` and `/auth/me` both answer with, and images.

use crate::error::ApiError;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::borrow::Cow;
use toasoan_domain::author::Author;
use toasoan_domain::category::Category;
use toasoan_domain::image::{FocalPoint, Image};
use toasoan_domain::image_file::ImageFormat;
use toasoan_domain::slug::MAX_SLUG_LEN;
use toasoan_domain::tag::Tag;
use toasoan_domain::user::{Role, User};
use toasoan_persistence::models::image::MEDIA_PREFIX;
use toasoan_persistence::models::user::UserRow;
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// A URL slug as requests may set it: the rules of `Slug::parse` (except
/// that it cannot have the shape of an id, which a pattern cannot say
/// simply). Documentation only: request fields name it with
/// `#[schema(value_type = Option<SlugText>)]`, and it renders as `Slug`.
pub struct SlugText;

impl utoipa::__dev::ComposeSchema for SlugText {
    fn compose(_: Vec<RefOr<Schema>>) -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "A URL slug: lowercase letters a-z, digits and single hyphens between them.",
            ))
            .min_length(Some(1))
            .max_length(Some(MAX_SLUG_LEN))
            .pattern(Some("^[a-z0-9]+(-[a-z0-9]+)*$"))
            .examples(["theo-guong-bac"])
            .into()
    }
}

impl ToSchema for SlugText {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Slug")
    }
}

/// A short reference to a category, author or tag.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ref {
    /// UUIDv7.
    #[schema(format = Uuid, example = "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5a")]
    pub id: String,
    /// URL slug.
    #[schema(example = "theo-guong-bac")]
    pub slug: String,
    /// Display name.
    #[schema(example = "Theo gương Bác")]
    pub name: String,
}

macro_rules! reference {
    ($($kind:ty),*) => {$(
        impl From<&$kind> for Ref {
            fn from(item: &$kind) -> Self {
                Self { id: item.id.to_string(), slug: item.slug.to_string(), name: item.name.clone() }
            }
        }
    )*};
}

reference!(Category, Author, Tag);

/// An image as the API shows it: in the media library, as an article's
/// cover, with every rendition a frontend needs for `srcset`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImageView {
    /// UUIDv7.
    #[schema(format = Uuid)]
    pub id: String,
    /// Public URL of the full-size file (metadata stripped, upright).
    #[schema(example = "/media/hoan-thanh-to-chuc-dai-hoi-mttq-viet-nam-cac-cap-3f2a9c1d4e5b.jpg")]
    pub url: String,
    /// Pixel width.
    #[schema(example = 1200)]
    pub width: i32,
    /// Pixel height.
    #[schema(example = 800)]
    pub height: i32,
    /// Format, decided by the file's content.
    pub format: ImageFormat,
    /// Media type of `url`.
    #[schema(example = "image/jpeg")]
    pub mime_type: String,
    /// Size of the full-size file in bytes.
    pub byte_size: i64,
    /// Caption.
    #[schema(example = "Hoàn thành tổ chức đại hội MTTQ Việt Nam các cấp")]
    pub caption: Option<String>,
    /// Photo credit.
    #[schema(example = "Ảnh: N.T")]
    pub credit: Option<String>,
    /// Alternative text.
    pub alt: Option<String>,
    /// Where crops should centre, as fractions of width and height.
    pub focal_point: Option<FocalPoint>,
    /// Smaller copies in the original format and WebP, narrowest first, and
    /// a full-size WebP.
    pub renditions: Vec<RenditionView>,
    /// The uploader's file name (last path component only).
    pub original_file_name: Option<String>,
    /// When uploaded.
    pub created_at: DateTime<Utc>,
    /// When the metadata last changed.
    pub updated_at: DateTime<Utc>,
}

/// One rendition of an image.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RenditionView {
    /// Public URL.
    #[schema(
        example = "/media/hoan-thanh-to-chuc-dai-hoi-mttq-viet-nam-cac-cap-3f2a9c1d4e5b-640w.webp"
    )]
    pub url: String,
    /// Pixel width.
    #[schema(example = 640)]
    pub width: u32,
    /// Pixel height.
    #[schema(example = 427)]
    pub height: u32,
    /// Media type.
    #[schema(example = "image/webp")]
    pub mime_type: String,
    /// Size in bytes.
    pub byte_size: u64,
}

impl From<&Image> for ImageView {
    fn from(image: &Image) -> Self {
        Self {
            id: image.id.to_string(),
            url: image.url.clone(),
            width: image.width,
            height: image.height,
            format: image.format,
            mime_type: image.mime_type.clone(),
            byte_size: image.byte_size,
            caption: image.caption.clone(),
            credit: image.credit.clone(),
            alt: image.alt.clone(),
            focal_point: image.focal_point,
            renditions: image
                .renditions
                .iter()
                .map(|r| RenditionView {
                    url: format!("{MEDIA_PREFIX}{}", r.key),
                    width: r.width,
                    height: r.height,
                    mime_type: r.format.mime().to_owned(),
                    byte_size: r.byte_size,
                })
                .collect(),
            original_file_name: image.original_file_name.clone(),
            created_at: image.created_at,
            updated_at: image.updated_at,
        }
    }
}
/// An account, never with its password hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// UUIDv7.
    #[schema(format = Uuid)]
    pub id: String,
    /// Login e-mail.
    #[schema(example = "bientap@baoquangnam.vn")]
    pub email: String,
    /// Shown name.
    #[schema(example = "Nguyễn Văn Biên")]
    pub display_name: String,
    /// admin, editor or author.
    pub role: Role,
    /// False once disabled: the account cannot log in.
    pub is_active: bool,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserView {
    fn from(user: User) -> Self {
        Self {
            id: user.id.to_string(),
            email: user.email.as_str().to_owned(),
            display_name: user.display_name,
            role: user.role,
            is_active: user.is_active,
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

/// The view of a stored account.
pub fn user_view(row: UserRow) -> Result<UserView, ApiError> {
    Ok(User::try_from(row)?.into())
}
