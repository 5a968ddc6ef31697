//! The login throttle: failed logins are counted in three budgets over a
//! sliding window (`TOASOAN_LOGIN_WINDOW_SECS`, 15 minutes):
//!
//! - per account and address (`TOASOAN_LOGIN_MAX_FAILURES`, 10): one
//!   client guessing one account's password;
//! - per address, all accounts together
//!   (`TOASOAN_LOGIN_MAX_FAILURES_PER_ADDRESS`, 30): password spraying.
//!   It does not stop an account that has logged in from that address
//!   before (a sprayer behind an office's NAT cannot lock the office out);
//! - per account, all addresses together
//!   (`TOASOAN_LOGIN_MAX_FAILURES_PER_ACCOUNT`, 50): a distributed guess.
//!   Past it, only an address the account has logged in from before may
//!   still try, so attackers elsewhere cannot lock a real editor out.
//!
//! Only failures count: a refused attempt changes nothing, so `Retry-After`
//! (the moment the oldest counted failure leaves the window) is the truth,
//! and a client that obeys it gets its next try. Failures live in the
//! database, so every instance counts the same ones. A failure on an
//! account that does not exist is first kept here and written with the
//! others in one transaction every `TOASOAN_LOGIN_FLUSH_MS` (1 s): this
//! process counts it at once, other instances within the flush interval,
//! and a flood of guessed e-mails costs one write a second instead of one
//! per guess (each write makes every SQLite reader start its page cache
//! afresh). A wrong password on a real account is written before the
//! answer, as are the successes that forget one. This process also
//! remembers which budgets are spent, so a flood from a throttled address
//! is refused without touching the database or argon2. Attempts in flight
//! count as failures until they end, so parallel guesses cannot slip past
//! a budget's last slot. Addresses are kept as keyed hashes only, IPv6
//! ones by their /64.

use super::ClientKey;
use chrono::{NaiveDateTime, TimeDelta};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Days an address an account logged in from stays known to it.
pub const ADDRESS_REMEMBERED_DAYS: i64 = 365;

/// Budgets remembered as spent, at most this many (oldest forgotten first;
/// forgetting only costs a database read).
const REMEMBERED: usize = 100_000;

/// Budget keys with failures kept in memory at most (up to three new
/// ones per attempt): past it, while the database refuses the writes, a
/// failure is written before the answer like any other.
const UNWRITTEN: usize = 30_000;

/// The budgets one attempt is counted in, as the hashed keys stored with
/// each failure.
#[derive(Debug, Clone)]
pub struct LoginKeys {
    /// This account from this address.
    pub pair: String,
    /// This address, every account.
    pub address: String,
    /// This account, every address.
    pub account: String,
}

impl LoginKeys {
    /// The keys of an attempt on `email` (lower-cased already; "" when it
    /// cannot be an account) from the address group `group`.
    pub fn new(key: &ClientKey, email: &str, group: &str) -> Self {
        Self {
            pair: format!("p:{}", key.hash(&format!("login|{email}|{group}"))),
            address: format!("a:{}", key.hash(&format!("login|{group}"))),
            account: format!("u:{}", key.hash(&format!("login|{email}"))),
        }
    }

    /// The keys failures are recorded under.
    pub fn all(&self) -> [&str; 3] {
        [&self.pair, &self.address, &self.account]
    }
}

/// The failures of one budget still in the window, newest first, at most
/// its maximum (enough to tell when a slot frees).
#[derive(Debug, Clone, Default)]
pub struct Recent(pub Vec<NaiveDateTime>);

impl Recent {
    /// These failures and `more`, newest first, each once, at most `max`.
    fn merged(mut self, more: Vec<NaiveDateTime>, max: i64) -> Self {
        let stored = self.0.len();
        for at in more {
            if !self.0[..stored].contains(&at) {
                self.0.push(at);
            }
        }
        self.0.sort_unstable_by(|a, b| b.cmp(a));
        self.0
            .truncate(usize::try_from(max.max(1)).unwrap_or(usize::MAX));
        self
    }
}

/// The limits, from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Budgets {
    /// Per account and address.
    pub pair: i64,
    /// Per address.
    pub address: i64,
    /// Per account.
    pub account: i64,
    /// The window failures are counted in.
    pub window: Duration,
}

/// What the database said about an attempt's budgets.
#[derive(Debug, Clone, Default)]
pub struct Counted {
    /// Per account and address.
    pub pair: Recent,
    /// Per address.
    pub address: Recent,
    /// Per account.
    pub account: Recent,
    /// The account has logged in from this address before.
    pub known_address: bool,
}

