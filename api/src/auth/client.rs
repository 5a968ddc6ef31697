//! Client addresses, kept only as a keyed hash: HMAC-SHA256 under a server
//! key, so a stolen database does not give out readers' addresses (a plain
//! hash of the 2^32 IPv4 addresses is reversed in minutes).

use actix_web::HttpRequest;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The key client addresses are hashed under. Every instance must use the
/// same key so that their rate limits and duplicate checks agree.
pub struct ClientKey(Vec<u8>);

impl ClientKey {
    /// The configured key, or one derived from the JWT secret (which
    /// instances already share), so no new secret has to be distributed.
    pub fn new(configured: Option<&str>, jwt_secret: &[u8]) -> Self {
        match configured {
            Some(key) => Self(key.as_bytes().to_vec()),
            None => Self(mac(jwt_secret, b"toasoan client address key v1")),
        }
    }

    /// The keyed hash of a client address, hex.
    pub fn hash(&self, address: &str) -> String {
        mac(&self.0, address.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl std::fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientKey([redacted])")
    }
}

fn mac(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    match HmacSha256::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// The caller's address: the peer, or the proxy's `Forwarded` /
/// `X-Forwarded-For` when the proxy is trusted.
pub fn client_address(req: &HttpRequest, trust_proxy: bool) -> String {
    if trust_proxy {
        req.connection_info()
            .realip_remote_addr()
            .unwrap_or_default()
            .to_owned()
    } else {
        req.peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_hash_by_key_and_never_appear() {
        let key = ClientKey::new(None, b"a jwt secret of some length here");
        let other = ClientKey::new(Some("another key"), b"ignored");
        let hash = key.hash("203.0.113.7");
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains("203"));
        assert_eq!(hash, key.hash("203.0.113.7"));
        assert_ne!(hash, key.hash("203.0.113.8"));
        assert_ne!(hash, other.hash("203.0.113.7"));
        // RFC 4231 test case 2.
        assert_eq!(
            ClientKey(b"Jefe".to_vec()).hash("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(format!("{key:?}"), "ClientKey([redacted])");
    }
}
