//! The due-work loop every instance runs: scheduled publications and
//! expiries whose time has come become events (`article.published`,
//! `article.expired`). Visibility never waits for it (readers' queries
//! compare `published_at` and `unpublish_at` with now); only the events do,
//! by at most one interval. Several instances on one database record each
//! event once: see `toasoan_persistence::queries::due_work`.

use std::time::Duration;
use toasoan_persistence::queries::due_work;
use toasoan_persistence::{Pool, time};

/// Most due rows one pass claims; the rest wait for the next pass.
const BATCH: i64 = 100;

/// Runs one pass: records what fell due; returns how many events.
pub async fn run_once(pool: &Pool) -> usize {
    let pool = pool.clone();
    let result = actix_web::web::block(move || {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        due_work::run_due(&mut conn, time::now(), BATCH).map_err(|e| e.to_string())
    })
    .await;
    match result {
        Ok(Ok(n)) => n,
        Ok(Err(cause)) => {
            tracing::warn!(%cause, "due work not run; retried at the next pass");
            0
        }
        Err(cause) => {
            tracing::warn!(%cause, "due work pass did not run");
            0
        }
    }
}

/// Runs a pass every `every` for as long as the server runs; a full batch
/// is followed at once by another pass.
pub fn spawn_loop(pool: Pool, every: Duration) {
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(every);
        loop {
            ticker.tick().await;
            while run_once(&pool).await >= usize::try_from(BATCH).unwrap_or(usize::MAX) {}
        }
    });
}
