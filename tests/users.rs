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
    let res = admin.post("/api/v1/users", json!({"email": ADMIN_EMAIL, "display_name": "x", "password": "0123456789", "role": "author"})).await;
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
