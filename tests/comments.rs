//! Reader comments: held until approved, threads, the count, comment
//! modes, abuse protection, and hostile input.

use crate::common::{Api, TestApp, assert_problem};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Publishes an article and returns its id.
async fn published(editor: &Api<'_>, title: &str) -> String {
    let draft = editor.draft(json!({"title": title})).await;
    let id = draft["id"].as_str().expect("id").to_owned();
    editor.publish(&id, None).await;
    id
}

fn comments_of(article: &str) -> String {
    format!("/api/v1/articles/{article}/comments")
}

/// Posts a comment that must be received; returns its id.
async fn post_ok(api: &Api<'_>, article: &str, body: Value) -> String {
    let receipt = api
        .post_expect(&comments_of(article), body, StatusCode::ACCEPTED)
        .await;
    receipt["id"].as_str().expect("id").to_owned()
}

fn reader(name: &str, body: &str) -> Value {
    json!({"author_name": name, "email": "ban.doc@example.vn", "body": body})
}

async fn set_status(editor: &Api<'_>, id: &str, status: &str) {
    let res = editor
        .patch(&format!("/api/v1/comments/{id}"), json!({"status": status}))
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{status}");
}

async fn count(app: &TestApp, article: &str) -> i64 {
    app.anon()
        .get_ok(&format!("/api/v1/articles/{article}"))
        .await["comment_count"]
        .as_i64()
        .expect("comment_count")
}

async fn public_bodies(app: &TestApp, article: &str) -> Vec<String> {
    app.anon().get_ok(&comments_of(article)).await["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|c| c["body"].as_str().expect("body").to_owned())
        .collect()
}

async fn queue(editor: &Api<'_>, query: &str) -> Vec<Value> {
    editor.get_ok(&format!("/api/v1/comments?{query}")).await["data"]
        .as_array()
        .expect("data")
        .clone()
}

#[actix_web::test]
async fn a_comment_is_held_until_an_editor_approves_it() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài có bình luận").await;

    let receipt = app
        .anon()
        .post_expect(
            &comments_of(&article),
            reader("Nguyễn Văn An", "Kế hoạch rất thiết thực."),
            StatusCode::ACCEPTED,
        )
        .await;
    assert_eq!(receipt["status"], "pending");
    let id = receipt["id"].as_str().expect("id");
    assert!(public_bodies(&app, &article).await.is_empty());
    assert_eq!(count(&app, &article).await, 0);
    let pending = queue(&editor, "status=pending").await;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["email"], "ban.doc@example.vn");

    set_status(&editor, id, "approved").await;
    assert_eq!(
        public_bodies(&app, &article).await,
        vec!["Kế hoạch rất thiết thực."]
    );
    assert_eq!(count(&app, &article).await, 1);
    let page = app.anon().get_ok(&comments_of(&article)).await;
    assert_eq!(page["meta"]["comment_mode"], "open");
    assert_eq!(page["data"][0]["author_name"], "Nguyễn Văn An");
    assert_eq!(page["data"][0]["is_staff"], false);
}

#[actix_web::test]
async fn the_count_follows_every_status_change_and_deletion() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài đếm").await;
    let a = post_ok(&app.anon(), &article, reader("An", "một")).await;
    let b = post_ok(&app.anon(), &article, reader("Bình", "hai")).await;
    let steps = [
        (&a, "approved", 1),
        (&a, "approved", 1),
        (&b, "approved", 2),
        (&a, "rejected", 1),
        (&a, "spam", 1),
        (&a, "approved", 2),
        (&b, "pending", 1),
    ];
    for (id, status, expected) in steps {
        set_status(&editor, id, status).await;
        assert_eq!(count(&app, &article).await, expected, "{id} → {status}");
    }
    let res = editor.delete(&format!("/api/v1/comments/{a}")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(count(&app, &article).await, 0);
    let res = editor.delete(&format!("/api/v1/comments/{a}")).await;
    assert_problem(res, StatusCode::NOT_FOUND, "comment_not_found").await;
    assert_eq!(queue(&editor, "").await.len(), 1);
}

