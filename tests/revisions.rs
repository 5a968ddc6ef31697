//! Revisions (every save, the history, restoring), corrections on published
//! articles, and the word count and reading time of a body.

use crate::common::media::{Form, encoded, photo};
use crate::common::{Api, TestApp, assert_problem};
use image::ImageFormat;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

/// Uploads a small photo `width` pixels wide and returns its id.
async fn image(api: &Api<'_>, width: u32) -> String {
    let form = Form::new()
        .file(
            "file",
            "anh.jpg",
            "image/jpeg",
            &encoded(&photo(width, 48), ImageFormat::Jpeg),
        )
        .text("caption", "Hội nghị triển khai kế hoạch");
    let res = api
        .request(Method::POST, "/api/v1/images")
        .header("content-type", form.content_type())
        .body(form.body())
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.expect("image")["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// A request with `If-Match`.
async fn send_if_match(
    api: &Api<'_>,
    method: Method,
    path: &str,
    etag: &str,
    body: Option<Value>,
) -> Response {
    let mut req = api.request(method, path).header("if-match", etag);
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.expect("request")
}

/// Edits an article at its current version; returns the new article.
async fn edit(api: &Api<'_>, id: &str, changes: Value) -> Value {
    let current = api.get_ok(&format!("/api/v1/articles/{id}")).await;
    let mut body = changes;
    body["version"] = current["version"].clone();
    let res = api.patch(&format!("/api/v1/articles/{id}"), body).await;
    let status = res.status();
    let text = res.text().await.expect("body");
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).expect("article")
}

/// POSTs with an empty body and expects 200.
async fn act(api: &Api<'_>, id: &str, action: &str) -> Value {
    api.post_expect(
        &format!("/api/v1/articles/{id}/{action}"),
        json!({}),
        StatusCode::OK,
    )
    .await
}

fn numbers(page: &Value) -> Vec<i64> {
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|r| r["n"].as_i64().expect("n"))
        .collect()
}

/// Every revision number of an article, newest first, across pages.
async fn all_numbers(api: &Api<'_>, id: &str) -> Vec<i64> {
    let mut out = Vec::new();
    let mut path = format!("/api/v1/articles/{id}/revisions?limit=100");
    loop {
        let page = api.get_ok(&path).await;
        out.extend(numbers(&page));
        match page["meta"]["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/articles/{id}/revisions?limit=100&cursor={c}"),
            None => return out,
        }
    }
}

const CONTENT: [&str; 10] = [
    "title",
    "slug",
    "sapo",
    "body",
    "body_html",
    "category",
    "cover_image",
    "authors",
    "tags",
    "featured",
];

#[actix_web::test]
async fn a_restored_revision_equals_the_old_content_field_by_field() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let (one, two) = (
        editor.category("Thời sự", None).await,
        editor.category("Theo gương Bác", None).await,
    );
    let (a, b) = (
        editor.author_profile("Lê Thị Như Thủy").await,
        editor.author_profile("Nguyễn Trung").await,
    );
    for tag in ["Mặt trận", "Học tập", "Quảng Nam"] {
        editor
            .post_expect("/api/v1/tags", json!({"name": tag}), StatusCode::CREATED)
            .await;
    }
    let (cover1, cover2) = (image(&editor, 64).await, image(&editor, 80).await);
    let draft = editor
        .draft(json!({
            "title": "Mặt trận các cấp triển khai kế hoạch",
            "sapo": "(QNO) - Ban Thường trực vừa ban hành kế hoạch.",
            "category_id": one["id"],
            "author_ids": [a["id"], b["id"]],
            "tag_ids": ["mat-tran", "hoc-tap"],
            "cover_image_id": cover1,
            "featured": true,
            "body": [
                {"type": "paragraph", "text": "Theo đó, <b>tiếp tục</b> tổ chức quán triệt."},
                {"type": "image", "image_id": cover1, "caption": "Hội nghị"},
                {"type": "quote", "text": "Dám nghĩ, dám làm", "cite": "Kế hoạch"}
            ]
        }))
        .await;
    let id = draft["id"].as_str().expect("id");
    let old = editor.get_ok(&format!("/api/v1/articles/{id}")).await;

    let changed = edit(
        &editor,
        id,
        json!({
            "title": "Tiêu đề khác hẳn",
            "slug": "tieu-de-khac",
            "sapo": null,
            "category_id": two["id"],
            "author_ids": [b["id"]],
            "tag_ids": ["quang-nam"],
            "cover_image_id": cover2,
            "featured": false,
            "body": [{"type": "paragraph", "text": "Chỉ một đoạn."}]
        }),
    )
    .await;
    for field in CONTENT {
        assert_ne!(changed[field], old[field], "{field} changed");
    }

    let restored = editor
        .post_expect(
            &format!("/api/v1/articles/{id}/revisions/1/restore"),
            json!({"version": changed["version"]}),
            StatusCode::OK,
        )
        .await;
    for field in CONTENT {
        assert_eq!(restored[field], old[field], "{field} restored");
    }
    assert_eq!(restored["status"], "draft");
    // The old slug answers for the article again, the one in between redirects.
    let again = editor
        .get_ok(&format!(
            "/api/v1/articles/{}",
            old["slug"].as_str().expect("slug")
        ))
        .await;
    assert_eq!(again["id"], id);
    let res = editor.get("/api/v1/articles/tieu-de-khac").await;
    assert_eq!(res.status(), StatusCode::MOVED_PERMANENTLY);
}

