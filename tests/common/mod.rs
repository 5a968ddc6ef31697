//! The test harness: one running server per test, typed clients per role.

#![allow(
    dead_code,
    reason = "each test module uses a different part of the harness"
)]

pub mod media;

use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;
use toasoan_api::config::Config;

pub const ADMIN_EMAIL: &str = "admin@toasoan.test";
pub const ADMIN_PASSWORD: &str = "mat-khau-quan-tri";
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";
pub const PASSWORD: &str = "mat-khau-du-dai";

/// A PostgreSQL database made for one test and dropped after it.
struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    format!("{root}/{name}{query}")
}

/// A running application.
pub struct TestApp {
    pub base: String,
    pub database_url: String,
    pub client: reqwest::Client,
    pub backend: &'static str,
    pub data_dir: std::path::PathBuf,
    _dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

impl TestApp {
    /// Starts the app on a fresh database.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the app with an adjusted configuration.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let (database_url, pg, backend) = match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(admin_url) => {
                let name = format!("toasoan_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn = PgConnection::establish(&admin_url)
                    .expect("TEST_DATABASE_URL must be reachable");
                diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut conn)
                    .expect("create database");
                (
                    with_database(&admin_url, &name),
                    Some(PgDatabase { admin_url, name }),
                    "postgres",
                )
            }
            None => (
                dir.path().join("test.db").to_string_lossy().into_owned(),
                None,
                "sqlite",
            ),
        };
        let vars = [
            (
                "TOASOAN_DATA_DIR",
                dir.path().to_string_lossy().into_owned(),
            ),
            ("DATABASE_URL", database_url.clone()),
            ("TOASOAN_LISTEN", "127.0.0.1:0".to_owned()),
            ("TOASOAN_JWT_SECRET", JWT_SECRET.to_owned()),
            ("TOASOAN_ADMIN_EMAIL", ADMIN_EMAIL.to_owned()),
            ("TOASOAN_ADMIN_PASSWORD", ADMIN_PASSWORD.to_owned()),
            ("TOASOAN_DB_POOL_SIZE", "4".to_owned()),
            ("TOASOAN_WORKERS", "1".to_owned()),
        ];
        let mut config = Config::from_lookup(|k| {
            vars.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.clone())
        })
        .expect("config");
        adjust(&mut config);
        let (server, addr) = toasoan_api::startup::start(config).expect("app starts");
        actix_web::rt::spawn(server);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client");
        TestApp {
            base: format!("http://{addr}"),
            database_url,
            data_dir: dir.path().to_path_buf(),
            client,
            backend,
            _dir: dir,
            _pg: pg,
        }
    }

    /// A second instance of the application on this one's database (as
    /// several instances behind a load balancer share one), with its own
    /// data directory and an adjusted configuration. The database stays
    /// this app's: it is dropped with this one.
    pub async fn spawn_beside(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let vars = [
            (
                "TOASOAN_DATA_DIR",
                dir.path().to_string_lossy().into_owned(),
            ),
            ("DATABASE_URL", self.database_url.clone()),
            ("TOASOAN_LISTEN", "127.0.0.1:0".to_owned()),
            ("TOASOAN_JWT_SECRET", JWT_SECRET.to_owned()),
            ("TOASOAN_DB_POOL_SIZE", "4".to_owned()),
            ("TOASOAN_WORKERS", "1".to_owned()),
        ];
        let mut config = Config::from_lookup(|k| {
            vars.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.clone())
        })
        .expect("config");
        adjust(&mut config);
        let (server, addr) = toasoan_api::startup::start(config).expect("second instance starts");
        actix_web::rt::spawn(server);
        TestApp {
            base: format!("http://{addr}"),
            database_url: self.database_url.clone(),
            data_dir: dir.path().to_path_buf(),
            client: self.client.clone(),
            backend: self.backend,
            _dir: dir,
            _pg: None,
        }
    }

    /// A reader without a token.
    pub fn anon(&self) -> Api<'_> {
        Api {
            app: self,
            token: None,
        }
    }

    /// A client holding `token` as its bearer token.
    pub fn with_token(&self, token: &str) -> Api<'_> {
        Api {
            app: self,
            token: Some(token.to_owned()),
        }
    }

    /// Logs in and returns the whole token response.
    pub async fn login(&self, email: &str, password: &str) -> Value {
        let res = self
            .anon()
            .post(
                "/api/v1/auth/login",
                json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "login as {email}");
        res.json().await.expect("token json")
    }

    /// The first admin.
    pub async fn admin(&self) -> Api<'_> {
        let tokens = self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        self.with_token(tokens["access_token"].as_str().expect("access token"))
    }

    /// A new account with `role`, logged in; returns the client and the account id.
    pub async fn user(&self, role: &str, email: &str) -> (Api<'_>, String) {
        let admin = self.admin().await;
        let res = admin
            .post(
                "/api/v1/users",
                json!({"email": email, "display_name": email, "password": PASSWORD, "role": role}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "create {role}");
        let id = res.json::<Value>().await.expect("user")["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let tokens = self.login(email, PASSWORD).await;
        (
            self.with_token(tokens["access_token"].as_str().expect("access token")),
            id,
        )
    }

    /// A new editor (each call a different account).
    pub async fn editor(&self) -> Api<'_> {
        self.user("editor", &unique_email("editor")).await.0
    }

    /// A new author (each call a different account).
    pub async fn author(&self) -> Api<'_> {
        self.user("author", &unique_email("author")).await.0
    }
}

