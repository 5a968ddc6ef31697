//! The caller's own credentials: changing one's password (which takes the
//! current one), an admin resetting someone else's, and the sessions a
//! user can list and end.

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, TestApp, assert_problem, unique_email};
use reqwest::StatusCode;
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "gió lộng trên đèo Hải Vân";

fn access(tokens: &Value) -> &str {
    tokens["access_token"].as_str().expect("access token")
}

/// Logs in with a `User-Agent`; returns the token pair.
async fn login_from(app: &TestApp, email: &str, password: &str, user_agent: &str) -> Value {
    let res = app
        .client
        .post(format!("{}/api/v1/auth/login", app.base))
        .header("user-agent", user_agent)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), StatusCode::OK, "login as {email}");
    res.json().await.expect("tokens")
}

/// Both tokens of a login are refused: the access token on any request,
/// the refresh token at `/auth/refresh`.
async fn login_ended(app: &TestApp, tokens: &Value) {
    let res = app.with_token(access(tokens)).get("/api/v1/auth/me").await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "session_revoked").await;
    let res = app
        .anon()
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": tokens["refresh_token"]}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "session_revoked").await;
}

fn no_store(res: &reqwest::Response) -> bool {
    res.headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        == Some("no-store")
}

async fn change_password(
    app: &TestApp,
    tokens: &Value,
    current: &str,
    new: &str,
) -> reqwest::Response {
    app.with_token(access(tokens))
        .post(
            "/api/v1/auth/password",
            json!({"current_password": current, "new_password": new}),
        )
        .await
}

