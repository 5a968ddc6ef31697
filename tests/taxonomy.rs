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
            json!({"parent_id": "chinh-tri", "version": 1}),
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
            json!({"parent_id": "chinh-tri", "version": 1}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "too_deep");
    let res = editor
        .patch(
            "/api/v1/categories/kinh-te",
            json!({"parent_id": "thoi-su", "version": 1}),
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
            json!({"name": "Chính trị - Xã hội", "description": "Tin chính trị", "version": 1}),
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
            json!({"name": "Xây dựng nông thôn mới", "version": 1}),
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

/// The OpenAPI document as JSON, as the server builds it.
fn spec() -> Value {
    serde_json::to_value(toasoan_api::openapi::document()).expect("json")
}

#[actix_web::test]
async fn a_new_category_author_or_tag_answers_201_with_a_location_that_reads_it() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    for (collection, name) in [
        ("/api/v1/categories", "Thời sự"),
        ("/api/v1/authors", "Lê Thị Như Thủy"),
        ("/api/v1/tags", "Nông thôn mới"),
    ] {
        let res = editor.post(collection, json!({ "name": name })).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{collection}");
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .unwrap_or_default()
        };
        let (location, etag) = (header("location"), header("etag"));
        let created: Value = res.json().await.expect("json");
        let id = created["id"].as_str().expect("id");
        assert_eq!(location, format!("{collection}/{id}"));
        let read = editor.get(&location).await;
        assert_eq!(read.status(), StatusCode::OK, "GET {location}");
        assert_eq!(
            read.headers().get("etag").and_then(|v| v.to_str().ok()),
            Some(etag.as_str()),
            "{collection}: the 201's ETag is the one a read sends"
        );
        assert_eq!(read.json::<Value>().await.expect("json"), created);
    }
}

