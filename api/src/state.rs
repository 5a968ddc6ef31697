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
use toasoan_persistence::{DbConn, InlineReader, Pool};

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
    /// The low-priority threads password work runs on.
    pub password_threads: Arc<crate::low_priority::LowPriorityPool>,
    /// Password checks waiting for a slot; past `password_queue` more are
    /// refused with 503 rather than queued without bound.
    pub password_waiting: Arc<std::sync::atomic::AtomicUsize>,
    /// Failed-login budgets spent and attempts in flight.
    pub login_throttle: Arc<crate::auth::LoginThrottle>,
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
    /// When each API key's use was last written (`last_used_at`).
    pub key_uses: Arc<crate::auth::KeyUses>,
    /// Public reads counted per client, when limited.
    pub read_limits: Arc<crate::read_limit::ReadLimiter>,
    /// Point reads on the async worker itself (SQLite only; see
    /// `toasoan_persistence::inline`).
    pub inline: Option<InlineReader>,
}

impl AppState {
    /// Runs a point read (one indexed lookup) on this thread's own SQLite
    /// reader, without the blocking-thread hop and pool checkout of
    /// [`AppState::db`]; on PostgreSQL, or when the reader is unavailable
    /// or the read fails there, it runs through [`AppState::db`] instead.
    pub async fn point_read<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: Fn(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        if let Some(reader) = &self.inline {
            match reader.read(&work) {
                Some(Ok(found)) => return Ok(found),
                Some(Err(e)) => {
                    tracing::debug!(cause = %e, "inline read failed; retried on the pool")
                }
                None => {}
            }
        }
        self.db(work).await
    }

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

    /// Runs password hashing or checking on the low-priority password
    /// threads (see `low_priority`), a bounded
    /// number at a time, holding no database connection.
    pub async fn password_work<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let _slot = match self.password_slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                let waiting = Waiting::join(&self.password_waiting);
                if waiting.ahead >= self.config.password_queue {
                    return Err(ApiError::Overloaded(
                        "too many password checks are waiting; try again in a moment".into(),
                    ));
                }
                self.password_slots
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(ApiError::internal)?
            }
        };
        self.password_threads.run(work).await
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

    /// [`Self::write`] for bookkeeping no reader sees (failed logins): it
    /// empties no read cache.
    pub async fn write_unseen<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.db(move |conn| toasoan_persistence::conn::write_tx_unseen(conn, work))
            .await
    }
}

/// A place in the queue for password work, left when dropped.
struct Waiting<'a> {
    queue: &'a std::sync::atomic::AtomicUsize,
    /// How many were waiting before this one.
    ahead: usize,
}

impl<'a> Waiting<'a> {
    fn join(queue: &'a std::sync::atomic::AtomicUsize) -> Self {
        let ahead = queue.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        Self { queue, ahead }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.queue.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}
