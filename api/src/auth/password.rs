//! Password hashing with argon2id, at the configured cost. Slow on purpose:
//! run it through `AppState::password_work`, never on the async executor.

use crate::error::ApiError;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use std::collections::VecDeque;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// argon2id's cost (`TOASOAN_ARGON2_*`): memory in KiB, passes, lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Cost {
    /// Memory per hash, KiB (`TOASOAN_ARGON2_MEMORY_KIB`, default 19 456).
    pub memory_kib: u32,
    /// Passes over the memory (`TOASOAN_ARGON2_ITERATIONS`, default 2).
    pub iterations: u32,
    /// Lanes (`TOASOAN_ARGON2_PARALLELISM`, default 1).
    pub parallelism: u32,
}

impl Default for Argon2Cost {
    /// The argon2 crate's defaults (OWASP's first recommendation).
    fn default() -> Self {
        Self {
            memory_kib: Params::DEFAULT_M_COST,
            iterations: Params::DEFAULT_T_COST,
            parallelism: Params::DEFAULT_P_COST,
        }
    }
}

impl Argon2Cost {
    /// The argon2 parameters, or why this cost is not one argon2 takes.
    pub fn params(self) -> Result<Params, String> {
        Params::new(self.memory_kib, self.iterations, self.parallelism, None).map_err(|e| {
            format!(
                "argon2 refuses memory {} KiB, {} iterations, parallelism {}: {e} \
                 (memory must be at least 8 KiB per lane)",
                self.memory_kib, self.iterations, self.parallelism
            )
        })
    }
}

/// How many recent checks' durations are kept.
const TIMINGS: usize = 32;

/// An answer for an unknown account is a real check of the dummy hash when
/// no check began for this long, so the durations drawn from follow the
/// machine's load even when no real account is being logged into; a flood
/// of unknown accounts costs at most four checks a second.
const REFRESH_AFTER: Duration = Duration::from_millis(250);

/// Hashes and checks passwords at one cost.
pub struct Passwords {
    params: Params,
    /// A hash no password matches, at this cost: checked (and timed) when
    /// no check has been timed yet.
    dummy: OnceLock<String>,
    /// How long the last checks took.
    timings: Mutex<Timings>,
    /// [`REFRESH_AFTER`], or another span in tests.
    refresh_after: Duration,
}

/// The last [`TIMINGS`] check durations, oldest first, and when the
/// newest check began.
#[derive(Default)]
struct Timings {
    recent: VecDeque<Duration>,
    newest: Option<Instant>,
}

impl Timings {
    /// Whether an unknown account's answer should be a real check now
    /// (none began for `after`, or none was timed yet); if so, it counts
    /// as begun, so parallel answers do not all check.
    fn claim_refresh(&mut self, after: Duration) -> bool {
        let now = Instant::now();
        let due = self.recent.is_empty() || self.newest.is_none_or(|at| now - at >= after);
        if due {
            self.newest = Some(now);
        }
        due
    }

    fn record(&mut self, took: Duration) {
        if self.recent.len() == TIMINGS {
            self.recent.pop_front();
        }
        self.recent.push_back(took);
    }

    fn sample(&self) -> Option<Duration> {
        (!self.recent.is_empty()).then(|| self.recent[rand::random_range(0..self.recent.len())])
    }
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passwords")
            .field("params", &self.params)
            .finish()
    }
}

impl Passwords {
    /// Hashing at `cost`, checked already (see `Argon2Cost::params`).
    pub fn new(cost: Argon2Cost) -> Result<Self, String> {
        Ok(Self {
            params: cost.params()?,
            dummy: OnceLock::new(),
            timings: Mutex::default(),
            refresh_after: REFRESH_AFTER,
        })
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Hashes a password. Slow on purpose: call it in `password_work`.
    pub fn hash(&self, password: &str) -> Result<String, ApiError> {
        self.argon2()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(ApiError::internal)
    }

    /// Checks a password against a stored hash (at whatever cost the hash
    /// says: its PHC string carries its parameters). Slow on purpose.
    ///
    /// Without an account (`None`) the answer is `false` after as long as
    /// a check takes: a duration drawn from the last checks' own, slept on
    /// this password thread, which holds its slot as a check would. An
    /// unknown account and a wrong password thus take the same time from
    /// the same distribution (no answer tells which accounts exist), but
    /// a flood of guessed e-mails costs a timer each instead of an argon2id
    /// pass through 19 MiB, whose memory traffic slowed every reader (when
    /// no check began for [`REFRESH_AFTER`], it is still a real check of
    /// the dummy hash, to keep the durations current).
    pub fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        let Some(hash) = stored else {
            let took = {
                let mut timings = self.timings();
                if timings.claim_refresh(self.refresh_after) {
                    None
                } else {
                    timings.sample()
                }
            };
            match took {
                Some(took) => std::thread::sleep(took),
                // Time to time one again, or nothing timed yet (start-up's
                // warm-up still running): check the dummy hash.
                None => {
                    self.check(password, self.dummy());
                }
            }
            return false;
        };
        self.check(password, hash)
    }

