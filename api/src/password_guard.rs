//! The login throttle (`auth::throttle`) applied to a request: whoever
//! presents a password (a login, or a password change that must prove
//! the current one) is counted in the same budgets, by account and by
//! the client address as `auth::client_ip` sees it.

use crate::auth::{self, Attempt, Counted, LoginKeys, LoginThrottle, Recent};
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::HttpRequest;
use chrono::Duration;
use std::sync::Arc;
use toasoan_persistence::models::user::UserRow;
use toasoan_persistence::queries::sessions;
use toasoan_persistence::{DbConn, Pool, time, write_tx_unseen};

/// One attempt at a password, counted as in flight until it ends.
pub struct PasswordAttempt {
    throttle: Arc<LoginThrottle>,
    attempt: Attempt,
    counted: Counted,
    keys: LoginKeys,
    address_hash: String,
    /// The e-mail is an account's: its failures are written before the
    /// answer, an unknown one's in the next batch.
    account_exists: bool,
}

impl PasswordAttempt {
    /// Refuses at once (429) when a budget of `email` from this client is
    /// spent; else reads the failures counted, finds the account with
    /// `lookup` in the same database call, and lets the attempt go on.
    pub async fn begin<L>(
        state: &AppState,
        req: &HttpRequest,
        email: &str,
        lookup: L,
    ) -> Result<(Self, Option<UserRow>), ApiError>
    where
        L: FnOnce(&mut DbConn) -> Result<Option<UserRow>, ApiError> + Send + 'static,
    {
        let group = auth::request_client_ip(req, &state.config.proxies)
            .map(auth::address_group)
            .unwrap_or_default();
        let keys = LoginKeys::new(&state.client_key, email, &group);
        let address_hash = state.client_key.hash(&group);
        // A budget this process knows is spent: refused before the database.
        if let Some(wait) = state.login_throttle.remembered(&keys) {
            return Err(refused(state, wait).await);
        }
        let throttle = state.login_throttle.clone();
        let attempt = throttle.begin(keys.clone());
        let window = throttle.window();
        let largest = throttle.largest();
        let (lookup_keys, known) = (keys.clone(), address_hash.clone());
        let unwritten = throttle.unwritten_for(&keys, time::now() - window);
        let (user, counted) = state
            .db(move |conn| {
                let since = time::now() - window;
                let recent = |conn: &mut DbConn, key: &str| -> Result<Recent, ApiError> {
                    Ok(Recent(sessions::recent_failures(
                        conn, key, since, largest,
                    )?))
                };
                let user = lookup(conn)?;
                let mut counted = Counted {
                    pair: recent(conn, &lookup_keys.pair)?,
                    address: recent(conn, &lookup_keys.address)?,
                    account: recent(conn, &lookup_keys.account)?,
                    known_address: false,
                };
                if let Some(user) = &user {
                    let remembered = time::now() - Duration::days(auth::ADDRESS_REMEMBERED_DAYS);
                    counted.known_address =
                        sessions::known_address(conn, &user.id, &known, remembered)?;
                }
                Ok((user, counted))
            })
            .await?;
        let counted = counted.with_unwritten(unwritten, largest);
        if let Some(wait) = throttle.verdict(&attempt, &counted, time::now()) {
            return Err(refused(state, wait).await);
        }
        let this = Self {
            throttle,
            attempt,
            counted,
            keys,
            address_hash,
            account_exists: user.is_some(),
        };
        Ok((this, user))
    }

    /// The password was wrong: the failure is counted in every budget.
    pub async fn failed(self, state: &AppState) -> Result<(), ApiError> {
        let now = time::now();
        let held = !self.account_exists && self.throttle.failed_unwritten(&self.keys, now);
        if !held {
            let keys = self.keys.clone();
            state
                .write_unseen(move |conn| {
                    sessions::record_failures(conn, keys.all().map(|key| (key, now)))?;
                    Ok(())
                })
                .await?;
        }
        self.throttle.failed(&self.attempt, &self.counted, now);
        Ok(())
    }

    /// The password was right: what the write that follows must record
    /// (forget this client's failures on the account, remember its
    /// address), with [`Succeeded::record`].
    pub fn succeeded(self) -> Succeeded {
        self.throttle.known(&self.keys);
        Succeeded {
            pair: self.keys.pair,
            address_hash: self.address_hash,
        }
    }
}

/// Writes the failures on unknown accounts held in memory every `every`,
/// in one transaction; on failure they stay held for the next write.
pub fn spawn_failure_writer(pool: Pool, throttle: Arc<LoginThrottle>, every: std::time::Duration) {
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(every);
        loop {
            ticker.tick().await;
            write_held_failures(&pool, &throttle).await;
        }
    });
}

/// Writes the failures held in memory.
async fn write_held_failures(pool: &Pool, throttle: &Arc<LoginThrottle>) {
    let failures = throttle.to_write();
    if failures.is_empty() {
        return;
    }
    let pool = pool.clone();
    let written = actix_web::web::block(move || {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        let batch = failures.iter().map(|(key, at)| (key.as_str(), *at));
        // Bookkeeping no reader sees: it empties no read cache.
        write_tx_unseen(&mut conn, |conn| sessions::record_failures(conn, batch))
            .map_err(|e| e.to_string())?;
        Ok::<_, String>(failures)
    })
    .await;
    match written {
        Ok(Ok(failures)) => throttle.written(&failures),
        Ok(Err(cause)) => {
            tracing::warn!(%cause, "failed logins not written; held for the next write");
        }
        Err(cause) => tracing::warn!(%cause, "the write of failed logins did not run"),
    }
}

/// A right password, to record in the write that follows it.
pub struct Succeeded {
    pair: String,
    address_hash: String,
}

impl Succeeded {
    /// Forgets this client's failures on the account and remembers the
    /// address as one the account uses.
    pub fn record(&self, conn: &mut DbConn, user_id: &str) -> Result<(), ApiError> {
        sessions::clear_failures(conn, &self.pair)?;
        sessions::remember_address(conn, user_id, &self.address_hash, time::now())?;
        Ok(())
    }
}

/// A refused attempt, answered only after `TOASOAN_LOGIN_TARPIT_MS`: the
/// wait holds no thread, no database connection and no CPU, and a client
/// guessing as fast as it is answered (one request at a time on each
/// connection, as scripts and wrk do) is slowed to a few refusals a second
/// per connection instead of taking the cores from readers.
async fn refused(state: &AppState, wait: u64) -> ApiError {
    let tarpit = state.config.login_tarpit;
    if !tarpit.is_zero() {
        actix_web::rt::time::sleep(tarpit).await;
    }
    too_many_failures(wait)
}

/// 429 with the truthful `Retry-After`.
pub fn too_many_failures(wait: u64) -> ApiError {
    ApiError::TooManyRequests(
        wait,
        None,
        format!("too many failed password attempts; try again in {wait} seconds"),
    )
}
