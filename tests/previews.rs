//! Preview links: a signed, short-lived token that opens one unpublished
//! article to a frontend with no account.

use crate::common::{Api, TestApp, assert_problem};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

async fn mint(api: &Api<'_>, article: &str) -> Value {
    api.post_expect(
        &format!("/api/v1/articles/{article}/preview-token"),
        json!(null),
        StatusCode::CREATED,
    )
    .await
}

async fn preview(app: &TestApp, article: &str, token: &str) -> Response {
    app.anon()
        .get(&format!("/api/v1/articles/{article}?preview={token}"))
        .await
}

fn id(value: &Value) -> String {
    value["id"].as_str().expect("id").to_owned()
}

#[actix_web::test]
async fn a_preview_link_opens_a_draft_to_anyone_and_no_cache_keeps_it() {
    let app = TestApp::spawn().await;
    let (author, _) = app.user("author", "phong-vien@toasoan.test").await;
    let draft = author
        .draft(json!({"title": "Bản nháp chờ duyệt", "body": [{"type": "paragraph", "text": "Nội dung"}]}))
        .await;
    let article = id(&draft);
    // Readers do not see it without the link.
    assert_eq!(
        app.anon()
            .get(&format!("/api/v1/articles/{article}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let minted = mint(&author, &article).await;
    let token = minted["token"].as_str().expect("token");
    assert!(minted["expires_at"].is_string());
    assert_eq!(
        minted["url"],
        format!("/api/v1/articles/{article}?preview={token}").as_str()
    );
    let res = app.anon().get(minted["url"].as_str().expect("url")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("private, no-store")
    );
    let read: Value = res.json().await.expect("json");
    assert_eq!(read["title"], "Bản nháp chờ duyệt");
    assert_eq!(read["status"], "draft");
    // By its slug too (an author's draft has a provisional one), and
    // trimmed like any read.
    let slug = draft["slug"].as_str().expect("slug");
    assert!(slug.starts_with("ban-nhap-cho-duyet-"), "{slug}");
    let res = app
        .anon()
        .get(&format!(
            "/api/v1/articles/{slug}?preview={token}&fields=title"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<Value>().await.expect("json"),
        json!({"id": article, "title": "Bản nháp chờ duyệt"})
    );

    // An editor mints one too.
    let editor = app.editor().await;
    let token = mint(&editor, &article).await["token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_eq!(
        preview(&app, &article, &token).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_preview_token_opens_only_its_article_and_only_while_it_is_valid() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let first = id(&editor.draft(json!({"title": "Bài thứ nhất"})).await);
    let second = id(&editor.draft(json!({"title": "Bài thứ hai"})).await);
    let token = mint(&editor, &first).await["token"]
        .as_str()
        .expect("token")
        .to_owned();

    assert_problem(
        preview(&app, &second, &token).await,
        StatusCode::FORBIDDEN,
        "preview_invalid",
    )
    .await;
    // Tampered: the claims or the signature changed by one character.
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let flip = |s: &str| {
        let mut chars: Vec<char> = s.chars().collect();
        let i = chars.len() / 2;
        chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
        chars.into_iter().collect::<String>()
    };
    parts[2] = flip(&parts[2]);
    let bad_signature = parts.join(".");
    parts[2] = token.split('.').nth(2).expect("signature").to_owned();
    parts[1] = flip(&parts[1]);
    let bad_claims = parts.join(".");
    for bad in [
        bad_signature.as_str(),
        bad_claims.as_str(),
        "garbage",
        "a.b.c",
    ] {
        assert_problem(
            preview(&app, &first, bad).await,
            StatusCode::FORBIDDEN,
            "preview_invalid",
        )
        .await;
    }
    // An access token is no preview token, and a preview token no access token.
    let access = app
        .login(crate::common::ADMIN_EMAIL, crate::common::ADMIN_PASSWORD)
        .await;
    let access = access["access_token"].as_str().expect("access token");
    assert_problem(
        preview(&app, &first, access).await,
        StatusCode::FORBIDDEN,
        "preview_invalid",
    )
    .await;
    assert_problem(
        app.with_token(&token).get("/api/v1/auth/me").await,
        StatusCode::UNAUTHORIZED,
        "token_invalid",
    )
    .await;

    // Deleted, the article is gone for the link too.
    assert_eq!(preview(&app, &first, &token).await.status(), StatusCode::OK);
    let res = editor.delete(&format!("/api/v1/articles/{first}")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_problem(
        preview(&app, &first, &token).await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    )
    .await;
}

#[actix_web::test]
async fn an_expired_preview_token_is_refused() {
    // Links that live no time at all expire as they are minted.
    let app = TestApp::spawn_with(|config| config.preview_ttl = std::time::Duration::ZERO).await;
    let editor = app.editor().await;
    let article = id(&editor.draft(json!({"title": "Hết hạn"})).await);
    let token = mint(&editor, &article).await["token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_problem(
        preview(&app, &article, &token).await,
        StatusCode::FORBIDDEN,
        "preview_expired",
    )
    .await;
}

#[actix_web::test]
async fn only_editors_and_the_articles_author_mint_preview_links() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.user("author", "chu-bai@toasoan.test").await;
    let (other, _) = app.user("author", "nguoi-khac@toasoan.test").await;
    let article = id(&owner.draft(json!({"title": "Bài riêng"})).await);
    let path = format!("/api/v1/articles/{article}/preview-token");
    assert_problem(
        other.post(&path, json!(null)).await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    )
    .await;
    assert_problem(
        app.anon().post(&path, json!(null)).await,
        StatusCode::UNAUTHORIZED,
        "token_missing",
    )
    .await;
    assert_problem(
        app.anon()
            .post("/api/v1/articles/khong-co/preview-token", json!(null))
            .await,
        StatusCode::UNAUTHORIZED,
        "token_missing",
    )
    .await;
    let editor = app.editor().await;
    assert_problem(
        editor
            .post("/api/v1/articles/khong-co/preview-token", json!(null))
            .await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    )
    .await;
    // Published, the link is harmless and still minted for the author.
    editor.publish(&article, None).await;
    let token = mint(&owner, &article).await["token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_eq!(
        preview(&app, &article, &token).await.status(),
        StatusCode::OK
    );
}