#[actix_web::test]
async fn changing_ones_password_takes_the_current_one_and_ends_the_other_sessions() {
    let app = TestApp::spawn().await;
    let email = unique_email("editor");
    app.user("editor", &email).await;
    let laptop = app.login(&email, PASSWORD).await;
    let phone = app.login(&email, PASSWORD).await;

    let res = change_password(&app, &laptop, "khong-phai-mat-khau", NEW_PASSWORD).await;
    assert_problem(res, StatusCode::FORBIDDEN, "wrong_password").await;
    // Nothing changed: the old password still logs in, the phone still works.
    app.login(&email, PASSWORD).await;
    app.with_token(access(&phone))
        .get_ok("/api/v1/auth/me")
        .await;

    let res = change_password(&app, &laptop, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(no_store(&res));
    // The laptop that changed it stays logged in, with the tokens it has.
    app.with_token(access(&laptop))
        .get_ok("/api/v1/auth/me")
        .await;
    app.anon()
        .post_expect(
            "/api/v1/auth/refresh",
            json!({"refresh_token": laptop["refresh_token"]}),
            StatusCode::OK,
        )
        .await;
    login_ended(&app, &phone).await;
    let res = app
        .anon()
        .post(
            "/api/v1/auth/login",
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    app.login(&email, NEW_PASSWORD).await;
}

#[actix_web::test]
async fn a_password_change_needs_a_valid_token_and_a_valid_new_password() {
    let app = TestApp::spawn().await;
    let res = app
        .anon()
        .post(
            "/api/v1/auth/password",
            json!({"current_password": ADMIN_PASSWORD, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_missing").await;
    let res = app
        .with_token("not.a.token")
        .post(
            "/api/v1/auth/password",
            json!({"current_password": ADMIN_PASSWORD, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_invalid").await;
    let admin = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let res = change_password(&app, &admin, ADMIN_PASSWORD, "ngan").await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "new_password");
    assert_eq!(problem["errors"][0]["code"], "too_short");
    let res = app
        .with_token(access(&admin))
        .post(
            "/api/v1/auth/password",
            json!({"new_password": NEW_PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    // A logged-out session cannot change the password.
    let ended = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    app.with_token(access(&ended))
        .post_expect("/api/v1/auth/logout", json!({}), StatusCode::NO_CONTENT)
        .await;
    let res = change_password(&app, &ended, ADMIN_PASSWORD, NEW_PASSWORD).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "session_revoked").await;
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
}

#[actix_web::test]
async fn an_admin_resetting_someone_elses_password_ends_all_their_sessions() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let email = unique_email("author");
    let (_, id) = app.user("author", &email).await;
    let one = app.login(&email, PASSWORD).await;
    let two = app.login(&email, PASSWORD).await;
    let res = admin
        .patch(
            &format!("/api/v1/users/{id}"),
            json!({"password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    login_ended(&app, &one).await;
    login_ended(&app, &two).await;
    app.login(&email, NEW_PASSWORD).await;
    // The admin's own session is untouched.
    admin.get_ok("/api/v1/auth/me").await;
}

#[actix_web::test]
async fn an_admin_cannot_set_their_own_password_through_users() {
    let app = TestApp::spawn().await;
    let tokens = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let admin = app.with_token(access(&tokens));
    let me = admin.get_ok("/api/v1/auth/me").await;
    let id = me["id"].as_str().expect("id");
    for path in [
        format!("/api/v1/users/{id}"),
        format!("/api/v1/users/{}", id.to_uppercase()),
    ] {
        let res = admin.patch(&path, json!({"password": NEW_PASSWORD})).await;
        let problem = assert_problem(res, StatusCode::FORBIDDEN, "use_password_endpoint").await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("/api/v1/auth/password")
        );
    }
    // Nothing changed, and a name change of one's own still works.
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let res = admin
        .patch(
            &format!("/api/v1/users/{id}"),
            json!({"display_name": "Tổng biên tập"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = change_password(&app, &tokens, ADMIN_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    app.login(ADMIN_EMAIL, NEW_PASSWORD).await;
}

#[actix_web::test]
async fn a_user_lists_their_own_open_sessions_newest_first_with_the_current_one_marked() {
    let app = TestApp::spawn().await;
    let email = unique_email("editor");
    app.user("editor", &email).await; // the harness's own login: a third session
    let laptop = login_from(&app, &email, PASSWORD, "Firefox on the laptop").await;
    let phone = login_from(&app, &email, PASSWORD, &"Phone ".repeat(60)).await;
    let gone = app.login(&email, PASSWORD).await;
    app.with_token(access(&gone))
        .post_expect("/api/v1/auth/logout", json!({}), StatusCode::NO_CONTENT)
        .await;
    // Someone else's login does not show.
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;

    let res = app
        .with_token(access(&laptop))
        .get("/api/v1/auth/sessions")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(no_store(&res));
    let list: Value = res.json().await.expect("json");
    let sessions = list["data"].as_array().expect("data");
    assert_eq!(sessions.len(), 3, "{list}");
    let phone_session = &sessions[0];
    let laptop_session = &sessions[1];
    assert_eq!(phone_session["current"], false);
    assert_eq!(laptop_session["current"], true);
    assert_eq!(laptop_session["user_agent"], "Firefox on the laptop");
    assert_eq!(laptop_session["address"], "127.0.0.1");
    let ua = phone_session["user_agent"].as_str().expect("user agent");
    assert_eq!(ua.chars().count(), 256);
    assert!(ua.starts_with("Phone Phone"));
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);

    // A refresh is a use; the list from the phone marks the phone.
    let before = laptop_session["last_used_at"]
        .as_str()
        .expect("at")
        .to_owned();
    assert_eq!(laptop_session["created_at"].as_str(), Some(before.as_str()));
    let refreshed = app
        .anon()
        .post_expect(
            "/api/v1/auth/refresh",
            json!({"refresh_token": laptop["refresh_token"]}),
            StatusCode::OK,
        )
        .await;
    let list = app
        .with_token(access(&phone))
        .get_ok("/api/v1/auth/sessions")
        .await;
    let laptop_now = list["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|s| s["id"] == laptop_session["id"])
        .expect("laptop still listed");
    assert_eq!(laptop_now["current"], false);
    assert!(laptop_now["last_used_at"].as_str().expect("at") > before.as_str());
    assert_eq!(list["data"][0]["current"], true);
    app.with_token(access(&refreshed))
        .get_ok("/api/v1/auth/me")
        .await;
}

#[actix_web::test]
async fn ending_a_session_stops_its_access_and_refresh_tokens_at_once() {
    let app = TestApp::spawn().await;
    let email = unique_email("author");
    app.user("author", &email).await;
    let laptop = app.login(&email, PASSWORD).await;
    let lost_phone = app.login(&email, PASSWORD).await;
    let list = app
        .with_token(access(&laptop))
        .get_ok("/api/v1/auth/sessions")
        .await;
    let phone_id = list["data"][0]["id"].as_str().expect("id").to_owned();
    assert_eq!(list["data"][0]["current"], false);

    let res = app
        .with_token(access(&laptop))
        .delete(&format!("/api/v1/auth/sessions/{phone_id}"))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(no_store(&res));
    login_ended(&app, &lost_phone).await;
    app.with_token(access(&laptop))
        .get_ok("/api/v1/auth/me")
        .await;
    // Ended already: it is no longer an open session.
    let res = app
        .with_token(access(&laptop))
        .delete(&format!("/api/v1/auth/sessions/{phone_id}"))
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "session_not_found").await;
    let list = app
        .with_token(access(&laptop))
        .get_ok("/api/v1/auth/sessions")
        .await;
    assert!(
        list["data"]
            .as_array()
            .expect("data")
            .iter()
            .all(|s| s["id"] != phone_id.as_str())
    );
}

#[actix_web::test]
async fn another_users_session_is_answered_as_if_it_did_not_exist() {
    let app = TestApp::spawn().await;
    let admin = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let admin_sessions = app
        .with_token(access(&admin))
        .get_ok("/api/v1/auth/sessions")
        .await;
    let admin_session = admin_sessions["data"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (editor, _) = app.user("editor", &unique_email("editor")).await;

    let theirs = editor
        .delete(&format!("/api/v1/auth/sessions/{admin_session}"))
        .await;
    let theirs = assert_problem(theirs, StatusCode::NOT_FOUND, "session_not_found").await;
    let unknown = editor
        .delete(&format!("/api/v1/auth/sessions/{}", uuid::Uuid::now_v7()))
        .await;
    let unknown = assert_problem(unknown, StatusCode::NOT_FOUND, "session_not_found").await;
    assert_eq!(theirs["detail"], unknown["detail"]);
    let garbage = editor.delete("/api/v1/auth/sessions/khong-co").await;
    assert_problem(garbage, StatusCode::NOT_FOUND, "session_not_found").await;
    // The admin's login is untouched, and an admin cannot end others' either.
    app.with_token(access(&admin))
        .get_ok("/api/v1/auth/me")
        .await;
    let editor_sessions = editor.get_ok("/api/v1/auth/sessions").await;
    let editor_session = editor_sessions["data"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let res = app
        .with_token(access(&admin))
        .delete(&format!("/api/v1/auth/sessions/{editor_session}"))
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "session_not_found").await;
    editor.get_ok("/api/v1/auth/me").await;
    // Without a token, nothing.
    let res = app.anon().get("/api/v1/auth/sessions").await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_missing").await;
    let res = app
        .anon()
        .delete(&format!("/api/v1/auth/sessions/{editor_session}"))
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_missing").await;
}

#[actix_web::test]
async fn ending_every_other_session_keeps_the_current_one() {
    let app = TestApp::spawn().await;
    let email = unique_email("editor");
    app.user("editor", &email).await;
    let here = app.login(&email, PASSWORD).await;
    let elsewhere = app.login(&email, PASSWORD).await;
    let admin = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let res = app
        .with_token(access(&here))
        .delete("/api/v1/auth/sessions")
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    login_ended(&app, &elsewhere).await;
    let list = app
        .with_token(access(&here))
        .get_ok("/api/v1/auth/sessions")
        .await;
    assert_eq!(list["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(list["data"][0]["current"], true);
    // Another account's sessions are not touched.
    app.with_token(access(&admin))
        .get_ok("/api/v1/auth/me")
        .await;
    // Ending the current session by id is a logout.
    let id = list["data"][0]["id"].as_str().expect("id");
    let res = app
        .with_token(access(&here))
        .delete(&format!("/api/v1/auth/sessions/{id}"))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    login_ended(&app, &here).await;
}

#[actix_web::test]
async fn common_guessable_and_personal_passwords_are_refused_wherever_a_password_is_set() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let field_error = |problem: &Value, field: &str| -> String {
        let errors = problem["errors"].as_array().expect("errors");
        assert_eq!(errors.len(), 1, "{problem}");
        assert_eq!(errors[0]["field"], field);
        errors[0]["code"].as_str().expect("code").to_owned()
    };
    let create = |password: &'static str| json!({"email": "nhu.thuy@baoquangnam.vn", "display_name": "Lê Như Thủy", "password": password, "role": "author"});
    for (password, code) in [
        ("1234567890", "too_weak"),
        ("password123", "too_weak"),
        ("qwertyuiop", "too_weak"),
        ("aaaaaaaaaaaa", "too_weak"),
        ("nhu.thuy-1990-hoi-an", "contains_personal"),
        ("LeNhuThuy-mua-thu-ha-noi", "contains_personal"),
    ] {
        let res = admin.post("/api/v1/users", create(password)).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(field_error(&problem, "password"), code, "{password}");
    }
    let made = admin
        .post_expect(
            "/api/v1/users",
            create("mùa thu lá vàng rơi"),
            StatusCode::CREATED,
        )
        .await;
    let id = made["id"].as_str().expect("id");

    // An admin's reset of someone else's password: the same rules, with
    // that account's details.
    let res = admin
        .patch(
            &format!("/api/v1/users/{id}"),
            json!({"password": "iloveyou123"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_error(&problem, "password"), "too_weak");
    let res = admin
        .patch(
            &format!("/api/v1/users/{id}"),
            json!({"password": "thuy.nhu-ke-chuyen-hay"}),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "thuy.nhu is not her e-mail name"
    );
    let res = admin
        .patch(
            &format!("/api/v1/users/{id}"),
            json!({"password": "chuyen-cua-NhuThuy!", "display_name": "Như Thủy"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_error(&problem, "password"), "contains_personal");

    // One's own change: the same rules, on `new_password`.
    let tokens = app
        .login("nhu.thuy@baoquangnam.vn", "thuy.nhu-ke-chuyen-hay")
        .await;
    for (password, code) in [
        ("Password2024!", "too_weak"),
        ("nhu.thuy.2024!", "contains_personal"),
    ] {
        let res = change_password(&app, &tokens, "thuy.nhu-ke-chuyen-hay", password).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(field_error(&problem, "new_password"), code, "{password}");
    }
    app.login("nhu.thuy@baoquangnam.vn", "thuy.nhu-ke-chuyen-hay")
        .await;
}

/// `toasoan user create` applies the same policy as the API.
#[test]
fn the_user_create_command_refuses_a_common_password() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().expect("temp dir");
    let create = |password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_toasoan"))
            .args(["user", "create", "--email", "ky.thuat@toasoan.test"])
            .args(["--name", "Kỹ thuật", "--role", "admin"])
            .env("TOASOAN_DATA_DIR", dir.path())
            .env_remove("TOASOAN_USER_PASSWORD")
            .env_remove("DATABASE_URL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(format!("{password}\n").as_bytes())
            .expect("write");
        child.wait_with_output().expect("exits")
    };
    let weak = create("1234567890");
    assert!(!weak.status.success());
    assert!(
        String::from_utf8_lossy(&weak.stderr).contains("too common or easy to guess"),
        "{}",
        String::from_utf8_lossy(&weak.stderr)
    );
    let made = create("đêm trăng rằm phố cổ");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
}

/// The stored password hash of an account.
async fn stored_hash(app: &TestApp, email: &str) -> String {
    use diesel::{QueryableByName, RunQueryDsl, sql_types::Text};
    #[derive(QueryableByName)]
    struct Stored {
        #[diesel(sql_type = Text)]
        password_hash: String,
    }
    let pool = toasoan_persistence::connect(&app.database_url, 1).expect("pool");
    let email = email.to_owned();
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("conn");
        diesel::sql_query(format!(
            "SELECT password_hash FROM users WHERE email = '{email}'"
        ))
        .get_result::<Stored>(&mut *conn)
        .expect("row")
        .password_hash
    })
    .await
    .expect("join")
}

#[actix_web::test]
async fn hashes_from_another_argon2_cost_still_log_in_and_are_rehashed_at_the_configured_one() {
    use toasoan_api::auth::Argon2Cost;
    let app = TestApp::spawn().await;
    let email = unique_email("editor");
    app.user("editor", &email).await;
    let before = stored_hash(&app, &email).await;
    assert!(
        before.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{before}"
    );

    // An instance with another cost on the same database.
    let cost = Argon2Cost {
        memory_kib: 8192,
        iterations: 3,
        parallelism: 2,
    };
    let other = app.spawn_beside(|c| c.argon2 = cost).await;
    let res = other
        .anon()
        .post(
            "/api/v1/auth/login",
            json!({"email": email, "password": "not the password"}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_eq!(
        stored_hash(&app, &email).await,
        before,
        "a failed login changes nothing"
    );
    other.login(&email, PASSWORD).await;
    let after = stored_hash(&app, &email).await;
    assert!(
        after.starts_with("$argon2id$v=19$m=8192,t=3,p=2$"),
        "{after}"
    );
    // The new hash is the same password, wherever it is checked.
    other.login(&email, PASSWORD).await;
    assert_eq!(stored_hash(&app, &email).await, after, "rehashed once");
    app.login(&email, PASSWORD).await;
    // New passwords are hashed at the instance's cost.
    let created = unique_email("author");
    other
        .admin()
        .await
        .post_expect(
            "/api/v1/users",
            json!({"email": created, "display_name": "Mới", "password": NEW_PASSWORD, "role": "author"}),
            StatusCode::CREATED,
        )
        .await;
    let hash = stored_hash(&app, &created).await;
    assert!(hash.starts_with("$argon2id$v=19$m=8192,t=3,p=2$"), "{hash}");
}

/// A cost argon2 does not take stops the server before it serves, naming
/// the variable.
#[test]
fn a_bad_argon2_cost_stops_start_up_with_a_clear_message() {
    use std::process::Command;
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_toasoan"))
        .arg("migrate")
        .env("TOASOAN_DATA_DIR", dir.path())
        .env_remove("DATABASE_URL")
        .env("TOASOAN_ARGON2_PARALLELISM", "0")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("TOASOAN_ARGON2_PARALLELISM"), "{stderr}");
}

/// A correctly signed token that names someone else's session (a leaked
/// session id) or has expired lists and ends nothing.
#[actix_web::test]
async fn a_token_naming_another_accounts_session_or_expired_lists_and_ends_nothing() {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use jsonwebtoken::{EncodingKey, Header};
    let app = TestApp::spawn().await;
    let admin = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let admin_session = app
        .with_token(access(&admin))
        .get_ok("/api/v1/auth/sessions")
        .await["data"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let email = unique_email("author");
    app.user("author", &email).await;
    let mine = app.login(&email, PASSWORD).await;
    let payload = access(&mine).split('.').nth(1).expect("payload");
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64")).expect("claims");
    let sign = |claims: &Value| {
        jsonwebtoken::encode(
            &Header::default(),
            claims,
            &EncodingKey::from_secret(crate::common::JWT_SECRET.as_bytes()),
        )
        .expect("encode")
    };
    let mut borrowed = claims.clone();
    borrowed["sid"] = json!(admin_session);
    let borrowed = sign(&borrowed);
    let res = app.with_token(&borrowed).get("/api/v1/auth/sessions").await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "session_revoked").await;
    let res = app
        .with_token(&borrowed)
        .delete(&format!("/api/v1/auth/sessions/{admin_session}"))
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "session_revoked").await;

    let mut old = claims.clone();
    old["iat"] = json!(chrono::Utc::now().timestamp() - 7200);
    old["exp"] = json!(chrono::Utc::now().timestamp() - 3600);
    let expired = sign(&old);
    let res = app
        .with_token(&expired)
        .delete("/api/v1/auth/sessions")
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_expired").await;
    let res = app
        .with_token(&expired)
        .post(
            "/api/v1/auth/password",
            json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_expired").await;

    app.with_token(access(&admin))
        .get_ok("/api/v1/auth/me")
        .await;
    app.with_token(access(&mine))
        .get_ok("/api/v1/auth/me")
        .await;
    app.login(&email, PASSWORD).await;
}

#[actix_web::test]
async fn a_stolen_token_cannot_guess_the_current_password_without_limit() {
    let app = TestApp::spawn_with(|c| c.login_max_failures = 3).await;
    let email = unique_email("editor");
    app.user("editor", &email).await;
    let stolen = app.login(&email, PASSWORD).await;
    for n in 0..3 {
        let res = change_password(&app, &stolen, &format!("doan-lan-{n}"), NEW_PASSWORD).await;
        assert_problem(res, StatusCode::FORBIDDEN, "wrong_password").await;
    }
    // Even the right one now waits, and says for how long.
    let res = change_password(&app, &stolen, PASSWORD, NEW_PASSWORD).await;
    assert!(res.headers().contains_key("retry-after"));
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    // The guesses count against logins from that address too.
    let res = app
        .anon()
        .post(
            "/api/v1/auth/login",
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}
