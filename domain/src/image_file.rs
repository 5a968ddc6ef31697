//! Rules for uploaded image files: which formats are accepted (decided by
//! the bytes, never the name or declared type), the size and pixel limits,
//! which renditions to make, and how storage keys are named.

use crate::FieldError;
use crate::slug::Slug;
use serde::{Deserialize, Serialize};

/// Default largest upload, in bytes (20 MB).
pub const DEFAULT_MAX_BYTES: u64 = 20 * 1024 * 1024;
/// Default most pixels an image may declare (50 megapixels).
pub const DEFAULT_MAX_PIXELS: u64 = 50_000_000;
/// Default rendition widths, in pixels.
pub const DEFAULT_RENDITION_WIDTHS: [u32; 4] = [320, 640, 1024, 1600];
/// Bytes needed to recognise every accepted format.
pub const SNIFF_LEN: usize = 12;

/// An accepted image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ImageFormat {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    Webp,
    /// GIF (served as its first frame).
    Gif,
}

impl ImageFormat {
    /// Every accepted format.
    pub const ALL: [Self; 4] = [Self::Jpeg, Self::Png, Self::Webp, Self::Gif];

    /// Recognises a format from the first bytes of a file by their magic
    /// numbers; anything else (SVG, HTML, scripts, truncated heads) is `None`.
    pub fn sniff(head: &[u8]) -> Option<Self> {
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
            Some(Self::Gif)
        } else if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }

    /// Stored name: `jpeg`, `png`, `webp`, `gif`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Gif => "gif",
        }
    }

    /// The stored name back to a format.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == raw)
    }

    /// Media type.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Gif => "image/gif",
        }
    }

    /// File extension of stored files.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Gif => "gif",
        }
    }

    /// The format a stored key's extension names.
    pub fn from_extension(ext: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.extension() == ext)
    }
}

/// Refusal of a file whose declared size exceeds the pixel limit (checked
/// from the header, before anything is decoded or allocated).
pub fn check_dimensions(width: u32, height: u32, max_pixels: u64) -> Result<(), FieldError> {
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) > max_pixels {
        return Err(FieldError::new(
            "file",
            "too_many_pixels",
            format!("{width}×{height}: at most {max_pixels} pixels are accepted"),
        ));
    }
    Ok(())
}

/// A smaller copy of an image, as stored and listed for `srcset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rendition {
    /// Pixel width.
    pub width: u32,
    /// Pixel height.
    pub height: u32,
    /// Format of this copy.
    pub format: ImageFormat,
    /// Storage key.
    pub key: String,
    /// Size in bytes.
    pub byte_size: u64,
}