/// An e-mail address no other call returns.
pub fn unique_email(role: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{role}-{n}@toasoan.test")
}

/// Requests as one caller.
pub struct Api<'a> {
    pub app: &'a TestApp,
    pub token: Option<String>,
}

impl Api<'_> {
    /// A request builder with the caller's token.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let builder = self
            .app
            .client
            .request(method, format!("{}{path}", self.app.base));
        match &self.token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.expect("GET")
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.request(Method::POST, path)
            .json(&body)
            .send()
            .await
            .expect("POST")
    }

    pub async fn patch(&self, path: &str, body: Value) -> Response {
        self.request(Method::PATCH, path)
            .json(&body)
            .send()
            .await
            .expect("PATCH")
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.request(Method::DELETE, path)
            .send()
            .await
            .expect("DELETE")
    }

    /// GET that must succeed; returns the JSON body.
    pub async fn get_ok(&self, path: &str) -> Value {
        let res = self.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.json().await.expect("json")
    }

    /// POST that must answer `status`; returns the JSON body (null when empty).
    pub async fn post_expect(&self, path: &str, body: Value, status: StatusCode) -> Value {
        let res = self.post(path, body).await;
        let got = res.status();
        let text = res.text().await.expect("body");
        assert_eq!(got, status, "POST {path}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// Creates a category and returns it.
    pub async fn category(&self, name: &str, parent: Option<&str>) -> Value {
        self.post_expect(
            "/api/v1/categories",
            json!({"name": name, "parent_id": parent}),
            StatusCode::CREATED,
        )
        .await
    }

    /// Creates an author and returns it.
    pub async fn author_profile(&self, name: &str) -> Value {
        self.post_expect(
            "/api/v1/authors",
            json!({"name": name}),
            StatusCode::CREATED,
        )
        .await
    }

    /// Creates a draft and returns it.
    pub async fn draft(&self, body: Value) -> Value {
        self.post_expect("/api/v1/articles", body, StatusCode::CREATED)
            .await
    }

    /// Publishes an article (optionally at `at`) and returns it.
    pub async fn publish(&self, id: &str, at: Option<&str>) -> Value {
        let body = match at {
            Some(at) => json!({"at": at}),
            None => json!({}),
        };
        self.post_expect(
            &format!("/api/v1/articles/{id}/publish"),
            body,
            StatusCode::OK,
        )
        .await
    }
}

/// Asserts a problem+json answer with `status` and `code`; returns the problem.
pub async fn assert_problem(res: Response, status: StatusCode, code: &str) -> Value {
    let got = res.status();
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = res.text().await.expect("body");
    assert_eq!(got, status, "status for {code}: {text}");
    assert!(
        content_type.starts_with("application/problem+json"),
        "content type {content_type} for {text}"
    );
    let problem: Value = serde_json::from_str(&text).expect("problem json");
    assert_eq!(problem["code"], code, "{text}");
    assert_eq!(problem["status"], status.as_u16());
    assert!(
        problem["title"].is_string()
            && problem["detail"].is_string()
            && problem["type"].is_string()
    );
    problem
}

/// Slugs of a list page, in order.
pub fn slugs(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|a| a["slug"].as_str().expect("slug").to_owned())
        .collect()
}
