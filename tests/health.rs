//! Probes.

use crate::common::TestApp;
use serde_json::json;

#[actix_web::test]
async fn health_and_readiness_answer_ok() {
    let app = TestApp::spawn().await;
    assert_eq!(app.anon().get_ok("/healthz").await, json!({"status": "ok"}));
    assert_eq!(app.anon().get_ok("/readyz").await, json!({"status": "ok"}));
}

#[actix_web::test]
async fn the_docs_ui_is_served_without_internet() {
    let app = TestApp::spawn().await;
    let res = app.anon().get("/docs/").await;
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    let html = res.text().await.expect("html");
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "the page must not load anything from the internet"
    );
    let res = app.anon().get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(res.status(), reqwest::StatusCode::OK);
}
