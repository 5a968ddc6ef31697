//! The committed OpenAPI document matches the code and covers every route.

use crate::common::{TestApp, assert_problem};
use reqwest::{Method, StatusCode};
use toasoan_api::error::Code;

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
async fn every_operation_documents_its_responses() {
    let app = TestApp::spawn().await;
    let doc = app.anon().get_ok("/api/openapi.json").await;
    let paths = doc["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("item") {
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
                    responses.contains_key("401"),
                    "{method} {path} is secured, so it documents 401"
                );
            }
            let summary = op["summary"].as_str().unwrap_or_default();
            assert!(!summary.contains('\n'), "{method} {path}: one-line summary");
        }
    }
    let problem = &doc["components"]["schemas"]["Problem"];
    assert!(problem["example"].is_object(), "problem has an example");
    assert!(doc["servers"].as_array().is_some_and(|s| !s.is_empty()));
}

/// Replaces `{param}` templates with a value, to call a documented path
/// (`/feeds/category/{slug}.rss` → `/feeds/category/probe.rss`).
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => in_param = true,
            '}' => {
                in_param = false;
                out.push_str("probe");
            }
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

#[actix_web::test]
async fn the_served_routes_are_exactly_the_documented_ones() {
    let app = TestApp::spawn().await;
    let doc = app.anon().get_ok("/api/openapi.json").await;
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() > 10);
    for (path, item) in paths {
        let mut documented: Vec<String> = item
            .as_object()
            .expect("item")
            .keys()
            .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
            .map(|k| k.to_uppercase())
            .collect();
        documented.sort();
        // A method no route has: the path answers 405 and names what it serves.
        let url = concrete(path);
        let unknown = Method::from_bytes(b"PURGE").expect("method");
        let res = app
            .anon()
            .request(unknown, &url)
            .send()
            .await
            .expect("send");
        let allow = res
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .unwrap_or_default();
        assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
        let mut served: Vec<String> = allow.split(", ").map(str::to_owned).collect();
        served.sort();
        assert_eq!(
            served, documented,
            "{path}: served methods = documented methods"
        );
        // Each documented method reaches a handler (whatever it then says).
        for method in &documented {
            let method = Method::from_bytes(method.as_bytes()).expect("method");
            let res = app
                .anon()
                .request(method.clone(), &url)
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .expect("send");
            let status = res.status();
            let body: serde_json::Value = res.json().await.unwrap_or_default();
            assert!(
                status != StatusCode::METHOD_NOT_ALLOWED && body["code"] != "route_not_found",
                "{method} {path} is documented but not served"
            );
        }
    }
}

#[test]
fn every_error_code_is_documented() {
    let doc = serde_json::to_value(toasoan_api::openapi::document()).expect("json");
    let mut operations = String::new();
    for item in doc["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("item").values() {
            operations.push_str(&op["responses"].to_string());
        }
    }
    let info = doc["info"]["description"].as_str().unwrap_or_default();
    for code in Code::ALL {
        let quoted = format!("`{}`", code.as_str());
        if toasoan_api::openapi::ANY_OPERATION.contains(code) {
            assert!(info.contains(&quoted), "{quoted} in the API description");
        } else {
            assert!(
                operations.contains(&quoted),
                "{quoted} is answered by some operation, so one documents it"
            );
        }
    }
    let schema = &doc["components"]["schemas"]["Code"]["enum"];
    assert_eq!(schema.as_array().map(Vec::len), Some(Code::ALL.len()));
}
