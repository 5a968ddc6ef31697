//! API keys: `tsk_` and 32 random bytes, for server-side frontends and
//! integrations. A key acts as the account it belongs to, with that
//! account's current role, narrowed by its scope. Only its SHA-256 is
//! stored; a key is found by that hash, so a wrong key costs one indexed
//! lookup and nothing to compare in variable time.

use super::token::token_hash;
use crate::error::{ApiError, Code};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use toasoan_domain::user::Role;
use toasoan_persistence::models::user::UserRow;
use toasoan_persistence::queries::api_keys::ApiKeyRow;
use utoipa::ToSchema;

/// How every key starts, so a client, a log scrubber or a secret scanner
/// can tell one from an access token.
pub const KEY_PREFIX: &str = "tsk_";

/// How many characters of a key are kept to recognise it by.
const SHOWN_CHARS: usize = 12;

/// How often a key's `last_used_at` is written, at most.
pub const LAST_USED_PRECISION: Duration = Duration::from_secs(60);

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Read what the public reads (published articles and what they show);
    /// a frontend gets its own rate-limit budget instead of its address's.
    Read,
    /// Read content as the key's account reads it (drafts and scheduled
    /// articles included, for a frontend's preview); no writes.
    Preview,
    /// Everything the key's account may do, bar managing logins,
    /// passwords and API keys.
    Write,
}

impl Scope {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Preview => "preview",
            Scope::Write => "write",
        }
    }

    /// From storage.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "read" => Some(Scope::Read),
            "preview" => Some(Scope::Preview),
            "write" => Some(Scope::Write),
            _ => None,
        }
    }
}

/// A request authenticated by a key: which one, with what scope.
#[derive(Debug, Clone)]
pub struct KeyGrant {
    /// The key's id.
    pub id: String,
    /// What it may do.
    pub scope: Scope,
}

/// A new key and what is stored of it: (key, its hash, its prefix).
pub fn new_key() -> (String, String, String) {
    let bytes: [u8; 32] = rand::random();
    let key = format!("{KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = token_hash(&key);
    let prefix = key.chars().take(SHOWN_CHARS).collect();
    (key, hash, prefix)
}

/// The hash a key is looked up by.
pub fn key_hash(key: &str) -> String {
    token_hash(key)
}

/// Checks a stored key found by its hash: not revoked, not expired, its
/// account active. Returns the account's id and role and the grant.
pub fn admit(
    found: Option<(ApiKeyRow, UserRow)>,
    now: NaiveDateTime,
) -> Result<(String, Role, KeyGrant), ApiError> {
    let (key, user) = found.ok_or_else(|| {
        Code::ApiKeyInvalid.err("this API key is not one this API made; check it was copied whole")
    })?;
    if key.revoked_at.is_some() || !user.is_active {
        return Err(Code::ApiKeyRevoked.err("this API key was revoked, or its account is disabled"));
    }
    if key.expires_at.is_some_and(|at| at <= now) {
        return Err(Code::ApiKeyExpired.err("this API key has expired; ask an admin for a new one"));
    }
    let scope = Scope::parse(&key.scope).ok_or_else(|| ApiError::bug("unknown API key scope"))?;
    Ok((user.id, user.role, KeyGrant { id: key.id, scope }))
}

/// When each key's `last_used_at` was last written by this process, so a
/// busy frontend's key costs one write a minute, not one per request.
#[derive(Debug, Default)]
pub struct KeyUses(Mutex<HashMap<String, Instant>>);

impl KeyUses {
    /// True when `key_id`'s use should be written now (and notes that it is).
    pub fn due(&self, key_id: &str) -> bool {
        let Ok(mut seen) = self.0.lock() else {
            return false;
        };
        let now = Instant::now();
        match seen.get(key_id) {
            Some(at) if now.duration_since(*at) < LAST_USED_PRECISION => false,
            _ => {
                if seen.len() > 10_000 {
                    seen.retain(|_, at| now.duration_since(*at) < LAST_USED_PRECISION);
                }
                seen.insert(key_id.to_owned(), now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_prefixed_and_stored_only_as_their_hash() {
        let (a, hash_a, prefix_a) = new_key();
        let (b, _, _) = new_key();
        assert_ne!(a, b);
        assert!(a.starts_with(KEY_PREFIX));
        assert_eq!(a.len(), KEY_PREFIX.len() + 43);
        assert_eq!(hash_a, key_hash(&a));
        assert!(!hash_a.contains(&a[KEY_PREFIX.len()..]));
        assert!(a.starts_with(&prefix_a));
        assert_eq!(prefix_a.len(), SHOWN_CHARS);
    }

    #[test]
    fn a_key_in_use_is_written_once_a_minute() {
        let uses = KeyUses::default();
        assert!(uses.due("k1"));
        assert!(!uses.due("k1"));
        assert!(uses.due("k2"));
    }
}
