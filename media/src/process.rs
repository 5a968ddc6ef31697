//! From uploaded bytes to the files that are served.

use image::codecs::gif::GifEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, ImageReader, Limits};
use sha2::{Digest, Sha256};
use std::io::Cursor;
use toasoan_domain::image_file::{
    self, DEFAULT_MAX_PIXELS, DEFAULT_RENDITION_WIDTHS, ImageFormat, Rendition,
};

/// Why an upload cannot become an image.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// Not JPEG, PNG, WebP or GIF by its content.
    #[error("not a JPEG, PNG, WebP or GIF file")]
    UnsupportedFormat,
    /// The header declares more pixels than allowed.
    #[error("{width}×{height} is more than {max_pixels} pixels")]
    TooManyPixels {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The limit.
        max_pixels: u64,
    },
    /// The file claims a format but does not decode (truncated, corrupt).
    #[error("the file does not decode: {0}")]
    Corrupt(String),
    /// Encoding a served copy failed (a bug or resource exhaustion).
    #[error("encoding failed: {0}")]
    Encode(String),
}

/// What processing may do.
#[derive(Debug, Clone)]
pub struct ProcessSettings {
    /// Most pixels a header may declare.
    pub max_pixels: u64,
    /// Rendition widths.
    pub widths: Vec<u32>,
    /// JPEG quality (1..=100).
    pub jpeg_quality: u8,
    /// Lossy WebP quality (0..=100).
    pub webp_quality: f32,
}

impl Default for ProcessSettings {
    fn default() -> Self {
        Self {
            max_pixels: DEFAULT_MAX_PIXELS,
            widths: DEFAULT_RENDITION_WIDTHS.to_vec(),
            jpeg_quality: 85,
            webp_quality: 80.0,
        }
    }
}

/// One encoded file to store.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// Where it goes and what it is.
    pub rendition: Rendition,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// An upload turned into served files, all without metadata.
#[derive(Debug, Clone)]
pub struct Processed {
    /// Format of the upload (and of the full-size file).
    pub format: ImageFormat,
    /// Width after orientation.
    pub width: u32,
    /// Height after orientation.
    pub height: u32,
    /// The full-size file in the original format.
    pub full: StoredFile,
    /// Renditions, original format and WebP, plus a full-size WebP when the
    /// image is no wider than the widest rendition width.
    pub renditions: Vec<StoredFile>,
}

/// Hex SHA-256 of a file's bytes.
pub fn content_hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Hex form of a digest.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// WebP's largest side.
const WEBP_MAX_SIDE: u32 = 16_383;

/// Decodes an upload and encodes what is served. The format comes from the
/// bytes; the declared dimensions are checked against the pixel limit before
/// any pixel is decoded; the EXIF orientation is applied; every served file
/// is re-encoded, so EXIF (GPS, serial numbers), XMP and comments are gone.
/// CPU-heavy: call it off the async executor.
pub fn process(
    bytes: &[u8],
    stem: &str,
    settings: &ProcessSettings,
) -> Result<Processed, MediaError> {
    let format = ImageFormat::sniff(bytes).ok_or(MediaError::UnsupportedFormat)?;
    let codec = codec_format(format);
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), codec)
        .into_dimensions()
        .map_err(|e| MediaError::Corrupt(e.to_string()))?;
    image_file::check_dimensions(width, height, settings.max_pixels).map_err(|_| {
        MediaError::TooManyPixels {
            width,
            height,
            max_pixels: settings.max_pixels,
        }
    })?;
    check_complete(format, bytes)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), codec);
    reader.limits(limits(width, height));
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let orientation = decoder.orientation().map_err(corrupt)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    image.apply_orientation(orientation);
    let image = normalise(image);
    let (width, height) = (image.width(), image.height());

    let full = StoredFile {
        bytes: encode(&image, format, settings)?,
        rendition: Rendition {
            width,
            height,
            format,
            key: image_file::full_key(stem, format),
            byte_size: 0,
        },
    }
    .sized();
    let mut renditions = Vec::new();
    // A full-size WebP only when no rendition covers that size: encoding a
    // camera-sized WebP costs more time and memory than all the renditions.
    let widest = settings.widths.iter().copied().max().unwrap_or(0);
    if format != ImageFormat::Webp
        && width <= widest
        && width <= WEBP_MAX_SIDE
        && height <= WEBP_MAX_SIDE
    {
        renditions.push(file(
            &image,
            ImageFormat::Webp,
            image_file::full_key(stem, ImageFormat::Webp),
            settings,
        )?);
    }
    // Each size is scaled from the next larger one: cheaper than from the
    // full image every time, with the same area-averaging quality.
    let mut source = image;
    for (w, h) in image_file::rendition_sizes(width, height, &settings.widths)
        .into_iter()
        .rev()
    {
        source = source.thumbnail_exact(w, h);
        renditions.push(file(
            &source,
            format,
            image_file::rendition_key(stem, w, format),
            settings,
        )?);
        if format != ImageFormat::Webp {
            renditions.push(file(
                &source,
                ImageFormat::Webp,
                image_file::rendition_key(stem, w, ImageFormat::Webp),
                settings,
            )?);
        }
    }
    renditions.sort_by_key(|f| (f.rendition.width, f.rendition.format.as_str()));
    Ok(Processed {
        format,
        width,
        height,
        full,
        renditions,
    })
}