    /// One argon2id check, timed.
    fn check(&self, password: &str, hash: &str) -> bool {
        let started = Instant::now();
        self.timings().newest = Some(started);
        let matches = self
            .argon2()
            .verify_password(password.as_bytes(), hash)
            .is_ok();
        self.timings().record(started.elapsed());
        matches
    }

    fn timings(&self) -> std::sync::MutexGuard<'_, Timings> {
        self.timings.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// True when a stored hash is not argon2id at this cost, so it should
    /// be replaced the next time its password is known (a login).
    pub fn needs_rehash(&self, stored: &str) -> bool {
        let Ok(hash) = PasswordHash::new(stored) else {
            return true;
        };
        let same_params = Params::try_from(&hash).is_ok_and(|p| {
            (p.m_cost(), p.t_cost(), p.p_cost())
                == (
                    self.params.m_cost(),
                    self.params.t_cost(),
                    self.params.p_cost(),
                )
        });
        hash.algorithm.as_str() != Algorithm::Argon2id.ident().as_str()
            || hash.version != Some(Version::V0x13.into())
            || !same_params
    }

    fn dummy(&self) -> &str {
        self.dummy.get_or_init(|| {
            self.hash("no account has this password, ever")
                .unwrap_or_default()
        })
    }

    /// Computes the dummy hash and times a check against it now, so the
    /// first login is not slower than others and an unknown account's
    /// answer has a duration to take from the start.
    pub fn warm_up(&self) {
        self.check("", self.dummy());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: Argon2Cost = Argon2Cost {
        memory_kib: 64,
        iterations: 1,
        parallelism: 1,
    };

    #[test]
    fn hashes_carry_their_cost_and_verify_at_any_configured_cost() {
        let cheap = Passwords::new(CHEAP).expect("valid");
        let other = Passwords::new(Argon2Cost {
            memory_kib: 128,
            iterations: 2,
            parallelism: 2,
        })
        .expect("valid");
        let hash = cheap.hash("mùa thu lá vàng rơi").expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{hash}");
        assert!(other.verify("mùa thu lá vàng rơi", Some(&hash)));
        assert!(!other.verify("mùa thu lá vàng", Some(&hash)));
        assert!(!cheap.verify("anything", None));
        assert!(!cheap.needs_rehash(&hash));
        assert!(other.needs_rehash(&hash));
        assert!(cheap.needs_rehash("not a hash"));
    }

    #[test]
    fn an_unknown_account_takes_as_long_as_a_check_but_seldom_does_one() {
        let mut passwords = Passwords::new(CHEAP).expect("valid");
        // Checks began within the refresh span for the whole test.
        passwords.refresh_after = Duration::from_secs(3_600);
        let hash = passwords.hash("sông Thu Bồn").expect("hash");
        for _ in 0..3 {
            assert!(!passwords.verify("sông Hàn", Some(&hash)));
        }
        assert_eq!(passwords.timings().recent.len(), 3);
        for _ in 0..16 {
            let started = Instant::now();
            assert!(!passwords.verify("sông Thu Bồn", None));
            let took = started.elapsed();
            let fastest = passwords.timings().recent.iter().min().copied();
            // Never quicker than the quickest check it could stand for.
            assert!(fastest.is_some_and(|f| took >= f), "{took:?} < {fastest:?}");
        }
        // Sixteen unknown accounts, no real check.
        assert_eq!(passwords.timings().recent.len(), 3);
        assert!(passwords.verify("sông Thu Bồn", Some(&hash)));
        // When no check began for the span, an unknown account's answer
        // is one (of the dummy hash).
        passwords.refresh_after = Duration::ZERO;
        assert!(!passwords.verify("sông Thu Bồn", None));
        assert_eq!(passwords.timings().recent.len(), 5);
    }

    #[test]
    fn before_any_check_is_timed_an_unknown_account_is_checked() {
        let mut passwords = Passwords::new(CHEAP).expect("valid");
        passwords.refresh_after = Duration::from_secs(3_600);
        assert!(!passwords.verify("sông Thu Bồn", None));
        assert_eq!(passwords.timings().recent.len(), 1);
    }

    #[test]
    fn costs_argon2_refuses_are_reported() {
        let bad = Argon2Cost {
            memory_kib: 8,
            iterations: 1,
            parallelism: 4,
        };
        assert!(bad.params().is_err());
        assert!(
            Argon2Cost {
                iterations: 0,
                ..CHEAP
            }
            .params()
            .is_err()
        );
        assert!(Argon2Cost::default().params().is_ok());
        assert_eq!(Argon2Cost::default().memory_kib, 19_456);
    }
}
