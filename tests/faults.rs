//! Operations under faults (issue 12): a database that cannot take a write
//! answers 503 problem+json with `Retry-After`, never 500, while reads go
//! on, and the server recovers by itself.

use crate::common::{TestApp, assert_problem};
use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::json;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[actix_web::test]
async fn a_sqlite_file_locked_by_another_process_is_a_503_and_reads_go_on() {
    let app = TestApp::spawn().await;
    if app.backend != "sqlite" {
        return; // PostgreSQL has no file-wide write lock to hold.
    }
    let admin = app.admin().await;
    let article = admin.draft(json!({"title": "Bài trước khi khoá"})).await;
    let id = article["id"].as_str().expect("id").to_owned();
    admin.publish(&id, None).await;
    // Another process (a backup tool, a hand-run sqlite3) holds the write
    // lock longer than the busy timeout.
    let pool = toasoan_persistence::connect(&app.database_url, 1).expect("pool");
    let mut other = pool.get().expect("connection");
    diesel::sql_query("BEGIN IMMEDIATE")
        .execute(&mut *other)
        .expect("lock");
    let res = admin
        .post("/api/v1/articles", json!({"title": "Bài bị chặn"}))
        .await;
    assert!(res.headers().contains_key("retry-after"));
    assert_problem(res, StatusCode::SERVICE_UNAVAILABLE, "service_unavailable").await;
    let read = app.anon().get(&format!("/api/v1/articles/{id}")).await;
    assert_eq!(read.status(), StatusCode::OK);
    diesel::sql_query("ROLLBACK")
        .execute(&mut *other)
        .expect("unlock");
    let res = admin
        .post("/api/v1/articles", json!({"title": "Bài sau khi mở khoá"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

/// A TCP relay to PostgreSQL that the test can cut and restore, as a
/// database server that goes away and comes back. Plain threads: the
/// test's runtime blocks while the server starts.
struct Relay {
    port: u16,
    stop: Arc<AtomicBool>,
    streams: Arc<Mutex<Vec<TcpStream>>>,
    accept: Option<std::thread::JoinHandle<()>>,
}

impl Relay {
    fn start(port: u16) -> Relay {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("relay port");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let stop = Arc::new(AtomicBool::new(false));
        let streams: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (halt, open) = (stop.clone(), streams.clone());
        let accept = std::thread::spawn(move || {
            while !halt.load(Ordering::Acquire) {
                let Ok((client, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                };
                let Ok(server) = TcpStream::connect("127.0.0.1:5432") else {
                    continue;
                };
                let _ = client.set_nonblocking(false);
                let pipes = [
                    (client.try_clone(), server.try_clone()),
                    (server.try_clone(), client.try_clone()),
                ];
                for (from, to) in pipes {
                    if let (Ok(mut from), Ok(mut to)) = (from, to) {
                        std::thread::spawn(move || {
                            let _ = std::io::copy(&mut from, &mut to);
                            let _ = to.shutdown(Shutdown::Write);
                        });
                    }
                }
                let mut open = open.lock().expect("streams");
                open.push(client);
                open.push(server);
            }
        });
        Relay {
            port,
            stop,
            streams,
            accept: Some(accept),
        }
    }

    /// Refuses new connections and drops every open one.
    fn cut(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        for stream in self.streams.lock().expect("streams").drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.cut();
    }
}

#[actix_web::test]
async fn postgresql_going_away_is_a_quick_503_and_the_server_recovers_by_itself() {
    let app = TestApp::spawn().await;
    if app.backend != "postgres" {
        return; // SQLite is a file in the process: it cannot go away.
    }
    let mut relay = Relay::start(0);
    let through_relay =
        app.database_url
            .replacen("127.0.0.1:5432", &format!("127.0.0.1:{}", relay.port), 1);
    assert_ne!(
        through_relay, app.database_url,
        "TEST_DATABASE_URL names 127.0.0.1:5432"
    );
    let server = app.spawn_beside(|c| c.database_url = through_relay).await;
    let admin = server.admin().await;
    let article = admin
        .draft(json!({"title": "Trước khi mất cơ sở dữ liệu"}))
        .await;
    let id = article["id"].as_str().expect("id").to_owned();
    admin.publish(&id, None).await;

    relay.cut();
    let ready = server.anon().get("/readyz").await;
    assert_problem(
        ready,
        StatusCode::SERVICE_UNAVAILABLE,
        "service_unavailable",
    )
    .await;
    // A read the cache does not hold, and a write.
    let read = server.anon().get("/api/v1/articles").await;
    assert_eq!(read.status(), StatusCode::SERVICE_UNAVAILABLE);
    let write = admin
        .post("/api/v1/articles", json!({"title": "Trong lúc mất"}))
        .await;
    assert!(write.headers().contains_key("retry-after"));
    assert_problem(
        write,
        StatusCode::SERVICE_UNAVAILABLE,
        "service_unavailable",
    )
    .await;

    let port = relay.port;
    drop(relay);
    let _relay = Relay::start(port);
    let mut ready = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..40 {
        ready = server.anon().get("/readyz").await.status();
        if ready == StatusCode::OK {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(
        ready,
        StatusCode::OK,
        "ready again once the database is back"
    );
    let res = admin
        .post("/api/v1/articles", json!({"title": "Sau khi có lại"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let read = server.anon().get(&format!("/api/v1/articles/{id}")).await;
    assert_eq!(read.status(), StatusCode::OK);
}

/// The real binary, serving a fresh SQLite directory on a free port.
struct Process {
    child: std::process::Child,
    base: String,
}

impl Process {
    async fn serve(data_dir: &std::path::Path) -> Process {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_toasoan"))
            .arg("serve")
            .env_clear()
            .env("TOASOAN_DATA_DIR", data_dir)
            .env("TOASOAN_LISTEN", format!("127.0.0.1:{port}"))
            .env("TOASOAN_JWT_SECRET", crate::common::JWT_SECRET)
            .env("TOASOAN_ADMIN_EMAIL", crate::common::ADMIN_EMAIL)
            .env("TOASOAN_ADMIN_PASSWORD", crate::common::ADMIN_PASSWORD)
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("server starts");
        // Killed and reaped when dropped, also if it never becomes ready.
        let process = Process {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(res) = client.get(format!("{}/readyz", process.base)).send().await
                && res.status() == StatusCode::OK
            {
                return process;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the server did not become ready");
    }

    fn signal(&self, name: &str) {
        let sent = std::process::Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
    }

    /// Waits for the process to end, at most `bound`.
    async fn exit_within(&mut self, bound: std::time::Duration) -> std::process::ExitStatus {
        let start = std::time::Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(start.elapsed() < bound, "still running after {bound:?}");
            actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn login_at(client: &reqwest::Client, base: &str) -> reqwest::Response {
    client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": crate::common::ADMIN_EMAIL, "password": crate::common::ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login answered")
}

#[actix_web::test]
async fn sigterm_lets_requests_in_flight_finish_refuses_new_ones_and_exits() {
    let dir = tempfile::tempdir().expect("dir");
    let mut server = Process::serve(dir.path()).await;
    let client = reqwest::Client::new();
    // A login (an argon2id check, the slowest request there is) in flight
    // when the signal comes.
    let base = server.base.clone();
    let in_flight = actix_web::rt::spawn({
        let client = client.clone();
        async move { login_at(&client, &base).await.status() }
    });
    actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    server.signal("TERM");
    assert_eq!(in_flight.await.expect("task"), StatusCode::OK);
    let status = server.exit_within(std::time::Duration::from_secs(15)).await;
    assert!(status.success(), "{status:?}");
    let after = client.get(format!("{}/healthz", server.base)).send().await;
    assert!(after.is_err(), "nobody answers once it stopped");
}

#[actix_web::test]
async fn an_acknowledged_write_survives_a_crash() {
    let dir = tempfile::tempdir().expect("dir");
    let mut server = Process::serve(dir.path()).await;
    let client = reqwest::Client::new();
    let tokens: serde_json::Value = login_at(&client, &server.base)
        .await
        .json()
        .await
        .expect("tokens");
    let token = tokens["access_token"].as_str().expect("token");
    let res = client
        .post(format!("{}/api/v1/articles", server.base))
        .bearer_auth(token)
        .json(&json!({"title": "Bài lưu ngay trước khi sập"}))
        .send()
        .await
        .expect("create");
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<serde_json::Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    // Killed at once: no shutdown, no flush.
    server.signal("KILL");
    server.exit_within(std::time::Duration::from_secs(5)).await;
    let server = Process::serve(dir.path()).await;
    let res = client
        .get(format!("{}/api/v1/articles/{id}", server.base))
        .bearer_auth(token)
        .send()
        .await
        .expect("read");
    assert_eq!(res.status(), StatusCode::OK);
}

/// A small tmpfs the test owns, unmounted when dropped: a disk that fills.
struct SmallDisk {
    path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> SmallDisk {
        let dir = tempfile::tempdir().expect("mount point");
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m,mode=0700")])
            .arg("tmpfs")
            .arg(dir.path())
            .status()
            .expect("run mount");
        assert!(
            status.success(),
            "mounting a tmpfs needs root (CI runs as root)"
        );
        SmallDisk {
            path: dir.path().to_path_buf(),
            _dir: dir,
        }
    }

    /// Writes zeros into `filler` until the disk refuses more.
    fn fill(&self) {
        use std::io::Write;
        let mut file = std::fs::File::create(self.path.join("filler")).expect("filler");
        let chunk = vec![0u8; 64 * 1024];
        while file.write_all(&chunk).is_ok() {}
        let _ = file.sync_all();
    }

    fn free(&self) {
        std::fs::remove_file(self.path.join("filler")).expect("remove filler");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.path)
            .status();
    }
}

#[actix_web::test]
async fn a_full_disk_refuses_writes_with_503_keeps_reads_and_loses_nothing() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return; // The SQLite file's disk; PostgreSQL's is its server's.
    }
    let disk = SmallDisk::mount(24);
    let db = disk.path.join("toasoan.db");
    let app = TestApp::spawn_with(|c| {
        c.data_dir = disk.path.clone();
        c.database_url = db.to_string_lossy().into_owned();
    })
    .await;
    let admin = app.admin().await;
    let first = admin.draft(json!({"title": "Bài trước khi đầy đĩa"})).await;
    let first = first["id"].as_str().expect("id").to_owned();
    admin.publish(&first, None).await;

    disk.fill();
    let paragraph =
        "Mưa lớn kéo dài khiến nhiều tuyến đường ở vùng trũng bị ngập sâu. ".repeat(200);
    let body: Vec<serde_json::Value> = (0..10)
        .map(|_| json!({"type": "paragraph", "text": paragraph}))
        .collect();
    let mut stored = Vec::new();
    let mut refused = 0;
    for n in 0..40 {
        let res = admin
            .post(
                "/api/v1/articles",
                json!({"title": format!("Bài {n} khi đĩa đầy"), "body": body}),
            )
            .await;
        match res.status() {
            StatusCode::CREATED => {
                let article: serde_json::Value = res.json().await.expect("json");
                stored.push(article["id"].as_str().expect("id").to_owned());
            }
            _ => {
                let status = res.status();
                assert!(
                    res.headers().contains_key("retry-after"),
                    "{status}: {}",
                    res.text().await.unwrap_or_default()
                );
                assert_problem(res, StatusCode::SERVICE_UNAVAILABLE, "service_unavailable").await;
                refused += 1;
                if refused == 3 {
                    break;
                }
            }
        }
    }
    assert_eq!(refused, 3, "a full disk refuses writes");
    // Readers are still served.
    let read = app.anon().get(&format!("/api/v1/articles/{first}")).await;
    assert_eq!(read.status(), StatusCode::OK);
    assert_eq!(
        app.anon().get("/api/v1/articles").await.status(),
        StatusCode::OK
    );

    // Room again: writes go on by themselves, and every write that was
    // acknowledged is there, in a database that checks out whole.
    disk.free();
    let after = admin.draft(json!({"title": "Bài sau khi dọn đĩa"})).await;
    stored.push(after["id"].as_str().expect("id").to_owned());
    for id in &stored {
        admin.get_ok(&format!("/api/v1/articles/{id}")).await;
    }
    let pool = toasoan_persistence::connect(&db.to_string_lossy(), 1).expect("pool");
    let mut conn = pool.get().expect("connection");
    #[derive(diesel::QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    let checks: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut *conn)
        .expect("integrity check");
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].integrity_check, "ok");
}

/// Files made immutable, which stops even root from writing them (file
/// modes do not); writable again when dropped, whatever the test did.
struct Immutable(Vec<std::path::PathBuf>);

impl Immutable {
    fn set(paths: Vec<std::path::PathBuf>) -> Immutable {
        let paths: Vec<_> = paths.into_iter().filter(|p| p.exists()).collect();
        for path in &paths {
            let status = std::process::Command::new("chattr")
                .arg("+i")
                .arg(path)
                .status()
                .expect("run chattr");
            assert!(status.success(), "chattr {path:?} (needs root on ext4)");
        }
        Immutable(paths)
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(path)
                .status();
        }
    }
}

#[actix_web::test]
async fn a_read_only_data_directory_refuses_writes_with_503_and_keeps_reads() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return; // The SQLite file's directory; PostgreSQL keeps its own.
    }
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let first = admin
        .draft(json!({"title": "Bài trước khi khoá thư mục"}))
        .await;
    let first = first["id"].as_str().expect("id").to_owned();
    admin.publish(&first, None).await;
    let db = std::path::PathBuf::from(&app.database_url);
    // Not the `-shm` index: SQLite maps it into memory, and a mapped page
    // that cannot be written is a SIGBUS, as on any file system; a data
    // directory turned read-only under a running server is the database
    // file, its log and the directory.
    let files: Vec<std::path::PathBuf> = ["", "-wal"]
        .iter()
        .map(|suffix| std::path::PathBuf::from(format!("{}{suffix}", app.database_url)))
        .chain([app.data_dir.clone()])
        .collect();
    let locked = Immutable::set(files);
    let res = admin
        .post(
            "/api/v1/articles",
            json!({"title": "Bài khi thư mục chỉ đọc"}),
        )
        .await;
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    let reads = [
        app.anon()
            .get(&format!("/api/v1/articles/{first}"))
            .await
            .status(),
        app.anon().get("/api/v1/articles?limit=5").await.status(),
    ];
    drop(locked);
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{text}");
    assert_eq!(reads, [StatusCode::OK, StatusCode::OK]);
    let after = admin
        .draft(json!({"title": "Bài sau khi mở khoá thư mục"}))
        .await;
    admin
        .get_ok(&format!(
            "/api/v1/articles/{}",
            after["id"].as_str().expect("id")
        ))
        .await;
    assert!(db.exists());
}
