//! The login throttle as attackers meet it (issue 12, defects 1 and 2):
//! forged forwarding headers buy no guesses, an attacker elsewhere cannot
//! lock an editor out, `Retry-After` is the truth, password spraying and
//! IPv6 address hopping are counted, and refused attempts count nothing.

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, assert_problem};
use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::json;
use toasoan_api::auth::TrustedProxies;
use toasoan_api::config::Config;

/// The test server sits behind a proxy on loopback.
fn behind_proxy(c: &mut Config) {
    c.proxies = TrustedProxies::parse(false, "127.0.0.1, ::1").expect("proxies");
}

/// A login as the proxy forwards it: `forwarded` is the whole
/// `X-Forwarded-For` it sends (what the client wrote, then the address
/// the proxy saw).
async fn login_via(
    app: &TestApp,
    forwarded: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    app.anon()
        .request(reqwest::Method::POST, "/api/v1/auth/login")
        .header("x-forwarded-for", forwarded)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("login request")
}

fn retry_after(res: &reqwest::Response) -> u64 {
    res.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds")
}

fn failures_stored(app: &TestApp) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let pool = toasoan_persistence::connect(&app.database_url, 1).expect("pool");
    let mut conn = pool.get().expect("connection");
    diesel::sql_query("SELECT COUNT(*) AS n FROM login_failures")
        .get_result::<Count>(&mut *conn)
        .expect("count")
        .n
}

