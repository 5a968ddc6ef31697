//! Access tokens (JWT, HS256 only) and the random secrets behind refresh
//! tokens, stored only as hashes.

use crate::error::{ApiError, Code};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::time::Duration;
use toasoan_domain::user::Role;

/// What an access token says.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The account id.
    pub sub: String,
    /// The session (login) id, so logout can end the token early.
    pub sid: String,
    /// The role when the token was issued (the database has the final word).
    pub role: Role,
    /// Issued at, Unix seconds.
    pub iat: i64,
    /// Expires at, Unix seconds.
    pub exp: i64,
}

/// Signs and checks access tokens.
pub struct TokenKeys {
    pub(super) encoding: EncodingKey,
    pub(super) decoding: DecodingKey,
    validation: Validation,
    /// Access token lifetime.
    pub access_ttl: Duration,
    /// Refresh token lifetime.
    pub refresh_ttl: Duration,
}

impl TokenKeys {
    /// Keys from an HMAC secret.
    pub fn new(secret: &[u8], access_ttl: Duration, refresh_ttl: Duration) -> Self {
        // Only HS256 is accepted: `alg: none` or an RS/ES token signed with
        // a public key as HMAC secret fail before the signature is checked.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl,
            refresh_ttl,
        }
    }

    /// Issues an access token for an account's session.
    pub fn issue(&self, user_id: &str, session_id: &str, role: Role) -> Result<String, ApiError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_owned(),
            sid: session_id.to_owned(),
            role,
            iat: now,
            exp: now + i64::try_from(self.access_ttl.as_secs()).unwrap_or(900),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)
    }

    /// Checks a token's signature, algorithm and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => {
                    Code::TokenExpired.err("the access token has expired; refresh it")
                }
                _ => Code::TokenInvalid.err("the access token is not valid"),
            })
    }
}

/// A new random refresh token (256 bits, URL-safe).
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// How a secret token is stored: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key stream that seals a spent refresh token's successor: an
/// HMAC-SHA256 keyed by the spent token, which the database does not hold
/// (only its hash), so the sealed successor is useless to anyone who reads
/// the database without the spent token.
fn successor_key(spent: &str) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(spent.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(b"toasoan refresh successor v1");
    mac.finalize().into_bytes().into()
}

fn xor_with(spent: &str, token: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    let key = successor_key(spent);
    if bytes.len() != key.len() {
        return None;
    }
    let out: Vec<u8> = bytes.iter().zip(key).map(|(b, k)| b ^ k).collect();
    Some(URL_SAFE_NO_PAD.encode(out))
}

/// Seals `successor` (a refresh token this server made) with the token
/// it replaces.
pub fn seal_successor(spent: &str, successor: &str) -> Option<String> {
    xor_with(spent, successor)
}

/// Opens what `seal_successor` sealed, given the spent token again.
pub fn unseal_successor(spent: &str, sealed: &str) -> Option<String> {
    xor_with(spent, sealed)
}
