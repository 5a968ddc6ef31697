//! What each role may do.

use crate::common::{TestApp, assert_problem};
use reqwest::StatusCode;
use serde_json::json;

#[actix_web::test]
async fn an_author_writes_drafts_but_cannot_publish_them() {
    let app = TestApp::spawn().await;
    let author = app.author().await;
    let draft = author.draft(json!({"title": "Bài của phóng viên"})).await;
    let id = draft["id"].as_str().expect("id");
    let res = author
        .post(&format!("/api/v1/articles/{id}/publish"), json!({}))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    // Submitting for review is theirs to do; after that the draft is locked to them.
    let submitted = author
        .post_expect(
            &format!("/api/v1/articles/{id}/submit"),
            json!(null),
            StatusCode::OK,
        )
        .await;
    assert_eq!(submitted["status"], "in_review");
    let res = author
        .patch(
            &format!("/api/v1/articles/{id}"),
            json!({"title": "Sửa sau khi nộp", "version": 2}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    // An editor publishes it.
    let editor = app.editor().await;
    assert_eq!(editor.publish(id, None).await["status"], "published");
}

#[actix_web::test]
async fn an_author_cannot_touch_another_authors_article() {
    let app = TestApp::spawn().await;
    let (first, _) = app.user("author", "mot@toasoan.test").await;
    let (second, _) = app.user("author", "hai@toasoan.test").await;
    let draft = first
        .draft(json!({"title": "Bản nháp của người thứ nhất"}))
        .await;
    let id = draft["id"].as_str().expect("id");
    // Another author cannot see it, edit it or delete it.
    assert_problem(
        second.get(&format!("/api/v1/articles/{id}")).await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    )
    .await;
    let res = second
        .patch(
            &format!("/api/v1/articles/{id}"),
            json!({"title": "Chiếm quyền", "version": 1}),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "article_not_found").await;
    assert_problem(
        second.delete(&format!("/api/v1/articles/{id}")).await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    )
    .await;
    assert!(
        second.get_ok("/api/v1/articles?status=draft").await["data"]
            .as_array()
            .expect("data")
            .is_empty()
    );
    // Once published, it is visible to them, and still not editable.
    let editor = app.editor().await;
    editor.publish(id, None).await;
    let res = second
        .patch(
            &format!("/api/v1/articles/{id}"),
            json!({"title": "Chiếm quyền", "version": 2}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    // The owner edits their own draft freely.
    let mine = first.draft(json!({"title": "Bài thứ hai"})).await;
    let res = first
        .patch(
            &format!("/api/v1/articles/{}", mine["id"].as_str().expect("id")),
            json!({"title": "Bài thứ hai đã sửa", "version": 1}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn authors_cannot_reach_accounts_or_the_taxonomy() {
    let app = TestApp::spawn().await;
    let author = app.author().await;
    let editor = app.editor().await;
    for (who, path) in [(&author, "/api/v1/users"), (&editor, "/api/v1/users")] {
        assert_problem(who.get(path).await, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let res = author.post("/api/v1/users", json!({"email": "x@y.vn", "display_name": "x", "password": "0123456789", "role": "admin"})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    for path in ["/api/v1/categories", "/api/v1/authors", "/api/v1/tags"] {
        assert_problem(
            author.post(path, json!({"name": "Mục mới"})).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.anon().post(path, json!({"name": "Mục mới"})).await,
            StatusCode::UNAUTHORIZED,
            "token_missing",
        )
        .await;
    }
    let res = author
        .post(
            "/api/v1/articles",
            json!({"title": "Tự đưa lên nổi bật", "featured": true}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert_problem(
        app.anon()
            .post("/api/v1/articles", json!({"title": "x"}))
            .await,
        StatusCode::UNAUTHORIZED,
        "token_missing",
    )
    .await;
}

#[actix_web::test]
async fn a_role_change_takes_effect_on_the_next_request() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (editor, id) = app.user("editor", "bientap@toasoan.test").await;
    editor.category("Thời sự", None).await;
    admin
        .patch(&format!("/api/v1/users/{id}"), json!({"role": "author"}))
        .await;
    let res = editor
        .post("/api/v1/categories", json!({"name": "Kinh tế"}))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
}
