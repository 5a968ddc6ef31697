//! Slugs tell an author nothing about articles they may not read: an
//! author's draft gets a provisional slug (what was asked for, or made from
//! the title, followed by the end of its own id) that is never compared with
//! other articles, so neither the slug nor a 409 depends on them. Publishing
//! settles it: the slug it stands for, numbered past every slug in use.

use crate::common::{Api, TestApp, assert_problem};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn text(value: &Value, field: &str) -> String {
    value[field].as_str().expect(field).to_owned()
}

/// The provisional slug of article `id` standing for `wish`.
fn provisional(wish: &str, id: &str) -> String {
    let tail: String = id.chars().filter(char::is_ascii_alphanumeric).collect();
    format!("{wish}-{}", &tail[tail.len() - 8..])
}

async fn post_ok(api: &Api<'_>, path: &str, body: Value) -> Value {
    api.post_expect(path, body, StatusCode::OK).await
}

/// Articles an author may not read, each holding one slug: an editor's
/// draft, one in review, a scheduled one, an archived one, an expired one,
/// another author's draft, and the old slug of a renamed draft.
async fn hidden_slugs(app: &TestApp) -> Vec<String> {
    let editor = app.editor().await;
    let mut held = Vec::new();
    let draft = editor.draft(json!({"title": "Tin mật nháp"})).await;
    held.push(text(&draft, "slug"));
    let review = editor.draft(json!({"title": "Tin mật duyệt"})).await;
    post_ok(
        &editor,
        &format!("/api/v1/articles/{}/submit", text(&review, "id")),
        json!({}),
    )
    .await;
    held.push(text(&review, "slug"));
    let scheduled = editor.draft(json!({"title": "Tin mật hẹn giờ"})).await;
    editor
        .publish(&text(&scheduled, "id"), Some("2099-01-01T00:00:00Z"))
        .await;
    held.push(text(&scheduled, "slug"));
    let archived = editor.draft(json!({"title": "Tin mật lưu trữ"})).await;
    editor.publish(&text(&archived, "id"), None).await;
    post_ok(
        &editor,
        &format!("/api/v1/articles/{}/archive", text(&archived, "id")),
        json!({}),
    )
    .await;
    held.push(text(&archived, "slug"));
    let expired = editor.draft(json!({"title": "Tin mật hết hạn"})).await;
    post_ok(
        &editor,
        &format!("/api/v1/articles/{}/publish", text(&expired, "id")),
        json!({"at": "2024-01-01T00:00:00Z", "unpublish_at": "2024-01-02T00:00:00Z"}),
    )
    .await;
    held.push(text(&expired, "slug"));
    let other_author = app.author().await;
    let theirs = other_author
        .draft(json!({"title": "Tin mật riêng", "slug": "tin-mat-rieng"}))
        .await;
    held.push(text(&theirs, "slug"));
    let renamed = editor.draft(json!({"title": "Tin mật cũ"})).await;
    let res = editor
        .patch(
            &format!("/api/v1/articles/{}", text(&renamed, "id")),
            json!({"version": 1, "slug": "tin-mat-moi-hon"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    held.push(text(&renamed, "slug"));
    assert_eq!(
        held[..5],
        [
            "tin-mat-nhap",
            "tin-mat-duyet",
            "tin-mat-hen-gio",
            "tin-mat-luu-tru",
            "tin-mat-het-han"
        ]
    );
    assert_eq!(held[6], "tin-mat-cu");
    held
}

#[actix_web::test]
async fn an_author_cannot_learn_a_hidden_slug_from_the_slug_they_get_or_a_409() {
    let app = TestApp::spawn().await;
    let held = hidden_slugs(&app).await;
    let author = app.author().await;
    // A title nobody used: the shape every answer below must have too.
    let fresh = author.draft(json!({"title": "Tin chưa ai viết"})).await;
    assert_eq!(
        text(&fresh, "slug"),
        provisional("tin-chua-ai-viet", &text(&fresh, "id"))
    );
    let mut version = fresh["version"].as_i64().expect("version");
    for slug in &held {
        // Hidden to the author, whatever it is.
        let res = author.get(&format!("/api/v1/articles/{slug}")).await;
        assert_problem(res, StatusCode::NOT_FOUND, "article_not_found").await;
        // A slug made from a title that gives it.
        let title = slug.replace('-', " ");
        let made = author.draft(json!({"title": title})).await;
        assert_eq!(
            text(&made, "slug"),
            provisional(slug, &text(&made, "id")),
            "{slug}"
        );
        // The slug asked for by name: no 409.
        let asked = author.draft(json!({"title": "Khác", "slug": slug})).await;
        assert_eq!(
            text(&asked, "slug"),
            provisional(slug, &text(&asked, "id")),
            "{slug}"
        );
        // A rename of the author's own draft: no 409 either.
        let path = format!("/api/v1/articles/{}", text(&fresh, "id"));
        let res = author
            .patch(&path, json!({"version": version, "slug": slug}))
            .await;
        let status = res.status();
        let renamed: Value = res.json().await.expect("json");
        assert_eq!(status, StatusCode::OK, "{renamed}");
        assert_eq!(
            text(&renamed, "slug"),
            provisional(slug, &text(&fresh, "id")),
            "{slug}"
        );
        version = renamed["version"].as_i64().expect("version");
    }
}

#[actix_web::test]
async fn editors_still_get_numbered_slugs_and_409s_against_every_article() {
    let app = TestApp::spawn().await;
    let held = hidden_slugs(&app).await;
    let editor = app.editor().await;
    let made = editor.draft(json!({"title": "Tin mật nháp"})).await;
    assert_eq!(text(&made, "slug"), "tin-mat-nhap-2");
    let res = editor
        .post(
            "/api/v1/articles",
            json!({"title": "Khác", "slug": held[2]}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "slug_taken").await;
}

#[actix_web::test]
async fn publishing_settles_an_authors_provisional_slug_past_every_slug_in_use() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let first = app.author().await.draft(json!({"title": "Tin mới"})).await;
    let first_id = text(&first, "id");
    let preview = editor
        .post_expect(
            &format!("/api/v1/articles/{first_id}/preview-token"),
            json!({}),
            StatusCode::CREATED,
        )
        .await;
    let published = editor.publish(&first_id, None).await;
    assert_eq!(text(&published, "slug"), "tin-moi");
    // Readers find it by the settled slug; the provisional one redirects,
    // and a preview link minted before keeps working.
    assert_eq!(
        app.anon().get("/api/v1/articles/tin-moi").await.status(),
        StatusCode::OK
    );
    let res = app
        .anon()
        .get(&format!("/api/v1/articles/{}", text(&first, "slug")))
        .await;
    assert_eq!(res.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        res.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/api/v1/articles/tin-moi")
    );
    let res = app.anon().get(text(&preview, "url").as_str()).await;
    assert_eq!(res.status(), StatusCode::OK);

    // A second one, scheduled: settled when published, not when it shows.
    let second = app.author().await.draft(json!({"title": "Tin mới"})).await;
    let scheduled = editor
        .publish(&text(&second, "id"), Some("2099-01-01T00:00:00Z"))
        .await;
    assert_eq!(text(&scheduled, "slug"), "tin-moi-2");
    assert_eq!(scheduled["status"], "scheduled");

    // An unpublished article keeps the slug readers knew, and nobody
    // else gets it meanwhile; republished, it is unchanged.
    post_ok(
        &editor,
        &format!("/api/v1/articles/{first_id}/unpublish"),
        json!({}),
    )
    .await;
    let third = app
        .author()
        .await
        .draft(json!({"title": "Khác", "slug": "tin-moi"}))
        .await;
    assert_eq!(
        text(&editor.publish(&text(&third, "id"), None).await, "slug"),
        "tin-moi-3"
    );
    assert_eq!(
        text(&editor.publish(&first_id, None).await, "slug"),
        "tin-moi"
    );

    // An editor's unpublished draft holding the slug keeps it.
    let desk = editor.draft(json!({"title": "Tin nóng"})).await;
    let fourth = app.author().await.draft(json!({"title": "Tin nóng"})).await;
    assert_eq!(
        text(&editor.publish(&text(&fourth, "id"), None).await, "slug"),
        "tin-nong-2"
    );
    let still = editor
        .get_ok(&format!("/api/v1/articles/{}", text(&desk, "id")))
        .await;
    assert_eq!(text(&still, "slug"), "tin-nong");

    // Published slugs are unique: every one answers its own article.
    for (slug, id) in [
        ("tin-moi", first_id.as_str()),
        ("tin-moi-2", text(&second, "id").as_str()),
        ("tin-moi-3", text(&third, "id").as_str()),
        ("tin-nong-2", text(&fourth, "id").as_str()),
    ] {
        let read = editor.get_ok(&format!("/api/v1/articles/{slug}")).await;
        assert_eq!(read["id"], id, "{slug}");
    }
}

#[actix_web::test]
async fn restoring_a_draft_revision_keeps_the_slug_the_article_was_published_under() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let draft = app
        .author()
        .await
        .draft(json!({"title": "Tin sửa lại"}))
        .await;
    let id = text(&draft, "id");
    let published = editor.publish(&id, None).await;
    assert_eq!(text(&published, "slug"), "tin-sua-lai");
    let restored = post_ok(
        &editor,
        &format!("/api/v1/articles/{id}/revisions/1/restore"),
        json!({"version": published["version"]}),
    )
    .await;
    assert_eq!(text(&restored, "slug"), "tin-sua-lai");
}
