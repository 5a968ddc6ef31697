//! The in-process cache of what anonymous readers get: an article by id or
//! slug (its document, its 301, its 404) and the plain public list pages,
//! answered on a hit without leaving the async handler (no blocking-thread
//! hop, no pool checkout, no SQL).
//!
//! Staleness contract (README, `TOASOAN_READ_CACHE_MS`):
//! - a write this process commits is seen by the next read that starts
//!   after it: every entry records [`writes_committed`] before its read
//!   went to the database and is served only while that has not moved
//!   (view counts, written with `write_tx_unseen`, are the one exception:
//!   a cached answer may show a count up to the entry's life old);
//! - anything else (another instance's writes, `toasoan` commands run
//!   beside the server, a scheduled article appearing in a list or an
//!   expired one leaving it) is seen within `TOASOAN_READ_CACHE_MS`;
//! - an article's answer never outlives its `unpublish_at`, and the 404 of
//!   a scheduled article ends at its publication instant;
//! - staff reads, previews, searches, trimmed or `jsonld` reads never use it.
//!
//! quick_cache rather than a map of our own or moka: bounded by weight
//! (bytes) with a scan-resistant eviction (S3-FIFO), so a crawl of cold
//! slugs does not flush the hot ones; sharded, so hits from every worker do
//! not contend on one lock; small (no background threads, no async
//! runtime), where moka brings its own housekeeping for expiry we do not
//! need: each entry carries its deadline and generation, checked on a hit.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use std::sync::Arc;
use std::time::{Duration, Instant};
use toasoan_persistence::writes_committed;

/// What a reader got, kept to be sent again.
#[derive(Debug)]
pub enum Read {
    /// An article, public when it was read.
    Article {
        /// Its id, to count the view each time it is served.
        id: String,
        /// The JSON sent.
        body: Bytes,
        /// Its ETag.
        etag: String,
        /// When it stops being public (bounds `max-age`).
        unpublish_at: Option<DateTime<Utc>>,
    },
    /// An old slug: 301 to this location.
    Moved(String),
    /// 404: no article any reader may see under that key.
    Missing,
    /// A list page.
    Page {
        /// The JSON sent.
        body: Bytes,
        /// Its ETag.
        etag: String,
        /// The next page's cursor (the `Link` header is made per request).
        next_cursor: Option<String>,
    },
}

impl Read {
    fn weight(&self) -> u64 {
        let bytes = match self {
            Read::Article { id, body, etag, .. } => id.len() + body.len() + etag.len(),
            Read::Moved(location) => location.len(),
            Read::Missing => 0,
            Read::Page {
                body,
                etag,
                next_cursor,
            } => body.len() + etag.len() + next_cursor.as_ref().map_or(0, String::len),
        };
        bytes as u64
    }
}

#[derive(Debug, Clone)]
struct Entry {
    generation: u64,
    until: Instant,
    read: Arc<Read>,
}

/// Entry weight: its bytes plus a fixed overhead, so even 404s count.
#[derive(Debug, Clone)]
struct Bytesize;

/// Bookkeeping per entry (key and value headers, the shard's slot).
const OVERHEAD: u64 = 160;

impl Weighter<String, Entry> for Bytesize {
    fn weight(&self, key: &String, entry: &Entry) -> u64 {
        key.len() as u64 + entry.read.weight() + OVERHEAD
    }
}

/// Taken before a read goes to the database: the entry it makes is valid
/// only while no write has committed since, and for the cache's life from
/// then.
#[derive(Debug, Clone, Copy)]
pub struct Ticket {
    generation: u64,
    at: Instant,
}

/// The cache; off (every call a miss, nothing kept) when its life is 0.
pub struct ReadCache {
    entries: Option<Cache<String, Entry, Bytesize>>,
    life: Duration,
}

impl ReadCache {
    /// A cache whose entries live at most `life`, holding about `max_bytes`.
    pub fn new(life: Duration, max_bytes: u64) -> Self {
        let entries = (!life.is_zero() && max_bytes > 0).then(|| {
            // A guess at the number of entries, for the table sizes only.
            let estimated = usize::try_from(max_bytes / 4096).unwrap_or(1 << 16).max(16);
            Cache::with_weighter(estimated, max_bytes, Bytesize)
        });
        Self { entries, life }
    }

    /// The cached answer under `key`, if it is still valid.
    pub fn get(&self, key: &str) -> Option<Arc<Read>> {
        let entry = self.entries.as_ref()?.get(key)?;
        (entry.generation == writes_committed() && Instant::now() < entry.until)
            .then_some(entry.read)
    }

    /// Call before reading the database for an answer to keep; `None` when
    /// the cache is off.
    pub fn ticket(&self) -> Option<Ticket> {
        self.entries.as_ref().map(|_| Ticket {
            generation: writes_committed(),
            at: Instant::now(),
        })
    }

    /// Keeps `read` under `key`, at most until `not_after` (when the
    /// answer would change by itself) and the cache's life from `ticket`.
    pub fn put(
        &self,
        ticket: Option<Ticket>,
        key: String,
        read: Arc<Read>,
        not_after: Option<DateTime<Utc>>,
    ) {
        let (Some(entries), Some(ticket)) = (self.entries.as_ref(), ticket) else {
            return;
        };
        let mut life = self.life;
        if let Some(change) = not_after {
            match (change - Utc::now()).to_std() {
                Ok(left) => life = life.min(left),
                // Already due: the answer is not worth keeping.
                Err(_) => return,
            }
        }
        if ticket.generation != writes_committed() {
            return;
        }
        entries.insert(
            key,
            Entry {
                generation: ticket.generation,
                until: ticket.at + life,
                read,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Arc<Read> {
        Arc::new(Read::Page {
            body: Bytes::from_static(b"{}"),
            etag: "\"x\"".into(),
            next_cursor: None,
        })
    }

    #[test]
    fn an_answer_due_to_change_is_not_kept_past_the_change() {
        let cache = ReadCache::new(Duration::from_secs(60), 1 << 20);
        cache.put(
            cache.ticket(),
            "k".into(),
            page(),
            Some(Utc::now() - chrono::TimeDelta::seconds(1)),
        );
        assert!(cache.get("k").is_none());
    }

    #[test]
    fn a_life_of_zero_turns_the_cache_off() {
        let cache = ReadCache::new(Duration::ZERO, 1 << 20);
        assert!(cache.ticket().is_none());
        cache.put(cache.ticket(), "k".into(), page(), None);
        assert!(cache.get("k").is_none());
    }
}
