//! API keys (issue 12): made by admins with a scope, shown once, stored
//! hashed, acting as their account within their scope, named in the audit
//! log, revocable, expiring.

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, assert_problem, unique_email};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Makes a key as the first admin; returns the whole answer.
async fn make_key(app: &TestApp, body: Value) -> Value {
    app.admin()
        .await
        .post_expect("/api/v1/api-keys", body, StatusCode::CREATED)
        .await
}

fn key_of(made: &Value) -> &str {
    made["key"].as_str().expect("key")
}

/// An editor's published article and draft; returns (published slug, draft id).
async fn content(app: &TestApp) -> (String, String) {
    let editor = app.editor().await;
    let published = editor
        .draft(json!({"title": "Mùa lúa chín ở Điện Bàn"}))
        .await;
    editor
        .publish(published["id"].as_str().expect("id"), None)
        .await;
    let draft = editor.draft(json!({"title": "Bản nháp chưa đăng"})).await;
    (
        published["slug"].as_str().expect("slug").to_owned(),
        draft["id"].as_str().expect("id").to_owned(),
    )
}

#[actix_web::test]
async fn an_admin_makes_a_key_that_is_shown_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let res = admin
        .post(
            "/api/v1/api-keys",
            json!({"name": "Website frontend", "scope": "read"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    let location = res.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let made: Value = res.json().await.expect("json");
    let key = key_of(&made);
    assert!(key.starts_with("tsk_") && key.len() > 40, "{key}");
    assert!(key.starts_with(made["prefix"].as_str().expect("prefix")));
    assert_eq!(made["scope"], "read");
    assert_eq!(made["last_used_at"], Value::Null);
    assert_eq!(made["revoked_at"], Value::Null);
    let me = admin.get_ok("/api/v1/auth/me").await;
    assert_eq!(made["user_id"], me["id"]);
    assert_eq!(made["created_by"], me["id"]);
    assert_eq!(
        location,
        format!("/api/v1/api-keys/{}", made["id"].as_str().expect("id"))
    );

    // Never again: not when read, not when listed.
    let read = admin.get(&location).await;
    assert_eq!(read.headers()["cache-control"], "private, no-store");
    let read = read.text().await.expect("body");
    assert!(!read.contains(key), "{read}");
    let read: Value = serde_json::from_str(&read).expect("json");
    assert_eq!(read["name"], "Website frontend");
    assert!(read.get("key").is_none());
    let list = admin
        .get("/api/v1/api-keys")
        .await
        .text()
        .await
        .expect("body");
    assert!(!list.contains(key));
    assert!(list.contains(made["id"].as_str().expect("id")));

    // Nor in the database: only its hash is stored.
    let mut conn = toasoan_persistence::connect(&app.database_url, 1)
        .expect("pool")
        .get()
        .expect("conn");
    let stored =
        toasoan_persistence::queries::api_keys::find(&mut conn, made["id"].as_str().expect("id"))
            .expect("query")
            .expect("row");
    assert_ne!(stored.key_hash, key);
    assert!(!stored.key_hash.contains(&key[4..]));
}

#[actix_web::test]
async fn only_admins_logged_in_as_people_manage_keys() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let res = editor
        .post("/api/v1/api-keys", json!({"name": "x", "scope": "read"}))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert_problem(
        editor.get("/api/v1/api-keys").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let res = app
        .anon()
        .post("/api/v1/api-keys", json!({"name": "x", "scope": "read"}))
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_missing").await;

    // An admin's own write key cannot make keys, nor change logins.
    let made = make_key(&app, json!({"name": "Tích hợp", "scope": "write"})).await;
    let key = app.with_token(key_of(&made));
    let res = key
        .post(
            "/api/v1/api-keys",
            json!({"name": "another", "scope": "write"}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "api_key_scope").await;
    assert_problem(
        key.get("/api/v1/api-keys").await,
        StatusCode::FORBIDDEN,
        "api_key_scope",
    )
    .await;
    let id = made["id"].as_str().expect("id");
    let res = key.delete(&format!("/api/v1/api-keys/{id}")).await;
    assert_problem(res, StatusCode::FORBIDDEN, "api_key_scope").await;
    let res = key
        .post(
            "/api/v1/auth/password",
            json!({"current_password": ADMIN_PASSWORD, "new_password": "một mật khẩu mới thật dài"}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "api_key_scope").await;
    assert_problem(
        key.get("/api/v1/auth/sessions").await,
        StatusCode::FORBIDDEN,
        "api_key_scope",
    )
    .await;
    assert_problem(
        key.delete("/api/v1/auth/sessions").await,
        StatusCode::FORBIDDEN,
        "api_key_scope",
    )
    .await;
    let res = key.post("/api/v1/auth/logout", json!({})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "api_key_scope").await;
    // The admin's login is untouched by all of that.
    app.admin().await.get_ok("/api/v1/auth/sessions").await;
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
}

#[actix_web::test]
async fn a_read_key_reads_what_the_public_reads_and_nothing_more() {
    let app = TestApp::spawn().await;
    let (published, draft) = content(&app).await;
    let made = make_key(&app, json!({"name": "Website", "scope": "read"})).await;
    // Both ways of sending it.
    let bearer = app.with_token(key_of(&made));
    bearer
        .get_ok(&format!("/api/v1/articles/{published}"))
        .await;
    let res = app
        .anon()
        .request(Method::GET, &format!("/api/v1/articles/{published}"))
        .header("x-api-key", key_of(&made))
        .send()
        .await
        .expect("GET");
    assert_eq!(res.status(), StatusCode::OK);
    // The admin behind it sees drafts; the read key does not.
    let res = bearer.get(&format!("/api/v1/articles/{draft}")).await;
    assert_problem(res, StatusCode::NOT_FOUND, "article_not_found").await;
    app.admin()
        .await
        .get_ok(&format!("/api/v1/articles/{draft}"))
        .await;
    let res = bearer
        .post("/api/v1/articles", json!({"title": "Không được viết"}))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "api_key_scope").await;
    assert_problem(
        bearer.get("/api/v1/users").await,
        StatusCode::FORBIDDEN,
        "api_key_scope",
    )
    .await;
    // Asking for drafts names the key's scope, not a missing token.
    let res = bearer.get("/api/v1/articles?status=draft").await;
    assert_problem(res, StatusCode::FORBIDDEN, "api_key_scope").await;
}

#[actix_web::test]
async fn a_preview_key_reads_drafts_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let (_, draft) = content(&app).await;
    let (_, editor_id) = app.user("editor", &unique_email("preview-owner")).await;
    let made = make_key(
        &app,
        json!({"name": "Xem trước", "scope": "preview", "user_id": editor_id}),
    )
    .await;
    assert_eq!(made["user_id"], editor_id.as_str());
    let key = app.with_token(key_of(&made));
    let read = key.get_ok(&format!("/api/v1/articles/{draft}")).await;
    assert_eq!(read["status"], "draft");
    let res = key
        .patch(
            &format!("/api/v1/articles/{draft}"),
            json!({"title": "Sửa", "version": 1}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "api_key_scope").await;
    let res = key
        .post(&format!("/api/v1/articles/{draft}/publish"), json!({}))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "api_key_scope").await;
    let unchanged = app
        .admin()
        .await
        .get_ok(&format!("/api/v1/articles/{draft}"))
        .await;
    assert_eq!(unchanged["status"], "draft");
    assert_eq!(unchanged["version"], 1);
}

#[actix_web::test]
async fn a_write_key_acts_as_its_account_and_the_audit_log_names_it() {
    let app = TestApp::spawn().await;
    let (_, author_id) = app.user("author", &unique_email("key-owner")).await;
    let made = make_key(
        &app,
        json!({"name": "Nhập bài từ hệ thống cũ", "scope": "write", "user_id": author_id}),
    )
    .await;
    let key = app.with_token(key_of(&made));
    let draft = key.draft(json!({"title": "Bài nhập bằng khoá API"})).await;
    let id = draft["id"].as_str().expect("id");
    // With its account's role: an author does not publish.
    let res = key
        .post(&format!("/api/v1/articles/{id}/publish"), json!({}))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let me = key.get_ok("/api/v1/auth/me").await;
    assert_eq!(me["id"], author_id.as_str());

    let admin = app.admin().await;
    let log = admin
        .get_ok(&format!("/api/v1/audit?actor={author_id}"))
        .await;
    let create = log["data"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["route"] == "/api/v1/articles" && e["method"] == "POST")
        .expect("the create is recorded")
        .clone();
    assert_eq!(create["api_key_id"], made["id"]);
    assert_eq!(create["actor_role"], "author");

    // Its use is noted (in the background, to the minute).
    let path = format!("/api/v1/api-keys/{}", made["id"].as_str().expect("id"));
    let mut used = Value::Null;
    for _ in 0..50 {
        used = admin.get_ok(&path).await["last_used_at"].clone();
        if !used.is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(used.is_string(), "last_used_at was never set");
}

#[actix_web::test]
async fn revoked_expired_unknown_and_orphaned_keys_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;

    let unknown = app.with_token("tsk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_problem(
        unknown.get("/api/v1/articles").await,
        StatusCode::UNAUTHORIZED,
        "api_key_invalid",
    )
    .await;
    let res = app
        .anon()
        .request(Method::GET, "/api/v1/articles")
        .header("x-api-key", "not-a-key")
        .send()
        .await
        .expect("GET");
    assert_problem(res, StatusCode::UNAUTHORIZED, "api_key_invalid").await;

    // Revoked: refused at once; revoking again changes nothing.
    let made = make_key(&app, json!({"name": "Cũ", "scope": "read"})).await;
    let path = format!("/api/v1/api-keys/{}", made["id"].as_str().expect("id"));
    app.with_token(key_of(&made))
        .get_ok("/api/v1/articles")
        .await;
    assert_eq!(admin.delete(&path).await.status(), StatusCode::NO_CONTENT);
    let revoked_at = admin.get_ok(&path).await["revoked_at"].clone();
    assert!(revoked_at.is_string());
    assert_eq!(admin.delete(&path).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(admin.get_ok(&path).await["revoked_at"], revoked_at);
    let res = app.with_token(key_of(&made)).get("/api/v1/articles").await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "api_key_revoked").await;
    let res = admin
        .delete("/api/v1/api-keys/0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5d")
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "api_key_not_found").await;

    // Expired.
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let made = make_key(
        &app,
        json!({"name": "Tạm", "scope": "read", "expires_at": soon}),
    )
    .await;
    app.with_token(key_of(&made))
        .get_ok("/api/v1/articles")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let res = app.with_token(key_of(&made)).get("/api/v1/articles").await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "api_key_expired").await;

    // Its account disabled.
    let (_, editor_id) = app.user("editor", &unique_email("leaving")).await;
    let made = make_key(
        &app,
        json!({"name": "Của người nghỉ việc", "scope": "write", "user_id": editor_id}),
    )
    .await;
    let res = admin
        .patch(
            &format!("/api/v1/users/{editor_id}"),
            json!({"is_active": false}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.with_token(key_of(&made)).get("/api/v1/articles").await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "api_key_revoked").await;

    // Two credentials at once.
    let made = make_key(&app, json!({"name": "Hai", "scope": "read"})).await;
    let res = admin
        .request(Method::GET, "/api/v1/articles")
        .header("x-api-key", key_of(&made))
        .send()
        .await
        .expect("GET");
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_invalid").await;
}

#[actix_web::test]
async fn a_bad_key_request_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let past = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    for (body, field) in [
        (json!({"name": "", "scope": "read"}), "name"),
        (json!({"name": "x".repeat(101), "scope": "read"}), "name"),
        (
            json!({"name": "x", "scope": "read", "expires_at": past}),
            "expires_at",
        ),
        (
            json!({"name": "x", "scope": "read", "expires_at": "+10000-01-01T00:00:00Z"}),
            "expires_at",
        ),
        (
            json!({"name": "x", "scope": "read", "user_id": "nobody"}),
            "user_id",
        ),
        (
            json!({"name": "x", "scope": "read", "user_id": "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5d"}),
            "user_id",
        ),
    ] {
        let res = admin.post("/api/v1/api-keys", body.clone()).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
    }
    let res = admin
        .post(
            "/api/v1/api-keys",
            json!({"name": "x", "scope": "everything"}),
        )
        .await;
    assert!(res.status().is_client_error());
    let page = admin.get_ok("/api/v1/api-keys").await;
    assert_eq!(page["data"], json!([]));
}

#[actix_web::test]
async fn keys_list_newest_first_in_pages() {
    let app = TestApp::spawn().await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let made = make_key(&app, json!({"name": format!("khoá {n}"), "scope": "read"})).await;
        ids.push(made["id"].as_str().expect("id").to_owned());
    }
    let admin = app.admin().await;
    let first = admin.get_ok("/api/v1/api-keys?limit=2").await;
    let cursor = first["meta"]["next_cursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    let second = admin
        .get_ok(&format!("/api/v1/api-keys?limit=2&cursor={cursor}"))
        .await;
    let listed: Vec<&str> = first["data"]
        .as_array()
        .expect("data")
        .iter()
        .chain(second["data"].as_array().expect("data"))
        .map(|k| k["id"].as_str().expect("id"))
        .collect();
    ids.reverse();
    assert_eq!(listed, ids);
}
