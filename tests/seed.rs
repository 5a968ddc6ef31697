//! The demo newsroom a newcomer gets from `toasoan seed`.

use crate::common::{TestApp, slugs};
use serde_json::Value;

#[actix_web::test]
async fn seeding_fills_a_browsable_newsroom_with_the_example_page() {
    let app = TestApp::spawn().await;
    let pool = toasoan_persistence::connect(&app.database_url, 2).expect("pool");
    let report = actix_web::rt::task::spawn_blocking(move || toasoan_api::seed::run(&pool, 120))
        .await
        .expect("join")
        .expect("seed");
    assert_eq!(report.articles, 120);

    let example = app
        .anon()
        .get_ok("/api/v1/articles/mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac")
        .await;
    assert_eq!(example["published_at"], "2024-04-20T02:54:00Z");
    assert_eq!(example["category"]["name"], "Theo gương Bác");
    assert_eq!(example["authors"][0]["name"], "Lê Thị Như Thủy");
    assert_eq!(example["body"].as_array().expect("body").len(), 7);

    // Two levels of categories, and lists that page through Vietnamese content.
    let categories = app.anon().get_ok("/api/v1/categories").await;
    let data = categories["data"].as_array().expect("data");
    assert!(
        data.iter().any(|c| c["parent_id"].is_null())
            && data.iter().any(|c| c["parent_id"].is_string())
    );
    let page: Value = app.anon().get_ok("/api/v1/articles?limit=100").await;
    assert_eq!(slugs(&page).len(), 100);
    assert!(page["meta"]["next_cursor"].is_string());
    let news = app
        .anon()
        .get_ok("/api/v1/articles?category=thoi-su&limit=100")
        .await;
    assert!(slugs(&news).contains(&example["slug"].as_str().expect("slug").to_owned()));

    // Seeding again adds articles without duplicating the taxonomy or the example.
    let pool = toasoan_persistence::connect(&app.database_url, 2).expect("pool");
    actix_web::rt::task::spawn_blocking(move || toasoan_api::seed::run(&pool, 10))
        .await
        .expect("join")
        .expect("seed");
    // The same categories (their article counts grew, their identity did not).
    let identity = |page: &serde_json::Value| -> Vec<(String, String)> {
        page["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|c| (c["id"].to_string(), c["slug"].to_string()))
            .collect()
    };
    assert_eq!(
        identity(&app.anon().get_ok("/api/v1/categories").await),
        identity(&categories)
    );
}