/// Approves one comment, or many in one bulk call.
async fn approve(api: &Api<'_>, ids: &[String]) {
    let res = match ids {
        [id] => {
            api.patch(
                &format!("/api/v1/comments/{id}"),
                json!({"status": "approved"}),
            )
            .await
        }
        _ => {
            api.patch(
                "/api/v1/comments",
                json!({"ids": ids, "status": "approved"}),
            )
            .await
        }
    };
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn two_editors_approving_at_once_count_each_comment_once() {
    let app = TestApp::spawn_with(|c| c.comments.per_address.max = 100).await;
    let first = app.editor().await;
    let (second, _) = app.user("editor", "editor2@toasoan.test").await;
    let article = published(&first, "Bài nóng").await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let body = reader("An", &format!("ý kiến số {i}"));
        ids.push(post_ok(&app.anon(), &article, body).await);
    }
    // Both editors approve each comment several times at once, one by one
    // and in bulk calls (in opposite orders).
    let reversed: Vec<String> = ids.iter().rev().cloned().collect();
    for id in &ids {
        let one = std::slice::from_ref(id);
        futures_util::future::join_all([
            approve(&first, one),
            approve(&second, one),
            approve(&first, one),
            approve(&second, one),
            approve(&first, &ids),
            approve(&second, &reversed),
        ])
        .await;
    }
    assert_eq!(count(&app, &article).await, 6);
    assert_eq!(public_bodies(&app, &article).await.len(), 6);
}

#[actix_web::test]
async fn bulk_moderation_reports_each_comment() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài duyệt nhiều").await;
    let a = post_ok(&app.anon(), &article, reader("An", "một")).await;
    let b = post_ok(&app.anon(), &article, reader("Bình", "hai")).await;
    set_status(&editor, &b, "approved").await;
    let missing = "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5a";
    let res = editor
        .patch(
            "/api/v1/comments",
            json!({"ids": [a, b, missing, "khong-phai-id"], "status": "approved"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let outcomes: Vec<Value> = res.json::<Value>().await.expect("json")["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|r| r["outcome"].clone())
        .collect();
    assert_eq!(
        outcomes,
        vec![
            json!("changed"),
            json!("unchanged"),
            json!("not_found"),
            json!("not_found")
        ]
    );
    assert_eq!(count(&app, &article).await, 2);
    let res = editor
        .patch("/api/v1/comments", json!({"ids": [], "status": "spam"}))
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[actix_web::test]
async fn e_mail_never_appears_in_any_public_response() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài riêng tư").await;
    let email = "bi.mat.rieng@example.vn";
    let id = post_ok(
        &app.anon(),
        &article,
        json!({"author_name": "An", "email": email, "body": "Hay"}),
    )
    .await;
    set_status(&editor, &id, "approved").await;
    for path in [
        comments_of(&article),
        format!("/api/v1/articles/{article}"),
        "/api/v1/articles".to_owned(),
    ] {
        let text = app.anon().get(&path).await.text().await.expect("text");
        assert!(!text.contains(email), "{path}: {text}");
        assert!(!text.contains("ip_hash"), "{path}: {text}");
    }
    let staff = editor.get_ok(&format!("/api/v1/comments/{id}")).await;
    assert_eq!(staff["email"], email);
    assert!(staff.get("ip_hash").is_none());
}

#[actix_web::test]
async fn replies_nest_under_their_parent_up_to_the_limit() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài tranh luận").await;
    let other = published(&editor, "Bài khác").await;
    let root = post_ok(&app.anon(), &article, reader("An", "gốc")).await;
    let body = |parent: &str, text: &str| json!({"author_name": "Bình", "body": text, "parent_id": parent});
    // A reply to a comment not yet approved is refused.
    let res = app
        .anon()
        .post(&comments_of(&article), body(&root, "sớm"))
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "parent_not_found");
    set_status(&editor, &root, "approved").await;
    let reply = post_ok(&app.anon(), &article, body(&root, "trả lời")).await;
    set_status(&editor, &reply, "approved").await;
    // Default depth 2: a reply to a reply is refused.
    let res = app
        .anon()
        .post(&comments_of(&article), body(&reply, "sâu"))
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "reply_too_deep");
    // A parent on another article is no parent.
    let res = app
        .anon()
        .post(&comments_of(&other), body(&root, "lạc"))
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "parent_not_found");

    let page = app.anon().get_ok(&comments_of(&article)).await;
    let threads = page["data"].as_array().expect("data");
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0]["id"], root.as_str());
    assert_eq!(threads[0]["replies"][0]["id"], reply.as_str());
    assert_eq!(threads[0]["replies"][0]["parent_id"], root.as_str());
    assert_eq!(count(&app, &article).await, 2);
}