impl Counted {
    /// Adds the failures this process holds in memory
    /// ([`LoginThrottle::unwritten_for`]) to those the database counted.
    pub fn with_unwritten(self, unwritten: [Vec<NaiveDateTime>; 3], max: i64) -> Self {
        let [pair, address, account] = unwritten;
        Self {
            pair: self.pair.merged(pair, max),
            address: self.address.merged(address, max),
            account: self.account.merged(account, max),
            known_address: self.known_address,
        }
    }
}

/// Process-wide throttle state: spent budgets and attempts in flight.
pub struct LoginThrottle {
    budgets: Budgets,
    spent: quick_cache::sync::Cache<String, Instant>,
    /// Account-and-address keys known to have logged in (from the
    /// database's login addresses), so a spent address budget can be
    /// refused in memory for everyone else.
    known: quick_cache::sync::Cache<String, ()>,
    in_flight: Mutex<HashMap<String, i64>>,
    /// Failures on unknown accounts not yet in the database, per key;
    /// each stays until the write that stores it has committed.
    unwritten: Mutex<HashMap<String, Vec<NaiveDateTime>>>,
}

/// Failures taken from memory to be written, as (key, when).
pub type Unwritten = Vec<(String, NaiveDateTime)>;

/// An attempt counted as in flight until dropped.
pub struct Attempt {
    throttle: Arc<LoginThrottle>,
    keys: LoginKeys,
    /// Other attempts in flight on the same budgets when this one began.
    others: [i64; 3],
}

impl Drop for Attempt {
    fn drop(&mut self) {
        let mut in_flight = self
            .throttle
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for key in self.keys.all() {
            if let Some(n) = in_flight.get_mut(key) {
                *n -= 1;
                if *n <= 0 {
                    in_flight.remove(key);
                }
            }
        }
    }
}

impl LoginThrottle {
    /// A throttle with these budgets.
    pub fn new(budgets: Budgets) -> Self {
        Self {
            budgets,
            spent: quick_cache::sync::Cache::new(REMEMBERED),
            known: quick_cache::sync::Cache::new(REMEMBERED),
            in_flight: Mutex::new(HashMap::new()),
            unwritten: Mutex::new(HashMap::new()),
        }
    }

    /// Keeps a failure on an unknown account in memory until the next
    /// [`Self::to_write`] has stored it; `false` when memory holds
    /// [`UNWRITTEN`] keys already and the caller must write it itself.
    pub fn failed_unwritten(&self, keys: &LoginKeys, at: NaiveDateTime) -> bool {
        let mut unwritten = self
            .unwritten
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if unwritten.len() + 3 > UNWRITTEN {
            return false;
        }
        for key in keys.all() {
            unwritten.entry(key.to_owned()).or_default().push(at);
        }
        true
    }

    /// The failures of the attempt's budgets kept in memory, since
    /// `since`. Taken before the database is read, so a failure written
    /// meanwhile is seen in one of the two ([`Counted::with_unwritten`]
    /// drops the doubles).
    pub fn unwritten_for(&self, keys: &LoginKeys, since: NaiveDateTime) -> [Vec<NaiveDateTime>; 3] {
        let unwritten = self
            .unwritten
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        keys.all().map(|key| {
            let times = unwritten.get(key).map(Vec::as_slice).unwrap_or_default();
            times.iter().copied().filter(|at| *at > since).collect()
        })
    }

    /// Every failure kept in memory, to write; they stay counted here
    /// until [`Self::written`].
    pub fn to_write(&self) -> Unwritten {
        let unwritten = self
            .unwritten
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        unwritten
            .iter()
            .flat_map(|(key, times)| times.iter().map(|at| (key.clone(), *at)))
            .collect()
    }

    /// The failures of [`Self::to_write`] are in the database now.
    pub fn written(&self, failures: &Unwritten) {
        let mut unwritten = self
            .unwritten
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for (key, at) in failures {
            if let Some(times) = unwritten.get_mut(key) {
                if let Some(i) = times.iter().position(|t| t == at) {
                    times.swap_remove(i);
                }
                if times.is_empty() {
                    unwritten.remove(key);
                }
            }
        }
    }

    /// The window, as the database counts it.
    pub fn window(&self) -> TimeDelta {
        TimeDelta::from_std(self.budgets.window).unwrap_or(TimeDelta::minutes(15))
    }

    /// The most failures any budget needs read back.
    pub fn largest(&self) -> i64 {
        self.budgets
            .pair
            .max(self.budgets.address)
            .max(self.budgets.account)
    }

