//! "Đọc nhiều": article views counted in memory and added to the database
//! in batches by a timer, never a write per read. Each instance flushes its
//! own increments and adding is commutative, so several instances count
//! correctly together. Views counted since the last flush are lost if the
//! process dies (at most `TOASOAN_VIEWS_FLUSH_SECS` of them): a view is a
//! statistic, not an acknowledged write.

use chrono::{DurationRound, TimeDelta, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use toasoan_persistence::queries::views;
use toasoan_persistence::{Pool, time, write_tx_unseen};

/// The longest ranking window; older hourly buckets are pruned.
pub const LONGEST_WINDOW_DAYS: i64 = 30;

/// Views counted since the last flush, per article id.
#[derive(Debug, Default)]
pub struct ViewCounter {
    pending: Mutex<HashMap<String, i64>>,
}

impl ViewCounter {
    /// Counts one view of an article.
    pub fn record(&self, article_id: &str) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        // Cached reads call this on every hit: no allocation once counted.
        match pending.get_mut(article_id) {
            Some(n) => *n += 1,
            None => {
                pending.insert(article_id.to_owned(), 1);
            }
        }
    }

    fn take(&self) -> Vec<(String, i64)> {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        pending.drain().collect()
    }

    fn give_back(&self, increments: Vec<(String, i64)>) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        for (id, n) in increments {
            *pending.entry(id).or_default() += n;
        }
    }
}

/// Writes the pending views in one transaction; on failure they are kept
/// for the next flush. Returns how many articles were written.
pub async fn flush(pool: &Pool, counter: &Arc<ViewCounter>) -> usize {
    let increments = counter.take();
    if increments.is_empty() {
        return 0;
    }
    let n = increments.len();
    let pool = pool.clone();
    let result = actix_web::web::block(move || {
        let now = Utc::now();
        let hour = now
            .duration_trunc(TimeDelta::hours(1))
            .map_or_else(|_| time::to_db(now), time::to_db);
        let oldest = time::to_db(now - TimeDelta::days(LONGEST_WINDOW_DAYS + 1));
        let mut conn = match pool.get() {
            Ok(conn) => conn,
            Err(e) => return Err((e.to_string(), increments)),
        };
        // Counts readers may see late: they empty no read cache.
        let written = write_tx_unseen(&mut conn, |conn| {
            views::add(conn, hour, &increments)?;
            views::prune(conn, oldest)?;
            Ok::<_, toasoan_persistence::DbError>(())
        });
        written.map_err(|e| (e.to_string(), increments))
    })
    .await;
    match result {
        Ok(Ok(())) => n,
        Ok(Err((cause, increments))) => {
            tracing::warn!(%cause, "view counts not flushed; kept for the next flush");
            counter.give_back(increments);
            0
        }
        Err(cause) => {
            tracing::warn!(%cause, "view flush did not run");
            0
        }
    }
}

/// Flushes every `every` for as long as the server runs.
pub fn spawn_flusher(pool: Pool, counter: Arc<ViewCounter>, every: Duration) {
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(every);
        loop {
            ticker.tick().await;
            flush(&pool, &counter).await;
        }
    });
}