/// The sizes to make for an image: every configured width narrower than the
/// image itself (never upscaled), height in proportion, narrowest first.
pub fn rendition_sizes(width: u32, height: u32, widths: &[u32]) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = widths
        .iter()
        .copied()
        .filter(|&w| w > 0 && w < width)
        .map(|w| {
            let h = (u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width);
            (w, u32::try_from(h.max(1)).unwrap_or(u32::MAX))
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Longest slug part of a storage key, in bytes.
const MAX_STEM_SLUG: usize = 80;

/// The stem of every key of one image: a Vietnamese-aware slug of the
/// caption (or else the file name) and the start of the content hash, e.g.
/// `hoan-thanh-to-chuc-dai-hoi-mttq-viet-nam-cac-cap-3f2a9c1d4e5b`.
pub fn storage_stem(caption: Option<&str>, file_name: Option<&str>, content_hash: &str) -> String {
    let from_name = file_name.map(|n| match n.rsplit_once('.') {
        Some((stem, _)) => stem,
        None => n,
    });
    let slug = caption
        .and_then(Slug::from_title)
        .or_else(|| from_name.and_then(Slug::from_title))
        .map(Slug::into_string)
        .unwrap_or_else(|| "anh".to_owned());
    let mut slug = slug.as_str();
    if slug.len() > MAX_STEM_SLUG {
        let cut = &slug[..MAX_STEM_SLUG];
        slug = match cut.rfind('-') {
            Some(i) if i > 0 => &cut[..i],
            _ => cut,
        };
    }
    let hash: String = content_hash.chars().take(12).collect();
    format!("{slug}-{hash}")
}

/// Key of the full-size served file in a format.
pub fn full_key(stem: &str, format: ImageFormat) -> String {
    format!("{stem}.{}", format.extension())
}

/// Key of a rendition.
pub fn rendition_key(stem: &str, width: u32, format: ImageFormat) -> String {
    format!("{stem}-{width}w.{}", format.extension())
}

/// Key of the untouched upload, kept only when configured; never served.
pub fn original_key(content_hash: &str, format: ImageFormat) -> String {
    format!("originals/{content_hash}.{}", format.extension())
}

/// True for a key that may be served publicly: one path segment of
/// lowercase letters, digits, hyphens and one extension of an accepted
/// format (so no traversal, no originals, no other files).
pub fn is_public_key(key: &str) -> bool {
    let Some((stem, ext)) = key.rsplit_once('.') else {
        return false;
    };
    !stem.is_empty()
        && stem.len() <= 160
        && stem
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && ImageFormat::from_extension(ext).is_some()
}

/// The uploader's file name as recorded: its last path component (so
/// `../../etc/passwd.jpg` is `passwd.jpg`), without control characters, at
/// most 255 characters; `None` when nothing is left.
pub fn original_file_name(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let clean: String = last.chars().filter(|c| !c.is_control()).take(255).collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." {
        None
    } else {
        Some(clean.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_recognised_by_their_bytes_only() {
        assert_eq!(
            ImageFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(ImageFormat::Jpeg)
        );
        assert_eq!(
            ImageFormat::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(ImageFormat::Png)
        );
        assert_eq!(ImageFormat::sniff(b"GIF89a......"), Some(ImageFormat::Gif));
        assert_eq!(
            ImageFormat::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(ImageFormat::Webp)
        );
        assert_eq!(ImageFormat::sniff(b"RIFF\0\0\0\0WAVEfmt "), None);
        assert_eq!(ImageFormat::sniff(b"#!/bin/sh\nrm -rf /"), None);
        assert_eq!(
            ImageFormat::sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\">"),
            None
        );
        assert_eq!(ImageFormat::sniff(b"<?xml version=\"1.0\"?><svg"), None);
        assert_eq!(ImageFormat::sniff(&[0xFF, 0xD8]), None);
        assert_eq!(ImageFormat::sniff(b""), None);
    }

    #[test]
    fn pixel_bombs_are_refused() {
        assert!(check_dimensions(1200, 800, DEFAULT_MAX_PIXELS).is_ok());
        assert!(check_dimensions(100_000, 100_000, DEFAULT_MAX_PIXELS).is_err());
        assert!(check_dimensions(0, 10, DEFAULT_MAX_PIXELS).is_err());
        assert!(check_dimensions(10_000, 5_000, DEFAULT_MAX_PIXELS).is_ok());
        assert!(check_dimensions(10_000, 5_001, DEFAULT_MAX_PIXELS).is_err());
    }

    #[test]
    fn renditions_are_never_upscaled_and_keep_the_aspect_ratio() {
        let sizes = rendition_sizes(1200, 800, &DEFAULT_RENDITION_WIDTHS);
        assert_eq!(sizes, vec![(320, 213), (640, 427), (1024, 683)]);
        assert!(rendition_sizes(300, 200, &DEFAULT_RENDITION_WIDTHS).is_empty());
        assert_eq!(rendition_sizes(4000, 1, &[320]), vec![(320, 1)]);
    }

    #[test]
    fn storage_keys_are_vietnamese_slugs_with_the_hash() {
        let hash = "3f2a9c1d4e5b6a7f";
        let stem = storage_stem(
            Some("Hoàn thành tổ chức đại hội MTTQ Việt Nam các cấp"),
            Some("IMG_0001.JPG"),
            hash,
        );
        assert_eq!(
            stem,
            "hoan-thanh-to-chuc-dai-hoi-mttq-viet-nam-cac-cap-3f2a9c1d4e5b"
        );
        let stem = storage_stem(None, Some("Quảng cảnh Đại hội.jpg"), hash);
        assert_eq!(stem, "quang-canh-dai-hoi-3f2a9c1d4e5b");
        assert_eq!(storage_stem(None, Some("🎉.png"), hash), "anh-3f2a9c1d4e5b");
        let long = storage_stem(Some(&"đường ".repeat(40)), None, hash);
        assert!(long.len() <= 80 + 13, "{long}");
        assert_eq!(full_key("a-1", ImageFormat::Jpeg), "a-1.jpg");
        assert_eq!(
            rendition_key("a-1", 320, ImageFormat::Webp),
            "a-1-320w.webp"
        );
    }

    #[test]
    fn only_served_shapes_of_keys_are_public() {
        assert!(is_public_key("quang-canh-3f2a9c1d4e5b.jpg"));
        assert!(is_public_key("quang-canh-3f2a9c1d4e5b-320w.webp"));
        assert!(!is_public_key("originals/abc.jpg"));
        assert!(!is_public_key("../etc/passwd.jpg"));
        assert!(!is_public_key("a.svg"));
        assert!(!is_public_key(".jpg"));
        assert!(!is_public_key("A.jpg"));
    }

    #[test]
    fn file_names_lose_their_directories() {
        assert_eq!(
            original_file_name("../../etc/passwd.jpg").as_deref(),
            Some("passwd.jpg")
        );
        assert_eq!(
            original_file_name("C:\\Users\\a\\ảnh 1.png").as_deref(),
            Some("ảnh 1.png")
        );
        assert_eq!(original_file_name("../.."), None);
        assert_eq!(original_file_name("a\0b.jpg").as_deref(), Some("ab.jpg"));
    }
}
