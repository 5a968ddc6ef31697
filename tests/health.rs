//! Probes.

use crate::common::{TestApp, assert_problem};
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

#[actix_web::test]
async fn cors_allows_the_configured_frontend_origin_only() {
    let app =
        TestApp::spawn_with(|c| c.cors_origins = vec!["https://baoquangnam.vn".to_owned()]).await;
    let preflight = |origin: &'static str| {
        app.anon()
            .request(reqwest::Method::OPTIONS, "/api/v1/articles")
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .send()
    };
    let res = preflight("https://baoquangnam.vn")
        .await
        .expect("preflight");
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://baoquangnam.vn"
    );
    let res = preflight("https://evil.example").await.expect("preflight");
    assert!(res.headers().get("access-control-allow-origin").is_none());
    // A refused preflight is a problem document like every other error.
    assert_problem(res, reqwest::StatusCode::BAD_REQUEST, "bad_request").await;
}

#[actix_web::test]
async fn a_browser_login_form_can_read_retry_after() {
    let app =
        TestApp::spawn_with(|c| c.cors_origins = vec!["https://baoquangnam.vn".to_owned()]).await;
    let res = app
        .anon()
        .request(reqwest::Method::GET, "/api/v1/articles")
        .header("Origin", "https://baoquangnam.vn")
        .send()
        .await
        .expect("get");
    let exposed = res.headers()["access-control-expose-headers"]
        .to_str()
        .expect("ascii")
        .to_ascii_lowercase();
    for header in ["etag", "link", "location", "retry-after"] {
        assert!(exposed.contains(header), "{header} in {exposed}");
    }
}

#[actix_web::test]
async fn errors_of_the_compression_layer_are_problems_too() {
    let app = TestApp::spawn().await;
    let res = app
        .anon()
        .request(reqwest::Method::GET, "/api/v1/articles")
        .header("Accept-Encoding", "identity;q=0")
        .send()
        .await
        .expect("get");
    assert_problem(res, reqwest::StatusCode::NOT_ACCEPTABLE, "not_acceptable").await;
}
