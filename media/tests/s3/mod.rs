//! A real S3-compatible server on loopback for tests: the one `.ci/run`
//! starts (`TEST_S3_ENDPOINT`), or else `moto_server` started here. With
//! neither, S3 tests fail with instructions rather than being skipped.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

static ENDPOINT: OnceLock<String> = OnceLock::new();

/// The endpoint URL (`http://127.0.0.1:PORT`).
pub fn endpoint() -> &'static str {
    ENDPOINT.get_or_init(|| match std::env::var("TEST_S3_ENDPOINT") {
        Ok(url) if !url.is_empty() => url.trim_end_matches('/').to_owned(),
        _ => start_moto(),
    })
}

fn start_moto() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // The shell reads stdin until this test process exits (closing the
    // pipe), then stops moto: no server outlives the tests.
    let child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "moto_server -H 127.0.0.1 -p {port} >/dev/null 2>&1 & read _; kill $!"
        ))
        .stdin(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start sh for moto_server: {e}"));
    // Keep the pipe open for the life of the process.
    std::mem::forget(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    let address = format!("127.0.0.1:{port}");
    loop {
        if TcpStream::connect(&address).is_ok() {
            return format!("http://{address}");
        }
        assert!(
            Instant::now() < deadline,
            "S3 tests need an S3 server: set TEST_S3_ENDPOINT, or `pip install 'moto[server]'` so that moto_server is on PATH"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Creates a fresh bucket and returns its name.
pub fn bucket() -> String {
    let name = format!("toasoan-test-{}", uuid_like());
    let url = endpoint().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&url).unwrap();
    write!(
        stream,
        "PUT /{name} HTTP/1.1\r\nHost: {url}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "create bucket: {reply}");
    name
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{}-{nanos}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}