#[actix_web::test]
async fn a_deeper_limit_allows_deeper_replies() {
    let app = TestApp::spawn_with(|c| c.comments.max_depth = 3).await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài sâu").await;
    let mut parent: Option<String> = None;
    for depth in 1..=3 {
        let mut body = reader("An", &format!("tầng {depth}"));
        body["parent_id"] = json!(parent);
        let id = post_ok(&app.anon(), &article, body).await;
        set_status(&editor, &id, "approved").await;
        parent = Some(id);
    }
    let page = app.anon().get_ok(&comments_of(&article)).await;
    assert_eq!(
        page["data"][0]["replies"][0]["replies"][0]["body"],
        "tầng 3"
    );
}

#[actix_web::test]
async fn staff_replies_are_marked_and_shown_at_once() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài có hồi đáp").await;
    let root = post_ok(&app.anon(), &article, reader("An", "Xin hỏi tòa soạn")).await;
    set_status(&editor, &root, "approved").await;
    let receipt = editor
        .post_expect(
            &comments_of(&article),
            json!({"author_name": "Ban biên tập", "body": "Cảm ơn bạn", "parent_id": root}),
            StatusCode::ACCEPTED,
        )
        .await;
    assert_eq!(receipt["status"], "approved");
    let page = app.anon().get_ok(&comments_of(&article)).await;
    let reply = &page["data"][0]["replies"][0];
    assert_eq!(reply["is_staff"], true);
    assert_eq!(reply["author_name"], "Ban biên tập");
    assert_eq!(count(&app, &article).await, 2);
    // An author's token is not a staff mark: the comment waits.
    let author = app.author().await;
    let receipt = author
        .post_expect(
            &comments_of(&article),
            reader("Tác giả", "Tôi đồng ý"),
            StatusCode::ACCEPTED,
        )
        .await;
    assert_eq!(receipt["status"], "pending");
}

#[actix_web::test]
async fn closed_articles_refuse_comments_and_hidden_ones_show_none() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài đóng bình luận").await;
    let id = post_ok(&app.anon(), &article, reader("An", "kịp gửi")).await;
    set_status(&editor, &id, "approved").await;
    let mode = |m: &str| json!({"mode": m});
    let path = format!("/api/v1/articles/{article}/comment-mode");

    let res = app
        .anon()
        .request(Method::PUT, &path)
        .json(&mode("closed"))
        .send()
        .await
        .expect("PUT");
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_missing").await;
    let res = editor
        .request(Method::PUT, &path)
        .json(&mode("closed"))
        .send()
        .await
        .expect("PUT");
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .anon()
        .post(&comments_of(&article), reader("Bình", "muộn"))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "comments_closed").await;
    let page = app.anon().get_ok(&comments_of(&article)).await;
    assert_eq!(page["meta"]["comment_mode"], "closed");
    assert_eq!(page["data"].as_array().expect("data").len(), 1);

    let res = editor
        .request(Method::PUT, &path)
        .json(&mode("hidden"))
        .send()
        .await
        .expect("PUT");
    assert_eq!(res.status(), StatusCode::OK);
    let page = app.anon().get_ok(&comments_of(&article)).await;
    assert_eq!(page["meta"]["comment_mode"], "hidden");
    assert!(page["data"].as_array().expect("data").is_empty());
    let res = app
        .anon()
        .post(&comments_of(&article), reader("Bình", "muộn"))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "comments_closed").await;

    let res = editor
        .request(Method::PUT, &path)
        .json(&mode("open"))
        .send()
        .await
        .expect("PUT");
    assert_eq!(res.status(), StatusCode::OK);
    post_ok(&app.anon(), &article, reader("Bình", "mở lại")).await;
}

