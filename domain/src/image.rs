//! Uploaded images: what is recorded about them, and the rules for the
//! metadata an editor may change (caption, credit, alt, focal point).

use crate::FieldError;
use crate::image_file::{ImageFormat, Rendition};
use crate::text::{fold, optional_plain};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An uploaded image with what a page shows under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// UUIDv7.
    pub id: Uuid,
    /// Storage key of the full-size served file (content-hashed).
    pub storage_key: String,
    /// Public URL of the full-size served file.
    pub url: String,
    /// Format, decided by the file's content.
    pub format: ImageFormat,
    /// Media type of the served file.
    pub mime_type: String,
    /// Size of the served full-size file in bytes.
    pub byte_size: i64,
    /// Pixel width, after applying the EXIF orientation.
    pub width: i32,
    /// Pixel height, after applying the EXIF orientation.
    pub height: i32,
    /// Hex SHA-256 of the uploaded bytes: one row per distinct file.
    pub content_hash: String,
    /// The uploader's file name, reduced to its last path component.
    pub original_file_name: Option<String>,
    /// Alternative text.
    pub alt: Option<String>,
    /// Caption ("Hoàn thành tổ chức đại hội ...").
    pub caption: Option<String>,
    /// Photo credit ("N.T").
    pub credit: Option<String>,
    /// Where crops should centre.
    pub focal_point: Option<FocalPoint>,
    /// Smaller copies, in the original format and WebP.
    pub renditions: Vec<Rendition>,
    /// When uploaded.
    pub created_at: DateTime<Utc>,
    /// When the metadata last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<&Image> for crate::block::ImageSource {
    fn from(image: &Image) -> Self {
        // Renditions sit beside the full-size file under the same URL prefix.
        let base = image
            .url
            .strip_suffix(&image.storage_key)
            .unwrap_or("/media/");
        let full_width = u32::try_from(image.width).unwrap_or(0);
        let candidates = |format: ImageFormat, full: Option<String>| {
            let mut list: Vec<(String, u32)> = image
                .renditions
                .iter()
                .filter(|r| r.format == format && r.width < full_width)
                .map(|r| (format!("{base}{}", r.key), r.width))
                .collect();
            list.extend(full.map(|url| (url, full_width)));
            if list.len() < 2 { Vec::new() } else { list }
        };
        let full_webp = if image.format == ImageFormat::Webp {
            None
        } else {
            image
                .renditions
                .iter()
                .find(|r| r.format == ImageFormat::Webp && r.width == full_width)
                .map(|r| format!("{base}{}", r.key))
        };
        Self {
            url: image.url.clone(),
            width: image.width,
            height: image.height,
            alt: image.alt.clone(),
            caption: image.caption.clone(),
            credit: image.credit.clone(),
            srcset: candidates(image.format, Some(image.url.clone())),
            webp_srcset: if image.format == ImageFormat::Webp {
                Vec::new()
            } else {
                candidates(ImageFormat::Webp, full_webp)
            },
        }
    }
}

/// Longest caption, credit or alt text, in characters.
pub const MAX_DESCRIPTION: usize = 1_000;

/// Caption, credit or alt text of an image: optional, up to 1 000 characters.
pub fn describe(field: &str, raw: Option<&str>) -> Result<Option<String>, FieldError> {
    optional_plain(field, raw, MAX_DESCRIPTION)
}

/// The point of interest of a photo, as fractions of width and height from
/// the top-left corner, so frontends crop around the subject.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FocalPoint {
    /// 0.0 (left) ..= 1.0 (right).
    pub x: f64,
    /// 0.0 (top) ..= 1.0 (bottom).
    pub y: f64,
}

impl FocalPoint {
    /// Accepts a point inside the image.
    pub fn parse(x: f64, y: f64) -> Result<Self, FieldError> {
        let inside = |v: f64| v.is_finite() && (0.0..=1.0).contains(&v);
        if !inside(x) || !inside(y) {
            return Err(FieldError::new(
                "focal_point",
                "out_of_range",
                "x and y are fractions between 0 and 1",
            ));
        }
        Ok(Self { x, y })
    }
}

/// Folded text that library search matches against (caption, credit, alt),
/// so `dai hoi` finds `đại hội`.
pub fn search_text(caption: Option<&str>, credit: Option<&str>, alt: Option<&str>) -> String {
    [caption, credit, alt]
        .into_iter()
        .flatten()
        .map(fold)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focal_points_outside_the_image_are_refused() {
        assert!(FocalPoint::parse(0.5, 0.3).is_ok());
        assert!(FocalPoint::parse(0.0, 1.0).is_ok());
        assert!(FocalPoint::parse(1.2, 0.3).is_err());
        assert!(FocalPoint::parse(0.2, -0.1).is_err());
        assert!(FocalPoint::parse(f64::NAN, 0.5).is_err());
    }

    #[test]
    fn search_text_folds_vietnamese_including_d_bar() {
        let text = search_text(Some("Đại hội MTTQ"), Some("Ảnh: N.T"), None);
        assert_eq!(text, "dai hoi mttq\nanh: n.t");
    }

    #[test]
    fn captions_have_a_length_limit() {
        assert!(describe("caption", Some(&"a".repeat(1_000))).is_ok());
        let err = describe("caption", Some(&"a".repeat(1_001))).err();
        assert_eq!(err.map(|e| e.code), Some("too_long"));
        assert_eq!(describe("caption", Some("  ")), Ok(None));
    }
}
