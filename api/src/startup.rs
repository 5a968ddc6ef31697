//! Start-up: the data directory, the database and its migrations, the
//! first admin, the JWT secret, and the listening server.

use crate::app::build_app;
use crate::auth;
use crate::auth::TokenKeys;
use crate::config::{Config, MediaStorage};
use crate::read_cache::ReadCache;
use crate::readership::{self, ViewCounter};
use crate::state::AppState;
use actix_web::HttpServer;
use actix_web::dev::Server;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::Arc;
use toasoan_domain::user::{Email, Owner, Password, Role};
use toasoan_persistence::models::user::NewUser;
use toasoan_persistence::queries::users;
use toasoan_persistence::{DbConn, Pool};

/// Start-up failures, each with what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data directory or secret file cannot be used.
    #[error("{0}")]
    Io(String),
    /// The database cannot be opened or migrated.
    #[error(transparent)]
    Db(#[from] toasoan_persistence::DbError),
    /// An account's (the first admin's, or `user create`'s) e-mail or
    /// password breaks the rules.
    #[error("cannot create the account: {0}")]
    Admin(String),
}

/// Opens the database pool and migrates it.
pub fn open_database(config: &Config) -> Result<Pool, StartError> {
    // Every write transaction renders the article documents it made stale.
    crate::routes::articles::stored::install();
    toasoan_persistence::conn::private_dir(&config.data_dir).map_err(|e| {
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

/// Says so when the search index is empty while articles exist (searches
/// find nothing until `toasoan reindex`); start-up never reindexes itself.
fn warn_if_unindexed(pool: &Pool) {
    let missing = pool
        .get()
        .map_err(toasoan_persistence::DbError::from)
        .and_then(|mut conn| toasoan_persistence::search::index_missing(&mut conn));
    if let Ok(true) = missing {
        tracing::warn!(
            "the search index is empty while articles exist: searches find nothing until `toasoan reindex` is run (see README, Upgrading)"
        );
    }
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
    let passwords = auth::Passwords::new(config.argon2).map_err(StartError::Io)?;
    match create_user(
        &mut conn,
        &passwords,
        email,
        password.expose(),
        "Quản trị viên",
        Role::Admin,
    ) {
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
    passwords: &auth::Passwords,
    email: &str,
    password: &str,
    display_name: &str,
    role: Role,
) -> Result<(), StartError> {
    let email = Email::parse(email).map_err(|e| StartError::Admin(e.to_string()))?;
    let owner = Owner {
        email: email.as_str(),
        display_name,
    };
    let password =
        Password::parse(password, owner).map_err(|e| StartError::Admin(e.to_string()))?;
    let hash = passwords
        .hash(password.expose())
        .map_err(|e| StartError::Admin(e.to_string()))?;
    let now = toasoan_persistence::time::now();
    users::insert(
        conn,
        &NewUser {
            id: uuid::Uuid::now_v7().to_string(),
            email: email.as_str().to_owned(),
            display_name: display_name.to_owned(),
            password_hash: hash,
            role,
            is_active: true,
            created_at: now,
            updated_at: now,
        },
    )?;
    Ok(())
}

/// The JWT secret: configured (`TOASOAN_JWT_SECRET`), or generated once
/// and kept. On SQLite it is kept in the data directory (readable by the
/// owner only), apart from the database, so a copy of the database file
/// alone cannot sign tokens. On PostgreSQL it is kept in the database, so
/// every instance on it signs and accepts the same tokens with no extra
/// configuration; a secret file an earlier version generated is moved
/// there, so tokens already issued stay valid.
pub fn jwt_secret(config: &Config, pool: &Pool) -> Result<Vec<u8>, StartError> {
    if let Some(secret) = &config.jwt_secret {
        if secret.expose().len() < 32 {
            return Err(StartError::Io(
                "TOASOAN_JWT_SECRET must be at least 32 characters".into(),
            ));
        }
        return Ok(secret.expose().as_bytes().to_vec());
    }
    let path = config.data_dir.join("jwt-secret");
    let mut conn = pool.get().map_err(toasoan_persistence::DbError::from)?;
    if !matches!(*conn, toasoan_persistence::DbConn::Pg(_)) {
        return secret_file(&path);
    }
    let candidate = if path.exists() {
        String::from_utf8(secret_file(&path)?)
            .map_err(|_| StartError::Io(format!("{path:?} is not text")))?
    } else {
        new_secret()
    };
    let secret = toasoan_persistence::queries::secrets::get_or_store(
        &mut conn,
        "jwt",
        &candidate,
        toasoan_persistence::time::now(),
    )?;
    Ok(secret.into_bytes())
}

/// The secret in the file, created when missing.
fn secret_file(path: &Path) -> Result<Vec<u8>, StartError> {
    refuse_if_shared(path)?;
    match std::fs::read_to_string(path) {
        Ok(secret) if secret.trim().len() >= 32 => Ok(secret.trim().as_bytes().to_vec()),
        Ok(_) => Err(StartError::Io(format!(
            "{path:?} is too short to be a secret; delete it to regenerate"
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => write_new_secret(path),
        Err(e) => Err(StartError::Io(format!("cannot read {path:?}: {e}"))),
    }
}

/// 64 random characters.
fn new_secret() -> String {
    auth::new_refresh_token() + &auth::new_refresh_token()
}

/// Refuses a secret file other accounts may read: whoever reads it can
/// sign tokens as any user.
fn refuse_if_shared(path: &Path) -> Result<(), StartError> {
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(StartError::Io(format!(
                "{path:?} is readable by other accounts (mode {:o}): anyone who reads it can sign tokens; \
                 run `chmod 600 {}` (or set TOASOAN_JWT_SECRET) and start again",
                mode & 0o777,
                path.display()
            )));
        }
    }
    Ok(())
}

fn write_new_secret(path: &Path) -> Result<Vec<u8>, StartError> {
    use std::io::Write;
    let secret = new_secret();
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
    warn_if_unindexed(&pool);
    bootstrap_admin(&pool, &config)?;
    let secret = jwt_secret(&config, &pool)?;
    let passwords = Arc::new(auth::Passwords::new(config.argon2).map_err(StartError::Io)?);
    // The dummy hash for equal-time logins is computed beside start-up, not in its way.
    let warm = passwords.clone();
    std::thread::spawn(move || warm.warm_up());
    let tokens = Arc::new(TokenKeys::new(
        &secret,
        config.access_ttl,
        config.refresh_ttl,
    ));
    let client_key = Arc::new(auth::ClientKey::new(
        config.comments.client_hash_key.as_ref().map(|k| k.expose()),
        &secret,
    ));
    let listener = TcpListener::bind(&config.listen)
        .map_err(|e| StartError::Io(format!("cannot listen on {}: {e}", config.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| StartError::Io(e.to_string()))?;
    let workers = config.workers;
    let slots = std::thread::available_parallelism().map_or(2, |n| n.get() * 2);
    let storage = media_storage(&config.media.storage)?;
    let reads = Arc::new(ReadCache::new(config.read_cache, config.read_cache_bytes));
    let login_throttle = Arc::new(crate::auth::LoginThrottle::new(crate::auth::Budgets {
        pair: config.login_max_failures,
        address: config.login_max_failures_per_address,
        account: config.login_max_failures_per_account,
        window: config.login_window,
    }));
    let read_limits = Arc::new(crate::read_limit::ReadLimiter::new(config.read_limits));
    let inline =
        toasoan_persistence::InlineReader::for_url(&config.database_url, config.sqlite_mmap_bytes)?;
    let state = AppState {
        pool,
        tokens,
        media_slots: Arc::new(tokio::sync::Semaphore::new(config.media.concurrency)),
        config: Arc::new(config),
        passwords,
        password_slots: Arc::new(tokio::sync::Semaphore::new(slots)),
        password_waiting: Arc::default(),
        password_threads: Arc::new(
            crate::low_priority::LowPriorityPool::new(slots, "password")
                .map_err(|e| StartError::Io(format!("cannot start the password threads: {e}")))?,
        ),
        login_throttle,
        storage,
        views: Arc::new(ViewCounter::default()),
        client_key,
        reads,
        key_uses: Arc::default(),
        read_limits,
        inline,
    };
    crate::read_limit::spawn_sharer(state.pool.clone(), state.read_limits.clone());
    readership::spawn_flusher(
        state.pool.clone(),
        state.views.clone(),
        state.config.views_flush,
    );
    crate::password_guard::spawn_failure_writer(
        state.pool.clone(),
        state.login_throttle.clone(),
        state.config.login_flush,
    );
    crate::due_work::spawn_loop(state.pool.clone(), state.config.due_work_interval);
    crate::housekeeping::spawn_loop(
        state.pool.clone(),
        state.config.prune_interval,
        crate::housekeeping::Lifetimes {
            access_ttl: state.config.access_ttl,
            session_max_age: state.config.session_max_age,
            login_window: state.config.login_window,
            audit_retention: state.config.audit_retention,
        },
    );
    crate::webhooks::spawn_loop(
        crate::webhooks::Deliverer::new(state.pool.clone(), &state.config.webhooks)
            .map_err(StartError::Io)?,
    );
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

/// The image storage the configuration names.
pub fn media_storage(storage: &MediaStorage) -> Result<toasoan_media::Storage, StartError> {
    let opened = match storage {
        MediaStorage::Local(dir) => toasoan_media::Storage::local(dir),
        MediaStorage::S3 {
            endpoint,
            bucket,
            region,
            access_key_id,
            secret_access_key,
            prefix,
        } => toasoan_media::Storage::s3(&toasoan_media::S3Config {
            endpoint: endpoint.clone(),
            bucket: bucket.clone(),
            region: region.clone(),
            access_key_id: access_key_id.clone(),
            secret_access_key: secret_access_key.expose().to_owned(),
            prefix: prefix.clone(),
        }),
    };
    opened.map_err(|e| StartError::Io(format!("media storage: {e}")))
}
