//! The audit log (issue 12): every successful write through the API, who
//! made it, what, when and from where; readable by admins only, changed
//! by nobody.

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, TestApp, assert_problem};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn entries(app: &TestApp, query: &str) -> Vec<Value> {
    let admin = app.admin().await;
    let page = admin.get_ok(&format!("/api/v1/audit{query}")).await;
    page["data"].as_array().expect("data").clone()
}

#[actix_web::test]
async fn successful_writes_are_recorded_with_who_what_and_where() {
    let app = TestApp::spawn().await;
    let (editor, editor_id) = app.user("editor", "bientap@toasoan.test").await;
    let created = editor
        .request(reqwest::Method::POST, "/api/v1/articles")
        .header("user-agent", "Toà soạn desk/1.0")
        .json(&json!({"title": "Bài được ghi vào nhật ký"}))
        .send()
        .await
        .expect("create");
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = created.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let article: Value = created.json().await.expect("json");
    let id = article["id"].as_str().expect("id");
    // Refused writes, reads and token refreshes are not writes that happened.
    let refused = editor.post("/api/v1/articles", json!({"title": ""})).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    editor.get_ok(&format!("/api/v1/articles/{id}")).await;
    let tokens = app.login("bientap@toasoan.test", PASSWORD).await;
    let res = app
        .anon()
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": tokens["refresh_token"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let mine = entries(&app, &format!("?actor={editor_id}")).await;
    let routes: Vec<(&str, &str)> = mine
        .iter()
        .map(|e| {
            (
                e["method"].as_str().expect("method"),
                e["route"].as_str().expect("route"),
            )
        })
        .collect();
    // Newest first: the second login, the creation, the first login (the
    // harness logs the editor in once).
    assert_eq!(
        routes,
        [
            ("POST", "/api/v1/auth/login"),
            ("POST", "/api/v1/articles"),
            ("POST", "/api/v1/auth/login"),
        ]
    );
    let create = &mine[1];
    assert_eq!(create["actor_role"], "editor");
    assert_eq!(create["status"], 201);
    assert_eq!(create["resource"], location.as_str());
    assert_eq!(create["address"], "127.0.0.1");
    assert_eq!(create["user_agent"], "Toà soạn desk/1.0");
    assert!(create["at"].as_str().expect("at").ends_with('Z'));
    assert!(
        !create["request_id"]
            .as_str()
            .expect("request id")
            .is_empty()
    );
}

#[actix_web::test]
async fn only_admins_read_the_log_and_nobody_changes_it() {
    let app = TestApp::spawn().await;
    let (editor, _) = app.user("editor", "bientap@toasoan.test").await;
    assert_problem(
        editor.get("/api/v1/audit").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_eq!(
        app.anon().get("/api/v1/audit").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let admin = app.admin().await;
    for method in [
        reqwest::Method::POST,
        reqwest::Method::PATCH,
        reqwest::Method::DELETE,
    ] {
        let res = admin
            .request(method, "/api/v1/audit")
            .send()
            .await
            .expect("answer");
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    }
    // The admin's own login is in it; a bad filter or cursor is a 400.
    let all = entries(&app, "").await;
    assert!(
        all.iter()
            .any(|e| e["route"] == "/api/v1/auth/login" && e["actor_role"] == "admin")
    );
    assert_problem(
        admin.get("/api/v1/audit?actor=nobody").await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;
    assert_problem(
        admin.get("/api/v1/audit?cursor=abc").await,
        StatusCode::BAD_REQUEST,
        "invalid_cursor",
    )
    .await;
}

#[actix_web::test]
async fn the_log_pages_newest_first() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    for n in 0..5 {
        admin
            .post_expect(
                "/api/v1/tags",
                json!({"name": format!("Thẻ {n}")}),
                StatusCode::CREATED,
            )
            .await;
    }
    let _ = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let first = admin.get_ok("/api/v1/audit?limit=4").await;
    let cursor = first["meta"]["next_cursor"]
        .as_str()
        .expect("next")
        .to_owned();
    let second = admin
        .get_ok(&format!("/api/v1/audit?limit=4&cursor={cursor}"))
        .await;
    let ids: Vec<&str> = first["data"]
        .as_array()
        .expect("data")
        .iter()
        .chain(second["data"].as_array().expect("data"))
        .map(|e| e["id"].as_str().expect("id"))
        .collect();
    // Two logins and five tags: seven entries, each once, newest first.
    assert_eq!(ids.len(), 7);
    let mut sorted = ids.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(ids, sorted);
}
