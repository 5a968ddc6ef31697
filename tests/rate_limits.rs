//! Rate limits (issue 12): `RateLimit-*` headers on limited answers, a
//! configurable limit on public reads per address or API key, and budgets
//! shared by every instance on one database.

use crate::common::{TestApp, assert_problem};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;
use toasoan_api::config::{Config, ReadLimits};

/// A day-long window, so no test run straddles two windows but one at
/// midnight UTC.
fn read_limits(config: &mut Config, per_address: u64, per_key: u64) {
    config.read_limits = ReadLimits {
        per_address,
        per_key,
        window: Duration::from_secs(86_400),
        sync: Duration::from_millis(50),
    };
}

fn header(res: &Response, name: &str) -> Option<u64> {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// (RateLimit-Limit, RateLimit-Remaining), and a sane RateLimit-Reset.
fn budget(res: &Response) -> (u64, u64) {
    let reset = header(res, "ratelimit-reset").expect("RateLimit-Reset");
    assert!((1..=86_400).contains(&reset), "{reset}");
    (
        header(res, "ratelimit-limit").expect("RateLimit-Limit"),
        header(res, "ratelimit-remaining").expect("RateLimit-Remaining"),
    )
}

async fn refused(res: Response) {
    let retry = header(&res, "retry-after").expect("Retry-After");
    assert!((1..=86_400).contains(&retry), "{retry}");
    assert_eq!(header(&res, "ratelimit-remaining"), Some(0));
    assert_eq!(header(&res, "ratelimit-reset"), Some(retry));
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
}

#[actix_web::test]
async fn public_reads_past_the_budget_are_refused_with_the_budget_in_headers() {
    let app = TestApp::spawn_with(|c| read_limits(c, 3, 0)).await;
    for remaining in [2, 1, 0] {
        let res = app.anon().get("/api/v1/articles").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(budget(&res), (3, remaining));
    }
    let res = app.anon().get("/api/v1/categories").await;
    assert_eq!(header(&res, "ratelimit-limit"), Some(3));
    refused(res).await;
    // Probes and staff are not limited; writes are not reads.
    assert_eq!(app.anon().get("/healthz").await.status(), StatusCode::OK);
    let editor = app.editor().await;
    let res = editor.get("/api/v1/articles").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get("ratelimit-limit").is_none());
    editor.draft(json!({"title": "Vẫn viết được"})).await;
}

#[actix_web::test]
async fn without_a_configured_limit_reads_carry_no_budget() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        let res = app.anon().get("/api/v1/articles").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers().get("ratelimit-limit").is_none());
    }
}

#[actix_web::test]
async fn an_api_key_reads_on_its_own_budget_and_made_up_keys_on_their_addresss() {
    let app = TestApp::spawn_with(|c| read_limits(c, 2, 5)).await;
    let made = app
        .admin()
        .await
        .post_expect(
            "/api/v1/api-keys",
            json!({"name": "Frontend", "scope": "read"}),
            StatusCode::CREATED,
        )
        .await;
    let key = made["key"].as_str().expect("key").to_owned();
    let with_key = |key: &str| {
        app.anon()
            .request(Method::GET, "/api/v1/articles")
            .header("x-api-key", key.to_owned())
    };
    // A key the server has not accepted yet spends its address's budget,
    // so made-up keys buy no reads: one is refused (401) and counted.
    let res = with_key("tsk_made-up").send().await.expect("GET");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(budget(&res), (2, 1));
    let res = with_key(&key).send().await.expect("GET");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(budget(&res), (2, 0));
    refused(app.anon().get("/api/v1/articles").await).await;
    refused(with_key("tsk_another-made-up").send().await.expect("GET")).await;
    // Once accepted, the key has its own five.
    for remaining in [4, 3, 2, 1, 0] {
        let res = with_key(&key).send().await.expect("GET");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(budget(&res), (5, remaining));
    }
    refused(with_key(&key).send().await.expect("GET")).await;
}

#[actix_web::test]
async fn instances_on_one_database_share_read_budgets() {
    let app = TestApp::spawn_with(|c| read_limits(c, 4, 0)).await;
    let other = app.spawn_beside(|c| read_limits(c, 4, 0)).await;
    for _ in 0..2 {
        assert_eq!(
            app.anon().get("/api/v1/articles").await.status(),
            StatusCode::OK
        );
    }
    // Each instance shares its counts every 50 ms.
    tokio::time::sleep(Duration::from_millis(400)).await;
    // The first read of a client an instance has not seen is decided
    // before it learns the others' counts (the documented bound: what the
    // other instances admitted since their last share)...
    let res = other.anon().get("/api/v1/articles").await;
    assert_eq!(budget(&res), (4, 3));
    tokio::time::sleep(Duration::from_millis(400)).await;
    // ...and the next one after its share knows every instance's reads.
    let res = other.anon().get("/api/v1/articles").await;
    assert_eq!(budget(&res), (4, 0), "two reads there, two here");
    tokio::time::sleep(Duration::from_millis(400)).await;
    refused(app.anon().get("/api/v1/articles").await).await;
    refused(other.anon().get("/api/v1/articles").await).await;
}

#[actix_web::test]
async fn comment_posting_answers_with_its_budget() {
    let app = TestApp::spawn_with(|c| {
        c.comments.per_address = toasoan_api::config::Rate {
            max: 2,
            window: Duration::from_secs(600),
        };
    })
    .await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Bài để bình luận"})).await;
    let id = draft["id"].as_str().expect("id");
    editor.publish(id, None).await;
    let path = format!("/api/v1/articles/{id}/comments");
    let post = |body: &str| {
        app.anon()
            .request(Method::POST, &path)
            .json(&json!({"author_name": "An", "email": "an@example.vn", "body": body}))
            .send()
    };
    let res = post("Bài viết rất hay").await.expect("POST");
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert_eq!(budget(&res), (2, 1));
    let res = post("Cảm ơn toà soạn").await.expect("POST");
    assert_eq!(budget(&res), (2, 0));
    let res = post("Lần thứ ba").await.expect("POST");
    assert_eq!(header(&res, "ratelimit-limit"), Some(2));
    refused(res).await;
}

#[actix_web::test]
async fn a_throttled_login_says_when_to_come_back_in_ratelimit_headers_too() {
    let app = TestApp::spawn_with(|c| c.login_max_failures = 2).await;
    let wrong = json!({"email": "ai.do@toasoan.test", "password": "sai mật khẩu rồi"});
    for _ in 0..2 {
        let res = app.anon().post("/api/v1/auth/login", wrong.clone()).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app.anon().post("/api/v1/auth/login", wrong).await;
    let retry = header(&res, "retry-after").expect("Retry-After");
    assert_eq!(header(&res, "ratelimit-remaining"), Some(0));
    assert_eq!(header(&res, "ratelimit-reset"), Some(retry));
    let problem: Value =
        assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    assert!(problem["detail"].is_string());
}