impl StoredFile {
    fn sized(mut self) -> Self {
        self.rendition.byte_size = self.bytes.len() as u64;
        self
    }
}

fn file(
    image: &DynamicImage,
    format: ImageFormat,
    key: String,
    settings: &ProcessSettings,
) -> Result<StoredFile, MediaError> {
    Ok(StoredFile {
        bytes: encode(image, format, settings)?,
        rendition: Rendition {
            width: image.width(),
            height: image.height(),
            format,
            key,
            byte_size: 0,
        },
    }
    .sized())
}

fn corrupt(error: image::ImageError) -> MediaError {
    match error {
        image::ImageError::Limits(e) => {
            MediaError::Corrupt(format!("over the decoding limits: {e}"))
        }
        other => MediaError::Corrupt(other.to_string()),
    }
}

fn codec_format(format: ImageFormat) -> image::ImageFormat {
    match format {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Webp => image::ImageFormat::WebP,
        ImageFormat::Gif => image::ImageFormat::Gif,
    }
}

/// Decoding limits matching the checked header, so a decoder that finds
/// other dimensions further in cannot allocate beyond them.
fn limits(width: u32, height: u32) -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    // Four 16-bit channels per pixel at most, plus slack for the decoder.
    limits.max_alloc = Some(u64::from(width) * u64::from(height) * 8 + 64 * 1024 * 1024);
    limits
}

/// A JPEG decoder fills a cut-off scan with grey rather than failing, so a
/// truncated JPEG is caught by its missing end-of-image marker (trailing
/// padding some cameras add is allowed).
fn check_complete(format: ImageFormat, bytes: &[u8]) -> Result<(), MediaError> {
    if format == ImageFormat::Jpeg {
        let tail = &bytes[bytes.len().saturating_sub(4096)..];
        if !tail.windows(2).any(|w| w == [0xFF, 0xD9]) {
            return Err(MediaError::Corrupt(
                "the JPEG has no end-of-image marker".into(),
            ));
        }
    }
    Ok(())
}

/// Eight bits per channel, RGB or RGBA: what every encoder here takes.
fn normalise(image: DynamicImage) -> DynamicImage {
    if image.has_alpha() {
        match image {
            DynamicImage::ImageRgba8(_) => image,
            other => DynamicImage::ImageRgba8(other.into_rgba8()),
        }
    } else {
        match image {
            DynamicImage::ImageRgb8(_) => image,
            other => DynamicImage::ImageRgb8(other.into_rgb8()),
        }
    }
}

fn encode(
    image: &DynamicImage,
    format: ImageFormat,
    settings: &ProcessSettings,
) -> Result<Vec<u8>, MediaError> {
    let (w, h) = (image.width(), image.height());
    let color = if image.has_alpha() {
        ExtendedColorType::Rgba8
    } else {
        ExtendedColorType::Rgb8
    };
    let mut out = Vec::new();
    let failed = |e: image::ImageError| MediaError::Encode(e.to_string());
    match format {
        ImageFormat::Jpeg => {
            let encoder = JpegEncoder::new_with_quality(&mut out, settings.jpeg_quality);
            match image {
                DynamicImage::ImageRgb8(rgb) => encoder.write_image(rgb.as_raw(), w, h, color),
                other => {
                    encoder.write_image(other.to_rgb8().as_raw(), w, h, ExtendedColorType::Rgb8)
                }
            }
            .map_err(failed)?;
        }
        ImageFormat::Png => PngEncoder::new(&mut out)
            .write_image(image.as_bytes(), w, h, color)
            .map_err(failed)?,
        ImageFormat::Gif => {
            let rgba = image.to_rgba8();
            GifEncoder::new_with_speed(&mut out, 10)
                .encode(rgba.as_raw(), w, h, ExtendedColorType::Rgba8)
                .map_err(failed)?;
        }
        ImageFormat::Webp => {
            let encoder = if image.has_alpha() {
                webp::Encoder::from_rgba(image.as_bytes(), w, h)
            } else {
                webp::Encoder::from_rgb(image.as_bytes(), w, h)
            };
            let encoded = encoder
                .encode_simple(false, settings.webp_quality)
                .map_err(|e| MediaError::Encode(format!("{e:?}")))?;
            out.extend_from_slice(&encoded);
        }
    }
    Ok(out)
}
