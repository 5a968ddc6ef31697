//! Uploaded images: the limits every upload must meet, and their metadata.

use crate::FieldError;
use crate::text::optional_plain;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// An uploaded image with what a page shows under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// UUIDv7.
    pub id: Uuid,
    /// Public URL of the file.
    pub url: String,
    /// Media type, one of `ALLOWED_TYPES`.
    pub mime_type: String,
    /// File size in bytes.
    pub byte_size: i64,
    /// Pixel width.
    pub width: i32,
    /// Pixel height.
    pub height: i32,
    /// Alternative text.
    pub alt: Option<String>,
    /// Caption ("Hoàn thành tổ chức đại hội ...").
    pub caption: Option<String>,
    /// Photo credit ("N.T").
    pub credit: Option<String>,
    /// When uploaded.
    pub created_at: DateTime<Utc>,
}

/// Largest upload accepted, in bytes.
pub const MAX_BYTES: usize = 15 * 1024 * 1024;
/// Most pixels a decoded image may have (guards against decompression bombs).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Media types accepted.
pub const ALLOWED_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/webp", "image/gif"];

/// Checks an image's decoded dimensions against the limits.
pub fn check_dimensions(width: u32, height: u32) -> Result<(), FieldError> {
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(FieldError::new(
            "file",
            "too_many_pixels",
            format!("at most {MAX_PIXELS} pixels"),
        ));
    }
    Ok(())
}

/// Caption, credit or alt text of an image: optional, up to 1 000 characters.
pub fn describe(field: &str, raw: Option<&str>) -> Result<Option<String>, FieldError> {
    optional_plain(field, raw, 1_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixel_bombs_are_refused() {
        assert!(check_dimensions(1200, 800).is_ok());
        assert!(check_dimensions(100_000, 100_000).is_err());
        assert!(check_dimensions(0, 10).is_err());
    }
}
