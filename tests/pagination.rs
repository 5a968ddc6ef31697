//! Keyset pagination over hundreds of articles.

use crate::common::{TestApp, assert_problem, slugs};
use reqwest::StatusCode;
use serde_json::json;

#[actix_web::test]
async fn keyset_pages_return_every_article_exactly_once_in_order() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let base = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").expect("date");
    let total = 250;
    for i in 0..total {
        let article = editor.draft(json!({"title": format!("Tin số {i}")})).await;
        // Three articles share each instant: the id must break the ties.
        let at = base + chrono::Duration::minutes(i / 3);
        editor
            .publish(article["id"].as_str().expect("id"), Some(&at.to_rfc3339()))
            .await;
    }
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut path = "/api/v1/articles?limit=7".to_owned();
    let mut pages = 0;
    loop {
        let res = app.anon().get(&path).await;
        let link = res
            .headers()
            .get("link")
            .map(|v| v.to_str().expect("link").to_owned());
        let page: serde_json::Value = res.json().await.expect("json");
        pages += 1;
        for a in page["data"].as_array().expect("data") {
            seen.push((
                a["published_at"].as_str().expect("at").to_owned(),
                a["id"].as_str().expect("id").to_owned(),
            ));
        }
        match page["meta"]["next_cursor"].as_str() {
            Some(cursor) => {
                let link = link.expect("a Link header mirrors next_cursor");
                assert!(
                    link.contains(cursor) && link.ends_with("rel=\"next\""),
                    "{link}"
                );
                path = format!("/api/v1/articles?limit=7&cursor={cursor}");
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), total as usize);
    assert_eq!(pages, (total as usize).div_ceil(7));
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first, ties by id");
    sorted.dedup();
    assert_eq!(sorted.len(), total as usize, "no article twice");
}

#[actix_web::test]
async fn limits_and_cursors_are_checked() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/articles?limit=0",
        "/api/v1/articles?limit=101",
        "/api/v1/authors?limit=500",
    ] {
        assert_problem(
            app.anon().get(path).await,
            StatusCode::BAD_REQUEST,
            "invalid_limit",
        )
        .await;
    }
    for cursor in ["garbage", "aQpub3QtYW4taWQ", "cAp5ZXN0ZXJkYXkKeA"] {
        let res = app
            .anon()
            .get(&format!("/api/v1/articles?cursor={cursor}"))
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST, "invalid_cursor").await;
    }
    let page = app.anon().get_ok("/api/v1/articles?limit=100").await;
    assert_eq!(page["meta"], json!({"next_cursor": null, "limit": 100}));
    assert!(slugs(&page).is_empty());
}

#[actix_web::test]
async fn an_empty_cursor_is_the_first_page() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/articles?cursor=",
        "/api/v1/tags?cursor=",
        "/api/v1/authors?cursor=&limit=5",
    ] {
        let page = app.anon().get_ok(path).await;
        assert!(page["data"].is_array(), "{path}");
    }
}