    /// Seconds to wait when this process already knows the attempt's
    /// account-and-address budget is spent, or its address budget and the
    /// account is not known there (no database read).
    pub fn remembered(&self, keys: &LoginKeys) -> Option<u64> {
        let now = Instant::now();
        let known = self.known.get(keys.pair.as_str()).is_some();
        [Some(&keys.pair), (!known).then_some(&keys.address)]
            .into_iter()
            .flatten()
            .filter_map(|key| self.spent.get(key.as_str()))
            .filter(|until| *until > now)
            .map(|until| whole_seconds(until - now))
            .max()
    }

    /// Remembers that the account logged in from this address.
    pub fn known(&self, keys: &LoginKeys) {
        self.known.insert(keys.pair.clone(), ());
    }

    /// Counts the attempt as in flight until the returned value drops.
    pub fn begin(self: &Arc<Self>, keys: LoginKeys) -> Attempt {
        let mut in_flight = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut others = [0; 3];
        for (slot, key) in others.iter_mut().zip(keys.all()) {
            let n = in_flight.entry(key.to_owned()).or_insert(0);
            *slot = *n;
            *n += 1;
        }
        drop(in_flight);
        Attempt {
            throttle: self.clone(),
            keys,
            others,
        }
    }

    /// Seconds to wait if a budget is spent, counting the failures in the
    /// database and the other attempts in flight; remembers a spent budget
    /// so the next attempts are refused without the database.
    pub fn verdict(&self, attempt: &Attempt, counted: &Counted, now: NaiveDateTime) -> Option<u64> {
        let [pair_others, address_others, account_others] = attempt.others;
        if counted.known_address {
            self.known(&attempt.keys);
        }
        let keys = &attempt.keys;
        let mut budgets = vec![(&keys.pair, &counted.pair, self.budgets.pair, pair_others)];
        if !counted.known_address {
            let address = (
                &keys.address,
                &counted.address,
                self.budgets.address,
                address_others,
            );
            budgets.push(address);
        }
        let mut wait = None;
        for (key, recent, max, others) in budgets {
            if let Some(secs) = self.spent_for(recent, max, others, now) {
                self.remember(key, secs, recent, max);
                wait = wait.max(Some(secs));
            }
        }
        if !counted.known_address {
            let account =
                self.spent_for(&counted.account, self.budgets.account, account_others, now);
            wait = wait.max(account);
        }
        wait
    }

    /// After a failure was recorded: remembers the budgets it spent.
    pub fn failed(&self, attempt: &Attempt, counted: &Counted, now: NaiveDateTime) {
        for (key, recent, max) in [
            (&attempt.keys.pair, &counted.pair, self.budgets.pair),
            (
                &attempt.keys.address,
                &counted.address,
                self.budgets.address,
            ),
        ] {
            let mut with_this = Vec::with_capacity(recent.0.len() + 1);
            with_this.push(now);
            with_this.extend_from_slice(&recent.0);
            let recent = Recent(with_this);
            if let Some(secs) = self.spent_for(&recent, max, 0, now) {
                self.remember(key, secs, &recent, max);
            }
        }
    }

    /// Seconds until a slot frees in a budget with `recent` failures and
    /// `others` attempts in flight, or `None` when one is free now.
    fn spent_for(&self, recent: &Recent, max: i64, others: i64, now: NaiveDateTime) -> Option<u64> {
        let counted = i64::try_from(recent.0.len()).unwrap_or(i64::MAX);
        if counted >= max {
            // The max-th newest failure is the one whose expiry frees a slot.
            let index = usize::try_from(max - 1).unwrap_or(0);
            let freeing = recent.0.get(index).copied().unwrap_or(now);
            let wait = (freeing + self.window() - now).to_std().unwrap_or_default();
            return Some(whole_seconds(wait));
        }
        // Attempts in flight end within a password check.
        (counted + others >= max).then_some(1)
    }

    /// Remembers a budget spent by failures (not one only held by
    /// attempts in flight, which end within a second).
    fn remember(&self, key: &str, secs: u64, recent: &Recent, max: i64) {
        if i64::try_from(recent.0.len()).unwrap_or(i64::MAX) >= max {
            self.spent
                .insert(key.to_owned(), Instant::now() + Duration::from_secs(secs));
        }
    }
}

