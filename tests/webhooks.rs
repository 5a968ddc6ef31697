//! Webhooks: admins subscribe URLs to events; each event is posted once
//! per subscription, signed, in the background, retried with backoff,
//! logged, and never to an internal address unless the server allows it.
//! The receivers are small HTTP servers on loopback started by each test.

use crate::common::{Api, TestApp, assert_problem};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use toasoan_api::config::Config;

/// One request a receiver got.
#[derive(Debug, Clone)]
struct Received {
    event: String,
    delivery: String,
    signature: String,
    body: String,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

/// A receiver on loopback: records every request, answers with the
/// scripted statuses (then 200), and, when gated, holds each answer until
/// the test opens the gate.
#[derive(Clone, Default)]
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<u16>>>,
    gate: Option<Arc<tokio::sync::Semaphore>>,
}

async fn receive(req: HttpRequest, body: web::Bytes, rx: web::Data<Receiver>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    rx.got.lock().expect("log").push(Received {
        event: header("Toasoan-Event"),
        delivery: header("Toasoan-Delivery"),
        signature: header("Toasoan-Signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    if let Some(gate) = &rx.gate {
        gate.acquire().await.expect("gate").forget();
    }
    let status = rx.script.lock().expect("script").pop_front().unwrap_or(200);
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("status"))
        .body(if status == 200 { "ok" } else { "try later" })
}

impl Receiver {
    async fn start(script: &[u16], gated: bool) -> Receiver {
        Self::start_on("127.0.0.1", script, gated).await
    }

    /// A receiver whose URL names `host` (an address or `localhost`).
    async fn start_on(host: &str, script: &[u16], gated: bool) -> Receiver {
        let mut rx = Receiver {
            script: Arc::new(Mutex::new(script.iter().copied().collect())),
            gate: gated.then(|| Arc::new(tokio::sync::Semaphore::new(0))),
            ..Receiver::default()
        };
        let data = web::Data::new(rx.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(receive))
        })
        .workers(1)
        .disable_signals()
        .bind("127.0.0.1:0")
        .expect("bind receiver");
        let addr = server.addrs()[0];
        actix_web::rt::spawn(server.run());
        rx.url = format!("http://{host}:{}/hook", addr.port());
        rx
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().expect("log").clone()
    }

    fn open_gate(&self) {
        if let Some(gate) = &self.gate {
            gate.add_permits(1_000);
        }
    }

    /// Waits until `n` requests came in; returns them.
    async fn until(&self, n: usize) -> Vec<Received> {
        for _ in 0..400 {
            let got = self.got();
            if got.len() >= n {
                return got;
            }
            actix_web::rt::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the receiver never got {n} requests: {:?}", self.got());
    }
}

/// Fast retries and passes, and loopback receivers over plain http.
fn fast(c: &mut Config) {
    c.webhooks.allow_http = true;
    c.webhooks.allow_private = true;
    c.webhooks.retry_base = Duration::from_millis(30);
    c.webhooks.interval = Duration::from_millis(20);
}

async fn app() -> TestApp {
    TestApp::spawn_with(fast).await
}

/// Subscribes `url` to `events`; returns the subscription with its secret.
async fn subscribe(admin: &Api<'_>, url: &str, events: Value) -> Value {
    admin
        .post_expect(
            "/api/v1/webhooks",
            json!({"url": url, "events": events, "description": "Dựng lại trang tĩnh"}),
            StatusCode::CREATED,
        )
        .await
}

fn str_of<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} in {value}"))
}

/// Creates and publishes an article; returns it.
async fn published(admin: &Api<'_>, title: &str) -> Value {
    let article = admin.draft(json!({"title": title})).await;
    admin.publish(str_of(&article, "id"), None).await
}

/// Checks `Toasoan-Signature: t=..,v1=..` against `secret`.
fn signed_with(got: &Received, secret: &str) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in got.signature.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = Some(value.to_owned()),
            Some(("v1", value)) => v1 = Some(value.to_owned()),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    let age = chrono::Utc::now().timestamp() - t.parse::<i64>().expect("t is unix seconds");
    assert!((-5..300).contains(&age), "t={t} is not a recent time");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(format!("{t}.{}", got.body).as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    expected == v1
}

