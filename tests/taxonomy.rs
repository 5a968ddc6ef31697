//! Categories, authors and tags.

use crate::common::{TestApp, assert_problem};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn names(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|v| v["name"].as_str().expect("name").to_owned())
        .collect()
}

#[actix_web::test]
async fn categories_nest_and_refuse_cycles_and_deletion_in_use() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let news = editor.category("Thời sự", None).await;
    let politics = editor.category("Chính trị", Some("thoi-su")).await;
    assert_eq!(politics["parent_id"], news["id"]);
    assert_eq!(politics["slug"], "chinh-tri");
    let again = editor.category("Chính trị", None).await;
    assert_eq!(again["slug"], "chinh-tri-2");

    let res = editor
        .patch(
            "/api/v1/categories/thoi-su",
            json!({"parent_id": "chinh-tri"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "cycle");

    // Three levels at most, counting the levels below a moved category.
    editor.category("Quốc hội", Some("chinh-tri")).await;
    let parent = editor.category("Kinh tế", None).await;
    editor.category("Nông nghiệp", parent["id"].as_str()).await;
    let res = editor
        .patch(
            "/api/v1/categories/kinh-te",
            json!({"parent_id": "chinh-tri"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "too_deep");
    let res = editor
        .patch(
            "/api/v1/categories/kinh-te",
            json!({"parent_id": "thoi-su"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    assert_problem(
        editor.delete("/api/v1/categories/thoi-su").await,
        StatusCode::CONFLICT,
        "category_in_use",
    )
    .await;
    let list = app.anon().get_ok("/api/v1/categories").await;
    assert_eq!(names(&list).len(), 6);
    let res = editor.delete("/api/v1/categories/chinh-tri-2").await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_problem(
        app.anon().get("/api/v1/categories/chinh-tri-2").await,
        StatusCode::NOT_FOUND,
        "category_not_found",
    )
    .await;
    let renamed = editor
        .patch(
            "/api/v1/categories/chinh-tri",
            json!({"name": "Chính trị - Xã hội", "description": "Tin chính trị"}),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    assert_eq!(
        app.anon().get_ok("/api/v1/categories/chinh-tri").await["description"],
        "Tin chính trị"
    );
}

#[actix_web::test]
async fn authors_list_in_vietnamese_alphabetical_order_page_by_page() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    for name in [
        "Đặng Văn Lâm",
        "Dương Thị Mai",
        "Ánh Viên",
        "An Nguyên",
        "Bùi Tiến Dũng",
        "Ân Huệ",
        "Ông Văn Tư",
    ] {
        editor.author_profile(name).await;
    }
    let first = app.anon().get_ok("/api/v1/authors?limit=4").await;
    let cursor = first["meta"]["next_cursor"].as_str().expect("cursor");
    let second = app
        .anon()
        .get_ok(&format!("/api/v1/authors?limit=4&cursor={cursor}"))
        .await;
    assert!(second["meta"]["next_cursor"].is_null());
    let mut all = names(&first);
    all.extend(names(&second));
    assert_eq!(
        all,
        vec![
            "An Nguyên",
            "Ánh Viên",
            "Ân Huệ",
            "Bùi Tiến Dũng",
            "Dương Thị Mai",
            "Đặng Văn Lâm",
            "Ông Văn Tư"
        ]
    );
}

#[actix_web::test]
async fn an_author_in_a_byline_cannot_be_deleted_and_becomes_the_default_byline_of_its_account() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let (author, author_user) = app.user("author", "thuy@toasoan.test").await;
    editor
        .post_expect(
            "/api/v1/authors",
            json!({"name": "Lê Thị Như Thủy", "user_id": author_user}),
            StatusCode::CREATED,
        )
        .await;
    let draft = author
        .draft(json!({"title": "Bài viết có byline mặc định"}))
        .await;
    assert_eq!(draft["authors"][0]["slug"], "le-thi-nhu-thuy");
    assert_problem(
        editor.delete("/api/v1/authors/le-thi-nhu-thuy").await,
        StatusCode::CONFLICT,
        "author_in_use",
    )
    .await;
    // Readers do not see which account an author belongs to.
    assert!(
        app.anon()
            .get_ok("/api/v1/authors/le-thi-nhu-thuy")
            .await
            .get("user_id")
            .is_none()
    );
}

#[actix_web::test]
async fn tags_are_created_renamed_and_deleted() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let tag = editor
        .post_expect(
            "/api/v1/tags",
            json!({"name": "Nông thôn mới"}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(tag["slug"], "nong-thon-moi");
    let res = editor
        .post(
            "/api/v1/tags",
            json!({"name": "Khác", "slug": "nong-thon-moi"}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "slug_taken").await;
    let res = editor
        .patch(
            "/api/v1/tags/nong-thon-moi",
            json!({"name": "Xây dựng nông thôn mới"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        names(&app.anon().get_ok("/api/v1/tags").await),
        vec!["Xây dựng nông thôn mới"]
    );
    assert_eq!(
        editor.delete("/api/v1/tags/nong-thon-moi").await.status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        app.anon().get("/api/v1/tags/nong-thon-moi").await,
        StatusCode::NOT_FOUND,
        "tag_not_found",
    )
    .await;
}