#[actix_web::test]
async fn forged_forwarding_headers_buy_no_extra_guesses() {
    let app = TestApp::spawn_with(|c| {
        behind_proxy(c);
        c.login_max_failures = 3;
    })
    .await;
    for n in 0..3 {
        // Each guess claims a new origin in front of the real one.
        let res = login_via(
            &app,
            &format!("10.9.9.{n}, 198.51.100.7"),
            ADMIN_EMAIL,
            "doan-bua",
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    for forged in ["10.9.9.200, 198.51.100.7", "junk, 198.51.100.7"] {
        let res = login_via(&app, forged, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    }
    // `Forwarded` is read the same way.
    let res = app
        .anon()
        .request(reqwest::Method::POST, "/api/v1/auth/login")
        .header("forwarded", "for=10.9.9.201, for=\"198.51.100.7:5555\"")
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // The real client elsewhere is not affected.
    let res = login_via(&app, "203.0.113.20", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn without_trusted_proxies_forwarding_headers_are_ignored() {
    let app = TestApp::spawn_with(|c| c.login_max_failures = 2).await;
    for n in 0..2 {
        let res = login_via(&app, &format!("198.51.100.{n}"), ADMIN_EMAIL, "doan-bua").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = login_via(&app, "198.51.100.99", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[actix_web::test]
async fn attackers_elsewhere_cannot_lock_an_editor_out() {
    let app = TestApp::spawn_with(|c| {
        behind_proxy(c);
        c.login_max_failures = 2;
        c.login_max_failures_per_account = 4;
    })
    .await;
    // The editor's usual desk.
    let desk = "203.0.113.10";
    assert_eq!(
        login_via(&app, desk, ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
    // An attacker spends their own budget at one address...
    for _ in 0..2 {
        let res = login_via(&app, "198.51.100.1", ADMIN_EMAIL, "doan-bua").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = login_via(&app, "198.51.100.1", ADMIN_EMAIL, "doan-bua").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // ...and the account's from others.
    for n in 2..4 {
        let res = login_via(&app, &format!("198.51.100.{n}"), ADMIN_EMAIL, "doan-bua").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = login_via(&app, "198.51.100.9", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let res = assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    assert!(res["detail"].as_str().expect("detail").contains("seconds"));
    // The editor at the desk still logs in.
    assert_eq!(
        login_via(&app, desk, ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
    // A wrong password from the desk is still a plain 401.
    let res = login_via(&app, desk, ADMIN_EMAIL, "go-nham").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn retry_after_is_the_truth_and_refused_attempts_count_nothing() {
    let app = TestApp::spawn_with(|c| {
        behind_proxy(c);
        c.login_max_failures = 2;
        c.login_window = std::time::Duration::from_secs(3);
    })
    .await;
    let here = "198.51.100.50";
    for _ in 0..2 {
        assert_eq!(
            login_via(&app, here, ADMIN_EMAIL, "doan-bua")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Two failures, each counted per account and address, per address and
    // per account.
    assert_eq!(failures_stored(&app), 6);
    let mut wait = 0;
    for _ in 0..5 {
        let res = login_via(&app, here, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        wait = retry_after(&res);
        assert!(
            (1..=3).contains(&wait),
            "Retry-After {wait} within the 3 s window"
        );
    }
    // Refused attempts were not recorded, so obeying Retry-After works.
    assert_eq!(failures_stored(&app), 6);
    actix_web::rt::time::sleep(std::time::Duration::from_millis(wait * 1_000 + 200)).await;
    let res = login_via(&app, here, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn refused_logins_are_held_before_the_answer() {
    let tarpit = std::time::Duration::from_millis(600);
    let app = TestApp::spawn_with(|c| {
        behind_proxy(c);
        c.login_max_failures = 1;
        c.login_tarpit = tarpit;
    })
    .await;
    let here = "198.51.100.55";
    let res = login_via(&app, here, ADMIN_EMAIL, "doan-bua").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let stored = failures_stored(&app);
    // Every refusal is held, the first and the ones after it.
    for _ in 0..2 {
        let started = std::time::Instant::now();
        let res = login_via(&app, here, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(
            started.elapsed() >= tarpit,
            "a refused login answered after {:?}, before the {tarpit:?} tarpit",
            started.elapsed()
        );
        assert!(retry_after(&res) >= 1);
        assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    }
    // Held, not counted: the guesser's wait buys nothing either way.
    assert_eq!(failures_stored(&app), stored);
    // Another address is not held.
    let res = login_via(&app, "198.51.100.56", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn password_spraying_spends_the_address_budget() {
    let app = TestApp::spawn_with(|c| {
        behind_proxy(c);
        c.login_max_failures_per_address = 3;
    })
    .await;
    let sprayer = "198.51.100.60";
    for n in 0..3 {
        let res = login_via(
            &app,
            sprayer,
            &format!("nguoi{n}@toasoan.test"),
            "Matkhau123!",
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    // A fourth account, even with the right password, from that address.
    let res = login_via(&app, sprayer, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        login_via(&app, "198.51.100.61", ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn ipv6_clients_are_counted_by_their_64() {
    let app = TestApp::spawn_with(|c| {
        behind_proxy(c);
        c.login_max_failures_per_address = 3;
    })
    .await;
    for host in ["2001:db8:5:6::1", "2001:db8:5:6::2", "2001:db8:5:6:ffff::3"] {
        let res = login_via(
            &app,
            host,
            &format!("x{}@toasoan.test", host.len()),
            "doan-bua",
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = login_via(&app, "2001:db8:5:6:abcd::9", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // The next /64 is someone else.
    let res = login_via(&app, "2001:db8:5:7::1", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn every_instance_counts_the_same_failures() {
    let app = TestApp::spawn_with(|c| {
        behind_proxy(c);
        c.login_max_failures = 2;
    })
    .await;
    let other = app
        .spawn_beside(|c| {
            behind_proxy(c);
            c.login_max_failures = 2;
        })
        .await;
    let here = "198.51.100.70";
    assert_eq!(
        login_via(&app, here, ADMIN_EMAIL, "doan-bua")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_via(&other, here, ADMIN_EMAIL, "doan-bua")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    for instance in [&app, &other] {
        let res = login_via(instance, here, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}

#[actix_web::test]
async fn guesses_at_unknown_accounts_count_here_at_once_and_everywhere_once_written() {
    let setup = |c: &mut Config| {
        behind_proxy(c);
        c.login_max_failures_per_address = 3;
        c.login_flush = std::time::Duration::from_millis(50);
    };
    let app = TestApp::spawn_with(setup).await;
    let other = app.spawn_beside(setup).await;
    let sprayer = "198.51.100.90";
    for n in 0..3 {
        let res = login_via(
            &app,
            sprayer,
            &format!("khong-co-{n}@toasoan.test"),
            "doan-bua",
        )
        .await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    // Counted by this instance before they are written.
    let res = login_via(&app, sprayer, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // Written in one batch, three budget keys per failure.
    let mut stored = 0;
    for _ in 0..100 {
        stored = failures_stored(&app);
        if stored == 9 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(stored, 9, "the held failures were written");
    // The other instance counts them from the database.
    let res = login_via(&other, sprayer, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let res = login_via(&other, "198.51.100.91", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn parallel_guesses_cannot_slip_past_the_last_slot() {
    let app = TestApp::spawn_with(|c| {
        behind_proxy(c);
        c.login_max_failures = 3;
    })
    .await;
    let guesses = (0..12).map(|_| login_via(&app, "198.51.100.80", ADMIN_EMAIL, "doan-bua"));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(guesses)
        .await
        .iter()
        .map(reqwest::Response::status)
        .collect();
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert!(checked <= 3, "{checked} passwords checked: {statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS)
    );
}

#[actix_web::test]
async fn a_sprayer_behind_the_newsrooms_own_address_cannot_lock_its_editors_out() {
    let app = TestApp::spawn_with(|c| {
        behind_proxy(c);
        c.login_max_failures_per_address = 3;
    })
    .await;
    let office = "203.0.113.30";
    assert_eq!(
        login_via(&app, office, ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
    for n in 0..3 {
        let res = login_via(&app, office, &format!("ai{n}@toasoan.test"), "doan-bua").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    // The address is spent for accounts that never logged in from it...
    let res = login_via(&app, office, "nguoi-moi@toasoan.test", "doan-bua").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // ...not for the editor who works there, even on another instance.
    assert_eq!(
        login_via(&app, office, ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
    let other = app.spawn_beside(behind_proxy).await;
    assert_eq!(
        login_via(&other, office, ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn past_the_password_queue_logins_get_a_quick_503_and_nothing_is_lost() {
    // No room to wait: a login that finds every argon2 slot busy is
    // refused at once rather than queued.
    // Each from its own address, so that no throttle budget (which counts
    // attempts in flight) answers first.
    let app = TestApp::spawn_with(|c| {
        behind_proxy(c);
        c.password_queue = 0;
    })
    .await;
    let addresses: Vec<String> = (0..40).map(|n| format!("198.51.100.{n}")).collect();
    let attempts = addresses
        .iter()
        .map(|address| login_via(&app, address, ADMIN_EMAIL, ADMIN_PASSWORD));
    let answers = futures_util::future::join_all(attempts).await;
    let mut ok = 0;
    let mut overloaded = 0;
    for res in answers {
        match res.status() {
            StatusCode::OK => ok += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(res.headers()["retry-after"], "1");
                assert_problem(res, StatusCode::SERVICE_UNAVAILABLE, "service_unavailable").await;
                overloaded += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(ok >= 1, "some logins got a slot");
    assert!(
        overloaded >= 1,
        "40 logins at once on a few slots with no queue"
    );
    // A refusal is not a failed login: nothing was counted, and the next
    // login goes through.
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
}
