//! What every request can reach: the pool, token keys, configuration and
//! the bounded slots for password work; and how handlers run blocking work.

use crate::auth::{ClientKey, Passwords, TokenKeys};
use crate::config::Config;
use crate::error::ApiError;
use crate::http_cache::Audience;
use crate::read_cache::ReadCache;
use crate::readership::ViewCounter;
use actix_web::web;
use std::sync::Arc;
use toasoan_persistence::{DbConn, Pool};

/// What every request can reach.
#[derive(Clone)]
pub struct AppState {
    /// Database connections.
    pub pool: Pool,
    /// Access token keys and lifetimes.
    pub tokens: Arc<TokenKeys>,
    /// The configuration the process started with.
    pub config: Arc<Config>,
    /// Hashes and checks passwords at the configured argon2id cost.
    pub passwords: Arc<Passwords>,
    /// Bounds concurrent argon2 work (about 19 MiB and 50 ms each at the
    /// default cost), so a
    /// burst of logins cannot exhaust memory or starve other requests.
    pub password_slots: Arc<tokio::sync::Semaphore>,
    /// Where image files are stored.
    pub storage: toasoan_media::Storage,
    /// Bounds concurrent image processing (a decoded photo takes width ×
    /// height × 3 bytes), so parallel uploads cannot exhaust memory.
    pub media_slots: Arc<tokio::sync::Semaphore>,
    /// Article views counted since the last flush ("Đọc nhiều").
    pub views: Arc<ViewCounter>,
    /// Hashes client addresses (rate limits, duplicates) without storing them.
    pub client_key: Arc<ClientKey>,
    /// What anonymous readers got, answered again without the database
    /// (see `read_cache` for how stale it may be).
    pub reads: Arc<ReadCache>,
}

impl AppState {
    /// Runs database work on the blocking pool, never on the async executor.
    pub async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        // The query span runs on the blocking pool, under the handler's.
        let span = tracing::debug_span!("db");
        web::block(move || {
            let _entered = span.enter();
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

    /// Hashes a new password (already checked against the policy) on the
    /// bounded password pool.
    pub async fn hash_password(&self, password: String) -> Result<String, ApiError> {
        let passwords = self.passwords.clone();
        self.password_work(move || passwords.hash(&password))
            .await?
    }

    /// Checks a password against a stored hash on the bounded password pool.
    pub async fn verify_password(
        &self,
        password: String,
        stored: String,
    ) -> Result<bool, ApiError> {
        let passwords = self.passwords.clone();
        self.password_work(move || passwords.verify(&password, Some(&stored)))
            .await
    }

    /// How a read may be cached: privately for staff (they may see drafts),
    /// publicly for readers.
    pub fn audience(&self, staff: bool) -> Audience {
        if staff {
            Audience::Private
        } else {
            Audience::Public(self.config.cache_max_age)
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
