//! Image fixtures made in the test (photos, EXIF with GPS, pixel bombs),
//! multipart bodies, and the S3-compatible server the S3 tests use.

// The image fixtures are the media crate's own, shared rather than copied.
#[path = "../../media/tests/fixtures/mod.rs"]
#[expect(
    clippy::unwrap_used,
    reason = "a fixture that cannot be made is a failed test"
)]
mod fixtures;
pub use fixtures::*;

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