/// Whole seconds, rounded up, at least one.
fn whole_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> Arc<LoginThrottle> {
        Arc::new(LoginThrottle::new(Budgets {
            pair: 3,
            address: 5,
            account: 4,
            window: Duration::from_secs(900),
        }))
    }

    fn keys(email: &str, group: &str) -> LoginKeys {
        LoginKeys::new(&ClientKey::new(Some("k"), b""), email, group)
    }

    fn ago(now: NaiveDateTime, secs: &[i64]) -> Recent {
        Recent(secs.iter().map(|s| now - TimeDelta::seconds(*s)).collect())
    }

    #[test]
    fn retry_after_is_when_the_oldest_counted_failure_leaves_the_window() {
        let throttle = throttle();
        let now = chrono::Utc::now().naive_utc();
        let attempt = throttle.begin(keys("a@b.vn", "198.51.100.7"));
        let free = Counted {
            pair: ago(now, &[10, 20]),
            ..Counted::default()
        };
        assert_eq!(throttle.verdict(&attempt, &free, now), None);
        let spent = Counted {
            pair: ago(now, &[10, 20, 300]),
            ..Counted::default()
        };
        // The third newest failure, 300 s old, leaves in 600 s.
        assert_eq!(throttle.verdict(&attempt, &spent, now), Some(600));
        // Remembered: the next attempt is refused without the database.
        let again = throttle
            .remembered(&keys("a@b.vn", "198.51.100.7"))
            .expect("spent");
        assert!((598..=600).contains(&again), "{again}");
        assert_eq!(throttle.remembered(&keys("a@b.vn", "203.0.113.1")), None);
    }

    #[test]
    fn the_account_budget_spares_known_addresses_and_is_never_remembered() {
        let throttle = throttle();
        let now = chrono::Utc::now().naive_utc();
        let attempt = throttle.begin(keys("a@b.vn", "198.51.100.7"));
        let mut counted = Counted {
            account: ago(now, &[1, 2, 3, 4]),
            ..Counted::default()
        };
        assert_eq!(throttle.verdict(&attempt, &counted, now), Some(896));
        counted.known_address = true;
        assert_eq!(throttle.verdict(&attempt, &counted, now), None);
        assert_eq!(throttle.remembered(&keys("a@b.vn", "198.51.100.7")), None);
    }

    #[test]
    fn attempts_in_flight_hold_the_last_slot() {
        let throttle = throttle();
        let now = chrono::Utc::now().naive_utc();
        let counted = Counted {
            pair: ago(now, &[1, 2]),
            ..Counted::default()
        };
        let first = throttle.begin(keys("a@b.vn", "g"));
        let second = throttle.begin(keys("a@b.vn", "g"));
        assert_eq!(throttle.verdict(&first, &counted, now), None);
        assert_eq!(throttle.verdict(&second, &counted, now), Some(1));
        drop(first);
        drop(second);
        let third = throttle.begin(keys("a@b.vn", "g"));
        assert_eq!(throttle.verdict(&third, &counted, now), None);
        // A failure that fills the budget is remembered at once.
        throttle.failed(&third, &counted, now);
        assert!(throttle.remembered(&keys("a@b.vn", "g")).is_some());
    }

    #[test]
    fn failures_held_in_memory_count_until_written_and_never_twice() {
        let throttle = throttle();
        let now = chrono::Utc::now().naive_utc();
        let since = now - TimeDelta::seconds(900);
        let guesser = keys("nobody@b.vn", "g");
        let long_ago = now - TimeDelta::seconds(1_000);
        assert!(throttle.failed_unwritten(&guesser, long_ago));
        assert!(throttle.failed_unwritten(&guesser, now));
        // Another e-mail from the same address shares the address budget.
        let held = throttle.unwritten_for(&keys("other@b.vn", "g"), since);
        assert_eq!(
            held,
            [vec![], vec![now], vec![]],
            "only the failure in the window"
        );
        // The database already has one of them (written meanwhile) and one
        // of its own: each is counted once.
        let stored = Counted {
            address: ago(now, &[0, 5]),
            ..Counted::default()
        };
        let counted = stored.with_unwritten(held, 10);
        assert_eq!(counted.address.0, ago(now, &[0, 5]).0);
        // Written: no longer held.
        let batch = throttle.to_write();
        assert_eq!(batch.len(), 6, "three keys per failure: {batch:?}");
        throttle.written(&batch);
        assert_eq!(throttle.to_write(), vec![]);
        assert_eq!(
            throttle.unwritten_for(&guesser, since),
            [vec![], vec![], vec![]]
        );
    }

    #[test]
    fn held_failures_are_bounded() {
        let throttle = throttle();
        let now = chrono::Utc::now().naive_utc();
        for n in 0..UNWRITTEN / 3 {
            let at = now + TimeDelta::microseconds(i64::try_from(n).expect("small"));
            // A botnet's attempt: three keys no other attempt shares.
            let botnet = keys(&format!("{n}@b.vn"), &format!("g{n}"));
            assert!(throttle.failed_unwritten(&botnet, at));
        }
        // Full: the caller writes this one itself.
        assert!(!throttle.failed_unwritten(&keys("last@b.vn", "g"), now));
        let batch = throttle.to_write();
        throttle.written(&batch);
        assert!(throttle.failed_unwritten(&keys("last@b.vn", "g"), now));
    }
}
