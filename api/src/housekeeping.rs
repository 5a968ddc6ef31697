//! Housekeeping every instance runs: ended sessions, expired refresh
//! tokens, failed logins out of the throttle's window, login addresses
//! not seen for a year and audit entries past their retention are deleted on a timer (by index), so the tables
//! hold only what can still be used. Several instances may prune at once: deleting what
//! another already deleted is harmless.

use chrono::Duration as Span;
use std::time::Duration;
use toasoan_persistence::Pool;
use toasoan_persistence::queries::{audit, sessions};
use toasoan_persistence::time;

/// How long rows stay useful.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    /// An access token's lifetime.
    pub access_ttl: Duration,
    /// A login's absolute lifetime.
    pub session_max_age: Duration,
    /// The window the login throttle counts failures in.
    pub login_window: Duration,
    /// How long audit entries are kept.
    pub audit_retention: Duration,
}

/// One pass: returns the sessions deleted.
/// Rows are kept one access token lifetime (`access_ttl`) past their end:
/// an access token still needs its session row until it expires.
pub async fn prune_once(pool: &Pool, lifetimes: Lifetimes) -> usize {
    let Lifetimes {
        access_ttl,
        session_max_age,
        login_window,
        audit_retention,
    } = lifetimes;
    let pool = pool.clone();
    let result = actix_web::web::block(move || {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        let keep = Span::from_std(access_ttl).unwrap_or(Span::days(1));
        let max_age = Span::from_std(session_max_age).unwrap_or(Span::MAX);
        let expired_before = time::now() - keep;
        let opened_before = expired_before
            .checked_sub_signed(max_age)
            .unwrap_or(expired_before);
        let now = time::now();
        let window = Span::from_std(login_window).unwrap_or(Span::minutes(15));
        let addresses_before = now - Span::days(crate::auth::ADDRESS_REMEMBERED_DAYS);
        toasoan_persistence::conn::write_tx_unseen(&mut conn, |conn| {
            sessions::prune_failures(conn, now - window)?;
            sessions::prune_addresses(conn, addresses_before)?;
            audit::prune(
                conn,
                now - Span::from_std(audit_retention).unwrap_or(Span::days(365)),
            )?;
            sessions::prune(conn, expired_before, opened_before)
        })
        .map_err(|e| e.to_string())
    })
    .await;
    match result.map_err(|e| e.to_string()).and_then(|pruned| pruned) {
        Ok(deleted) => deleted,
        Err(cause) => {
            tracing::warn!(%cause, "session pruning not run; retried at the next pass");
            0
        }
    }
}

/// Prunes every `every` for as long as the server runs, the first time
/// one interval after start (never in the way of start-up).
pub fn spawn_loop(pool: Pool, every: Duration, lifetimes: Lifetimes) {
    actix_web::rt::spawn(async move {
        let start = actix_web::rt::time::Instant::now() + every;
        let mut ticker = actix_web::rt::time::interval_at(start, every);
        loop {
            ticker.tick().await;
            let deleted = prune_once(&pool, lifetimes).await;
            if deleted > 0 {
                tracing::info!(deleted, "ended sessions pruned");
            }
        }
    });
}
