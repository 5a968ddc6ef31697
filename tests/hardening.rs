//! Defects a security read found (issue 12), each shown fixed: empty
//! patches, conditional writes, instants out of range, caching of staff
//! answers.

use crate::common::{TestApp, assert_problem};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn str_of<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} in {value}"))
}

#[actix_web::test]
async fn a_patch_with_nothing_to_change_answers_the_resource_unchanged() {
    let app = TestApp::spawn_with(|c| c.webhooks.allow_private = true).await;
    let admin = app.admin().await;
    let tag = admin
        .post_expect(
            "/api/v1/tags",
            json!({"name": "Quảng Nam"}),
            StatusCode::CREATED,
        )
        .await;
    let category = admin.category("Thời sự", None).await;
    let author = admin.author_profile("Trần Thị Ánh").await;
    let article = admin.draft(json!({"title": "Bài gốc"})).await;
    let (_, user_id) = app.user("author", "tac-gia@toasoan.test").await;
    let hook = admin
        .post_expect(
            "/api/v1/webhooks",
            // No event of this test is delivered: the delivery loop leaves
            // the subscription as it is.
            json!({"url": "https://127.0.0.1/hook", "events": ["article.deleted"]}),
            StatusCode::CREATED,
        )
        .await;
    let published = admin.draft(json!({"title": "Bài có bình luận"})).await;
    admin.publish(str_of(&published, "id"), None).await;
    let receipt = app
        .anon()
        .post_expect(
            &format!("/api/v1/articles/{}/comments", str_of(&published, "id")),
            json!({"author_name": "An", "body": "Hay"}),
            StatusCode::ACCEPTED,
        )
        .await;
    let resources = [
        format!("/api/v1/tags/{}", str_of(&tag, "slug")),
        format!("/api/v1/categories/{}", str_of(&category, "slug")),
        format!("/api/v1/authors/{}", str_of(&author, "slug")),
        format!("/api/v1/articles/{}", str_of(&article, "id")),
        format!("/api/v1/users/{user_id}"),
        format!("/api/v1/webhooks/{}", str_of(&hook, "id")),
        format!("/api/v1/comments/{}", str_of(&receipt, "id")),
        "/api/v1/site".to_owned(),
    ];
    let mut wrong = Vec::new();
    for path in resources {
        let before = admin.get_ok(&path).await;
        let res = admin
            .request(Method::PATCH, &path)
            .header("If-Match", "*")
            .json(&json!({}))
            .send()
            .await
            .expect("PATCH");
        if res.status() != StatusCode::OK {
            wrong.push(format!("PATCH {path} {{}}: {}", res.status()));
            continue;
        }
        let answered: Value = res.json().await.expect("json");
        let after = admin.get_ok(&path).await;
        for (field, value) in before.as_object().expect("an object") {
            if field == "updated_at" {
                continue;
            }
            if &after[field] != value || &answered[field] != value {
                wrong.push(format!("{path}: {field} {value} became {}", after[field]));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[actix_web::test]
async fn writes_ignore_if_none_match_and_never_answer_304() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Tin sáng"})).await;
    let id = str_of(&draft, "id");
    let res = editor
        .request(Method::POST, &format!("/api/v1/articles/{id}/publish"))
        .header("If-None-Match", "*")
        .json(&json!({}))
        .send()
        .await
        .expect("publish");
    assert_eq!(res.status(), StatusCode::OK);
    let published: Value = res.json().await.expect("json");
    assert_eq!(published["status"], "published");
    let etag = editor
        .get(&format!("/api/v1/articles/{id}"))
        .await
        .headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    let res = editor
        .request(Method::PATCH, &format!("/api/v1/articles/{id}"))
        .header("If-Match", &etag)
        .header("If-None-Match", &etag)
        .json(&json!({"sapo": "Sáng nay"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(res.status(), StatusCode::OK);
    let patched: Value = res.json().await.expect("json");
    assert_eq!(patched["sapo"], "Sáng nay");
    // Reads still answer 304 to a current copy.
    let read = app.anon().get(&format!("/api/v1/articles/{id}")).await;
    let etag = read.headers()["etag"].to_str().expect("etag").to_owned();
    let res = app
        .anon()
        .request(Method::GET, &format!("/api/v1/articles/{id}"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("GET");
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
}

#[actix_web::test]
async fn what_staff_read_is_never_stored_by_a_browser() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Bản nháp"})).await;
    for path in [
        format!("/api/v1/articles/{}", str_of(&draft, "id")),
        "/api/v1/articles?status=draft".to_owned(),
        "/api/v1/auth/me".to_owned(),
    ] {
        let res = editor.get(&path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let cache = res.headers()["cache-control"].to_str().expect("ascii");
        assert!(cache.contains("no-store"), "{path}: {cache}");
        assert!(!cache.contains("public"), "{path}: {cache}");
    }
}

#[actix_web::test]
async fn instants_outside_the_years_1900_to_9999_are_refused() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Tin hẹn giờ"})).await;
    let id = str_of(&draft, "id");
    for at in [
        "+10000-01-01T00:00:00Z",
        "0001-01-01T00:00:00Z",
        "1899-12-31T23:59:59Z",
    ] {
        let res = editor
            .post(&format!("/api/v1/articles/{id}/publish"), json!({"at": at}))
            .await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "at", "{problem}");
        assert_eq!(problem["errors"][0]["code"], "out_of_range", "{problem}");
        let res = editor
            .post(
                &format!("/api/v1/articles/{id}/publish"),
                json!({"unpublish_at": at}),
            )
            .await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        let res = app
            .anon()
            .get(&format!(
                "/api/v1/articles?published_after={}",
                at.replace('+', "%2B")
            ))
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST, "invalid_date_range").await;
    }
    // Nothing was published: the draft is still a draft, and no list shows it.
    let read = editor.get_ok(&format!("/api/v1/articles/{id}")).await;
    assert_eq!(read["status"], "draft");
    let published = editor.publish(id, None).await;
    let res = editor
        .request(Method::PUT, "/api/v1/featured")
        .json(&json!({"slots": [{"article_id": published["id"], "expires_at": "+10000-01-01T00:00:00Z"}]}))
        .send()
        .await
        .expect("PUT");
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "out_of_range", "{problem}");
    // The last year is fine.
    let later = editor.draft(json!({"title": "Tin rất xa"})).await;
    let res = editor
        .post(
            &format!("/api/v1/articles/{}/publish", str_of(&later, "id")),
            json!({"at": "9999-12-31T00:00:00Z"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[cfg(unix)]
#[actix_web::test]
async fn the_data_directory_and_database_are_private_to_their_owner() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &std::path::Path| {
        std::fs::metadata(path)
            .unwrap_or_else(|e| panic!("{path:?}: {e}"))
            .permissions()
            .mode()
            & 0o777
    };
    // A fresh data directory, two levels down, on the default SQLite file.
    let parent = tempfile::tempdir().expect("temp dir");
    let data = parent.path().join("data").join("toasoan");
    let mut config = toasoan_api::config::Config::from_lookup(|k| match k {
        "TOASOAN_DATA_DIR" => Some(data.to_string_lossy().into_owned()),
        "TOASOAN_LISTEN" => Some("127.0.0.1:0".to_owned()),
        _ => None,
    })
    .expect("config");
    config.workers = Some(1);
    let (server, _) = toasoan_api::startup::start(config).expect("starts");
    let handle = server.handle();
    actix_web::rt::spawn(server);
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("jwt-secret")), 0o600);
    assert_eq!(mode(&data.join("toasoan.db")), 0o600);
    // And the WAL and shared-memory files beside it.
    for entry in std::fs::read_dir(&data).expect("list") {
        let path = entry.expect("entry").path();
        if path.to_string_lossy().contains("toasoan.db") {
            assert_eq!(mode(&path), 0o600, "{path:?}");
        }
    }
    handle.stop(true).await;

    // A secret file others may read is refused, with a clear message.
    std::fs::set_permissions(
        data.join("jwt-secret"),
        std::fs::Permissions::from_mode(0o644),
    )
    .expect("chmod");
    let config = toasoan_api::config::Config::from_lookup(|k| match k {
        "TOASOAN_DATA_DIR" => Some(data.to_string_lossy().into_owned()),
        "TOASOAN_LISTEN" => Some("127.0.0.1:0".to_owned()),
        _ => None,
    })
    .expect("config");
    let refused = toasoan_api::startup::start(config).err().expect("refused");
    let message = refused.to_string();
    assert!(
        message.contains("readable by other accounts") && message.contains("chmod 600"),
        "{message}"
    );
}

#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let anon = app.anon();
    let checks = [
        (anon.get("/api/v1/articles").await, "default-src 'none'"),
        (anon.get("/api/v1/khong-co").await, "default-src 'none'"),
        (
            anon.request(Method::GET, "/healthz")
                .header("Accept-Encoding", "identity;q=0")
                .send()
                .await
                .expect("GET"),
            "default-src 'none'",
        ),
        (anon.get("/docs/").await, "script-src 'self'"),
    ];
    for (res, policy) in checks {
        let url = res.url().to_string();
        let headers = res.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{url}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{url}");
        assert_eq!(headers["x-frame-options"], "DENY", "{url}");
        let csp = headers["content-security-policy"].to_str().expect("ascii");
        assert!(csp.contains(policy), "{url}: {csp}");
        assert!(!csp.contains("unsafe-eval"), "{url}: {csp}");
    }
}

/// `user create` never takes the password as an argument (the process
/// list shows arguments to every account): it reads standard input.
#[test]
fn user_create_reads_the_password_from_standard_input_never_an_argument() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().expect("temp dir");
    let create = |password: &str, extra: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_toasoan"))
            .args([
                "user",
                "create",
                "--email",
                "bien.tap@toasoan.test",
                "--name",
                "Biên tập",
            ])
            .args(["--role", "editor"])
            .args(extra)
            .env("TOASOAN_DATA_DIR", dir.path())
            .env_remove("TOASOAN_USER_PASSWORD")
            .env_remove("DATABASE_URL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(format!("{password}\n").as_bytes())
            .expect("write");
        child.wait_with_output().expect("exits")
    };
    let refused = create("mot-mat-khau-dai", &["--password", "mot-mat-khau-dai"]);
    assert!(!refused.status.success(), "--password is not an option");
    let short = create("ngan", &[]);
    assert!(!short.status.success());
    assert!(
        String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"),
        "the piped password was the one checked"
    );
    let made = create("mot-mat-khau-dai", &[]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(
        String::from_utf8_lossy(&made.stdout)
            .contains("created editor account bien.tap@toasoan.test")
    );
}
