//! Accounts, managed by admins.

use crate::common::{ADMIN_EMAIL, TestApp, assert_problem};
use reqwest::StatusCode;
use serde_json::json;

#[actix_web::test]
async fn an_admin_creates_lists_and_updates_accounts() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let created = admin
        .post_expect(
            "/api/v1/users",
            json!({"email": " Phong.Vien@BaoQuangNam.vn ", "display_name": "Lê Thị Như Thủy", "password": "mot-mat-khau-dai", "role": "author"}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(created["email"], "phong.vien@baoquangnam.vn");
    assert!(created.get("password_hash").is_none());
    let list = admin.get_ok("/api/v1/users").await;
    let emails: Vec<&str> = list["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|u| u["email"].as_str().expect("email"))
        .collect();
    assert_eq!(emails, vec![ADMIN_EMAIL, "phong.vien@baoquangnam.vn"]);
    let id = created["id"].as_str().expect("id");
    let res = admin
        .patch(
            &format!("/api/v1/users/{id}"),
            json!({"role": "editor", "display_name": "Như Thủy"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let user = admin.get_ok(&format!("/api/v1/users/{id}")).await;
    assert_eq!(
        (user["role"].as_str(), user["display_name"].as_str()),
        (Some("editor"), Some("Như Thủy"))
    );
    app.login("phong.vien@baoquangnam.vn", "mot-mat-khau-dai")
        .await;
}

#[actix_web::test]
async fn account_rules_are_enforced() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let res = admin.post("/api/v1/users", json!({"email": ADMIN_EMAIL, "display_name": "x", "password": "mot-mat-khau-dai", "role": "author"})).await;
    assert_problem(res, StatusCode::CONFLICT, "email_taken").await;
    let res = admin.post("/api/v1/users", json!({"email": "khong-phai-email", "display_name": "", "password": "ngan", "role": "author"})).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("f"))
        .collect();
    assert_eq!(fields, vec!["email", "display_name", "password"]);
    let res = admin.post("/api/v1/users", json!({"email": "a@b.vn", "display_name": "x", "password": "0123456789", "role": "root"})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let me = admin.get_ok("/api/v1/auth/me").await;
    let res = admin
        .patch(
            &format!("/api/v1/users/{}", me["id"].as_str().expect("id")),
            json!({"role": "author"}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "cannot_demote_self").await;
    assert_problem(
        admin.get("/api/v1/users/khong-co").await,
        StatusCode::NOT_FOUND,
        "user_not_found",
    )
    .await;
}

#[actix_web::test]
async fn a_new_account_answers_201_with_a_location_that_reads_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let res = admin
        .post("/api/v1/users", json!({"email": "moi@toasoan.test", "display_name": "Mới", "password": "mot-mat-khau-dai", "role": "author"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_default();
    let created: serde_json::Value = res.json().await.expect("json");
    let id = created["id"].as_str().expect("id");
    assert_eq!(location, format!("/api/v1/users/{id}"));
    assert_eq!(admin.get_ok(&location).await, created);
}

#[actix_web::test]
async fn password_and_name_limits_in_the_schema_are_the_limits_the_server_enforces() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let doc = serde_json::to_value(toasoan_api::openapi::document()).expect("json");
    let fields = &doc["components"]["schemas"]["CreateUser"]["properties"];
    let bound = |field: &str, key: &str| {
        usize::try_from(fields[field][key].as_u64().expect("bound")).expect("usize")
    };
    let (min, max) = (
        bound("password", "minLength"),
        bound("password", "maxLength"),
    );
    assert_eq!((min, max), (10, 256));
    assert_eq!(fields["display_name"]["minLength"], 1);
    let name_max = bound("display_name", "maxLength");
    // Passwords of exactly `n` characters that are not guessable.
    let phrase = |n: usize| -> String {
        "sông Thu Bồn chảy qua Hội An, đèn lồng đỏ 7 "
            .repeat(8)
            .chars()
            .take(n)
            .collect()
    };
    let short = "Kz8#qv!Wm2pLx9$T";
    let cases = [
        (short.chars().take(min).collect(), "Tên".to_owned(), true),
        (phrase(max), "ê".repeat(name_max), true),
        (
            short.chars().take(min - 1).collect(),
            "Tên".to_owned(),
            false,
        ),
        (phrase(max + 1), "Tên".to_owned(), false),
        (phrase(min + 10), "ê".repeat(name_max + 1), false),
        (phrase(min + 10), String::new(), false),
    ];
    for (n, (password, name, ok)) in cases.into_iter().enumerate() {
        let body = json!({"email": format!("u{n}@toasoan.test"), "display_name": name, "password": password, "role": "author"});
        let res = admin.post("/api/v1/users", body).await;
        if ok {
            assert_eq!(res.status(), StatusCode::CREATED, "case {n}");
        } else {
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        }
    }
}
