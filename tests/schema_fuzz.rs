//! What schema-driven fuzzing (`.ci/fuzz`, schemathesis) found, each kept
//! as a plain test: answers that the OpenAPI document did not describe.

use crate::common::{TestApp, assert_problem};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The statuses the served document lists for one operation.
fn documented(doc: &Value, path: &str, method: &str) -> Vec<String> {
    doc["paths"][path][method]["responses"]
        .as_object()
        .map(|r| r.keys().cloned().collect())
        .unwrap_or_default()
}

#[actix_web::test]
async fn a_repeated_or_unknown_list_parameter_is_a_documented_400() {
    let app = TestApp::spawn().await;
    let anon = app.anon();
    for query in ["tree=true&tree=false", "tree=null", "colour=red"] {
        let res = anon.get(&format!("/api/v1/categories?{query}")).await;
        assert_problem(res, StatusCode::BAD_REQUEST, "invalid_query").await;
    }
    let doc = anon.get_ok("/api/openapi.json").await;
    assert!(documented(&doc, "/api/v1/categories", "get").contains(&"400".to_owned()));
}

#[actix_web::test]
async fn a_dead_token_on_a_public_author_read_is_a_documented_401() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    editor.author_profile("Lê Thị Như Thủy").await;
    let stale = app.with_token("not-a-token");
    for path in ["/api/v1/authors", "/api/v1/authors/le-thi-nhu-thuy"] {
        let res = stale.get(path).await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "token_invalid").await;
        // Without the token, the public read works.
        app.anon().get_ok(path).await;
    }
    let doc = app.anon().get_ok("/api/openapi.json").await;
    for path in ["/api/v1/authors", "/api/v1/authors/{id_or_slug}"] {
        assert!(
            documented(&doc, path, "get").contains(&"401".to_owned()),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn an_empty_cursor_means_the_first_page_on_every_list() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Bài có bình luận"})).await;
    let id = draft["id"].as_str().expect("id");
    editor.publish(id, None).await;
    let admin = app.admin().await;
    for (caller, path) in [
        (
            &app.anon(),
            format!("/api/v1/articles/{id}/comments?cursor="),
        ),
        (&admin, "/api/v1/comments?cursor=".to_owned()),
        (&admin, "/api/v1/images?cursor=".to_owned()),
        (&app.anon(), "/api/v1/tags?cursor=".to_owned()),
    ] {
        let page = caller.get_ok(&path).await;
        assert!(page["data"].is_array(), "{path}: {page}");
    }
}

#[actix_web::test]
async fn a_json_array_is_not_taken_for_an_object_body() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let tag = editor
        .post_expect(
            "/api/v1/tags",
            json!({"name": "Quảng Nam"}),
            StatusCode::CREATED,
        )
        .await;
    let slug = tag["slug"].as_str().expect("slug");
    let version = tag["version"].clone();
    // serde reads a struct from an array of its fields' values in order;
    // the API refuses that shape like any other body of the wrong shape.
    for body in [
        json!([null, null]),
        json!([]),
        json!(["Tên mới"]),
        json!("x"),
    ] {
        let res = editor
            .request(Method::PATCH, &format!("/api/v1/tags/{slug}"))
            .header("If-Match", "*")
            .json(&body)
            .send()
            .await
            .expect("PATCH");
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(problem["errors"][0]["code"], "invalid_body", "{body}");
    }
    let res = editor
        .request(Method::POST, "/api/v1/articles")
        .json(&json!(["Tiêu đề"]))
        .send()
        .await
        .expect("POST");
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let after = app.anon().get_ok(&format!("/api/v1/tags/{slug}")).await;
    assert_eq!(
        (&after["name"], &after["version"]),
        (&json!("Quảng Nam"), &version)
    );
}

#[actix_web::test]
async fn trimmed_articles_are_described_by_the_document() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Bài rút gọn"})).await;
    let id = draft["id"].as_str().expect("id");
    editor.publish(id, None).await;
    let anon = app.anon();
    let read = anon
        .get_ok(&format!("/api/v1/articles/{id}?fields=title"))
        .await;
    assert_eq!(read, json!({"id": id, "title": "Bài rút gọn"}));
    let list = anon.get_ok("/api/v1/articles?include=category").await;
    assert!(list["data"][0].get("authors").is_none(), "{list}");

    // The document lets an answer be the full article or `ArticleFields`,
    // in which only `id` is required.
    let doc = anon.get_ok("/api/openapi.json").await;
    let fields = &doc["components"]["schemas"]["ArticleFields"];
    assert_eq!(fields["required"], json!(["id"]));
    assert!(fields["properties"]["body_html"].is_object());
    for (path, sparse) in [
        ("/api/v1/articles/{id_or_slug}", "ArticleFields"),
        ("/api/v1/articles", "Page_ArticleFields"),
    ] {
        let schema =
            &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        let refs: Vec<&str> = schema["anyOf"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["$ref"].as_str())
            .collect();
        assert!(
            refs.contains(&format!("#/components/schemas/{sparse}").as_str()),
            "{path}: {schema}"
        );
    }
}
