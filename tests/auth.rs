//! Login, tokens and sessions: forged, tampered, expired, `alg=none` and
//! revoked tokens are all refused.

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET, PASSWORD, TestApp, assert_problem};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64")).expect("claims")
}

#[actix_web::test]
async fn login_returns_a_token_pair_that_identifies_the_caller() {
    let app = TestApp::spawn().await;
    let tokens = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    assert!(tokens["refresh_token"].as_str().expect("refresh").len() >= 40);
    let claims = claims_of(tokens["access_token"].as_str().expect("access"));
    assert_eq!(claims["role"], "admin");
    assert!(claims["exp"].as_i64().expect("exp") > claims["iat"].as_i64().expect("iat"));
    let me = app
        .with_token(tokens["access_token"].as_str().expect("access"))
        .get_ok("/api/v1/auth/me")
        .await;
    assert_eq!(me["email"], ADMIN_EMAIL);
    assert_eq!(me["role"], "admin");
    assert!(me.get("password_hash").is_none());
}

#[actix_web::test]
async fn unknown_account_and_wrong_password_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let wrong = app
        .anon()
        .post(
            "/api/v1/auth/login",
            json!({"email": ADMIN_EMAIL, "password": "sai-mat-khau"}),
        )
        .await;
    let wrong = assert_problem(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let unknown = app
        .anon()
        .post(
            "/api/v1/auth/login",
            json!({"email": "ai@do.vn", "password": "sai-mat-khau"}),
        )
        .await;
    let unknown = assert_problem(unknown, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_eq!(wrong, unknown);
}

#[actix_web::test]
async fn repeated_failed_logins_are_throttled() {
    let app = TestApp::spawn_with(|c| c.login_max_failures = 3).await;
    for _ in 0..3 {
        let res = app
            .anon()
            .post(
                "/api/v1/auth/login",
                json!({"email": ADMIN_EMAIL, "password": "doan-bua"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app
        .anon()
        .post(
            "/api/v1/auth/login",
            json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await;
    assert!(res.headers().contains_key("retry-after"));
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
}

async fn token_refused(app: &TestApp, token: &str, code: &str) {
    let res = app.with_token(token).get("/api/v1/auth/me").await;
    assert!(
        res.headers()["www-authenticate"]
            .to_str()
            .expect("header")
            .starts_with("Bearer")
    );
    assert_problem(res, StatusCode::UNAUTHORIZED, code).await;
}

#[actix_web::test]
async fn forged_tampered_expired_and_unsigned_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let (_, author_id) = app.user("author", "phongvien@toasoan.test").await;
    let tokens = app.login("phongvien@toasoan.test", PASSWORD).await;
    let real = tokens["access_token"].as_str().expect("access");
    let claims = claims_of(real);

    // Signed with another secret.
    let forged = jsonwebtoken::encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(b"not-the-server-secret-at-all-0000"),
    )
    .expect("encode");
    token_refused(&app, &forged, "token_invalid").await;

    // The payload changed to claim admin, the signature kept.
    let mut promoted = claims.clone();
    promoted["role"] = json!("admin");
    let parts: Vec<&str> = real.split('.').collect();
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(promoted.to_string()),
        parts[2]
    );
    token_refused(&app, &tampered, "token_invalid").await;

    // Correctly signed, but expired.
    let mut old = claims.clone();
    old["iat"] = json!(chrono::Utc::now().timestamp() - 7200);
    old["exp"] = json!(chrono::Utc::now().timestamp() - 3600);
    let expired = jsonwebtoken::encode(
        &Header::default(),
        &old,
        &EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .expect("encode");
    token_refused(&app, &expired, "token_expired").await;

    // alg=none with an empty signature, claiming admin.
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let unsigned = format!("{header}.{}.", URL_SAFE_NO_PAD.encode(promoted.to_string()));
    token_refused(&app, &unsigned, "token_invalid").await;

    // Garbage and the wrong scheme.
    token_refused(&app, "not-a-jwt", "token_invalid").await;
    let res = app
        .anon()
        .request(reqwest::Method::GET, "/api/v1/auth/me")
        .header("Authorization", format!("Basic {real}"))
        .send()
        .await
        .expect("get");
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_invalid").await;

    // None of them got through; the real token still works.
    let me = app.with_token(real).get_ok("/api/v1/auth/me").await;
    assert_eq!(me["id"], author_id.as_str());
    assert_eq!(me["role"], "author");
}

#[actix_web::test]
async fn refresh_rotates_and_a_reused_refresh_token_ends_the_session() {
    // No grace for retries: any second use is a reuse.
    let app = TestApp::spawn_with(|c| c.refresh_grace = Duration::ZERO).await;
    let first = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let refresh = |token: &Value| json!({"refresh_token": token["refresh_token"]});

    let second = app
        .anon()
        .post_expect("/api/v1/auth/refresh", refresh(&first), StatusCode::OK)
        .await;
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    app.with_token(second["access_token"].as_str().expect("access"))
        .get_ok("/api/v1/auth/me")
        .await;

    // The spent token presented again: refused, and the whole session ends.
    let res = app
        .anon()
        .post("/api/v1/auth/refresh", refresh(&first))
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_reused").await;
    let res = app
        .anon()
        .post("/api/v1/auth/refresh", refresh(&second))
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "session_revoked").await;
    token_refused(
        &app,
        second["access_token"].as_str().expect("access"),
        "session_revoked",
    )
    .await;

    let res = app
        .anon()
        .post("/api/v1/auth/refresh", json!({"refresh_token": "made-up"}))
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_invalid").await;
}

#[actix_web::test]
async fn logout_revokes_both_tokens_of_the_session_only() {
    let app = TestApp::spawn().await;
    let phone = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let laptop = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let access = phone["access_token"].as_str().expect("access");
    let res = app
        .with_token(access)
        .post("/api/v1/auth/logout", json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    token_refused(&app, access, "session_revoked").await;
    let res = app
        .anon()
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": phone["refresh_token"]}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "session_revoked").await;
    app.with_token(laptop["access_token"].as_str().expect("access"))
        .get_ok("/api/v1/auth/me")
        .await;
}

#[actix_web::test]
async fn disabling_an_account_ends_its_sessions_and_logins() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (author, id) = app.user("author", "nghiviec@toasoan.test").await;
    let res = admin
        .patch(&format!("/api/v1/users/{id}"), json!({"is_active": false}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    token_refused(
        &app,
        author.token.as_deref().expect("token"),
        "session_revoked",
    )
    .await;
    let res = app
        .anon()
        .post(
            "/api/v1/auth/login",
            json!({"email": "nghiviec@toasoan.test", "password": PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}

#[actix_web::test]
async fn refresh_tokens_are_stored_only_as_hashes() {
    use diesel::{QueryableByName, RunQueryDsl, sql_types::Text};
    #[derive(QueryableByName)]
    struct Stored {
        #[diesel(sql_type = Text)]
        token_hash: String,
    }
    let app = TestApp::spawn().await;
    let tokens = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let refresh = tokens["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    let pool = toasoan_persistence::connect(&app.database_url, 1).expect("pool");
    let stored = actix_web::rt::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("conn");
        diesel::sql_query("SELECT token_hash FROM refresh_tokens")
            .load::<Stored>(&mut *conn)
            .expect("rows")
    })
    .await
    .expect("join");
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].token_hash, refresh);
    assert!(!stored[0].token_hash.contains(&refresh[..16]));
    assert_eq!(stored[0].token_hash.len(), 64, "a SHA-256 in hex");
}

#[actix_web::test]
async fn without_a_configured_secret_one_is_generated_once_and_kept_private() {
    let app = TestApp::spawn_with(|c| c.jwt_secret = None).await;
    let path = app.data_dir.join("jwt-secret");
    let next_start = |dir: &std::path::Path| {
        let dir = dir.to_string_lossy().into_owned();
        let url = app.database_url.clone();
        let config = toasoan_api::config::Config::from_lookup(|k| match k {
            "TOASOAN_DATA_DIR" => Some(dir.clone()),
            "DATABASE_URL" => Some(url.clone()),
            _ => None,
        })
        .expect("config");
        let pool = toasoan_persistence::connect(&config.database_url, 1).expect("pool");
        toasoan_api::startup::jwt_secret(&config, &pool).expect("secret")
    };
    let secret = if app.backend == "sqlite" {
        // Kept beside the database, readable by the owner only.
        let secret = std::fs::read_to_string(&path).expect("secret file");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        secret
    } else {
        // Kept in the database, so any data directory gets it.
        assert!(!path.exists());
        let elsewhere = tempfile::tempdir().expect("dir");
        String::from_utf8(next_start(elsewhere.path())).expect("text")
    };
    assert!(secret.len() >= 64);
    // Tokens are signed with it: one signed with the test constant is refused.
    let tokens = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    app.with_token(tokens["access_token"].as_str().expect("access"))
        .get_ok("/api/v1/auth/me")
        .await;
    let mut claims = claims_of(tokens["access_token"].as_str().expect("access"));
    claims["exp"] = json!(chrono::Utc::now().timestamp() + 600);
    for (key, accepted) in [(JWT_SECRET, false), (secret.as_str(), true)] {
        let token = jsonwebtoken::encode(
            &Header::default(),
            &claims,
            &EncodingKey::from_secret(key.as_bytes()),
        )
        .expect("encode");
        if accepted {
            app.with_token(&token).get_ok("/api/v1/auth/me").await;
        } else {
            token_refused(&app, &token, "token_invalid").await;
        }
    }
    // The same secret is used on the next start.
    assert_eq!(next_start(&app.data_dir), secret.as_bytes());
}

#[actix_web::test]
async fn instances_on_one_postgresql_database_accept_each_others_tokens_with_no_secret_configured()
{
    let app = TestApp::spawn_with(|c| c.jwt_secret = None).await;
    if app.backend != "postgres" {
        return; // One SQLite file is one instance's.
    }
    let other = app.spawn_beside(|c| c.jwt_secret = None).await;
    let tokens = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let me = other
        .with_token(tokens["access_token"].as_str().expect("access"))
        .get_ok("/api/v1/auth/me")
        .await;
    assert_eq!(me["email"], ADMIN_EMAIL);
    // A refresh token from one is exchanged by the other.
    let res = other
        .anon()
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": tokens["refresh_token"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_refresh_without_a_token_is_a_422_the_contract_documents() {
    let app = TestApp::spawn().await;
    let res = app.anon().post("/api/v1/auth/refresh", json!({})).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()));
    let doc = serde_json::to_value(toasoan_api::openapi::document()).expect("json");
    let documented = &doc["paths"]["/api/v1/auth/refresh"]["post"]["responses"]["422"];
    assert!(
        documented["description"]
            .as_str()
            .is_some_and(|d| d.contains("validation_failed")),
        "{documented}"
    );
}

fn refresh_body(pair: &Value) -> Value {
    json!({"refresh_token": pair["refresh_token"]})
}

#[actix_web::test]
async fn a_retried_refresh_gets_the_same_token_until_its_successor_is_used() {
    let app = TestApp::spawn().await;
    let first = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let second = app
        .anon()
        .post_expect("/api/v1/auth/refresh", refresh_body(&first), StatusCode::OK)
        .await;
    // The answer was lost on the way: the client sends the same refresh
    // again, and gets the same new refresh token (and a working access token).
    let again = app
        .anon()
        .post_expect("/api/v1/auth/refresh", refresh_body(&first), StatusCode::OK)
        .await;
    assert_eq!(again["refresh_token"], second["refresh_token"]);
    app.with_token(again["access_token"].as_str().expect("access"))
        .get_ok("/api/v1/auth/me")
        .await;
    // Once the successor has been used, the first token again is a theft:
    // the whole session ends.
    let third = app
        .anon()
        .post_expect(
            "/api/v1/auth/refresh",
            refresh_body(&second),
            StatusCode::OK,
        )
        .await;
    let res = app
        .anon()
        .post("/api/v1/auth/refresh", refresh_body(&first))
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_reused").await;
    let res = app
        .anon()
        .post("/api/v1/auth/refresh", refresh_body(&third))
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "session_revoked").await;
}

#[actix_web::test]
async fn a_retry_after_the_grace_window_is_a_reuse() {
    let app = TestApp::spawn_with(|c| c.refresh_grace = Duration::from_secs(1)).await;
    let first = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    app.anon()
        .post_expect("/api/v1/auth/refresh", refresh_body(&first), StatusCode::OK)
        .await;
    actix_web::rt::time::sleep(Duration::from_millis(1_500)).await;
    let res = app
        .anon()
        .post("/api/v1/auth/refresh", refresh_body(&first))
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_reused").await;
}

#[actix_web::test]
async fn a_login_ends_at_its_absolute_lifetime_however_often_it_is_refreshed() {
    let app = TestApp::spawn_with(|c| c.session_max_age = Duration::from_secs(2)).await;
    let mut pair = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    for _ in 0..3 {
        pair = app
            .anon()
            .post_expect("/api/v1/auth/refresh", refresh_body(&pair), StatusCode::OK)
            .await;
        actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    }
    actix_web::rt::time::sleep(Duration::from_millis(1_300)).await;
    let res = app
        .anon()
        .post("/api/v1/auth/refresh", refresh_body(&pair))
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "session_expired").await;
}

#[actix_web::test]
async fn ended_sessions_and_expired_tokens_are_pruned() {
    use diesel::{QueryableByName, RunQueryDsl, sql_types::BigInt};
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let app = TestApp::spawn_with(|c| {
        c.session_max_age = Duration::from_secs(2);
        c.access_ttl = Duration::from_secs(1);
        c.prune_interval = Duration::from_millis(100);
    })
    .await;
    let pool = toasoan_persistence::connect(&app.database_url, 1).expect("pool");
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            actix_web::rt::task::spawn_blocking(move || {
                let mut conn = pool.get().expect("conn");
                diesel::sql_query(sql)
                    .get_result::<Count>(&mut *conn)
                    .expect("count")
                    .n
            })
            .await
            .expect("join")
        }
    };
    let sessions = "SELECT COUNT(*) AS n FROM sessions";
    let logged_out = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let kept = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let res = app
        .with_token(logged_out["access_token"].as_str().expect("access"))
        .post("/api/v1/auth/logout", json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // The logged-out session goes at the next pass; the other stays while
    // it may still be used.
    let mut n = count(sessions).await;
    for _ in 0..40 {
        if n == 1 {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        n = count(sessions).await;
    }
    assert_eq!(n, 1, "the logged-out session is pruned, the live one kept");
    app.anon()
        .post_expect("/api/v1/auth/refresh", refresh_body(&kept), StatusCode::OK)
        .await;
    // Past its lifetime (and an access token's after that), it goes too,
    // with its refresh tokens.
    for _ in 0..200 {
        if count(sessions).await == 0 {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(count(sessions).await, 0);
    assert_eq!(count("SELECT COUNT(*) AS n FROM refresh_tokens").await, 0);
}