#[actix_web::test]
async fn a_rename_to_the_current_slug_is_no_clash_and_a_taken_one_is() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    editor.author_profile("Nguyễn Văn A").await;
    editor.author_profile("Trần Thị B").await;
    let res = editor
        .patch(
            "/api/v1/authors/nguyen-van-a",
            json!({"slug": "nguyen-van-a", "bio": "Phóng viên", "version": 1}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = editor
        .patch(
            "/api/v1/authors/nguyen-van-a",
            json!({"slug": "tran-thi-b", "version": 2}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "slug_taken").await;
    let res = editor
        .patch(
            "/api/v1/authors/nguyen-van-a",
            json!({"slug": "Không hợp lệ", "version": 2}),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = editor
        .patch(
            "/api/v1/authors/nguyen-van-a",
            json!({"slug": "van-a", "version": 2}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let moved = app.anon().get_ok("/api/v1/authors/van-a").await;
    assert_eq!(moved["bio"], "Phóng viên");
}

#[actix_web::test]
async fn name_limits_in_the_schema_are_the_limits_the_server_enforces() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let schemas = &spec()["components"]["schemas"];
    for (schema, collection) in [
        ("CreateCategory", "/api/v1/categories"),
        ("CreateAuthor", "/api/v1/authors"),
        ("TagInput", "/api/v1/tags"),
    ] {
        let name = &schemas[schema]["properties"]["name"];
        assert_eq!(name["minLength"], 1, "{schema}.name");
        let max = name["maxLength"].as_u64().expect("maxLength");
        let longest = "ă".repeat(usize::try_from(max).expect("max"));
        editor
            .post_expect(collection, json!({ "name": longest }), StatusCode::CREATED)
            .await;
        for refused in [String::new(), format!("{longest}ă")] {
            let res = editor.post(collection, json!({ "name": refused })).await;
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        }
        let slug = &schemas[schema]["properties"]["slug"]["oneOf"][0]["$ref"];
        assert_eq!(slug, "#/components/schemas/Slug", "{schema}.slug");
    }
    let slug = &schemas["Slug"];
    assert_eq!(slug["pattern"], "^[a-z0-9]+(-[a-z0-9]+)*$");
    let max = usize::try_from(slug["maxLength"].as_u64().expect("maxLength")).expect("max");
    let longest = format!("{}-b", "a".repeat(max - 2));
    editor
        .post_expect(
            "/api/v1/tags",
            json!({"name": "Dài", "slug": longest}),
            StatusCode::CREATED,
        )
        .await;
    for refused in [
        format!("{longest}c"),
        "co--hai".to_owned(),
        "Hoa".to_owned(),
    ] {
        let res = editor
            .post("/api/v1/tags", json!({"name": "Khác", "slug": refused}))
            .await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
}

#[test]
fn list_pages_refer_to_their_item_schema() {
    let doc = spec();
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let pages: Vec<&String> = schemas.keys().filter(|k| k.starts_with("Page_")).collect();
    assert!(pages.len() >= 4, "{pages:?}");
    for page in pages {
        let item = page.trim_start_matches("Page_");
        assert_eq!(
            schemas[page]["properties"]["data"]["items"]["$ref"],
            format!("#/components/schemas/{item}"),
            "{page}"
        );
        assert!(schemas.contains_key(item), "{item} is a component");
    }
}

#[test]
fn ids_in_taxonomy_and_account_views_are_uuids() {
    let doc = spec();
    for schema in ["CategoryView", "AuthorView", "TagView", "UserView", "Ref"] {
        assert_eq!(
            doc["components"]["schemas"][schema]["properties"]["id"]["format"], "uuid",
            "{schema}.id"
        );
    }
}

#[actix_web::test]
async fn categories_come_as_a_tree_with_their_public_article_counts() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let parent = editor.category("Chính trị", None).await;
    editor
        .category("Theo gương Bác", parent["id"].as_str())
        .await;
    editor.category("Kinh tế", None).await;
    editor.author_profile("Lê Thị Như Thủy").await;
    let article = |title: &str, category: &str| json!({"title": title, "category_id": category, "author_ids": ["le-thi-nhu-thuy"]});
    for (title, category) in [
        ("Một", "theo-guong-bac"),
        ("Hai", "theo-guong-bac"),
        ("Ba", "chinh-tri"),
    ] {
        let draft = editor.draft(article(title, category)).await;
        editor
            .publish(draft["id"].as_str().expect("id"), None)
            .await;
    }
    // Neither a draft nor a scheduled article counts.
    editor.draft(article("Nháp", "theo-guong-bac")).await;
    let later = editor.draft(article("Sau", "theo-guong-bac")).await;
    editor
        .publish(
            later["id"].as_str().expect("id"),
            Some("2999-01-01T00:00:00Z"),
        )
        .await;

    let tree = app.anon().get_ok("/api/v1/categories?tree=true").await;
    let roots = tree["data"].as_array().expect("roots");
    let names: Vec<&str> = roots.iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(
        names.len(),
        2,
        "only top-level sections at the top: {names:?}"
    );
    let politics = roots
        .iter()
        .find(|c| c["slug"] == "chinh-tri")
        .expect("chinh-tri");
    assert_eq!(politics["article_count"], 1);
    assert_eq!(politics["total_article_count"], 3);
    let child = &politics["children"][0];
    assert_eq!(child["slug"], "theo-guong-bac");
    assert_eq!(child["article_count"], 2);
    assert_eq!(child["children"].as_array().map(Vec::len), Some(0));

    let flat = app.anon().get_ok("/api/v1/categories").await;
    assert_eq!(flat["data"].as_array().map(Vec::len), Some(3));
    assert!(flat["data"][0].get("children").is_none());
    let one = app.anon().get_ok("/api/v1/categories/chinh-tri").await;
    assert_eq!(one["total_article_count"], 3);
    let res = app.anon().get("/api/v1/categories?tree=maybe").await;
    assert_problem(res, StatusCode::BAD_REQUEST, "invalid_query").await;

    let author = app.anon().get_ok("/api/v1/authors/le-thi-nhu-thuy").await;
    assert_eq!(author["article_count"], 3);
    let authors = app.anon().get_ok("/api/v1/authors").await;
    assert_eq!(authors["data"][0]["article_count"], 3);
}
