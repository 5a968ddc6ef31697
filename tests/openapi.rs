//! The committed OpenAPI document matches the code and covers every route.

use crate::common::TestApp;

#[test]
fn the_committed_openapi_yaml_is_current() {
    let generated = toasoan_api::openapi::yaml().expect("yaml");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi.yaml is stale; regenerate it with `cargo run -- openapi > openapi.yaml` and commit it"
    );
}

#[actix_web::test]
async fn every_operation_documents_its_responses_and_is_served() {
    let app = TestApp::spawn().await;
    let doc = app.anon().get_ok("/api/openapi.json").await;
    let paths = doc["paths"].as_object().expect("paths");
    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("item") {
            operations += 1;
            let responses = op["responses"].as_object().expect("responses");
            assert!(
                responses
                    .keys()
                    .any(|s| s.starts_with('2') || s.starts_with('3')),
                "{method} {path}"
            );
            let id = op["operationId"].as_str().expect("operation id");
            assert!(
                id.contains('_') || ["login", "logout"].contains(&id),
                "{id}"
            );
            if op.get("security").is_some() {
                assert!(
                    responses.keys().any(|s| s.starts_with('4')),
                    "{method} {path} documents its errors"
                );
            }
        }
    }
    assert_eq!(operations, 34, "every route is documented");
    for path in [
        "/api/v1/articles",
        "/api/v1/articles/{id}/publish",
        "/api/v1/auth/refresh",
        "/readyz",
    ] {
        assert!(paths.contains_key(path), "{path}");
    }
    let problem = &doc["components"]["schemas"]["Problem"];
    assert!(problem["example"].is_object(), "problem has an example");
}
