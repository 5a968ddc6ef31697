//! The application: shared state, the actix `App` (the same one `main` and
//! the tests run), and start-up (migrations, first admin, JWT secret).

use crate::auth::{self, TokenKeys};
use crate::config::Config;
use crate::error::{ApiError, problem_response};
use crate::{extractors, openapi, routes};
use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{Compress, ErrorHandlerResponse, ErrorHandlers};
use actix_web::{App, HttpServer, web};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::Arc;
use toasoan_domain::user::{Email, Password, Role};
use toasoan_persistence::models::user::NewUser;
use toasoan_persistence::queries::users;
use toasoan_persistence::{DbConn, Pool};
use tracing_actix_web::TracingLogger;

/// What every request can reach.
#[derive(Clone)]
pub struct AppState {
    /// Database connections.
    pub pool: Pool,
    /// Access token keys and lifetimes.
    pub tokens: Arc<TokenKeys>,
    /// The configuration the process started with.
    pub config: Arc<Config>,
    /// Bounds concurrent argon2 work (about 19 MiB and 50 ms each), so a
    /// burst of logins cannot exhaust memory or starve other requests.
    pub password_slots: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// Runs database work on the blocking pool, never on the async executor.
    pub async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get().map_err(|e| {
                tracing::error!(cause = %e, "no database connection");
                ApiError::Unavailable
            })?;
            work(&mut conn)
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Runs password hashing or checking on the blocking pool, a bounded
    /// number at a time, holding no database connection.
    pub async fn password_work<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let _slot = self
            .password_slots
            .acquire()
            .await
            .map_err(ApiError::internal)?;
        web::block(work).await.map_err(ApiError::internal)
    }

    /// How a read may be cached: privately for staff (they may see drafts),
    /// publicly for readers.
    pub fn audience(&self, staff: bool) -> crate::http_cache::Audience {
        if staff {
            crate::http_cache::Audience::Private
        } else {
            crate::http_cache::Audience::Public(self.config.cache_max_age)
        }
    }

    /// Runs work in one write transaction (IMMEDIATE on SQLite).
    pub async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.db(move |conn| toasoan_persistence::write_tx(conn, work))
            .await
    }
}

/// Body size limit for JSON requests.
pub const JSON_LIMIT: usize = 1024 * 1024;

/// The whole application with its middleware, for `HttpServer` and tests.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let cors = cors(&state.config.cors_origins);
    App::new()
        .app_data(web::Data::new(state))
        .app_data(extractors::json_config())
        .app_data(extractors::query_config())
        .app_data(extractors::path_config())
        .app_data(web::PayloadConfig::new(JSON_LIMIT))
        .wrap(ErrorHandlers::new().default_handler(as_problem))
        .wrap(Compress::default())
        .wrap(cors)
        .wrap(TracingLogger::default())
        .configure(routes::configure)
        .configure(openapi::configure)
        .default_service(web::to(not_found))
}

async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound("route_not_found", "no such path".into()))
}

/// Turns any error response that is not already problem+json (actix's own
/// 404/405/413 and the like) into one, so clients see a single error format.
fn as_problem<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(crate::error::PROBLEM_JSON));
    if is_problem || res.status().as_u16() < 400 {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let code = match status {
        StatusCode::NOT_FOUND => "route_not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::BAD_REQUEST => "bad_request",
        s if s.is_server_error() => "internal_error",
        _ => "http_error",
    };
    let detail = match res.response().error() {
        Some(e) if !status.is_server_error() => e.to_string(),
        _ => status.canonical_reason().unwrap_or("error").to_owned(),
    };
    let (req, _) = res.into_parts();
    let response = problem_response(status, code, &detail, Vec::new());
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
        ])
        .expose_headers([header::ETAG, header::LINK, header::LOCATION])
        .max_age(3600);
    for origin in origins {
        cors = if origin == "*" {
            cors.allow_any_origin()
        } else {
            cors.allowed_origin(origin)
        };
    }
    cors
}

/// Start-up failures, each with what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data directory or secret file cannot be used.
    #[error("{0}")]
    Io(String),
    /// The database cannot be opened or migrated.
    #[error(transparent)]
    Db(#[from] toasoan_persistence::DbError),
    /// The first admin's e-mail or password breaks the rules.
    #[error("first admin: {0}")]
    Admin(String),
}

/// Opens the database pool and migrates it.
pub fn open_database(config: &Config) -> Result<Pool, StartError> {
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        StartError::Io(format!(
            "cannot create data directory {:?}: {e}",
            config.data_dir
        ))
    })?;
    let pool = toasoan_persistence::connect(&config.database_url, config.pool_size)?;
    let mut conn = pool.get().map_err(toasoan_persistence::DbError::from)?;
    let applied = toasoan_persistence::migrate(&mut conn)?;
    if applied > 0 {
        tracing::info!(applied, "database migrated");
    }
    Ok(pool)
}