#[actix_web::test]
async fn comments_on_articles_readers_cannot_see_are_not_found() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Bản nháp"})).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let embargoed = editor.draft(json!({"title": "Bài hẹn giờ"})).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    editor
        .publish(&embargoed, Some("2099-01-01T00:00:00Z"))
        .await;
    let withdrawn = published(&editor, "Bài gỡ").await;
    editor
        .post_expect(
            &format!("/api/v1/articles/{withdrawn}/unpublish"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    for article in [
        draft.as_str(),
        embargoed.as_str(),
        withdrawn.as_str(),
        "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5a",
        "khong-ton-tai",
    ] {
        let res = app
            .anon()
            .post(&comments_of(article), reader("An", "chào"))
            .await;
        assert_problem(res, StatusCode::NOT_FOUND, "article_not_found").await;
        let res = app.anon().get(&comments_of(article)).await;
        assert_problem(res, StatusCode::NOT_FOUND, "article_not_found").await;
    }
    assert!(queue(&editor, "").await.is_empty());
}

#[actix_web::test]
async fn too_many_comments_get_429_then_recover() {
    let app = TestApp::spawn_with(|c| {
        c.comments.per_address = toasoan_api::config::Rate {
            max: 2,
            window: std::time::Duration::from_secs(2),
        };
    })
    .await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài đông người").await;
    post_ok(&app.anon(), &article, reader("An", "một")).await;
    post_ok(&app.anon(), &article, reader("An", "hai")).await;
    let res = app
        .anon()
        .post(&comments_of(&article), reader("An", "ba"))
        .await;
    let retry: u64 = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=2).contains(&retry), "{retry}");
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    // Staff replies are not limited.
    editor
        .post_expect(
            &comments_of(&article),
            reader("Ban biên tập", "bốn"),
            StatusCode::ACCEPTED,
        )
        .await;
    actix_web::rt::time::sleep(std::time::Duration::from_secs(retry)).await;
    post_ok(&app.anon(), &article, reader("An", "ba")).await;
    // Refused attempts stored nothing: two, then one more, plus the staff reply.
    assert_eq!(queue(&editor, "").await.len(), 4);
}

#[actix_web::test]
async fn the_per_article_limit_holds_across_addresses() {
    let app = TestApp::spawn_with(|c| {
        c.comments.per_article = toasoan_api::config::Rate {
            max: 1,
            window: std::time::Duration::from_secs(600),
        };
    })
    .await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài bị dồn").await;
    let other = published(&editor, "Bài yên").await;
    post_ok(&app.anon(), &article, reader("An", "một")).await;
    let res = app
        .anon()
        .post(&comments_of(&article), reader("Bình", "hai"))
        .await;
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    post_ok(&app.anon(), &other, reader("Bình", "hai")).await;
}

#[actix_web::test]
async fn honeypot_and_blocklist_file_comments_as_spam() {
    let app = TestApp::spawn_with(|c| {
        c.comments.policy.blocklist =
            toasoan_domain::comment::screening::Blocklist::new(["co bac", "lừa đảo"]);
    })
    .await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài bị spam").await;
    let bot = app
        .anon()
        .post_expect(
            &comments_of(&article),
            json!({"author_name": "Bot", "body": "Mua ngay", "website": "http://spam.example"}),
            StatusCode::ACCEPTED,
        )
        .await;
    assert_eq!(bot["status"], "pending", "a bot learns nothing");
    post_ok(
        &app.anon(),
        &article,
        reader("An", "Chơi CỜ BẠC trực tuyến"),
    )
    .await;
    post_ok(&app.anon(), &article, reader("Lừa Đảo", "Xin chào")).await;
    post_ok(&app.anon(), &article, reader("An", "Bài viết hay")).await;

    let spam = queue(&editor, "status=spam").await;
    let reasons: Vec<&str> = spam
        .iter()
        .map(|c| c["spam_reason"].as_str().expect("reason"))
        .collect();
    assert_eq!(reasons, vec!["blocklist", "blocklist", "honeypot"]);
    assert_eq!(queue(&editor, "status=pending").await.len(), 1);
    assert_eq!(
        queue(&editor, &format!("status=spam&article={article}"))
            .await
            .len(),
        3
    );
}

#[actix_web::test]
async fn the_same_text_twice_is_a_duplicate_whatever_the_keyboard() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài lặp").await;
    post_ok(&app.anon(), &article, reader("An", "Bài vi\u{1ebf}t hay")).await;
    // The same words typed decomposed (NFD), with other capitals and spacing.
    let res = app
        .anon()
        .post(
            &comments_of(&article),
            reader("Bình", "  BÀI  vie\u{302}\u{301}t\nhay "),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "duplicate_comment").await;
    post_ok(&app.anon(), &article, reader("An", "Bài viết rất hay")).await;
}

#[actix_web::test]
async fn names_and_bodies_are_stored_in_nfc() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài chuẩn hóa").await;
    let id = post_ok(
        &app.anon(),
        &article,
        json!({"author_name": "Nguye\u{302}\u{303}n", "body": "Vie\u{323}\u{302}t Nam"}),
    )
    .await;
    let stored = editor.get_ok(&format!("/api/v1/comments/{id}")).await;
    assert_eq!(stored["author_name"], "Nguy\u{1ec5}n");
    assert_eq!(stored["body"], "Vi\u{1ec7}t Nam");
}

