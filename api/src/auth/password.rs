//! Password hashing with argon2id, at the configured cost. Slow on purpose:
//! run it through `AppState::password_work`, never on the async executor.

use crate::error::ApiError;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use std::sync::OnceLock;

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

/// Hashes and checks passwords at one cost.
pub struct Passwords {
    params: Params,
    /// A hash no password matches, at this cost, verified when the account
    /// is unknown so that an unknown account and a wrong password take the
    /// same time.
    dummy: OnceLock<String>,
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
    /// says: its PHC string carries its parameters), or against the dummy
    /// hash when there is no account. Slow on purpose.
    pub fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        let hash = stored.unwrap_or_else(|| self.dummy());
        let matches = self
            .argon2()
            .verify_password(password.as_bytes(), hash)
            .is_ok();
        matches && stored.is_some()
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

    /// Computes the dummy hash now, so the first login is not slower than others.
    pub fn warm_up(&self) {
        self.dummy();
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
