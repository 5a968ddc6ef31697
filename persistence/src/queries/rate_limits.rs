//! Rate limits kept in the database, so every API instance counts the
//! same actions: a sliding-window log of hits per bucket.

use crate::schema::rate_limit_hits;
use crate::{DbConn, DbError};
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

/// At most `max` hits in any `window` for one bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    /// What is counted, e.g. `comment:ip:<hash>` (never a raw address).
    pub bucket: String,
    /// Hits allowed per window.
    pub max: i64,
    /// The window's length.
    pub window: TimeDelta,
}

/// The answer to one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Allowed and recorded in every bucket. The budget named is the
    /// tightest one after this hit.
    Allowed {
        /// That bucket's hits per window.
        limit: i64,
        /// Hits it has left.
        remaining: i64,
        /// Whole seconds until its oldest counted hit leaves the window
        /// (the window, when this is its only hit).
        reset: i64,
    },
    /// Refused, recorded nowhere; try again after this many seconds.
    Limited {
        /// The refusing bucket's hits per window.
        limit: i64,
        /// Whole seconds until the oldest counted hit leaves its window.
        retry_after: i64,
    },
}

fn whole_seconds(wait: chrono::TimeDelta) -> i64 {
    wait.num_seconds() + i64::from(wait.subsec_nanos() > 0)
}

/// Checks an attempt against every limit and records it in all of them only
/// when all allow it. Run inside `write_tx`: on PostgreSQL each bucket is
/// locked for the transaction (in a fixed order), on SQLite the write
/// transaction already serializes, so concurrent attempts from several
/// instances never both take the last slot.
pub fn admit(
    conn: &mut DbConn,
    limits: &[Limit],
    now: NaiveDateTime,
) -> Result<Admission, DbError> {
    let mut ordered: Vec<&Limit> = limits.iter().collect();
    ordered.sort_by(|a, b| a.bucket.cmp(&b.bucket));
    conn.transaction(|conn| {
        let mut retry_after = 0;
        let mut refusing = 0;
        // (limit, remaining, reset) of the tightest budget so far.
        let mut tightest: Option<(i64, i64, i64)> = None;
        for limit in &ordered {
            if let DbConn::Pg(pg) = conn {
                diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
                    .bind::<diesel::sql_types::Text, _>(&limit.bucket)
                    .execute(pg)?;
            }
            let since = now - limit.window;
            // Hits that left the window are never read again.
            diesel::delete(
                rate_limit_hits::table
                    .filter(rate_limit_hits::bucket.eq(&limit.bucket))
                    .filter(rate_limit_hits::hit_at.le(since)),
            )
            .execute(conn)?;
            let recent: Vec<NaiveDateTime> = rate_limit_hits::table
                .filter(rate_limit_hits::bucket.eq(&limit.bucket))
                .filter(rate_limit_hits::hit_at.gt(since))
                .order(rate_limit_hits::hit_at.desc())
                .select(rate_limit_hits::hit_at)
                .limit(limit.max.max(1))
                .load(conn)?;
            let used = i64::try_from(recent.len()).unwrap_or(i64::MAX);
            // The oldest hit loaded is the one whose expiry frees a slot.
            let freeing = recent.last().copied().unwrap_or(now);
            let reset = whole_seconds(freeing + limit.window - now).max(1);
            if used >= limit.max {
                if reset > retry_after {
                    retry_after = reset;
                    refusing = limit.max;
                }
            } else {
                let remaining = limit.max - used - 1;
                if tightest.is_none_or(|(_, r, _)| remaining < r) {
                    tightest = Some((limit.max, remaining, reset));
                }
            }
        }
        if retry_after > 0 {
            return Ok(Admission::Limited {
                limit: refusing,
                retry_after,
            });
        }
        for limit in &ordered {
            diesel::insert_into(rate_limit_hits::table)
                .values((
                    rate_limit_hits::id.eq(uuid::Uuid::now_v7().to_string()),
                    rate_limit_hits::bucket.eq(&limit.bucket),
                    rate_limit_hits::hit_at.eq(now),
                ))
                .execute(conn)?;
        }
        let (limit, remaining, reset) = tightest.unwrap_or((0, 0, 0));
        Ok(Admission::Allowed {
            limit,
            remaining,
            reset,
        })
    })
}

/// Forgets every hit at or before `before` (buckets nobody hits again).
pub fn prune(conn: &mut DbConn, before: NaiveDateTime) -> Result<usize, DbError> {
    Ok(
        diesel::delete(rate_limit_hits::table.filter(rate_limit_hits::hit_at.le(before)))
            .execute(conn)?,
    )
}