/// Creates the first admin from the configuration when no account exists.
pub fn bootstrap_admin(pool: &Pool, config: &Config) -> Result<(), StartError> {
    let Some((email, password)) = &config.admin else {
        return Ok(());
    };
    let mut conn = pool.get().map_err(toasoan_persistence::DbError::from)?;
    if users::count(&mut conn)? > 0 {
        return Ok(());
    }
    match create_user(&mut conn, email, password, "Quản trị viên", Role::Admin) {
        Ok(()) => tracing::info!("first admin account created"),
        // Another instance starting at the same moment created it.
        Err(StartError::Db(toasoan_persistence::DbError::Conflict { .. })) => {}
        Err(e) => return Err(e),
    }
    Ok(())
}

/// Creates an account (for start-up and the `user create` command).
pub fn create_user(
    conn: &mut DbConn,
    email: &str,
    password: &str,
    display_name: &str,
    role: Role,
) -> Result<(), StartError> {
    let email = Email::parse(email).map_err(|e| StartError::Admin(e.to_string()))?;
    let password = Password::parse(password).map_err(|e| StartError::Admin(e.to_string()))?;
    let hash =
        auth::hash_password(password.expose()).map_err(|e| StartError::Admin(e.to_string()))?;
    let now = toasoan_persistence::time::now();
    users::insert(
        conn,
        &NewUser {
            id: uuid::Uuid::now_v7().to_string(),
            email: email.as_str().to_owned(),
            display_name: display_name.to_owned(),
            password_hash: hash,
            role: role.as_str().to_owned(),
            is_active: true,
            created_at: now,
            updated_at: now,
        },
    )?;
    Ok(())
}

/// The JWT secret: configured, or generated once and kept in the data
/// directory (readable by the owner only). Instances behind one load
/// balancer must share it through `TOASOAN_JWT_SECRET`.
pub fn jwt_secret(config: &Config) -> Result<Vec<u8>, StartError> {
    if let Some(secret) = &config.jwt_secret {
        if secret.len() < 32 {
            return Err(StartError::Io(
                "TOASOAN_JWT_SECRET must be at least 32 characters".into(),
            ));
        }
        return Ok(secret.as_bytes().to_vec());
    }
    let path = config.data_dir.join("jwt-secret");
    match std::fs::read_to_string(&path) {
        Ok(secret) if secret.trim().len() >= 32 => Ok(secret.trim().as_bytes().to_vec()),
        Ok(_) => Err(StartError::Io(format!(
            "{path:?} is too short to be a secret; delete it to regenerate"
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => write_new_secret(&path),
        Err(e) => Err(StartError::Io(format!("cannot read {path:?}: {e}"))),
    }
}

fn write_new_secret(path: &Path) -> Result<Vec<u8>, StartError> {
    use std::io::Write;
    let secret = auth::new_refresh_token() + &auth::new_refresh_token();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| StartError::Io(format!("cannot create {path:?}: {e}")))?;
    file.write_all(secret.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| StartError::Io(format!("cannot write {path:?}: {e}")))?;
    Ok(secret.into_bytes())
}

/// Everything `serve` does before accepting connections; returns the
/// running server and the address it listens on.
pub fn start(config: Config) -> Result<(Server, SocketAddr), StartError> {
    let pool = open_database(&config)?;
    bootstrap_admin(&pool, &config)?;
    let secret = jwt_secret(&config)?;
    // The dummy hash for equal-time logins is computed beside start-up, not in its way.
    std::thread::spawn(auth::warm_up);
    let tokens = Arc::new(TokenKeys::new(
        &secret,
        config.access_ttl,
        config.refresh_ttl,
    ));
    let listener = TcpListener::bind(&config.listen)
        .map_err(|e| StartError::Io(format!("cannot listen on {}: {e}", config.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| StartError::Io(e.to_string()))?;
    let workers = config.workers;
    let slots = std::thread::available_parallelism().map_or(2, |n| n.get() * 2);
    let state = AppState {
        pool,
        tokens,
        config: Arc::new(config),
        password_slots: Arc::new(tokio::sync::Semaphore::new(slots)),
    };
    let mut server = HttpServer::new(move || build_app(state.clone()));
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    let server = server
        .shutdown_timeout(10)
        .listen(listener)
        .map_err(|e| StartError::Io(format!("cannot listen: {e}")))?
        .run();
    Ok((server, addr))
}
