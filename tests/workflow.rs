//! The newsroom desk's workflow: expiry (`unpublish_at`) taking an article
//! off every public surface, sending an article back with a note, and
//! `If-Match: *` on article writes.

use crate::common::{Api, TestApp, assert_problem};
use chrono::{Duration as Span, SecondsFormat, SubsecRound, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

fn rfc3339(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// An instant the API sent.
fn instant(value: &Value) -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().expect("an instant"))
        .expect("RFC 3339")
        .to_utc()
}

fn id_of(article: &Value) -> String {
    article["id"].as_str().expect("id").to_owned()
}

/// Asks `path` as `api` until `done` holds; timers (view flushes, expiries)
/// decide when, so this waits a bounded while.
async fn eventually(api: &Api<'_>, path: &str, done: impl Fn(StatusCode, &str) -> bool) {
    let mut last = String::new();
    for _ in 0..200 {
        let res = api.get(path).await;
        let status = res.status();
        last = res.text().await.expect("body");
        if done(status, &last) {
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{path} never reached the expected state: {last}");
}

/// How a public endpoint shows (or hides) one article.
enum Probe {
    /// A list, feed or sitemap (GET): the control article is in the body,
    /// a hidden one is not (neither its id nor its slug).
    Lists(String),
    /// A count (GET): the JSON value at the pointer counts the control
    /// article only.
    Counts(String, &'static str),
    /// A request about one article: the control article gets a 2xx, a
    /// hidden one 404.
    About(Method, fn(&str, &str) -> String),
}

struct Article {
    id: String,
    slug: String,
}

async fn check(
    app: &TestApp,
    name: &str,
    probe: &Probe,
    control: &Article,
    hidden: &[(&str, Article)],
) {
    let anon = app.anon();
    match probe {
        Probe::Lists(path) => {
            let res = anon.get(path).await;
            assert_eq!(res.status(), StatusCode::OK, "{name}: {path}");
            let body = res.text().await.expect("body");
            assert!(
                body.contains(&control.slug),
                "{name}: the control article is listed: {body}"
            );
            for (what, article) in hidden {
                assert!(
                    !body.contains(&article.slug) && !body.contains(&article.id),
                    "{name}: the {what} article is listed: {body}"
                );
            }
        }
        Probe::Counts(path, pointer) => {
            let body = anon.get_ok(path).await;
            let counted = body.pointer(pointer).cloned().unwrap_or(Value::Null);
            assert_eq!(
                counted,
                json!(1),
                "{name}: {path} counts only the control article: {body}"
            );
        }
        Probe::About(method, path) => {
            let url = path(&control.id, &control.slug);
            let res = anon
                .request(method.clone(), &url)
                .json(&json!({}))
                .send()
                .await
                .expect("send");
            assert!(
                res.status().is_success(),
                "{name}: {url} answers the control article: {}",
                res.status()
            );
            for (what, article) in hidden {
                let url = path(&article.id, &article.slug);
                let res = anon
                    .request(method.clone(), &url)
                    .json(&json!({}))
                    .send()
                    .await
                    .expect("send");
                assert_problem(res, StatusCode::NOT_FOUND, "article_not_found").await;
                let _ = what;
            }
        }
    }
}

#[actix_web::test]
async fn expired_scheduled_and_archived_articles_are_absent_from_every_public_endpoint() {
    let app = TestApp::spawn_with(|c| c.views_flush = Duration::from_millis(50)).await;
    let editor = app.editor().await;
    editor.category("Thời sự", None).await;
    editor.author_profile("Phan Văn Tín").await;
    editor
        .post_expect(
            "/api/v1/tags",
            json!({"name": "Giao thông"}),
            StatusCode::CREATED,
        )
        .await;
    let at = Utc::now() - Span::hours(1);
    let month = at.format("%Y-%m").to_string();
    let new = |title: &str| {
        json!({"title": title, "sapo": "Cầu mới nối đôi bờ sông.", "category_id": "thoi-su",
               "author_ids": ["phan-van-tin"], "tag_ids": ["giao-thong"]})
    };
    let mut made = Vec::new();
    for title in [
        "Thông xe cầu Hà Lam",
        "Cầu tạm Tam Kỳ hết hạn",
        "Cầu mới Điện Bàn sắp khánh thành",
        "Cầu cũ Hội An lưu trữ",
    ] {
        let article = editor.draft(new(title)).await;
        made.push(Article {
            id: id_of(&article),
            slug: article["slug"].as_str().expect("slug").to_owned(),
        });
    }
    let [control, expired, scheduled, archived] =
        <[Article; 4]>::try_from(made).ok().expect("four");
    for article in [&control, &expired, &archived] {
        editor.publish(&article.id, Some(&rfc3339(at))).await;
        // Read while public, so "most read" has views of each.
        let res = app
            .anon()
            .post(&format!("/api/v1/articles/{}/views", article.id), json!({}))
            .await;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
    }
    editor
        .publish(&scheduled.id, Some(&rfc3339(Utc::now() + Span::days(1))))
        .await;
    editor
        .post_expect(
            &format!("/api/v1/articles/{}/archive", archived.id),
            json!({}),
            StatusCode::OK,
        )
        .await;
    // Expired a minute ago.
    let res = editor
        .request(Method::PATCH, &format!("/api/v1/articles/{}", expired.id))
        .header("If-Match", "*")
        .json(&json!({"unpublish_at": rfc3339(Utc::now() - Span::minutes(1))}))
        .send()
        .await
        .expect("patch");
    assert_eq!(res.status(), StatusCode::OK);
    let staff = editor
        .get_ok(&format!("/api/v1/articles/{}", expired.id))
        .await;
    assert_eq!(staff["status"], "expired", "staff still read it: {staff}");
    // The views are written by a timer: wait until the ranking has them.
    eventually(
        &app.anon(),
        "/api/v1/articles?sort=popular&window=24h",
        |status, body| status == StatusCode::OK && body.contains(&control.slug),
    )
    .await;

    // One row per public endpoint: a new one is covered by adding a row.
    let probes: Vec<(&str, Probe)> = vec![
        (
            "by id",
            Probe::About(Method::GET, |id, _| format!("/api/v1/articles/{id}")),
        ),
        (
            "by slug",
            Probe::About(Method::GET, |_, slug| format!("/api/v1/articles/{slug}")),
        ),
        (
            "comments",
            Probe::About(Method::GET, |id, _| {
                format!("/api/v1/articles/{id}/comments")
            }),
        ),
        (
            "views",
            Probe::About(Method::POST, |id, _| format!("/api/v1/articles/{id}/views")),
        ),
        ("latest", Probe::Lists("/api/v1/articles".into())),
        (
            "by category",
            Probe::Lists("/api/v1/articles?category=thoi-su".into()),
        ),
        (
            "by author",
            Probe::Lists("/api/v1/articles?author=phan-van-tin".into()),
        ),
        (
            "by tag",
            Probe::Lists("/api/v1/articles?tag=giao-thong".into()),
        ),
        (
            "by ids",
            Probe::Lists(format!(
                "/api/v1/articles?ids={},{},{},{}",
                control.id, expired.id, scheduled.id, archived.id
            )),
        ),
        (
            "search",
            Probe::Lists("/api/v1/articles?q=c%E1%BA%A7u".into()),
        ),
        (
            "search folded",
            Probe::Lists("/api/v1/articles?q=cau+moi".into()),
        ),
        (
            "most read",
            Probe::Lists("/api/v1/articles?sort=popular&window=24h".into()),
        ),
        ("rss", Probe::Lists("/feeds/latest.rss".into())),
        ("json feed", Probe::Lists("/feeds/latest.json".into())),
        (
            "category rss",
            Probe::Lists("/feeds/category/thoi-su.rss".into()),
        ),
        (
            "category json feed",
            Probe::Lists("/feeds/category/thoi-su.json".into()),
        ),
        (
            "month sitemap",
            Probe::Lists(format!("/sitemaps/{month}.xml")),
        ),
        ("news sitemap", Probe::Lists("/sitemap-news.xml".into())),
        (
            "list count",
            Probe::Counts(
                "/api/v1/articles?tag=giao-thong&count=exact".into(),
                "/meta/total",
            ),
        ),
        (
            "category count",
            Probe::Counts(
                "/api/v1/categories?tree=true".into(),
                "/data/0/article_count",
            ),
        ),
        (
            "author count",
            Probe::Counts("/api/v1/authors/phan-van-tin".into(), "/article_count"),
        ),
    ];
    let hidden = [
        ("expired", expired),
        ("scheduled", scheduled),
        ("archived", archived),
    ];
    for (name, probe) in &probes {
        check(&app, name, probe, &control, &hidden).await;
    }
}

#[actix_web::test]
async fn an_article_leaves_the_public_when_its_expiry_comes_with_no_write() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let article = editor
        .draft(json!({"title": "Thông báo cắt nước tạm thời"}))
        .await;
    let id = id_of(&article);
    let until = Utc::now() + Span::seconds(2);
    let published = editor
        .post_expect(
            &format!("/api/v1/articles/{id}/publish"),
            json!({"unpublish_at": rfc3339(until)}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(published["status"], "published");
    assert_eq!(instant(&published["unpublish_at"]), until.trunc_subsecs(6));
    let path = format!("/api/v1/articles/{id}");
    let res = app.anon().get(&path).await;
    assert_eq!(res.status(), StatusCode::OK);
    let max_age: u32 = res.headers()["cache-control"]
        .to_str()
        .expect("header")
        .split("max-age=")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .and_then(|n| n.parse().ok())
        .expect("max-age");
    assert!(
        max_age <= 2,
        "no cache keeps it past its expiry: max-age={max_age}"
    );
    eventually(&app.anon(), &path, |status, _| {
        status == StatusCode::NOT_FOUND
    })
    .await;
    assert!(crate::common::slugs(&app.anon().get_ok("/api/v1/articles").await).is_empty());
    // Staff still read it, marked expired, and find it by status.
    let staff = editor.get_ok(&path).await;
    assert_eq!(staff["status"], "expired");
    assert_eq!(
        crate::common::slugs(&editor.get_ok("/api/v1/articles?status=expired").await),
        vec!["thong-bao-cat-nuoc-tam-thoi"]
    );
    assert!(
        crate::common::slugs(&editor.get_ok("/api/v1/articles?status=published").await).is_empty()
    );
}

#[actix_web::test]
async fn an_expiry_is_set_and_cleared_by_patch_and_by_publishing_again() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let article = editor
        .draft(json!({"title": "Lịch thi tuyển sinh lớp 10"}))
        .await;
    let id = id_of(&article);
    let path = format!("/api/v1/articles/{id}");
    editor
        .publish(&id, Some(&rfc3339(Utc::now() - Span::hours(1))))
        .await;
    let patch = |body: Value| {
        editor
            .request(Method::PATCH, &path)
            .header("If-Match", "*")
            .json(&body)
            .send()
    };
    let past = rfc3339(Utc::now() - Span::seconds(1));
    let res = patch(json!({"unpublish_at": past})).await.expect("patch");
    assert_eq!(res.status(), StatusCode::OK);
    assert_problem(
        app.anon().get(&path).await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    )
    .await;
    let res = patch(json!({"unpublish_at": null})).await.expect("patch");
    let cleared: Value = res.json().await.expect("json");
    assert_eq!(cleared["unpublish_at"], Value::Null);
    assert_eq!(cleared["status"], "published");
    assert_eq!(app.anon().get(&path).await.status(), StatusCode::OK);
    // Expired again, then published again without an expiry.
    patch(json!({"unpublish_at": past})).await.expect("patch");
    let again = editor
        .post_expect(
            &format!("{path}/publish"),
            json!({"unpublish_at": null}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(again["status"], "published");
    assert_eq!(app.anon().get(&path).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn an_expiry_before_the_publication_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let article = editor.draft(json!({"title": "Bài có hạn"})).await;
    let id = id_of(&article);
    let path = format!("/api/v1/articles/{id}");
    let at = Utc::now() - Span::days(1);
    let publish_path = format!("{path}/publish");
    let publish = |body: Value| editor.post(&publish_path, body);
    for (body, status, code) in [
        (
            json!({"at": rfc3339(at), "unpublish_at": rfc3339(at - Span::hours(1))}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unpublish_before_publish",
        ),
        (
            json!({"at": rfc3339(at), "unpublish_at": rfc3339(at)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unpublish_before_publish",
        ),
        (
            json!({"unpublish_at": "1800-01-01T00:00:00Z"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"unpublish_at": "mai"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ] {
        assert_problem(publish(body).await, status, code).await;
    }
    let unchanged = editor.get_ok(&path).await;
    assert_eq!(
        (unchanged["status"].clone(), unchanged["version"].clone()),
        (json!("draft"), json!(1))
    );

    editor.publish(&id, Some(&rfc3339(at))).await;
    for body in [
        json!({"unpublish_at": rfc3339(at - Span::minutes(1))}),
        json!({"unpublish_at": "0001-01-01T00:00:00Z"}),
    ] {
        let res = editor
            .request(Method::PATCH, &path)
            .header("If-Match", "*")
            .json(&body)
            .send()
            .await
            .expect("patch");
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    // An existing expiry before a new publication date is refused too.
    editor
        .request(Method::PATCH, &path)
        .header("If-Match", "*")
        .json(&json!({"unpublish_at": rfc3339(at + Span::hours(1))}))
        .send()
        .await
        .expect("patch");
    let res = publish(json!({"at": rfc3339(at + Span::hours(2))})).await;
    assert_problem(
        res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unpublish_before_publish",
    )
    .await;
    let after = editor.get_ok(&path).await;
    assert_eq!(
        after["version"], 3,
        "two writes went through, none of the refused ones"
    );
    assert_eq!(instant(&after["published_at"]), at.trunc_subsecs(6));
}

#[actix_web::test]
async fn an_editor_sends_an_article_back_with_a_note_only_staff_see() {
    let app = TestApp::spawn().await;
    let (author, _) = app
        .user("author", &crate::common::unique_email("author"))
        .await;
    let (editor, editor_id) = app
        .user("editor", &crate::common::unique_email("editor"))
        .await;
    let article = author
        .draft(json!({"title": "Phóng sự làng gốm Thanh Hà"}))
        .await;
    let id = id_of(&article);
    let path = format!("/api/v1/articles/{id}");
    author
        .post_expect(&format!("{path}/submit"), json!({}), StatusCode::OK)
        .await;
    let returned = editor
        .post_expect(
            &format!("{path}/return"),
            json!({"note": "  Thiếu ảnh và nguồn số liệu.  "}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(returned["status"], "draft");
    assert_eq!(
        returned["review_notes"][0]["note"],
        "Thiếu ảnh và nguồn số liệu."
    );
    assert_eq!(returned["review_notes"][0]["by"]["id"], editor_id.as_str());
    // The author sees it and tries again; a second note comes first.
    let seen = author.get_ok(&path).await;
    assert_eq!(seen["review_notes"].as_array().map(Vec::len), Some(1));
    author
        .post_expect(&format!("{path}/submit"), json!({}), StatusCode::OK)
        .await;
    editor
        .post_expect(
            &format!("{path}/return"),
            json!({"note": "Ảnh còn mờ."}),
            StatusCode::OK,
        )
        .await;
    let notes = author.get_ok(&path).await["review_notes"].clone();
    assert_eq!(notes[0]["note"], "Ảnh còn mờ.");
    assert_eq!(notes[1]["note"], "Thiếu ảnh và nguồn số liệu.");
    // Published, the article reaches readers without its notes.
    author
        .post_expect(&format!("{path}/submit"), json!({}), StatusCode::OK)
        .await;
    editor.publish(&id, None).await;
    let res = app.anon().get(&path).await;
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .expect("header")
            .starts_with("public")
    );
    let public: Value = res.json().await.expect("json");
    assert!(public.get("review_notes").is_none(), "{public}");
    let other = app.author().await;
    assert!(other.get_ok(&path).await.get("review_notes").is_none());
    let listed = app.anon().get_ok("/api/v1/articles").await;
    assert!(!listed.to_string().contains("review_notes"));
    assert_eq!(
        editor.get_ok(&path).await["review_notes"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[actix_web::test]
async fn sending_back_is_for_editors_from_review_with_a_real_note() {
    let app = TestApp::spawn().await;
    let author = app.author().await;
    let editor = app.editor().await;
    let mine = author.draft(json!({"title": "Bài của tôi"})).await;
    let mine = format!("/api/v1/articles/{}", id_of(&mine));
    // A draft cannot be sent back.
    let res = editor
        .post(&format!("{mine}/return"), json!({"note": "Sửa lại"}))
        .await;
    assert_problem(res, StatusCode::CONFLICT, "invalid_transition").await;
    author
        .post_expect(&format!("{mine}/submit"), json!({}), StatusCode::OK)
        .await;
    // Its author may not send it back; another author does not see it.
    let res = author
        .post(&format!("{mine}/return"), json!({"note": "Tự trả"}))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app
        .author()
        .await
        .post(&format!("{mine}/return"), json!({"note": "Trả"}))
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "article_not_found").await;
    let res = app
        .anon()
        .post(&format!("{mine}/return"), json!({"note": "Trả"}))
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_missing").await;
    for body in [
        json!({"note": ""}),
        json!({"note": "   "}),
        json!({"note": "a".repeat(2001)}),
        json!({}),
    ] {
        let res = editor.post(&format!("{mine}/return"), body).await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    let still = editor.get_ok(&mine).await;
    assert_eq!(still["status"], "in_review", "nothing changed");
    assert_eq!(still["review_notes"], json!([]));
}

#[actix_web::test]
async fn if_match_star_means_the_article_exists_whatever_its_version() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let article = editor.draft(json!({"title": "Bài viết bất kỳ"})).await;
    let path = format!("/api/v1/articles/{}", id_of(&article));
    let star = |method: Method, url: String, body: Value| {
        editor
            .request(method, &url)
            .header("If-Match", "*")
            .json(&body)
            .send()
    };
    let res = star(Method::PATCH, path.clone(), json!({"title": "Đổi tên"}))
        .await
        .expect("patch");
    assert_eq!(res.status(), StatusCode::OK);
    let res = star(Method::POST, format!("{path}/publish"), json!({}))
        .await
        .expect("publish");
    assert_eq!(res.status(), StatusCode::OK);
    let published: Value = res.json().await.expect("json");
    assert_eq!(published["version"], 3);
    let res = star(Method::DELETE, path.clone(), json!({}))
        .await
        .expect("delete");
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // Gone: `*` no longer matches anything, and the article is not found.
    for (method, url, body) in [
        (Method::PATCH, path.clone(), json!({"title": "Muộn"})),
        (Method::POST, format!("{path}/publish"), json!({})),
        (Method::DELETE, path.clone(), json!({})),
    ] {
        let res = star(method, url, body).await.expect("send");
        assert_problem(res, StatusCode::NOT_FOUND, "article_not_found").await;
    }
}
