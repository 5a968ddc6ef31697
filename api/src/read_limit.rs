//! Limits on public reads (GET and HEAD), per client, when configured
//! (`TOASOAN_READ_RATE_LIMIT`, `TOASOAN_READ_RATE_LIMIT_PER_KEY`).
//!
//! A client is its address (an IPv6 client's /64, as the login throttle
//! groups them), or an API key this instance has seen accepted, which then
//! has its own budget: a server-side frontend does not share one with the
//! readers behind its address. Staff with a valid access token are not
//! limited.
//!
//! Counts are kept per fixed window aligned to the clock. Each request is
//! decided in memory, with no database call; about once a second
//! (`TOASOAN_READ_RATE_SYNC_MS`) each instance adds what it counted to a
//! shared table and reads back every instance's totals. So on one
//! instance the limit is exact, and across several a client can exceed it
//! by at most what the other instances admitted since their last share.
//! Every limited answer carries `RateLimit-Limit`, `RateLimit-Remaining`
//! and `RateLimit-Reset` (seconds until the window ends); a refused one is
//! 429 `too_many_requests` with `Retry-After`.

use crate::config::ReadLimits;
use actix_web::web;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use toasoan_persistence::Pool;
use toasoan_persistence::conn::write_tx_unseen;
use toasoan_persistence::queries::read_limits;

/// Clients tracked per window, at most; past it new clients are not
/// limited (and a warning is logged) rather than memory growing without
/// bound.
const MAX_CLIENTS: usize = 200_000;

/// How long an accepted API key keeps its own budget without being seen
/// accepted again.
const KEY_MEMORY: Duration = Duration::from_secs(600);

/// Who a read is counted against.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Client {
    /// The hash of the API key it came with, if any.
    pub key: Option<String>,
    /// Its address group (`auth::address_group`), if known.
    pub address: Option<String>,
}

/// The answer for one read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No limit applies.
    Unlimited,
    /// Counted and allowed.
    Allowed {
        /// Reads per window.
        limit: u64,
        /// Reads left in this window.
        remaining: u64,
        /// Seconds until the window ends.
        reset: u64,
    },
    /// Refused: the budget is spent until the window ends.
    Limited {
        /// Reads per window.
        limit: u64,
        /// Seconds until the window ends.
        reset: u64,
    },
}

#[derive(Debug, Default, Clone, Copy)]
struct Count {
    /// Every instance's total at the last share (this one's included).
    shared: u64,
    /// Counted here since.
    local: u64,
}

#[derive(Debug, Default)]
struct Windows {
    /// Start of the current window, in seconds since the epoch.
    start: i64,
    counts: HashMap<String, Count>,
    /// Hashes of API keys seen accepted, and when.
    keys: HashMap<String, Instant>,
    full_warned: bool,
}

/// What one share sends: the window's start, the counts made here since
/// the last share, and every bucket whose total to read back.
type Share = (i64, Vec<(String, i64)>, Vec<String>);

/// The counts of this instance (see the module's documentation).
#[derive(Debug)]
pub struct ReadLimiter {
    limits: ReadLimits,
    windows: Mutex<Windows>,
}

impl ReadLimiter {
    /// A limiter for `limits`.
    pub fn new(limits: ReadLimits) -> Self {
        Self {
            limits,
            windows: Mutex::new(Windows::default()),
        }
    }

    /// True when any limit is set.
    pub fn enabled(&self) -> bool {
        self.limits.enabled()
    }

    fn window_secs(&self) -> i64 {
        i64::try_from(self.limits.window.as_secs().max(1)).unwrap_or(60)
    }

    /// Notes that the API key with this hash was accepted just now, so its
    /// reads count against its own budget.
    pub fn key_accepted(&self, key_hash: &str) {
        if !self.enabled() {
            return;
        }
        if let Ok(mut windows) = self.windows.lock() {
            if windows.keys.len() >= MAX_CLIENTS {
                windows.keys.retain(|_, at| at.elapsed() < KEY_MEMORY);
            }
            if windows.keys.len() < MAX_CLIENTS {
                windows.keys.insert(key_hash.to_owned(), Instant::now());
            }
        }
    }