#[actix_web::test]
async fn a_restore_is_a_new_revision_and_a_new_version_keeping_status_and_publication() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Bản đầu"})).await;
    let id = draft["id"].as_str().expect("id");
    edit(&editor, id, json!({"title": "Bản hai"})).await;
    let published = editor.publish(id, Some("2024-04-20T09:54:00+07:00")).await;
    assert_eq!(published["version"], 3);

    let restored = editor
        .post_expect(
            &format!("/api/v1/articles/{id}/revisions/1/restore"),
            Value::Null,
            StatusCode::OK,
        )
        .await;
    assert_eq!(restored["title"], "Bản đầu");
    assert_eq!(restored["version"], 4);
    assert_eq!(restored["status"], "published");
    assert_eq!(restored["published_at"], "2024-04-20T02:54:00Z");

    let history = editor
        .get_ok(&format!("/api/v1/articles/{id}/revisions"))
        .await;
    assert_eq!(numbers(&history), vec![4, 3, 2, 1]);
    let newest = &history["data"][0];
    assert_eq!(newest["version"], 4);
    assert_eq!(newest["title"], "Bản đầu");
    assert_eq!(newest["status"], "published");
    // Readers see the restored title.
    let public = app.anon().get_ok(&format!("/api/v1/articles/{id}")).await;
    assert_eq!(public["title"], "Bản đầu");
}