#[actix_web::test]
async fn markup_is_plain_text_and_never_live_html() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài thử mã độc").await;
    let body = "<script>alert(1)</script><b>đậm</b> & <a href=\"javascript:x()\">bấm</a>";
    let name = "<img src=x onerror=alert(1)>";
    let id = post_ok(
        &app.anon(),
        &article,
        json!({"author_name": name, "body": body}),
    )
    .await;
    set_status(&editor, &id, "approved").await;
    for (api, path) in [
        (app.anon(), comments_of(&article)),
        (app.anon(), format!("/api/v1/articles/{article}")),
        (editor, format!("/api/v1/comments/{id}")),
    ] {
        let res = api.get(&path).await;
        assert_eq!(res.status(), StatusCode::OK);
        let text = res.text().await.expect("text");
        assert!(
            !text.contains("<script") && !text.contains("<img"),
            "{path}: {text}"
        );
    }
    let page = app.anon().get_ok(&comments_of(&article)).await;
    let comment = &page["data"][0];
    assert_eq!(comment["body"], body, "stored and returned as typed");
    assert_eq!(comment["author_name"], name);
    let html = comment["body_html"].as_str().expect("body_html");
    assert!(
        html.starts_with("&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;"),
        "{html}"
    );
    assert!(!html.contains('<'));
}

