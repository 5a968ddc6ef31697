//! Bad input: each case gets problem+json with the right status and code,
//! and nothing is written.

use crate::common::{TestApp, assert_problem};
use reqwest::{Method, StatusCode};
use serde_json::json;

struct Case {
    method: Method,
    path: &'static str,
    content_type: Option<&'static str>,
    body: String,
    if_match: Option<&'static str>,
    status: StatusCode,
    code: &'static str,
}

fn case(
    method: Method,
    path: &'static str,
    body: impl Into<String>,
    status: StatusCode,
    code: &'static str,
) -> Case {
    Case {
        method,
        path,
        content_type: Some("application/json"),
        body: body.into(),
        if_match: None,
        status,
        code,
    }
}

#[actix_web::test]
async fn malformed_requests_get_problem_details_and_change_nothing() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Bài gốc"})).await;
    assert_eq!(draft["slug"], "bai-goc");
    let blocks: Vec<_> = (0..501)
        .map(|_| json!({"type": "paragraph", "text": "x"}))
        .collect();
    let huge = json!({"title": "x", "sapo": "a".repeat(1_100_000)}).to_string();
    let post = Method::POST;
    let cases = vec![
        case(
            post.clone(),
            "/api/v1/articles",
            "{",
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        case(
            post.clone(),
            "/api/v1/articles",
            "",
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        case(
            post.clone(),
            "/api/v1/articles",
            "[]",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        case(
            post.clone(),
            "/api/v1/articles",
            r#"{"title": 5}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        case(
            post.clone(),
            "/api/v1/articles",
            r#"{"sapo": "thiếu tiêu đề"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        case(
            post.clone(),
            "/api/v1/articles",
            r#"{"title": "x", "status": "published"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        case(
            post.clone(),
            "/api/v1/articles",
            json!({"title": "ă".repeat(301)}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        case(
            post.clone(),
            "/api/v1/articles",
            json!({"title": "x", "body": blocks}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        case(
            post.clone(),
            "/api/v1/articles",
            r#"{"title": "x", "body": [{"type": "iframe", "src": "x"}]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        case(
            post.clone(),
            "/api/v1/articles",
            r#"{"title": "x", "body": [{"type": "heading", "level": 9, "text": "x"}]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        case(
            post.clone(),
            "/api/v1/articles",
            r#"{"title": "x", "slug": "Không Hợp Lệ"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        case(
            post.clone(),
            "/api/v1/articles",
            huge,
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        Case {
            content_type: Some("text/plain"),
            ..case(
                post.clone(),
                "/api/v1/articles",
                r#"{"title": "x"}"#,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            )
        },
        Case {
            content_type: None,
            ..case(
                post.clone(),
                "/api/v1/articles",
                r#"{"title": "x"}"#,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            )
        },
        case(
            post.clone(),
            "/api/v1/articles/bai-goc/publish",
            r#"{"at": "ngày mai"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        case(
            post.clone(),
            "/api/v1/articles/bai-goc/publish",
            r#"{"at": "#,
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        Case {
            content_type: Some("text/plain"),
            ..case(
                post.clone(),
                "/api/v1/articles/bai-goc/publish",
                "now",
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            )
        },
        case(
            post.clone(),
            "/api/v1/articles/khong-co/publish",
            "",
            StatusCode::NOT_FOUND,
            "article_not_found",
        ),
        case(
            post.clone(),
            "/api/v1/articles/bai-goc/unpublish",
            "",
            StatusCode::CONFLICT,
            "invalid_transition",
        ),
        Case {
            if_match: Some("\"garbage\""),
            ..case(
                Method::PATCH,
                "/api/v1/articles/bai-goc",
                r#"{"title": "y"}"#,
                StatusCode::BAD_REQUEST,
                "invalid_if_match",
            )
        },
        Case {
            if_match: Some("\"v1-abc\""),
            ..case(
                Method::PATCH,
                "/api/v1/articles/bai-goc",
                r#"{"title": "y", "version": 2}"#,
                StatusCode::BAD_REQUEST,
                "version_mismatch",
            )
        },
        case(
            Method::PATCH,
            "/api/v1/articles/khong-co",
            r#"{"title": "y", "version": 1}"#,
            StatusCode::NOT_FOUND,
            "article_not_found",
        ),
        case(
            post.clone(),
            "/api/v1/auth/login",
            r#"{"email": "a@b.vn"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        case(
            post.clone(),
            "/api/v1/categories",
            r#"{"name": "x", "parent_id": "khong-co"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        case(
            Method::GET,
            "/api/v1/articles?featured=co-le",
            "",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        case(
            Method::GET,
            "/api/v1/articles?limit=nhieu",
            "",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        case(
            Method::GET,
            "/api/v1/articles?status=deleted",
            "",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        case(
            Method::GET,
            "/api/v1/articles?sort=oldest",
            "",
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        case(
            Method::GET,
            "/api/v1/khong-co",
            "",
            StatusCode::NOT_FOUND,
            "route_not_found",
        ),
        // NUL bytes and other keys that can name nothing never reach the database.
        case(
            Method::GET,
            "/api/v1/articles/a%00b",
            "",
            StatusCode::NOT_FOUND,
            "article_not_found",
        ),
        case(
            Method::GET,
            "/api/v1/articles?tag=a%00b",
            "",
            StatusCode::NOT_FOUND,
            "tag_not_found",
        ),
        case(
            Method::GET,
            "/api/v1/categories/%00",
            "",
            StatusCode::NOT_FOUND,
            "category_not_found",
        ),
        case(
            Method::GET,
            "/api/v1/articles?cursor=cAoyMDI0LTA0LTIwVDAyOjU0OjAwWgphAGI",
            "",
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
        ),
        case(
            post.clone(),
            "/api/v1/auth/login",
            r#"{"email": "a\u0000b@x.vn", "password": "x"}"#,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        ),
        case(
            post.clone(),
            "/api/v1/articles",
            r#"{"title": "x", "author_ids": ["a\u0000b"], "category_id": "\u0000"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        case(
            post.clone(),
            "/api/v1/tags",
            r#"{"name": "x", "slug": "0190f1c2-0000-7000-8000-000000000000"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        Case {
            if_match: Some("\"v0-abc\""),
            ..case(
                Method::DELETE,
                "/api/v1/articles/bai-goc",
                "",
                StatusCode::PRECONDITION_FAILED,
                "stale_version",
            )
        },
        case(
            Method::GET,
            "/api/v1/articles/khong-co",
            "",
            StatusCode::NOT_FOUND,
            "article_not_found",
        ),
        case(
            Method::PUT,
            "/api/v1/articles",
            "{}",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        case(
            Method::DELETE,
            "/api/v1/auth/login",
            "",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
    ];
    for c in cases {
        let mut request = editor
            .request(c.method.clone(), c.path)
            .body(c.body.clone());
        if let Some(content_type) = c.content_type {
            request = request.header("content-type", content_type);
        }
        if let Some(tag) = c.if_match {
            request = request.header("if-match", tag);
        }
        let res = request.send().await.expect("send");
        let label = format!(
            "{} {} {}",
            c.method,
            c.path,
            c.body.chars().take(60).collect::<String>()
        );
        assert_eq!(res.status(), c.status, "{label}");
        assert_problem(res, c.status, c.code).await;
    }
    // Nothing above wrote anything.
    let drafts = editor.get_ok("/api/v1/articles?status=draft").await;
    assert_eq!(drafts["data"].as_array().expect("data").len(), 1);
    let article = editor.get_ok("/api/v1/articles/bai-goc").await;
    assert_eq!(
        (article["title"].as_str(), article["version"].as_i64()),
        (Some("Bài gốc"), Some(1))
    );
    assert_eq!(
        app.anon().get_ok("/api/v1/categories").await["data"],
        json!([])
    );
}

#[actix_web::test]
async fn validation_problems_name_every_bad_field() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let res = editor
        .post(
            "/api/v1/articles",
            json!({"title": " ", "sapo": "\u{0}", "body": [
                {"type": "paragraph", "text": "ok"},
                {"type": "embed", "url": "http://insecure.example"},
                {"type": "list", "items": []}
            ]}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let errors: Vec<(String, String)> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().expect("f").to_owned(),
                e["code"].as_str().expect("c").to_owned(),
            )
        })
        .collect();
    let expected = [
        ("title", "required"),
        ("sapo", "invalid_characters"),
        ("body[1].url", "invalid_url"),
        ("body[2].items", "invalid_length"),
    ];
    assert_eq!(
        errors,
        expected
            .iter()
            .map(|(f, c)| (f.to_string(), c.to_string()))
            .collect::<Vec<_>>()
    );
}

#[actix_web::test]
async fn integers_written_with_a_zero_fraction_are_integers() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let category = editor
        .post_expect(
            "/api/v1/categories",
            json!({"name": "Thời sự", "position": -152.0}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(category["position"], -152);
    let draft = editor
        .draft(json!({"title": "Tin", "body": [{"type": "heading", "level": 2.0, "text": "Mục"}]}))
        .await;
    let id = draft["id"].as_str().expect("id");
    let res = editor
        .patch(
            &format!("/api/v1/articles/{id}"),
            json!({"title": "Tin mới", "version": 1.0}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = editor
        .patch(
            &format!("/api/v1/articles/{id}"),
            json!({"title": "Tin", "version": 2.5}),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}