#[actix_web::test]
async fn a_restore_with_a_stale_if_match_changes_nothing() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Bản đầu"})).await;
    let id = draft["id"].as_str().expect("id");
    let res = editor.get(&format!("/api/v1/articles/{id}")).await;
    let stale = res.headers()["etag"].to_str().expect("etag").to_owned();
    edit(&editor, id, json!({"title": "Bản hai"})).await;

    let path = format!("/api/v1/articles/{id}/revisions/1/restore");
    let res = send_if_match(&editor, Method::POST, &path, &stale, None).await;
    assert_problem(res, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    let res = editor.post(&path, json!({"version": 1})).await;
    assert_problem(res, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    let after = editor.get_ok(&format!("/api/v1/articles/{id}")).await;
    assert_eq!(after["title"], "Bản hai");
    assert_eq!(after["version"], 2);
    assert_eq!(all_numbers(&editor, id).await, vec![2, 1]);

    // The current ETag, or `*`, is honoured.
    let res = editor.get(&format!("/api/v1/articles/{id}")).await;
    let current = res.headers()["etag"].to_str().expect("etag").to_owned();
    let res = send_if_match(&editor, Method::POST, &path, &current, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = send_if_match(&editor, Method::POST, &path, "*", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(all_numbers(&editor, id).await, vec![4, 3, 2, 1]);
}

#[actix_web::test]
async fn unknown_revisions_and_revisions_of_another_article_are_not_found() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let first = editor.draft(json!({"title": "Bài một"})).await;
    let second = editor.draft(json!({"title": "Bài hai"})).await;
    let (first, second) = (
        first["id"].as_str().expect("id"),
        second["id"].as_str().expect("id"),
    );
    edit(&editor, first, json!({"title": "Bài một, sửa"})).await;
    // Revision 2 exists for the first article only.
    let res = editor
        .post(
            &format!("/api/v1/articles/{second}/revisions/2/restore"),
            json!({}),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "revision_not_found").await;
    for n in ["0", "3", "-1", "99999"] {
        let res = editor
            .get(&format!("/api/v1/articles/{first}/revisions/{n}"))
            .await;
        assert_problem(res, StatusCode::NOT_FOUND, "revision_not_found").await;
        let res = editor
            .post(
                &format!("/api/v1/articles/{first}/revisions/{n}/restore"),
                json!({}),
            )
            .await;
        assert_problem(res, StatusCode::NOT_FOUND, "revision_not_found").await;
    }
    let res = editor
        .get(&format!("/api/v1/articles/{first}/revisions/abc"))
        .await;
    assert_problem(res, StatusCode::BAD_REQUEST, "invalid_path").await;
    let res = editor
        .get("/api/v1/articles/khong-co-bai-nay/revisions")
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "article_not_found").await;
    // Nothing changed.
    let second = editor.get_ok(&format!("/api/v1/articles/{second}")).await;
    assert_eq!(
        (second["title"].clone(), second["version"].clone()),
        (json!("Bài hai"), json!(1))
    );
}

/// Runs SQL on the test database directly (what no API call does).
fn sql(app: &TestApp, statement: &str) {
    use diesel::{Connection, RunQueryDsl};
    let done = if app.backend == "postgres" {
        let mut conn = diesel::PgConnection::establish(&app.database_url).expect("pg");
        diesel::sql_query(statement).execute(&mut conn)
    } else {
        let mut conn = diesel::SqliteConnection::establish(&app.database_url).expect("sqlite");
        diesel::sql_query(statement).execute(&mut conn)
    };
    done.expect("sql");
}

#[actix_web::test]
async fn restoring_a_slug_another_article_took_since_is_a_conflict() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let first = editor.draft(json!({"title": "Tin nóng"})).await;
    let id = first["id"].as_str().expect("id");
    edit(&editor, id, json!({"slug": "tin-da-sua"})).await;
    // Old slugs stay reserved as redirects; one forgotten by hand is free
    // for another article to take.
    sql(
        &app,
        "DELETE FROM article_slug_redirects WHERE slug = 'tin-nong'",
    );
    let other = editor.draft(json!({"title": "Khác"})).await;
    edit(
        &editor,
        other["id"].as_str().expect("id"),
        json!({"slug": "tin-nong"}),
    )
    .await;

    let res = editor
        .post(
            &format!("/api/v1/articles/{id}/revisions/1/restore"),
            json!({}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "slug_taken").await;
    let after = editor.get_ok(&format!("/api/v1/articles/{id}")).await;
    assert_eq!(after["slug"], "tin-da-sua");
    assert_eq!(after["version"], 2);
    assert_eq!(all_numbers(&editor, id).await, vec![2, 1]);
}

#[actix_web::test]
async fn the_history_lists_newest_first_in_pages_without_bodies() {
    let app = TestApp::spawn().await;
    let (editor, editor_id) = app.user("editor", "bien-tap@toasoan.test").await;
    let draft = editor
        .draft(json!({"title": "Bản 1", "body": [{"type": "paragraph", "text": "Nội dung"}]}))
        .await;
    let id = draft["id"].as_str().expect("id");
    for n in 2..=5 {
        edit(&editor, id, json!({"title": format!("Bản {n}")})).await;
    }
    let first = editor
        .get_ok(&format!("/api/v1/articles/{id}/revisions?limit=2"))
        .await;
    assert_eq!(numbers(&first), vec![5, 4]);
    let item = &first["data"][0];
    assert_eq!(item["title"], "Bản 5");
    assert_eq!(item["version"], 5);
    assert_eq!(item["status"], "draft");
    assert_eq!(
        item["by"],
        json!({"id": editor_id, "display_name": "bien-tap@toasoan.test"})
    );
    assert!(item["at"].is_string());
    assert!(item.get("snapshot").is_none() && item.get("body").is_none());
    let cursor = first["meta"]["next_cursor"].as_str().expect("cursor");
    let second = editor
        .get_ok(&format!(
            "/api/v1/articles/{id}/revisions?limit=2&cursor={cursor}"
        ))
        .await;
    assert_eq!(numbers(&second), vec![3, 2]);
    let cursor = second["meta"]["next_cursor"].as_str().expect("cursor");
    let third = editor
        .get_ok(&format!(
            "/api/v1/articles/{id}/revisions?limit=2&cursor={cursor}"
        ))
        .await;
    assert_eq!(numbers(&third), vec![1]);
    assert!(third["meta"]["next_cursor"].is_null());

    // One revision carries the whole snapshot.
    let one = editor
        .get_ok(&format!("/api/v1/articles/{id}/revisions/1"))
        .await;
    assert_eq!(one["n"], 1);
    assert_eq!(one["snapshot"]["title"], "Bản 1");
    assert_eq!(
        one["snapshot"]["body"],
        json!([{"type": "paragraph", "text": "Nội dung"}])
    );
    assert_eq!(one["snapshot"]["body_html"], "<p>Nội dung</p>");
    assert_eq!(one["snapshot"]["status"], "draft");

    for bad in ["limit=0", "limit=101", "cursor=xyz", "sort=old"] {
        let res = editor
            .get(&format!("/api/v1/articles/{id}/revisions?{bad}"))
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    let res = app
        .anon()
        .get(&format!("/api/v1/articles/{id}/revisions"))
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_missing").await;
}

#[actix_web::test]
async fn authors_see_the_history_of_their_own_articles_only() {
    let app = TestApp::spawn().await;
    let author = app.author().await;
    let other = app.author().await;
    let editor = app.editor().await;
    let own = author.draft(json!({"title": "Bài của tôi"})).await;
    let own = own["id"].as_str().expect("id");
    let theirs = other.draft(json!({"title": "Bài của người khác"})).await;
    let theirs = theirs["id"].as_str().expect("id");
    let published = editor.draft(json!({"title": "Bài đã đăng"})).await;
    let published = published["id"].as_str().expect("id");
    editor.publish(published, None).await;

    assert_eq!(all_numbers(&author, own).await, vec![1]);
    author
        .get_ok(&format!("/api/v1/articles/{own}/revisions/1"))
        .await;
    for id in [theirs, published] {
        let res = author
            .get(&format!("/api/v1/articles/{id}/revisions"))
            .await;
        assert_problem(res, StatusCode::NOT_FOUND, "article_not_found").await;
        let res = author
            .get(&format!("/api/v1/articles/{id}/revisions/1"))
            .await;
        assert_problem(res, StatusCode::NOT_FOUND, "article_not_found").await;
    }
    // Restoring follows the editing rules: another's draft is 404, a
    // published article 403; an editor sees every history.
    let res = author
        .post(
            &format!("/api/v1/articles/{theirs}/revisions/1/restore"),
            json!({}),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "article_not_found").await;
    let res = author
        .post(
            &format!("/api/v1/articles/{published}/revisions/1/restore"),
            json!({}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(all_numbers(&editor, theirs).await, vec![1]);
    // The author restores their own draft.
    edit(&author, own, json!({"title": "Bài của tôi, sửa"})).await;
    let restored = author
        .post_expect(
            &format!("/api/v1/articles/{own}/revisions/1/restore"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(restored["title"], "Bài của tôi");
}

#[actix_web::test]
async fn every_workflow_action_is_a_revision() {
    let app = TestApp::spawn().await;
    let author = app.author().await;
    let editor = app.editor().await;
    let draft = author.draft(json!({"title": "Bài mới"})).await;
    let id = draft["id"].as_str().expect("id");
    act(&author, id, "submit").await;
    editor.publish(id, None).await;
    act(&editor, id, "unpublish").await;
    editor.publish(id, None).await;
    act(&editor, id, "archive").await;
    let history = editor
        .get_ok(&format!("/api/v1/articles/{id}/revisions"))
        .await;
    let statuses: Vec<&str> = history["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|r| r["status"].as_str().expect("status"))
        .collect();
    assert_eq!(
        statuses,
        vec![
            "archived",
            "published",
            "draft",
            "published",
            "in_review",
            "draft"
        ]
    );
    assert_eq!(numbers(&history), vec![6, 5, 4, 3, 2, 1]);
    let versions: Vec<i64> = history["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|r| r["version"].as_i64().expect("version"))
        .collect();
    assert_eq!(versions, vec![6, 5, 4, 3, 2, 1]);
    let published = editor
        .get_ok(&format!("/api/v1/articles/{id}/revisions/3"))
        .await;
    assert!(published["snapshot"]["published_at"].is_string());
}

#[actix_web::test]
async fn drafts_keep_their_first_and_newest_revisions_and_published_articles_keep_all() {
    let app = TestApp::spawn_with(|config| config.draft_revisions_kept = 3).await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Bản 1"})).await;
    let id = draft["id"].as_str().expect("id");
    for n in 2..=8 {
        edit(&editor, id, json!({"title": format!("Bản {n}")})).await;
    }
    assert_eq!(all_numbers(&editor, id).await, vec![8, 7, 6, 1]);
    let res = editor
        .get(&format!("/api/v1/articles/{id}/revisions/5"))
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "revision_not_found").await;
    // Once published, nothing is pruned, even back in draft.
    editor.publish(id, None).await;
    act(&editor, id, "unpublish").await;
    for n in 11..=14 {
        edit(&editor, id, json!({"title": format!("Bản {n}")})).await;
    }
    assert_eq!(
        all_numbers(&editor, id).await,
        vec![14, 13, 12, 11, 10, 9, 8, 7, 6, 1]
    );
}

#[actix_web::test]
async fn corrections_are_public_and_move_updated_at_but_not_published_at() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Tin có sai sót"})).await;
    let id = draft["id"].as_str().expect("id");
    editor.publish(id, Some("2024-04-20T09:54:00+07:00")).await;
    let res = app.anon().get(&format!("/api/v1/articles/{id}")).await;
    let old_etag = res.headers()["etag"].to_str().expect("etag").to_owned();
    let before: Value = res.json().await.expect("article");
    assert_eq!(before["corrections"], json!([]));

    let path = format!("/api/v1/articles/{id}/corrections");
    let res = editor
        .post(
            &path,
            json!({"text": "  Bản trước ghi nhầm ngày ban hành.  "}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(res.headers().contains_key("etag"));
    let answered: Value = res.json().await.expect("article");
    assert_eq!(
        answered["version"],
        before["version"].as_i64().expect("v") + 1
    );
    editor
        .post_expect(
            &path,
            json!({"text": "Sửa tên người phát biểu."}),
            StatusCode::CREATED,
        )
        .await;

    let res = app
        .anon()
        .request(Method::GET, &format!("/api/v1/articles/{id}"))
        .header("if-none-match", &old_etag)
        .send()
        .await
        .expect("GET");
    assert_eq!(res.status(), StatusCode::OK, "the old ETag is stale");
    let after: Value = res.json().await.expect("article");
    let texts: Vec<&str> = after["corrections"]
        .as_array()
        .expect("corrections")
        .iter()
        .map(|c| c["text"].as_str().expect("text"))
        .collect();
    assert_eq!(
        texts,
        vec![
            "Bản trước ghi nhầm ngày ban hành.",
            "Sửa tên người phát biểu."
        ]
    );
    assert!(after["corrections"][0]["at"].is_string());
    assert_eq!(after["published_at"], "2024-04-20T02:54:00Z");
    assert_ne!(after["updated_at"], before["updated_at"]);
    assert_eq!(after["version"], before["version"].as_i64().expect("v") + 2);
    // Each correction is a revision, and the snapshot holds them.
    let history = editor
        .get_ok(&format!("/api/v1/articles/{id}/revisions"))
        .await;
    assert_eq!(numbers(&history), vec![4, 3, 2, 1]);
    let last = editor
        .get_ok(&format!("/api/v1/articles/{id}/revisions/4"))
        .await;
    assert_eq!(
        last["snapshot"]["corrections"].as_array().map(Vec::len),
        Some(2)
    );
}

#[actix_web::test]
async fn corrections_are_for_editors_and_published_articles_with_some_text() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let author = app.author().await;
    let draft = editor.draft(json!({"title": "Bản nháp"})).await;
    let draft = draft["id"].as_str().expect("id");
    let scheduled = editor.draft(json!({"title": "Hẹn giờ"})).await;
    let scheduled = scheduled["id"].as_str().expect("id");
    editor
        .publish(scheduled, Some("2099-01-01T00:00:00Z"))
        .await;
    let live = editor.draft(json!({"title": "Đã đăng"})).await;
    let live = live["id"].as_str().expect("id");
    editor.publish(live, None).await;

    let text = json!({"text": "Đính chính."});
    for id in [draft, scheduled] {
        let res = editor
            .post(&format!("/api/v1/articles/{id}/corrections"), text.clone())
            .await;
        assert_problem(res, StatusCode::CONFLICT, "not_published").await;
    }
    let path = format!("/api/v1/articles/{live}/corrections");
    let res = author.post(&path, text.clone()).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app.anon().post(&path, text.clone()).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_missing").await;
    for bad in [
        json!({"text": "   "}),
        json!({"text": ""}),
        json!({"text": "ă".repeat(2001)}),
    ] {
        let res = editor.post(&path, bad).await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    for bad in [
        json!({}),
        json!({"text": "x", "at": "2024-01-01T00:00:00Z"}),
    ] {
        let res = editor.post(&path, bad).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let res = editor
        .post("/api/v1/articles/khong-co/corrections", text.clone())
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "article_not_found").await;
    // Nothing was written.
    let article = app.anon().get_ok(&format!("/api/v1/articles/{live}")).await;
    assert_eq!(article["corrections"], json!([]));
    assert_eq!(article["version"], 2);
}

#[actix_web::test]
async fn word_count_and_reading_time_come_from_the_body() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    // 450 words of paragraphs, plus a heading of 3 and a caption-less quote
    // of 2: 455 words, 3 minutes at 200 a minute (rounded up).
    let paragraph = vec!["chữ"; 150].join(" ");
    let draft = editor
        .draft(json!({
            "title": "Một tiêu đề không được tính",
            "sapo": "Sapo cũng không được tính",
            "body": [
                {"type": "paragraph", "text": paragraph},
                {"type": "heading", "level": 2, "text": "Ba chữ nữa"},
                {"type": "paragraph", "text": format!("<b>{paragraph}</b> - –")},
                {"type": "quote", "text": "Hai chữ"},
                {"type": "paragraph", "text": paragraph},
            ]
        }))
        .await;
    assert_eq!(draft["word_count"], 455);
    assert_eq!(draft["reading_time_minutes"], 3);
    let id = draft["id"].as_str().expect("id");
    let read = editor.get_ok(&format!("/api/v1/articles/{id}")).await;
    assert_eq!(
        (
            read["word_count"].clone(),
            read["reading_time_minutes"].clone()
        ),
        (json!(455), json!(3))
    );
    let edited = edit(
        &editor,
        id,
        json!({"body": [{"type": "paragraph", "text": "Ngắn thôi."}]}),
    )
    .await;
    assert_eq!(edited["word_count"], 2);
    assert_eq!(edited["reading_time_minutes"], 1);
    editor.publish(id, None).await;
    let list = app.anon().get_ok("/api/v1/articles").await;
    assert_eq!(list["data"][0]["word_count"], 2);
    assert_eq!(list["data"][0]["reading_time_minutes"], 1);
    let empty = editor.draft(json!({"title": "Trống"})).await;
    assert_eq!(empty["word_count"], 0);
    assert_eq!(empty["reading_time_minutes"], 1);

    // Rows stored before the columns existed read 0 until `toasoan reindex`.
    sql(
        &app,
        "UPDATE articles SET word_count = 0, reading_time_minutes = 0",
    );
    let pool = toasoan_persistence::connect(&app.database_url, 1).expect("pool");
    actix_web::rt::task::spawn_blocking(move || toasoan_api::reindex::run(&pool))
        .await
        .expect("join")
        .expect("reindex");
    let read = app.anon().get_ok(&format!("/api/v1/articles/{id}")).await;
    assert_eq!(
        (
            read["word_count"].clone(),
            read["reading_time_minutes"].clone()
        ),
        (json!(2), json!(1))
    );
}
