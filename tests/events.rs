//! Transition events: each change readers notice recorded exactly once,
//! scheduled publications and expiries through the due-work loop of every
//! instance, and the admins' list at `GET /api/v1/events`.

use crate::common::{Api, TestApp, assert_problem, unique_email};
use chrono::{Duration as Span, SecondsFormat, SubsecRound, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

fn rfc3339(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn instant(value: &Value) -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().expect("an instant"))
        .expect("RFC 3339")
        .to_utc()
}

fn id_of(article: &Value) -> String {
    article["id"].as_str().expect("id").to_owned()
}

/// An app whose due-work loop runs every 20 ms.
async fn app() -> TestApp {
    TestApp::spawn_with(|c| c.due_work_interval = Duration::from_millis(20)).await
}

/// The types of an article's events, newest first.
async fn types_of(admin: &Api<'_>, article_id: &str) -> Vec<String> {
    let page = admin
        .get_ok(&format!("/api/v1/events?article={article_id}&limit=100"))
        .await;
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|e| e["type"].as_str().expect("type").to_owned())
        .collect()
}

/// Waits until the article has `n` events (the loop runs on a timer).
async fn until_events(admin: &Api<'_>, article_id: &str, n: usize) -> Vec<String> {
    for _ in 0..200 {
        let types = types_of(admin, article_id).await;
        if types.len() >= n {
            return types;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("article {article_id} never had {n} events");
}

async fn patch_star(api: &Api<'_>, id: &str, body: Value) -> Value {
    let res = api
        .request(Method::PATCH, &format!("/api/v1/articles/{id}"))
        .header("If-Match", "*")
        .json(&body)
        .send()
        .await
        .expect("patch");
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.expect("json")
}

#[actix_web::test]
async fn each_change_readers_notice_is_recorded_once_with_who_and_what() {
    let app = app().await;
    let admin = app.admin().await;
    let (editor, editor_id) = app.user("editor", &unique_email("editor")).await;
    let article = editor.draft(json!({"title": "Khai mạc lễ hội"})).await;
    let id = id_of(&article);
    let path = format!("/api/v1/articles/{id}");
    // Changes of an unpublished article are nobody's business.
    patch_star(&editor, &id, json!({"sapo": "Bản nháp"})).await;
    assert!(types_of(&admin, &id).await.is_empty());

    editor.publish(&id, None).await;
    patch_star(&editor, &id, json!({"title": "Khai mạc lễ hội đèn lồng"})).await;
    editor
        .post_expect(&format!("{path}/unpublish"), json!({}), StatusCode::OK)
        .await;
    editor.publish(&id, None).await;
    editor
        .post_expect(&format!("{path}/archive"), json!({}), StatusCode::OK)
        .await;
    // Archived: changes and even a delete are not public events.
    patch_star(&editor, &id, json!({"sapo": "Lưu trữ"})).await;
    assert_eq!(
        types_of(&admin, &id).await,
        [
            "article.archived",
            "article.published",
            "article.unpublished",
            "article.updated",
            "article.published"
        ]
    );
    let page = admin.get_ok(&format!("/api/v1/events?article={id}")).await;
    let newest = &page["data"][0];
    assert_eq!(newest["actor_id"], editor_id.as_str());
    assert_eq!(newest["data"]["article"]["id"], id.as_str());
    assert_eq!(newest["data"]["article"]["slug"], "khai-mac-le-hoi");
    assert_eq!(newest["data"]["article"]["status"], "archived");
    assert!(newest["occurred_at"].is_string());

    // Expired by an edit, then deleted while public (another article).
    let other = editor.draft(json!({"title": "Giá xăng giảm"})).await;
    let other_id = id_of(&other);
    editor
        .publish(&other_id, Some(&rfc3339(Utc::now() - Span::hours(2))))
        .await;
    patch_star(
        &editor,
        &other_id,
        json!({"unpublish_at": rfc3339(Utc::now() - Span::hours(1))}),
    )
    .await;
    patch_star(&editor, &other_id, json!({"unpublish_at": null})).await;
    let res = editor
        .request(Method::DELETE, &format!("/api/v1/articles/{other_id}"))
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // A deleted article keeps its events.
    assert_eq!(
        types_of(&admin, &other_id).await,
        [
            "article.deleted",
            "article.published",
            "article.expired",
            "article.published"
        ]
    );
    // A draft deleted is nothing readers notice.
    let draft = editor.draft(json!({"title": "Nháp bỏ đi"})).await;
    editor
        .delete(&format!("/api/v1/articles/{}", id_of(&draft)))
        .await;
    assert!(types_of(&admin, &id_of(&draft)).await.is_empty());
}

#[actix_web::test]
async fn a_scheduled_publication_and_its_expiry_become_events_when_their_time_comes() {
    let app = app().await;
    let admin = app.admin().await;
    let editor = app.editor().await;
    let article = editor
        .draft(json!({"title": "Triển lãm ảnh mùa xuân"}))
        .await;
    let id = id_of(&article);
    let at = Utc::now() + Span::seconds(1);
    let until = at + Span::seconds(1);
    editor
        .post_expect(
            &format!("/api/v1/articles/{id}/publish"),
            json!({"at": rfc3339(at), "unpublish_at": rfc3339(until)}),
            StatusCode::OK,
        )
        .await;
    assert!(types_of(&admin, &id).await.is_empty(), "nothing yet");
    let types = until_events(&admin, &id, 2).await;
    assert_eq!(types, ["article.expired", "article.published"]);
    let page = admin.get_ok(&format!("/api/v1/events?article={id}")).await;
    assert_eq!(
        instant(&page["data"][1]["occurred_at"]),
        at.trunc_subsecs(6)
    );
    assert_eq!(
        instant(&page["data"][0]["occurred_at"]),
        until.trunc_subsecs(6)
    );
    assert_eq!(page["data"][1]["actor_id"], Value::Null);
    assert_eq!(page["data"][0]["data"]["article"]["status"], "expired");
}

#[actix_web::test]
async fn a_rescheduled_or_withdrawn_publication_does_not_fire() {
    let app = app().await;
    let admin = app.admin().await;
    let editor = app.editor().await;
    // Far enough ahead that the rescheduling and the withdrawal land first
    // even on a loaded machine.
    let soon = Utc::now() + Span::milliseconds(3_000);
    let moved = editor.draft(json!({"title": "Bài dời lịch"})).await;
    let withdrawn = editor.draft(json!({"title": "Bài rút lại"})).await;
    let witness = editor.draft(json!({"title": "Bài đúng hẹn"})).await;
    for article in [&moved, &withdrawn, &witness] {
        editor.publish(&id_of(article), Some(&rfc3339(soon))).await;
    }
    editor
        .publish(&id_of(&moved), Some(&rfc3339(Utc::now() + Span::days(1))))
        .await;
    editor
        .post_expect(
            &format!("/api/v1/articles/{}/unpublish", id_of(&withdrawn)),
            json!({}),
            StatusCode::OK,
        )
        .await;
    // Once the one left on schedule has fired, the others have had their chance.
    assert_eq!(
        until_events(&admin, &id_of(&witness), 1).await,
        ["article.published"]
    );
    actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    assert!(types_of(&admin, &id_of(&moved)).await.is_empty());
    assert!(types_of(&admin, &id_of(&withdrawn)).await.is_empty());
}

#[actix_web::test]
async fn two_instances_on_one_database_record_each_scheduled_event_once() {
    let first = app().await;
    let second = first
        .spawn_beside(|c| c.due_work_interval = Duration::from_millis(20))
        .await;
    let editor = first.editor().await;
    let admin = second.admin().await;
    // Drafts first, so that only the publications race the clock.
    let mut drafts = Vec::new();
    for n in 0..8 {
        let article = editor
            .draft(json!({"title": format!("Tin hẹn giờ số {n}")}))
            .await;
        drafts.push(id_of(&article));
    }
    // Far enough ahead that all eight publications are in before their
    // time even on a loaded machine (the two instances' loops and the
    // audit log all write to one SQLite file).
    let at = Utc::now() + Span::milliseconds(4000);
    let until = at + Span::milliseconds(1500);
    let mut ids = Vec::new();
    for id in drafts {
        editor
            .post_expect(
                &format!("/api/v1/articles/{id}/publish"),
                json!({"at": rfc3339(at), "unpublish_at": rfc3339(until)}),
                StatusCode::OK,
            )
            .await;
        ids.push(id);
    }
    // Readers of the second instance see the articles when their time comes.
    let path = format!("/api/v1/articles/{}", ids[0]);
    let mut seen = false;
    for _ in 0..500 {
        if second.anon().get(&path).await.status() == StatusCode::OK {
            seen = true;
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(seen, "the scheduled article appeared");
    for id in &ids {
        until_events(&admin, id, 2).await;
    }
    // Both loops keep running; nothing is recorded twice.
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    for id in &ids {
        assert_eq!(
            types_of(&admin, id).await,
            ["article.expired", "article.published"],
            "{id}"
        );
    }
    let all = admin.get_ok("/api/v1/events?limit=100").await;
    assert_eq!(all["data"].as_array().map(Vec::len), Some(16));
}

#[actix_web::test]
async fn only_admins_read_events_paged_and_filtered() {
    let app = app().await;
    let admin = app.admin().await;
    let editor = app.editor().await;
    let mut ids = Vec::new();
    for title in ["Tin một", "Tin hai", "Tin ba"] {
        let article = editor.draft(json!({"title": title})).await;
        let id = id_of(&article);
        editor.publish(&id, None).await;
        patch_star(&editor, &id, json!({"sapo": "Cập nhật"})).await;
        ids.push(id);
    }
    let res = editor.get("/api/v1/events").await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app.anon().get("/api/v1/events").await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_missing").await;
    for (query, code) in [
        ("type=article.read", "invalid_query"),
        ("type=", "invalid_query"),
        ("article=khong-phai-id", "invalid_query"),
        ("colour=red", "invalid_query"),
        ("limit=0", "invalid_limit"),
        ("cursor=rac", "invalid_cursor"),
    ] {
        let res = admin.get(&format!("/api/v1/events?{query}")).await;
        assert_problem(res, StatusCode::BAD_REQUEST, code).await;
    }
    // Six events, newest first, two at a time.
    let mut seen = Vec::new();
    let mut url = "/api/v1/events?limit=2".to_owned();
    loop {
        let res = admin.get(&url).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(
            res.headers()["cache-control"]
                .to_str()
                .expect("header")
                .contains("no-store")
        );
        let link = res
            .headers()
            .get("link")
            .map(|l| l.to_str().expect("link").to_owned());
        let page: Value = res.json().await.expect("json");
        for event in page["data"].as_array().expect("data") {
            seen.push((
                event["type"].as_str().expect("type").to_owned(),
                event["data"]["article"]["id"]
                    .as_str()
                    .expect("article")
                    .to_owned(),
            ));
        }
        match page["meta"]["next_cursor"].as_str() {
            Some(cursor) => {
                assert!(link.is_some_and(|l| l.contains("rel=\"next\"")));
                url = format!("/api/v1/events?limit=2&cursor={cursor}");
            }
            None => break,
        }
    }
    let expected: Vec<(String, String)> = ids
        .iter()
        .rev()
        .flat_map(|id| {
            [
                ("article.updated".to_owned(), id.clone()),
                ("article.published".to_owned(), id.clone()),
            ]
        })
        .collect();
    assert_eq!(seen, expected);
    let updated = admin.get_ok("/api/v1/events?type=article.updated").await;
    assert_eq!(updated["data"].as_array().map(Vec::len), Some(3));
    let one = admin
        .get_ok(&format!(
            "/api/v1/events?type=article.published&article={}",
            ids[1]
        ))
        .await;
    assert_eq!(one["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["data"][0]["data"]["article"]["id"], ids[1].as_str());
}

/// Posts a reader's comment (held by default); returns its id.
async fn comment(app: &TestApp, article: &str, body: &str) -> String {
    let receipt = app
        .anon()
        .post_expect(
            &format!("/api/v1/articles/{article}/comments"),
            json!({"author_name": "Bạn đọc An", "email": "an@example.vn", "body": body}),
            StatusCode::ACCEPTED,
        )
        .await;
    receipt["id"].as_str().expect("id").to_owned()
}

/// The article's `comment.approved` events, newest first.
async fn approvals(admin: &Api<'_>, article: &str) -> Vec<Value> {
    admin
        .get_ok(&format!(
            "/api/v1/events?type=comment.approved&article={article}&limit=100"
        ))
        .await["data"]
        .as_array()
        .expect("data")
        .clone()
}

#[actix_web::test]
async fn a_comment_becoming_visible_is_recorded_once_with_the_comment_but_not_the_e_mail() {
    let app = TestApp::spawn_with(|c| c.comments.per_address.max = 100).await;
    let admin = app.admin().await;
    let (editor, editor_id) = app.user("editor", &unique_email("editor")).await;
    let article = editor.draft(json!({"title": "Bài có bình luận"})).await;
    let id = id_of(&article);
    editor.publish(&id, None).await;

    // Held, then rejected: readers never saw it.
    let a = comment(&app, &id, "Bài viết rất hay").await;
    assert!(approvals(&admin, &id).await.is_empty());
    let set = |comment: &str, status: &str| {
        let path = format!("/api/v1/comments/{comment}");
        let body = json!({"status": status});
        let editor = &editor;
        async move { editor.patch(&path, body).await }
    };
    assert_eq!(set(&a, "rejected").await.status(), StatusCode::OK);
    assert!(approvals(&admin, &id).await.is_empty());

    // Approved twice: one event, naming the moderator and the comment.
    assert_eq!(set(&a, "approved").await.status(), StatusCode::OK);
    assert_eq!(set(&a, "approved").await.status(), StatusCode::OK);
    let events = approvals(&admin, &id).await;
    assert_eq!(events.len(), 1, "{events:#?}");
    let event = &events[0];
    assert_eq!(event["actor_id"], editor_id.as_str());
    assert_eq!(event["data"]["article"]["id"], id.as_str());
    assert_eq!(event["data"]["article"]["slug"], "bai-co-binh-luan");
    let shown = &event["data"]["comment"];
    assert_eq!(shown["id"], a.as_str());
    assert_eq!(shown["author_name"], "Bạn đọc An");
    assert_eq!(shown["body"], "Bài viết rất hay");
    assert_eq!(shown["is_staff"], false);
    assert!(!event.to_string().contains("an@example.vn"), "{event}");

    // In bulk: one event per comment that changed, none for the one
    // approved already.
    let b = comment(&app, &id, "Đồng ý với tác giả").await;
    let c = comment(&app, &id, "Cảm ơn tòa soạn").await;
    let res = editor
        .patch(
            "/api/v1/comments",
            json!({"ids": [a, b, c], "status": "approved"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut ids: Vec<String> = approvals(&admin, &id)
        .await
        .iter()
        .map(|e| e["data"]["comment"]["id"].as_str().expect("id").to_owned())
        .collect();
    ids.sort();
    let mut expected = vec![a.clone(), b, c];
    expected.sort();
    assert_eq!(ids, expected);

    // A staff reply is shown at once: recorded as its poster's.
    let reply = editor
        .post_expect(
            &format!("/api/v1/articles/{id}/comments"),
            json!({"author_name": "Ban biên tập", "body": "Cảm ơn bạn", "parent_id": a}),
            StatusCode::ACCEPTED,
        )
        .await;
    assert_eq!(reply["status"], "approved");
    let newest = approvals(&admin, &id).await.remove(0);
    assert_eq!(newest["data"]["comment"]["id"], reply["id"]);
    assert_eq!(newest["data"]["comment"]["parent_id"], a.as_str());
    assert_eq!(newest["data"]["comment"]["is_staff"], true);
    assert_eq!(newest["actor_id"], editor_id.as_str());

    // Approving on an article that hides its comments shows nothing to
    // readers: no event.
    let d = comment(&app, &id, "Gửi trước khi ẩn").await;
    let res = editor
        .request(Method::PUT, &format!("/api/v1/articles/{id}/comment-mode"))
        .json(&json!({"mode": "hidden"}))
        .send()
        .await
        .expect("PUT");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(set(&d, "approved").await.status(), StatusCode::OK);
    assert_eq!(approvals(&admin, &id).await.len(), 4);
}
