//! Password hashing with argon2id. Slow on purpose: run it through
//! `AppState::password_work`, never on the async executor.

use crate::error::ApiError;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use std::sync::LazyLock;

/// Hashes a password with argon2id. Slow on purpose: call it in `web::block`.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(ApiError::internal)
}

/// A hash no password matches, verified when the account is unknown so that
/// an unknown account and a wrong password take the same time.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("no account has this password, ever").unwrap_or_default());

/// Checks a password against a stored hash, or against the dummy hash when
/// there is no account. Slow on purpose: call it in `web::block`.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    let hash = stored.unwrap_or(DUMMY_HASH.as_str());
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok();
    matches && stored.is_some()
}

/// Computes the dummy hash now, so the first login is not slower than others.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}