    /// Counts one read by `client` at `now` (seconds since the epoch).
    pub fn check(&self, client: Client, now: i64) -> Verdict {
        let Ok(mut windows) = self.windows.lock() else {
            return Verdict::Unlimited;
        };
        let window = self.window_secs();
        let start = now - now.rem_euclid(window);
        if windows.start != start {
            windows.start = start;
            windows.counts.clear();
        }
        // A key seen accepted has its own budget (none when per_key is 0);
        // any other read, an unknown key's included, spends its address's.
        let accepted = client.key.as_ref().filter(|hash| {
            windows
                .keys
                .get(*hash)
                .is_some_and(|at| at.elapsed() < KEY_MEMORY)
        });
        let (bucket, limit) = match (accepted, client.address) {
            (Some(_), _) if self.limits.per_key == 0 => return Verdict::Unlimited,
            (Some(hash), _) => (format!("key:{hash}"), self.limits.per_key),
            (None, Some(group)) if self.limits.per_address > 0 => {
                (format!("address:{group}"), self.limits.per_address)
            }
            (None, _) => return Verdict::Unlimited,
        };
        let reset = u64::try_from(start + window - now).unwrap_or(1).max(1);
        if !windows.counts.contains_key(&bucket) && windows.counts.len() >= MAX_CLIENTS {
            if !windows.full_warned {
                windows.full_warned = true;
                tracing::warn!(
                    clients = MAX_CLIENTS,
                    "read limits: too many clients in one window; new ones are not limited"
                );
            }
            return Verdict::Unlimited;
        }
        let count = windows.counts.entry(bucket).or_default();
        let used = count.shared + count.local;
        if used >= limit {
            return Verdict::Limited { limit, reset };
        }
        count.local += 1;
        Verdict::Allowed {
            limit,
            remaining: limit - used - 1,
            reset,
        }
    }

    /// What was counted here since the last share, moved into the shared
    /// part until the totals come back: (window start, bucket counts,
    /// every bucket of the window, whose totals other instances may have
    /// raised). None when this window has no clients here.
    fn take_local(&self) -> Option<Share> {
        let mut windows = self.windows.lock().ok()?;
        let start = windows.start;
        let mut taken = Vec::new();
        let mut buckets = Vec::with_capacity(windows.counts.len());
        for (bucket, count) in &mut windows.counts {
            buckets.push(bucket.clone());
            if count.local > 0 {
                taken.push((
                    bucket.clone(),
                    i64::try_from(count.local).unwrap_or(i64::MAX),
                ));
                count.shared += count.local;
                count.local = 0;
            }
        }
        (!buckets.is_empty()).then_some((start, taken, buckets))
    }

    /// Every instance's totals for window `start`, as the database has them.
    fn absorb(&self, start: i64, totals: Vec<(String, i64)>) {
        let Ok(mut windows) = self.windows.lock() else {
            return;
        };
        if windows.start != start {
            return;
        }
        for (bucket, total) in totals {
            if let Some(count) = windows.counts.get_mut(&bucket) {
                count.shared = count.shared.max(u64::try_from(total).unwrap_or(0));
            }
        }
    }

    /// Gives back counts that could not be shared, for the next share.
    fn give_back(&self, start: i64, counts: Vec<(String, i64)>) {
        let Ok(mut windows) = self.windows.lock() else {
            return;
        };
        if windows.start != start {
            return;
        }
        for (bucket, hits) in counts {
            if let Some(count) = windows.counts.get_mut(&bucket) {
                let hits = u64::try_from(hits).unwrap_or(0);
                count.shared = count.shared.saturating_sub(hits);
                count.local += hits;
            }
        }
    }
}

/// Shares this instance's counts through the database, every
/// `limits.sync`, while limits are set.
pub fn spawn_sharer(pool: Pool, limiter: Arc<ReadLimiter>) {
    if !limiter.enabled() {
        return;
    }
    let every = limiter.limits.sync;
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(every);
        loop {
            ticker.tick().await;
            share(&pool, &limiter).await;
        }
    });
}

