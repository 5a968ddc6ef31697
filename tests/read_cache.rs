//! The in-process cache of readers' answers (`TOASOAN_READ_CACHE_MS`): a
//! write made through this instance is seen at once, whatever the cache's
//! life; what only time changes is seen within it; staff never get it.

use crate::common::{TestApp, assert_problem, slugs};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// A cache whose entries would live an hour: anything fresh a test sees
/// came from invalidation, not from an entry running out.
async fn long_lived() -> TestApp {
    TestApp::spawn_with(|c| {
        c.read_cache = Duration::from_secs(3_600);
        c.views_flush = Duration::from_millis(100);
    })
    .await
}

/// Reads `path` until `done` holds, a bounded number of times.
async fn eventually(
    api: &crate::common::Api<'_>,
    path: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let mut last = Value::Null;
    for _ in 0..100 {
        let res = api.get(path).await;
        if res.status() == StatusCode::OK {
            last = res.json().await.expect("json");
            if done(&last) {
                return last;
            }
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{path} never reached the expected state: {last}");
}

#[actix_web::test]
async fn an_editors_change_is_seen_at_once_by_a_reader_who_had_the_old_one_cached() {
    let app = long_lived().await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Giá xăng giảm"})).await;
    let id = draft["id"].as_str().expect("id").to_owned();
    editor.publish(&id, None).await;
    let anon = app.anon();
    let path = "/api/v1/articles/gia-xang-giam";
    // Read twice, so the second answer (and its ETag) is the cached one.
    anon.get_ok(path).await;
    let cached = anon.get(path).await;
    let etag = cached.headers()["etag"].to_str().expect("etag").to_owned();
    assert_eq!(
        cached.json::<Value>().await.expect("json")["title"],
        "Giá xăng giảm"
    );
    let not_modified = anon
        .request(reqwest::Method::GET, path)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("GET");
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        slugs(&anon.get_ok("/api/v1/articles").await),
        vec!["gia-xang-giam"]
    );

    // The reader's ETag names the version for an editor too.
    let res = editor
        .request(reqwest::Method::PATCH, &format!("/api/v1/articles/{id}"))
        .header("if-match", &etag)
        .json(&json!({"title": "Giá xăng giảm mạnh", "slug": "gia-xang-giam-manh"}))
        .send()
        .await
        .expect("PATCH");
    assert_eq!(res.status(), StatusCode::OK);

    // The old slug now moves, the new one reads the new title, the list
    // shows it, and the old ETag no longer matches.
    let moved = anon.get(path).await;
    assert_eq!(moved.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        moved.headers()["location"],
        "/api/v1/articles/gia-xang-giam-manh"
    );
    let fresh = anon
        .request(reqwest::Method::GET, "/api/v1/articles/gia-xang-giam-manh")
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("GET");
    assert_eq!(fresh.status(), StatusCode::OK);
    assert_eq!(
        fresh.json::<Value>().await.expect("json")["title"],
        "Giá xăng giảm mạnh"
    );
    let by_id = anon.get_ok(&format!("/api/v1/articles/{id}")).await;
    assert_eq!(by_id["title"], "Giá xăng giảm mạnh");
    let page = anon.get_ok("/api/v1/articles").await;
    assert_eq!(page["data"][0]["title"], "Giá xăng giảm mạnh");

    // Taken down: gone for readers at once, in the list too.
    editor
        .post_expect(
            &format!("/api/v1/articles/{id}/unpublish"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    assert_problem(
        anon.get("/api/v1/articles/gia-xang-giam-manh").await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    )
    .await;
    assert!(slugs(&anon.get_ok("/api/v1/articles").await).is_empty());
}

#[actix_web::test]
async fn a_new_article_shows_in_a_cached_list_page_at_once_whatever_the_parameter_order() {
    let app = long_lived().await;
    let editor = app.editor().await;
    let news = editor.category("Thời sự", None).await;
    let anon = app.anon();
    let one = "/api/v1/articles?category=thoi-su&limit=5";
    let other = "/api/v1/articles?limit=5&category=thoi-su";
    assert!(slugs(&anon.get_ok(one).await).is_empty());
    assert!(slugs(&anon.get_ok(other).await).is_empty());
    let draft = editor
        .draft(json!({"title": "Bão số 5", "category_id": news["slug"]}))
        .await;
    editor
        .publish(draft["id"].as_str().expect("id"), None)
        .await;
    assert_eq!(slugs(&anon.get_ok(one).await), vec!["bao-so-5"]);
    assert_eq!(slugs(&anon.get_ok(other).await), vec!["bao-so-5"]);
}

#[actix_web::test]
async fn a_scheduled_article_appears_once_its_time_has_passed_with_the_cache_on() {
    let app = TestApp::spawn_with(|c| c.read_cache = Duration::from_millis(200)).await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Lịch thi vào lớp 10"})).await;
    let id = draft["id"].as_str().expect("id");
    let at = chrono::Utc::now() + chrono::Duration::seconds(2);
    editor.publish(id, Some(&at.to_rfc3339())).await;
    let anon = app.anon();
    let path = "/api/v1/articles/lich-thi-vao-lop-10";
    // Read (and cached) while it is still scheduled.
    assert_problem(
        anon.get(path).await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    )
    .await;
    assert!(slugs(&anon.get_ok("/api/v1/articles").await).is_empty());
    let article = eventually(&anon, path, |a| a["id"] == id).await;
    assert_eq!(article["status"], "published");
    eventually(&anon, "/api/v1/articles", |page| {
        slugs(page) == vec!["lich-thi-vao-lop-10"]
    })
    .await;
}

#[actix_web::test]
async fn staff_never_get_the_answer_cached_for_readers() {
    let app = long_lived().await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Bản thảo chưa duyệt"})).await;
    let path = "/api/v1/articles/ban-thao-chua-duyet";
    // Readers get (and the cache keeps) a 404 and an empty list.
    for _ in 0..2 {
        assert_problem(
            app.anon().get(path).await,
            StatusCode::NOT_FOUND,
            "article_not_found",
        )
        .await;
        assert!(slugs(&app.anon().get_ok("/api/v1/articles").await).is_empty());
    }
    // Staff read the draft itself, privately.
    let res = editor.get(path).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .expect("header")
            .starts_with("private")
    );
    let article: Value = res.json().await.expect("json");
    assert_eq!(article["id"], draft["id"]);
    assert_eq!(article["status"], "draft");
    assert_eq!(
        slugs(&editor.get_ok("/api/v1/articles?status=draft").await),
        vec!["ban-thao-chua-duyet"]
    );
    // A public article's staff read is the live one, with review notes.
    editor
        .publish(draft["id"].as_str().expect("id"), None)
        .await;
    app.anon().get_ok(path).await;
    app.anon().get_ok(path).await;
    let staff_read = editor.get(path).await;
    assert!(
        staff_read.headers()["cache-control"]
            .to_str()
            .expect("header")
            .starts_with("private")
    );
    let staff_read: Value = staff_read.json().await.expect("json");
    assert!(staff_read.get("review_notes").is_some(), "{staff_read}");
}

#[actix_web::test]
async fn reads_answered_from_the_cache_still_count_as_views() {
    let app = long_lived().await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Tin đọc nhiều"})).await;
    let id = draft["id"].as_str().expect("id").to_owned();
    editor.publish(&id, None).await;
    for _ in 0..5 {
        app.anon().get_ok("/api/v1/articles/tin-doc-nhieu").await;
    }
    let article = eventually(&editor, &format!("/api/v1/articles/{id}"), |a| {
        a["view_count"].as_i64() >= Some(5)
    })
    .await;
    assert_eq!(article["view_count"], 5);
}

#[actix_web::test]
async fn with_a_cache_life_of_zero_a_change_made_outside_the_server_is_seen_at_once() {
    let app = TestApp::spawn_with(|c| c.read_cache = Duration::ZERO).await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Hẹn giờ xa"})).await;
    let id = draft["id"].as_str().expect("id").to_owned();
    editor.publish(&id, Some("2099-01-01T00:00:00Z")).await;
    let anon = app.anon();
    assert!(slugs(&anon.get_ok("/api/v1/articles").await).is_empty());
    // Another process (a second instance, a script) brings it forward.
    let pool = toasoan_persistence::connect(&app.database_url, 1).expect("pool");
    actix_web::rt::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use toasoan_persistence::schema::articles;
        let mut conn = pool.get().expect("conn");
        let past = chrono::Utc::now().naive_utc() - chrono::TimeDelta::minutes(1);
        diesel::update(articles::table.find(&id))
            .set(articles::published_at.eq(Some(past)))
            .execute(&mut *conn)
            .expect("update");
    })
    .await
    .expect("join");
    assert_eq!(
        slugs(&anon.get_ok("/api/v1/articles").await),
        vec!["hen-gio-xa"]
    );
    anon.get_ok("/api/v1/articles/hen-gio-xa").await;
}