/// The subscription's delivery log (first page, newest first).
async fn log(admin: &Api<'_>, webhook: &str) -> Vec<Value> {
    admin
        .get_ok(&format!("/api/v1/webhooks/{webhook}/deliveries?limit=100"))
        .await["data"]
        .as_array()
        .expect("data")
        .clone()
}

/// Waits until the log has `n` deliveries all in `status`; returns them.
async fn until_log(admin: &Api<'_>, webhook: &str, n: usize, status: &str) -> Vec<Value> {
    let mut last = Vec::new();
    for _ in 0..400 {
        last = log(admin, webhook).await;
        if last.len() == n && last.iter().all(|d| d["status"] == status) {
            return last;
        }
        actix_web::rt::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the log never had {n} {status} deliveries: {last:#?}");
}

#[actix_web::test]
async fn a_published_article_arrives_once_signed_with_the_subscription_secret() {
    let app = app().await;
    let admin = app.admin().await;
    let rx = Receiver::start(&[], false).await;
    let hook = subscribe(&admin, &rx.url, json!(["article.published"])).await;
    let secret = str_of(&hook, "secret");
    assert!(secret.starts_with("whsec_"));
    assert_eq!(hook["events"], json!(["article.published"]));
    assert_eq!(hook["active"], true);
    let id = str_of(&hook, "id");
    // The secret is shown once: never by a read.
    let read = admin.get_ok(&format!("/api/v1/webhooks/{id}")).await;
    assert!(read.get("secret").is_none(), "{read}");
    let listed = admin.get_ok("/api/v1/webhooks").await;
    assert!(!listed.to_string().contains(secret));

    let politics = admin.category("Chính trị", None).await;
    let article = admin
        .draft(json!({"title": "Khai mạc lễ hội", "category_id": politics["id"]}))
        .await;
    admin.publish(str_of(&article, "id"), None).await;
    let got = rx.until(1).await;
    assert_eq!(got[0].event, "article.published");
    assert!(
        signed_with(&got[0], secret),
        "signature {}",
        got[0].signature
    );
    assert!(!signed_with(&got[0], "whsec_another"));
    let body = got[0].json();
    assert_eq!(body["type"], "article.published");
    assert!(body["id"].is_string() && body["occurred_at"].is_string());
    let sent = &body["data"]["article"];
    assert_eq!(sent["id"], article["id"]);
    assert_eq!(sent["slug"], "khai-mac-le-hoi");
    assert_eq!(sent["category"]["slug"], "chinh-tri");
    assert!(
        str_of(sent, "url").ends_with("/chinh-tri/khai-mac-le-hoi"),
        "{sent}"
    );
    let logged = until_log(&admin, id, 1, "succeeded").await;
    assert_eq!(logged[0]["id"], got[0].delivery.as_str());
    assert_eq!(logged[0]["event_id"], body["id"]);
    assert_eq!(logged[0]["attempts"], 1);
    assert_eq!(logged[0]["last_status_code"], 200);
    assert_eq!(logged[0]["last_response_body"], "ok");

    // Once: an edit (not subscribed) sends nothing, the next publication
    // arrives alone, and the first never again.
    let edited = admin
        .request(
            reqwest::Method::PATCH,
            &format!("/api/v1/articles/{}", str_of(&article, "id")),
        )
        .header("If-Match", "*")
        .json(&json!({"sapo": "Sáng nay"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(edited.status(), StatusCode::OK);
    published(&admin, "Bế mạc lễ hội").await;
    let got = rx.until(2).await;
    until_log(&admin, id, 2, "succeeded").await;
    assert_eq!(rx.got().len(), 2, "{got:?}");
    assert_eq!(got[1].json()["data"]["article"]["slug"], "be-mac-le-hoi");
    assert_ne!(got[0].delivery, got[1].delivery);
}

#[actix_web::test]
async fn a_receiver_that_fails_twice_gets_the_same_delivery_id_three_times_and_the_log_shows_three_attempts()
 {
    let app = app().await;
    let admin = app.admin().await;
    let rx = Receiver::start(&[500, 500], false).await;
    let hook = subscribe(&admin, &rx.url, json!(["*"])).await;
    let id = str_of(&hook, "id");
    published(&admin, "Mưa lớn ở miền Trung").await;
    let logged = until_log(&admin, id, 1, "succeeded").await;
    let got = rx.got();
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got.iter().all(|r| r.delivery == got[0].delivery));
    assert!(got.iter().all(|r| r.body == got[0].body));
    assert_eq!(logged[0]["id"], got[0].delivery.as_str());
    assert_eq!(logged[0]["attempts"], 3);
    assert_eq!(logged[0]["last_status_code"], 200);
    assert!(logged[0]["next_attempt_at"].is_null());
    // The subscription recovered: no failure streak is left.
    let read = admin.get_ok(&format!("/api/v1/webhooks/{id}")).await;
    assert!(read["failing_since"].is_null() && read["active"] == true);
}

#[actix_web::test]
async fn a_delivery_whose_every_attempt_fails_is_marked_failed_and_can_be_redelivered() {
    let app = TestApp::spawn_with(|c| {
        fast(c);
        c.webhooks.max_attempts = 2;
    })
    .await;
    let admin = app.admin().await;
    let rx = Receiver::start(&[503, 503, 503], false).await;
    let hook = subscribe(&admin, &rx.url, json!(["article.published"])).await;
    let id = str_of(&hook, "id");
    published(&admin, "Bão số 5").await;
    let logged = until_log(&admin, id, 1, "failed").await;
    assert_eq!(logged[0]["attempts"], 2);
    assert_eq!(logged[0]["last_status_code"], 503);
    assert_eq!(logged[0]["last_response_body"], "try later");
    assert_eq!(rx.got().len(), 2);
    let failing = admin.get_ok(&format!("/api/v1/webhooks/{id}")).await;
    assert!(failing["failing_since"].is_string(), "{failing}");

    // A redelivery starts again under the same id, and the receiver's
    // third 503 is followed by a 200.
    let delivery = str_of(&logged[0], "id");
    let queued = admin
        .post_expect(
            &format!("/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver"),
            json!({}),
            StatusCode::ACCEPTED,
        )
        .await;
    assert_eq!(queued["status"], "pending");
    assert_eq!(queued["attempts"], 0);
    let logged = until_log(&admin, id, 1, "succeeded").await;
    assert_eq!(logged[0]["attempts"], 2);
    assert!(logged[0]["redelivered_at"].is_string());
    let got = rx.got();
    assert_eq!(got.len(), 4);
    assert!(got.iter().all(|r| r.delivery == delivery));
    // A finished delivery of one subscription is not another's to redeliver.
    let other = subscribe(&admin, &rx.url, json!(["*"])).await;
    let res = admin
        .post(
            &format!(
                "/api/v1/webhooks/{}/deliveries/{delivery}/redeliver",
                str_of(&other, "id")
            ),
            json!({}),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "delivery_not_found").await;
}

#[actix_web::test]
async fn a_subscription_that_fails_every_delivery_for_the_set_period_is_disabled_and_says_why() {
    let app = TestApp::spawn_with(|c| {
        fast(c);
        c.webhooks.disable_after = Duration::ZERO;
    })
    .await;
    let admin = app.admin().await;
    let rx = Receiver::start(&[500], false).await;
    let hook = subscribe(&admin, &rx.url, json!(["*"])).await;
    let id = str_of(&hook, "id");
    published(&admin, "Cầu mới thông xe").await;
    let mut read = Value::Null;
    for _ in 0..400 {
        read = admin.get_ok(&format!("/api/v1/webhooks/{id}")).await;
        if read["active"] == false {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(read["active"], false, "{read}");
    assert!(
        str_of(&read, "disabled_reason").contains("HTTP 500"),
        "{read}"
    );
    assert!(read["disabled_at"].is_string());
    // Disabled: new events make no delivery, pings are refused.
    let res = admin
        .post(&format!("/api/v1/webhooks/{id}/ping"), json!({}))
        .await;
    assert_problem(res, StatusCode::CONFLICT, "webhook_inactive").await;
    // Enabled again, the pending delivery goes out (the receiver now says 200).
    let res = admin
        .patch(&format!("/api/v1/webhooks/{id}"), json!({"active": true}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let enabled: Value = res.json().await.expect("json");
    assert!(enabled["disabled_reason"].is_null() && enabled["active"] == true);
    until_log(&admin, id, 1, "succeeded").await;
    assert_eq!(rx.got().len(), 2);
}

#[actix_web::test]
async fn two_instances_on_one_database_deliver_each_event_once() {
    let first = app().await;
    let second = first.spawn_beside(fast).await;
    let admin = first.admin().await;
    let rx = Receiver::start(&[], false).await;
    let hook = subscribe(&admin, &rx.url, json!(["article.published"])).await;
    let id = str_of(&hook, "id");
    let other_admin = second.admin().await;
    for n in 0..12 {
        let api = if n % 2 == 0 { &admin } else { &other_admin };
        published(api, &format!("Tin số {n}")).await;
    }
    let logged = until_log(&admin, id, 12, "succeeded").await;
    assert!(logged.iter().all(|d| d["attempts"] == 1), "{logged:#?}");
    let got = rx.got();
    assert_eq!(got.len(), 12, "{got:?}");
    let mut ids: Vec<&str> = got.iter().map(|r| r.delivery.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 12);
}

#[actix_web::test]
async fn a_private_address_is_refused_unless_the_server_allows_it() {
    let strict = TestApp::spawn_with(|c| c.webhooks.allow_http = true).await;
    let admin = strict.admin().await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://10.0.0.7/hook",
        "http://172.20.1.1/hook",
        "http://192.168.1.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/hook",
        "http://0.0.0.0/hook",
        "http://[::1]/hook",
        "http://[fd00::1]/hook",
        "http://[fe80::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ] {
        let res = admin
            .post("/api/v1/webhooks", json!({"url": url, "events": ["*"]}))
            .await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "url", "{url}");
        assert_eq!(problem["errors"][0]["code"], "private_address", "{url}");
    }
    assert_eq!(admin.get_ok("/api/v1/webhooks").await["data"], json!([]));

    let relaxed = app().await;
    let admin = relaxed.admin().await;
    subscribe(&admin, "http://127.0.0.1:9/hook", json!(["*"])).await;
    subscribe(&admin, "http://localhost:9/hook", json!(["*"])).await;
}

#[actix_web::test]
async fn an_address_checked_at_creation_is_checked_again_at_delivery() {
    // One instance allowed the loopback receiver (its loop waits ten
    // minutes between passes); the one that delivers does not allow it.
    let lenient = TestApp::spawn_with(|c| {
        fast(c);
        c.webhooks.interval = Duration::from_secs(600);
    })
    .await;
    let _strict = lenient
        .spawn_beside(|c| {
            fast(c);
            c.webhooks.allow_private = false;
        })
        .await;
    let admin = lenient.admin().await;
    let by_name = Receiver::start_on("localhost", &[], false).await;
    let by_address = Receiver::start(&[], false).await;
    let named = subscribe(&admin, &by_name.url, json!(["*"])).await;
    let addressed = subscribe(&admin, &by_address.url, json!(["*"])).await;
    published(&admin, "Đường sắt tốc độ cao").await;
    for hook in [&named, &addressed] {
        let id = str_of(hook, "id");
        let mut last = Vec::new();
        for _ in 0..400 {
            last = log(&admin, id).await;
            if last
                .first()
                .is_some_and(|d| d["attempts"] == 1 && !d["last_error"].is_null())
            {
                break;
            }
            actix_web::rt::time::sleep(Duration::from_millis(25)).await;
        }
        let error = str_of(&last[0], "last_error");
        assert!(error.contains("may not reach"), "{error}");
        assert_eq!(last[0]["status"], "pending");
        assert!(last[0]["last_status_code"].is_null());
    }
    assert!(by_name.got().is_empty() && by_address.got().is_empty());
}

#[actix_web::test]
async fn a_rotated_secret_signs_the_next_delivery() {
    let app = app().await;
    let admin = app.admin().await;
    let rx = Receiver::start(&[], false).await;
    let hook = subscribe(&admin, &rx.url, json!(["article.published"])).await;
    let id = str_of(&hook, "id");
    let old = str_of(&hook, "secret");
    let rotated = admin
        .post_expect(
            &format!("/api/v1/webhooks/{id}/rotate-secret"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    let new = str_of(&rotated, "secret");
    assert!(new.starts_with("whsec_") && new != old);
    assert_eq!(rotated["id"], id);
    published(&admin, "Giá xăng giảm").await;
    let got = rx.until(1).await;
    assert!(signed_with(&got[0], new));
    assert!(!signed_with(&got[0], old));
}

#[actix_web::test]
async fn a_slow_receiver_does_not_slow_publishing() {
    let app = app().await;
    let admin = app.admin().await;
    // The receiver answers only once the test opens its gate, which it
    // does after the publish call returned: a publish that waited for the
    // delivery would never return.
    let rx = Receiver::start(&[], true).await;
    let hook = subscribe(&admin, &rx.url, json!(["article.published"])).await;
    let id = str_of(&hook, "id");
    let article = published(&admin, "Khánh thành bệnh viện").await;
    assert_eq!(article["status"], "published");
    rx.until(1).await;
    let pending = log(&admin, id).await;
    assert_eq!(pending[0]["status"], "pending");
    rx.open_gate();
    let logged = until_log(&admin, id, 1, "succeeded").await;
    assert_eq!(logged[0]["attempts"], 1);
}

#[actix_web::test]
async fn only_the_listed_events_are_delivered_and_a_ping_reaches_any_subscription() {
    let app = app().await;
    let admin = app.admin().await;
    let updates = Receiver::start(&[], false).await;
    let hook = subscribe(&admin, &updates.url, json!(["article.updated"])).await;
    let id = str_of(&hook, "id");
    published(&admin, "Chỉ xuất bản").await;
    let ping = admin
        .post_expect(
            &format!("/api/v1/webhooks/{id}/ping"),
            json!({}),
            StatusCode::ACCEPTED,
        )
        .await;
    assert_eq!(ping["event_type"], "ping");
    let got = updates.until(1).await;
    until_log(&admin, id, 1, "succeeded").await;
    assert_eq!(
        got.len(),
        1,
        "the publication is not this subscription's: {got:?}"
    );
    assert_eq!(got[0].event, "ping");
    assert_eq!(got[0].json()["data"]["webhook"]["id"], id);
    assert!(signed_with(&got[0], str_of(&hook, "secret")));

    // Changing the list takes effect for the next event.
    let res = admin
        .patch(
            &format!("/api/v1/webhooks/{id}"),
            json!({"events": ["article.published"], "description": null}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let changed: Value = res.json().await.expect("json");
    assert_eq!(changed["events"], json!(["article.published"]));
    assert!(changed["description"].is_null());
    published(&admin, "Xuất bản lần hai").await;
    let got = updates.until(2).await;
    assert_eq!(got[1].event, "article.published");

    // The log pages newest first.
    let first = admin
        .get_ok(&format!("/api/v1/webhooks/{id}/deliveries?limit=1"))
        .await;
    assert_eq!(first["data"][0]["event_type"], "article.published");
    let cursor = str_of(&first["meta"], "next_cursor");
    let second = admin
        .get_ok(&format!(
            "/api/v1/webhooks/{id}/deliveries?limit=1&cursor={cursor}"
        ))
        .await;
    assert_eq!(second["data"][0]["event_type"], "ping");
    assert!(second["meta"]["next_cursor"].is_null());

    // Deleted, it gets nothing more.
    let res = admin.delete(&format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = admin.get(&format!("/api/v1/webhooks/{id}")).await;
    assert_problem(res, StatusCode::NOT_FOUND, "webhook_not_found").await;
}

#[actix_web::test]
async fn bad_subscriptions_are_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let public = "https://93.184.215.14/hook";
    let cases = [
        (
            json!({"url": "/hook", "events": ["*"]}),
            "url",
            "invalid_url",
        ),
        (
            json!({"url": "hooks.example.com/x", "events": ["*"]}),
            "url",
            "invalid_url",
        ),
        (
            json!({"url": "ftp://93.184.215.14/x", "events": ["*"]}),
            "url",
            "invalid_url",
        ),
        (
            json!({"url": "https://user:pw@93.184.215.14/x", "events": ["*"]}),
            "url",
            "invalid_url",
        ),
        (
            json!({"url": "http://93.184.215.14/hook", "events": ["*"]}),
            "url",
            "https_required",
        ),
        (
            json!({"url": "https://127.0.0.1/hook", "events": ["*"]}),
            "url",
            "private_address",
        ),
        (
            json!({"url": public, "events": ["article.read"]}),
            "events[0]",
            "invalid_event_type",
        ),
        (
            json!({"url": public, "events": ["*", "comment.posted"]}),
            "events[1]",
            "invalid_event_type",
        ),
        (json!({"url": public, "events": []}), "events", "empty_list"),
        (
            json!({"url": public, "events": ["*"], "description": "x".repeat(501)}),
            "description",
            "invalid_description",
        ),
    ];
    for (body, field, code) in cases {
        let res = admin.post("/api/v1/webhooks", body.clone()).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
        assert_eq!(problem["errors"][0]["code"], code, "{body}");
    }
    assert_eq!(admin.get_ok("/api/v1/webhooks").await["data"], json!([]));

    // A public https address is taken (no delivery is made without events).
    let hook = subscribe(
        &admin,
        public,
        json!(["article.published", "article.deleted"]),
    )
    .await;
    let id = str_of(&hook, "id");
    let res = admin
        .patch(
            &format!("/api/v1/webhooks/{id}"),
            json!({"url": "http://93.184.215.14/"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "https_required");
    let res = admin
        .patch(&format!("/api/v1/webhooks/{id}"), json!({"events": []}))
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        admin.get_ok(&format!("/api/v1/webhooks/{id}")).await["url"],
        public
    );
    for path in [
        "/api/v1/webhooks/0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b60".to_owned(),
        "/api/v1/webhooks/not-an-id".to_owned(),
        format!("/api/v1/webhooks/{id}/deliveries/0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b60/redeliver"),
    ] {
        let res = if path.ends_with("redeliver") {
            admin.post(&path, json!({})).await
        } else {
            admin.get(&path).await
        };
        let code = if path.ends_with("redeliver") {
            "delivery_not_found"
        } else {
            "webhook_not_found"
        };
        assert_problem(res, StatusCode::NOT_FOUND, code).await;
    }
}

#[actix_web::test]
async fn only_admins_manage_webhooks() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let hook = subscribe(&admin, "https://93.184.215.14/hook", json!(["*"])).await;
    let id = str_of(&hook, "id");
    let editor = app.editor().await;
    let anon = app.anon();
    let body = json!({"url": "https://93.184.215.14/other", "events": ["*"]});
    for (api, status, code) in [
        (&editor, StatusCode::FORBIDDEN, "forbidden"),
        (&anon, StatusCode::UNAUTHORIZED, "token_missing"),
    ] {
        let res = api.post("/api/v1/webhooks", body.clone()).await;
        assert_problem(res, status, code).await;
        assert_problem(api.get("/api/v1/webhooks").await, status, code).await;
        let res = api.get(&format!("/api/v1/webhooks/{id}/deliveries")).await;
        assert_problem(res, status, code).await;
        let res = api
            .post(&format!("/api/v1/webhooks/{id}/rotate-secret"), json!({}))
            .await;
        assert_problem(res, status, code).await;
        let res = api.delete(&format!("/api/v1/webhooks/{id}")).await;
        assert_problem(res, status, code).await;
    }
    let listed = admin.get_ok("/api/v1/webhooks").await;
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(1));
}

#[actix_web::test]
async fn an_approved_comment_arrives_with_the_comment_and_its_article() {
    let app = app().await;
    let admin = app.admin().await;
    let rx = Receiver::start(&[], false).await;
    let hook = subscribe(&admin, &rx.url, json!(["comment.approved"])).await;
    let article = published(&admin, "Bài nhiều bình luận").await;
    let article_id = str_of(&article, "id");
    let receipt = app
        .anon()
        .post_expect(
            &format!("/api/v1/articles/{article_id}/comments"),
            json!({"author_name": "Chị Hoa", "email": "hoa@example.vn", "body": "Mong có thêm bài"}),
            StatusCode::ACCEPTED,
        )
        .await;
    let comment_id = str_of(&receipt, "id");
    // Held: nothing is sent until a moderator approves it.
    let res = admin
        .patch(
            &format!("/api/v1/comments/{comment_id}"),
            json!({"status": "approved"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let got = rx.until(1).await;
    until_log(&admin, str_of(&hook, "id"), 1, "succeeded").await;
    assert_eq!(rx.got().len(), 1, "only the approval: {got:?}");
    assert_eq!(got[0].event, "comment.approved");
    assert!(signed_with(&got[0], str_of(&hook, "secret")));
    let body = got[0].json();
    assert_eq!(body["type"], "comment.approved");
    assert_eq!(body["data"]["comment"]["id"], comment_id);
    assert_eq!(body["data"]["comment"]["body"], "Mong có thêm bài");
    assert_eq!(body["data"]["article"]["id"], article_id);
    assert!(
        str_of(&body["data"]["article"], "url").ends_with("/bai-nhieu-binh-luan"),
        "{body}"
    );
    assert!(!got[0].body.contains("hoa@example.vn"), "{}", got[0].body);
}
