//! Slugs chosen by concurrent writes: each create gets its own numbered
//! slug, never a spurious 409 (on PostgreSQL two transactions can read the
//! same free slug; the one that loses the race picks again).

use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

#[actix_web::test]
async fn concurrent_creates_with_one_title_get_numbered_slugs() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    for round in 0..3 {
        let title = format!("Tin nóng vòng {round}");
        let creates = (0..6).map(|_| editor.post("/api/v1/articles", json!({"title": title})));
        let answers = futures_util::future::join_all(creates).await;
        let mut slugs = BTreeSet::new();
        for res in answers {
            let status = res.status();
            let body: Value = res.json().await.expect("json");
            assert_eq!(status, StatusCode::CREATED, "{body}");
            slugs.insert(body["slug"].as_str().expect("slug").to_owned());
        }
        let base = format!("tin-nong-vong-{round}");
        let expected: BTreeSet<String> = std::iter::once(base.clone())
            .chain((2..=6).map(|n| format!("{base}-{n}")))
            .collect();
        assert_eq!(slugs, expected);
    }
}

/// Creates `n` resources at `path` at once with one body; the slugs of
/// those created and the status of every answer.
async fn create_at_once(
    api: &crate::common::Api<'_>,
    path: &str,
    body: Value,
    n: usize,
) -> (Vec<StatusCode>, BTreeSet<String>) {
    let creates = (0..n).map(|_| api.post(path, body.clone()));
    let mut statuses = Vec::new();
    let mut slugs = BTreeSet::new();
    for res in futures_util::future::join_all(creates).await {
        statuses.push(res.status());
        let body: Value = res.json().await.expect("json");
        if let Some(slug) = body["slug"].as_str() {
            slugs.insert(slug.to_owned());
        }
    }
    (statuses, slugs)
}

#[actix_web::test]
async fn concurrent_categories_tags_and_authors_with_one_name_get_numbered_slugs() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    for path in ["/api/v1/categories", "/api/v1/tags", "/api/v1/authors"] {
        for round in 0..3 {
            let name = format!("Thời sự vòng {round}");
            let (statuses, slugs) = create_at_once(&editor, path, json!({"name": name}), 6).await;
            assert!(
                statuses.iter().all(|s| *s == StatusCode::CREATED),
                "{path}: {statuses:?}"
            );
            let base = format!("thoi-su-vong-{round}");
            let expected: BTreeSet<String> = std::iter::once(base.clone())
                .chain((2..=6).map(|n| format!("{base}-{n}")))
                .collect();
            assert_eq!(slugs, expected, "{path}");
        }
    }
}

#[actix_web::test]
async fn concurrent_creates_asking_for_one_slug_by_name_get_one_201_and_409s() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    for path in ["/api/v1/categories", "/api/v1/tags", "/api/v1/authors"] {
        let body = json!({"name": "Kinh tế", "slug": "kinh-te"});
        let (statuses, slugs) = create_at_once(&editor, path, body, 4).await;
        let created = statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count();
        let refused = statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count();
        assert_eq!((created, refused), (1, 3), "{path}: {statuses:?}");
        assert_eq!(slugs, BTreeSet::from(["kinh-te".to_owned()]), "{path}");
    }
}

#[actix_web::test]
async fn concurrent_publishes_of_authors_drafts_with_one_title_settle_on_numbered_slugs() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let author = app.author().await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        let draft = author.draft(json!({"title": "Tin nóng"})).await;
        ids.push(draft["id"].as_str().expect("id").to_owned());
    }
    let paths: Vec<String> = ids
        .iter()
        .map(|id| format!("/api/v1/articles/{id}/publish"))
        .collect();
    let publishes = paths.iter().map(|path| editor.post(path, json!({})));
    let mut slugs = BTreeSet::new();
    for res in futures_util::future::join_all(publishes).await {
        let status = res.status();
        let body: Value = res.json().await.expect("json");
        assert_eq!(status, StatusCode::OK, "{body}");
        slugs.insert(body["slug"].as_str().expect("slug").to_owned());
    }
    let expected: BTreeSet<String> = std::iter::once("tin-nong".to_owned())
        .chain((2..=5).map(|n| format!("tin-nong-{n}")))
        .collect();
    assert_eq!(slugs, expected);
}