/// One share: adds this instance's counts and reads back the totals.
pub async fn share(pool: &Pool, limiter: &Arc<ReadLimiter>) {
    let Some((start, counts, buckets)) = limiter.take_local() else {
        return;
    };
    let (pool, keep) = (pool.clone(), counts.clone());
    let window = limiter.window_secs();
    let result = web::block(move || {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        // Counts, not content: they empty no read cache.
        write_tx_unseen(&mut conn, |conn| {
            let totals = read_limits::add(conn, start, &counts, &buckets)?;
            read_limits::prune(conn, start - window)?;
            Ok::<_, toasoan_persistence::DbError>(totals)
        })
        .map_err(|e| e.to_string())
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    match result {
        Ok(totals) => limiter.absorb(start, totals),
        Err(cause) => {
            tracing::warn!(%cause, "read counts not shared; kept for the next share");
            limiter.give_back(start, keep);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_address: u64, per_key: u64) -> ReadLimiter {
        ReadLimiter::new(ReadLimits {
            per_address,
            per_key,
            window: Duration::from_secs(60),
            sync: Duration::from_secs(1),
        })
    }

    fn address(a: &str) -> Client {
        Client {
            key: None,
            address: Some(a.to_owned()),
        }
    }

    fn key(hash: &str, a: &str) -> Client {
        Client {
            key: Some(hash.to_owned()),
            address: Some(a.to_owned()),
        }
    }

    #[test]
    fn a_client_gets_its_budget_per_window_and_the_next_window_starts_afresh() {
        let limiter = limiter(2, 0);
        let t = 6_000;
        assert_eq!(
            limiter.check(address("a"), t),
            Verdict::Allowed {
                limit: 2,
                remaining: 1,
                reset: 60
            }
        );
        assert_eq!(
            limiter.check(address("a"), t + 10),
            Verdict::Allowed {
                limit: 2,
                remaining: 0,
                reset: 50
            }
        );
        assert_eq!(
            limiter.check(address("a"), t + 59),
            Verdict::Limited { limit: 2, reset: 1 }
        );
        assert!(matches!(
            limiter.check(address("b"), t + 59),
            Verdict::Allowed { .. }
        ));
        assert!(matches!(
            limiter.check(address("a"), t + 60),
            Verdict::Allowed { .. }
        ));
    }

    #[test]
    fn other_instances_counts_spend_the_same_budget() {
        let limiter = limiter(5, 0);
        let t = 6_000;
        limiter.check(address("a"), t);
        let (start, counts, _) = limiter.take_local().expect("counted");
        assert_eq!(counts, [("address:a".to_owned(), 1)]);
        // Another instance has counted 3 more.
        limiter.absorb(start, vec![("address:a".to_owned(), 4)]);
        assert_eq!(
            limiter.check(address("a"), t),
            Verdict::Allowed {
                limit: 5,
                remaining: 0,
                reset: 60
            }
        );
        assert!(matches!(
            limiter.check(address("a"), t),
            Verdict::Limited { .. }
        ));
    }

    #[test]
    fn counts_that_could_not_be_shared_are_shared_next_time() {
        let limiter = limiter(5, 0);
        limiter.check(address("a"), 6_000);
        limiter.check(address("a"), 6_000);
        let (start, counts, _) = limiter.take_local().expect("counted");
        limiter.give_back(start, counts);
        assert_eq!(
            limiter.take_local().expect("kept").1,
            [("address:a".to_owned(), 2)]
        );
    }

    #[test]
    fn an_accepted_key_has_its_own_budget_and_an_unknown_one_its_addresss() {
        let limiter = limiter(1, 3);
        let t = 6_000;
        // A key not (yet) accepted spends its address's budget: made-up
        // keys buy no extra reads.
        assert!(matches!(
            limiter.check(key("made-up", "a"), t),
            Verdict::Allowed { .. }
        ));
        assert!(matches!(
            limiter.check(key("other", "a"), t),
            Verdict::Limited { .. }
        ));
        limiter.key_accepted("h");
        for remaining in [2, 1, 0] {
            assert_eq!(
                limiter.check(key("h", "a"), t),
                Verdict::Allowed {
                    limit: 3,
                    remaining,
                    reset: 60
                }
            );
        }
        assert!(matches!(
            limiter.check(key("h", "a"), t),
            Verdict::Limited { .. }
        ));
        assert!(matches!(
            limiter.check(address("b"), t),
            Verdict::Allowed { .. }
        ));
    }
}
