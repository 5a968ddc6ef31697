//! "Đọc nhiều": views counted in memory, flushed in batches, shown as
//! `view_count` and ranked by `sort=popular`.

use crate::common::{TestApp, assert_problem};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// A server that writes counted views every 100 ms.
async fn app() -> TestApp {
    TestApp::spawn_with(|c| c.views_flush = Duration::from_millis(100)).await
}

/// Reads `path` as staff (which counts no view) until `done` holds; the
/// flush runs on a timer, so this waits a bounded while for it.
async fn eventually(app: &TestApp, path: &str, done: impl Fn(&Value) -> bool) -> Value {
    let admin = app.admin().await;
    let mut last = Value::Null;
    for _ in 0..100 {
        last = admin.get_ok(path).await;
        if done(&last) {
            return last;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{path} never reached the expected state: {last}");
}

#[actix_web::test]
async fn concurrent_views_end_with_the_exact_total() {
    let app = app().await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Tin được đọc nhiều"})).await;
    let id = draft["id"].as_str().expect("id").to_owned();
    let slug = draft["slug"].as_str().expect("slug").to_owned();
    // A draft counts nothing, and says so.
    let res = app
        .anon()
        .post(&format!("/api/v1/articles/{id}/views"), json!({}))
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "article_not_found").await;
    editor.publish(&id, None).await;

    let anon = app.anon();
    let views_path = format!("/api/v1/articles/{slug}/views");
    let read_path = format!("/api/v1/articles/{slug}");
    let posts = (0..60).map(|_| anon.post(&views_path, json!({})));
    for res in futures_util::future::join_all(posts).await {
        assert_eq!(res.status(), StatusCode::ACCEPTED);
    }
    // Readers' reads count too; staff reads do not.
    let reads = (0..15).map(|_| anon.get(&read_path));
    for res in futures_util::future::join_all(reads).await {
        assert_eq!(res.status(), StatusCode::OK);
    }
    let article = eventually(&app, &format!("/api/v1/articles/{id}"), |a| {
        a["view_count"].as_i64() >= Some(75)
    })
    .await;
    assert_eq!(article["view_count"], 75, "exactly the views sent");
    // Nothing more arrives later.
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        app.admin()
            .await
            .get_ok(&format!("/api/v1/articles/{id}"))
            .await["view_count"],
        75
    );
}

#[actix_web::test]
async fn views_leave_the_etag_alone_so_an_editor_can_still_save() {
    let app = app().await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Bài đang sửa"})).await;
    let id = draft["id"].as_str().expect("id").to_owned();
    let published = editor.publish(&id, None).await;
    let path = format!("/api/v1/articles/{id}");
    let etag = editor.get(&path).await.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    for _ in 0..5 {
        app.anon().get(&path).await;
    }
    eventually(&app, &path, |a| a["view_count"] == 5).await;
    let res = editor
        .request(reqwest::Method::PATCH, &path)
        .header("If-Match", &etag)
        .json(&json!({"title": "Bài đã sửa"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "version {}",
        published["version"]
    );
}

#[actix_web::test]
async fn most_read_ranks_public_articles_by_views_in_the_window() {
    let app = app().await;
    let editor = app.editor().await;
    let mut ids = Vec::new();
    for (title, views) in [("Ít người đọc", 2), ("Nhiều người đọc", 9), ("Vừa phải", 5)]
    {
        let draft = editor.draft(json!({"title": title})).await;
        let id = draft["id"].as_str().expect("id").to_owned();
        editor.publish(&id, None).await;
        for _ in 0..views {
            let res = app
                .anon()
                .post(&format!("/api/v1/articles/{id}/views"), json!({}))
                .await;
            assert_eq!(res.status(), StatusCode::ACCEPTED);
        }
        ids.push(id);
    }
    let list = eventually(&app, "/api/v1/articles?sort=popular&window=24h", |p| {
        p["data"].as_array().map(Vec::len) == Some(3) && p["data"][2]["view_count"] == 2
    })
    .await;
    let titles: Vec<&str> = list["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert_eq!(titles, ["Nhiều người đọc", "Vừa phải", "Ít người đọc"]);
    assert!(list["meta"]["next_cursor"].is_null());
    // Archived articles drop out of the ranking.
    let res = editor
        .post(&format!("/api/v1/articles/{}/archive", ids[1]), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let list = app
        .anon()
        .get_ok("/api/v1/articles?sort=popular&window=7d&limit=2")
        .await;
    let titles: Vec<&str> = list["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert_eq!(titles, ["Vừa phải", "Ít người đọc"]);
    for bad in [
        "/api/v1/articles?sort=popular&window=1y",
        "/api/v1/articles?sort=oldest",
        "/api/v1/articles?window=24h",
        "/api/v1/articles?sort=popular&category=thoi-su",
    ] {
        let res = app.anon().get(bad).await;
        assert_problem(res, StatusCode::BAD_REQUEST, "invalid_query").await;
    }
}
