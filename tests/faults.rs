//! Operations under faults (issue 12): a database that cannot take a write
//! answers 503 problem+json with `Retry-After`, never 500, while reads go
//! on, and the server recovers by itself.

use crate::common::{TestApp, assert_problem};
use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::json;

#[actix_web::test]
async fn a_sqlite_file_locked_by_another_process_is_a_503_and_reads_go_on() {
    let app = TestApp::spawn().await;
    if app.backend != "sqlite" {
        return; // PostgreSQL has no file-wide write lock to hold.
    }
    let admin = app.admin().await;
    let article = admin.draft(json!({"title": "Bài trước khi khoá"})).await;
    let id = article["id"].as_str().expect("id").to_owned();
    admin.publish(&id, None).await;
    // Another process (a backup tool, a hand-run sqlite3) holds the write
    // lock longer than the busy timeout.
    let pool = toasoan_persistence::connect(&app.database_url, 1).expect("pool");
    let mut other = pool.get().expect("connection");
    diesel::sql_query("BEGIN IMMEDIATE")
        .execute(&mut *other)
        .expect("lock");
    let res = admin
        .post("/api/v1/articles", json!({"title": "Bài bị chặn"}))
        .await;
    assert!(res.headers().contains_key("retry-after"));
    assert_problem(res, StatusCode::SERVICE_UNAVAILABLE, "service_unavailable").await;
    let read = app.anon().get(&format!("/api/v1/articles/{id}")).await;
    assert_eq!(read.status(), StatusCode::OK);
    diesel::sql_query("ROLLBACK")
        .execute(&mut *other)
        .expect("unlock");
    let res = admin
        .post("/api/v1/articles", json!({"title": "Bài sau khi mở khoá"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}