#[actix_web::test]
async fn hostile_input_gets_problem_details_and_stores_nothing() {
    let app = TestApp::spawn_with(|c| c.comments.text.max_body_chars = 100).await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài bị tấn công").await;
    let path = comments_of(&article);
    let cases: Vec<(String, StatusCode, &str, Option<&str>)> = vec![
        (
            json!({"author_name": "An", "body": "x".repeat(101)}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("too_long"),
        ),
        (
            json!({"author_name": "An", "body": "b".repeat(2_000_000)}).to_string(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            None,
        ),
        (
            json!({"author_name": "An", "body": "a\u{0}b"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("invalid_characters"),
        ),
        (
            json!({"author_name": "An", "body": "xoá màn hình \u{1b}[2J"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("invalid_characters"),
        ),
        (
            json!({"author_name": "A\u{202e}n", "body": "x"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("invalid_characters"),
        ),
        (
            json!({"author_name": "An", "body": "https://a.vn http://b.vn www.c.vn"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("too_many_links"),
        ),
        (
            json!({"author_name": "   ", "body": "x"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("required"),
        ),
        (
            json!({"author_name": "An", "body": "x", "email": "khong-phai-email"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("invalid_email"),
        ),
        (
            json!({"author_name": "An", "body": "x", "parent_id": "'; DROP TABLE comments; --"})
                .to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("parent_not_found"),
        ),
        (
            r#"{"author_name": "An", "body": "\ud800"}"#.to_owned(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
            None,
        ),
        (
            r#"{"author_name": "An", "body": "x""#.to_owned(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
            None,
        ),
        (
            json!({"author_name": "An"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("invalid_body"),
        ),
        (
            json!({"body": "x"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("invalid_body"),
        ),
        (
            json!({"author_name": "An", "body": "x", "status": "approved"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("invalid_body"),
        ),
        (
            json!({"author_name": 5, "body": "x"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("invalid_body"),
        ),
    ];
    for (body, status, code, field_code) in cases {
        let res = app
            .anon()
            .request(Method::POST, &path)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .expect("POST");
        let problem = assert_problem(res, status, code).await;
        if let Some(field_code) = field_code {
            assert_eq!(
                problem["errors"][0]["code"],
                field_code,
                "{}",
                &body[..body.len().min(80)]
            );
        }
    }
    // Invalid UTF-8 bytes, and a body that is not JSON.
    let res = app
        .anon()
        .request(Method::POST, &path)
        .header("content-type", "application/json")
        .body(b"{\"author_name\": \"An\", \"body\": \"\xff\xfe\"}".to_vec())
        .send()
        .await
        .expect("POST");
    assert_problem(res, StatusCode::BAD_REQUEST, "malformed_json").await;
    let res = app
        .anon()
        .request(Method::POST, &path)
        .header("content-type", "text/plain")
        .body("author_name=An&body=x")
        .send()
        .await
        .expect("POST");
    assert_problem(
        res,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    assert!(queue(&editor, "").await.is_empty(), "nothing stored");
    assert_eq!(count(&app, &article).await, 0);
}

#[actix_web::test]
async fn moderation_is_for_editors() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let author = app.author().await;
    let article = published(&editor, "Bài kiểm duyệt").await;
    let id = post_ok(&app.anon(), &article, reader("An", "chờ")).await;
    let one = format!("/api/v1/comments/{id}");
    let res = app.anon().get("/api/v1/comments").await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_missing").await;
    let res = author.get("/api/v1/comments").await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = author.patch(&one, json!({"status": "approved"})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = author.delete(&one).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app
        .anon()
        .patch(
            "/api/v1/comments",
            json!({"ids": [id], "status": "approved"}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_missing").await;
    assert_eq!(count(&app, &article).await, 0);
    let res = editor.get("/api/v1/comments/khong-phai-id").await;
    assert_problem(res, StatusCode::NOT_FOUND, "comment_not_found").await;
    let res = editor.get("/api/v1/comments?status=deleted").await;
    assert_problem(res, StatusCode::BAD_REQUEST, "invalid_query").await;
    let res = editor
        .get("/api/v1/comments?article=khong-co-bai-nay")
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "article_not_found").await;
}

#[actix_web::test]
async fn editors_correct_a_comment_and_the_count_follows() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài sửa").await;
    let id = post_ok(&app.anon(), &article, reader("an", "sai chính tả")).await;
    let res = editor
        .patch(
            &format!("/api/v1/comments/{id}"),
            json!({"author_name": "An", "body": "đúng chính tả", "status": "approved"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let changed: Value = res.json().await.expect("json");
    assert_eq!(changed["status"], "approved");
    assert_eq!(changed["body"], "đúng chính tả");
    assert_eq!(public_bodies(&app, &article).await, vec!["đúng chính tả"]);
    assert_eq!(count(&app, &article).await, 1);
    // Nothing named: nothing changes.
    let res = editor
        .patch(&format!("/api/v1/comments/{id}"), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let same: Value = res.json().await.expect("json");
    assert_eq!(same["body"], "đúng chính tả");
    assert_eq!(same["status"], "approved");
    let res = editor
        .patch(&format!("/api/v1/comments/{id}"), json!({"body": "<b>"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = editor
        .patch(
            "/api/v1/comments/0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5a",
            json!({"status": "spam"}),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "comment_not_found").await;
}

#[actix_web::test]
async fn threads_are_keyset_paged_oldest_or_newest_first() {
    let app = TestApp::spawn_with(|c| c.comments.policy.premoderate = false).await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài nhiều ý kiến").await;
    let mut posted = Vec::new();
    for i in 0..7 {
        // Staff posts are not rate limited; premoderation is off for readers anyway.
        let id = post_ok(
            &editor,
            &article,
            reader("Ban biên tập", &format!("ý kiến {i}")),
        )
        .await;
        posted.push(id);
    }
    for (order, expected) in [
        ("oldest", posted.clone()),
        ("newest", posted.iter().rev().cloned().collect()),
    ] {
        let mut seen = Vec::new();
        let mut path = format!("{}?order={order}&limit=3", comments_of(&article));
        loop {
            let res = app.anon().get(&path).await;
            assert_eq!(res.status(), StatusCode::OK);
            let link = res
                .headers()
                .get("link")
                .map(|v| v.to_str().expect("link").to_owned());
            let page: Value = res.json().await.expect("json");
            for c in page["data"].as_array().expect("data") {
                seen.push(c["id"].as_str().expect("id").to_owned());
            }
            match page["meta"]["next_cursor"].as_str() {
                Some(cursor) => {
                    assert!(link.is_some_and(|l| l.contains("rel=\"next\"")));
                    path = format!(
                        "{}?order={order}&limit=3&cursor={cursor}",
                        comments_of(&article)
                    );
                }
                None => break,
            }
        }
        assert_eq!(seen, expected, "{order}");
    }
    let res = app
        .anon()
        .get(&format!("{}?cursor=bogus", comments_of(&article)))
        .await;
    assert_problem(res, StatusCode::BAD_REQUEST, "invalid_cursor").await;
    let res = app
        .anon()
        .get(&format!("{}?limit=0", comments_of(&article)))
        .await;
    assert_problem(res, StatusCode::BAD_REQUEST, "invalid_limit").await;
}

#[actix_web::test]
async fn without_premoderation_reader_comments_show_at_once() {
    let app = TestApp::spawn_with(|c| c.comments.policy.premoderate = false).await;
    let editor = app.editor().await;
    let article = published(&editor, "Bài mở").await;
    let receipt = app
        .anon()
        .post_expect(
            &comments_of(&article),
            reader("An", "Hay"),
            StatusCode::ACCEPTED,
        )
        .await;
    assert_eq!(receipt["status"], "approved");
    assert_eq!(count(&app, &article).await, 1);
}
