//! Image fixtures made in the test (photos, EXIF with GPS, pixel bombs),
//! multipart bodies, and the S3-compatible server the S3 tests use.

use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use std::io::Cursor;

/// Text hidden in the EXIF GPS block; must never reach a served file.
pub const GPS_MARKER: &[u8] = b"GPS-SECRET-15.5736N-108.4740E";

/// A photo-like RGB image.
pub fn photo(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        Rgb([
            (x * 255 / width) as u8,
            (y * 255 / height) as u8,
            ((x + y) % 256) as u8,
        ])
    }))
}

/// An RGBA image with transparency.
pub fn translucent(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgba8(RgbaImage::from_fn(width, height, |x, y| {
        Rgba([
            (x % 256) as u8,
            (y % 256) as u8,
            90,
            if x < width / 2 { 255 } else { 80 },
        ])
    }))
}

/// Encodes an image in a format.
pub fn encoded(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let image = if format == ImageFormat::Jpeg {
        DynamicImage::ImageRgb8(image.to_rgb8())
    } else {
        image.clone()
    };
    image.write_to(&mut out, format).expect("fixture");
    out.into_inner()
}

/// A JPEG photo with an EXIF block: orientation 6 (rotate 90° clockwise to
/// view) and a GPS block carrying `GPS_MARKER`.
pub fn jpeg_with_gps(width: u32, height: u32) -> Vec<u8> {
    let jpeg = encoded(&photo(width, height), ImageFormat::Jpeg);
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2a");
    tiff.extend_from_slice(&8u32.to_be_bytes());
    // IFD0: orientation and the GPS IFD pointer.
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1]);
    tiff.extend_from_slice(&38u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    // GPS IFD at 38: GPSProcessingMethod (UNDEFINED) pointing at the marker.
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&[0x00, 0x1B, 0, 7]);
    tiff.extend_from_slice(&(GPS_MARKER.len() as u32).to_be_bytes());
    tiff.extend_from_slice(&56u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(GPS_MARKER);
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A tiny PNG whose header claims `width`×`height`.
pub fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&ihdr);
    out.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    // One empty IDAT and IEND: a well-formed file of a few dozen bytes.
    for chunk in [&b"IDAT"[..], &b"IEND"[..]] {
        out.extend_from_slice(&0u32.to_be_bytes());
        out.extend_from_slice(chunk);
        out.extend_from_slice(&crc32(chunk).to_be_bytes());
    }
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Decodes served bytes, checking their format.
pub fn decode(bytes: &[u8], format: ImageFormat) -> DynamicImage {
    image::load_from_memory_with_format(bytes, format).expect("fixture")
}

/// True when `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A multipart/form-data body built by hand, so tests can send what no
/// well-behaved client would (two files, odd names, unknown fields).
pub struct Form {
    boundary: String,
    body: Vec<u8>,
}

impl Default for Form {
    fn default() -> Self {
        Self::new()
    }
}

impl Form {
    pub fn new() -> Self {
        Self {
            boundary: "toasoan-test-boundary-7d1f".into(),
            body: Vec::new(),
        }
    }

    /// Adds a text field.
    pub fn text(mut self, name: &str, value: &str) -> Self {
        self.body.extend_from_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n",
                self.boundary
            )
            .as_bytes(),
        );
        self
    }

    /// Adds a file field.
    pub fn file(mut self, name: &str, file_name: &str, content_type: &str, bytes: &[u8]) -> Self {
        self.body.extend_from_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n",
                self.boundary
            )
            .as_bytes(),
        );
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// The `Content-Type` header value.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The finished body.
    pub fn body(&self) -> Vec<u8> {
        let mut body = self.body.clone();
        body.extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        body
    }
}

/// The S3-compatible server: `TEST_S3_ENDPOINT` (set by `.ci/run`), or a
/// `moto_server` started here and stopped when the test process exits.
/// With neither, S3 tests fail with instructions rather than skip.
pub fn s3_endpoint() -> &'static str {
    static ENDPOINT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ENDPOINT.get_or_init(|| match std::env::var("TEST_S3_ENDPOINT") {
        Ok(url) if !url.is_empty() => url.trim_end_matches('/').to_owned(),
        _ => start_moto(),
    })
}

fn start_moto() -> String {
    use std::process::{Command, Stdio};
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    // The shell waits on stdin, which closes when this process exits, and
    // then stops moto: no server outlives the tests.
    let child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "moto_server -H 127.0.0.1 -p {port} >/dev/null 2>&1 & read _; kill $!"
        ))
        .stdin(Stdio::piped())
        .spawn()
        .expect("sh");
    std::mem::forget(child);
    let address = format!("127.0.0.1:{port}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::net::TcpStream::connect(&address).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "S3 tests need an S3 server: set TEST_S3_ENDPOINT, or `pip install 'moto[server]'` so that moto_server is on PATH"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    format!("http://{address}")
}

/// Creates a fresh bucket on the S3 server and returns its name.
pub fn s3_bucket() -> String {
    use std::io::{Read, Write};
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!(
        "toasoan-http-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let host = s3_endpoint().trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&host).expect("S3 server");
    write!(
        stream,
        "PUT /{name} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .expect("create bucket");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).expect("bucket reply");
    assert!(reply.starts_with("HTTP/1.1 200"), "create bucket: {reply}");
    name
}
