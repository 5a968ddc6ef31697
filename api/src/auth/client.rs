//! Client addresses, kept only as a keyed hash: HMAC-SHA256 under a server
//! key, so a stolen database does not give out readers' addresses (a plain
//! hash of the 2^32 IPv4 addresses is reversed in minutes).

use actix_web::HttpRequest;
use actix_web::dev::RequestHead;
use actix_web::http::header;
use hmac::{Hmac, Mac};
use ipnet::IpNet;
use sha2::Sha256;
use std::net::{IpAddr, Ipv6Addr};

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

/// Which hops in front of this server may say who the client is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    /// Trust whatever connects (`TOASOAN_TRUST_PROXY=true`): for a server
    /// that only its proxy can reach.
    pub any_peer: bool,
    /// Trust these addresses and ranges (`TOASOAN_TRUSTED_PROXIES`).
    pub nets: Vec<IpNet>,
}

impl TrustedProxies {
    /// Parses `TOASOAN_TRUSTED_PROXIES`: addresses or CIDR ranges,
    /// separated by commas or spaces.
    pub fn parse(any_peer: bool, list: &str) -> Result<Self, String> {
        let nets = list
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{s:?} is neither an IP address nor a CIDR range"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { any_peer, nets })
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.nets.iter().any(|net| net.contains(&ip))
    }

    fn enabled(&self) -> bool {
        self.any_peer || !self.nets.is_empty()
    }
}

/// The caller's address, as the login throttle, comment limits and the
/// request log all see it. Without trusted proxies it is the peer. When
/// the peer is a trusted proxy, the forwarding chain (`Forwarded`, else
/// `X-Forwarded-For`) is read from the right: the first hop that is not a
/// trusted proxy is the client. Everything left of it was written by the
/// client and is ignored; an entry that is not an IP address ends the
/// walk at the last hop known to be real. `None` only when the peer is
/// unknown (never over TCP).
pub fn client_ip(
    head: &RequestHead,
    peer: Option<IpAddr>,
    proxies: &TrustedProxies,
) -> Option<IpAddr> {
    let peer = canonical(peer?);
    if !proxies.enabled() || !(proxies.any_peer || proxies.trusts(peer)) {
        return Some(peer);
    }
    let mut client = peer;
    for hop in forwarded_chain(head).iter().rev() {
        match hop {
            Some(ip) => {
                client = canonical(*ip);
                if !proxies.trusts(client) {
                    break;
                }
            }
            None => break,
        }
    }
    Some(client)
}

/// [`client_ip`] of a request.
pub fn request_client_ip(req: &HttpRequest, proxies: &TrustedProxies) -> Option<IpAddr> {
    client_ip(req.head(), req.peer_addr().map(|a| a.ip()), proxies)
}

/// [`client_ip`] as text, for hashing ("" when unknown).
pub fn client_address(req: &HttpRequest, proxies: &TrustedProxies) -> String {
    request_client_ip(req, proxies)
        .map(|ip| ip.to_string())
        .unwrap_or_default()
}

/// Longest `User-Agent` kept (sessions, audit log), in characters.
const USER_AGENT_CHARS: usize = 256;

/// The request's `User-Agent` as it is kept: control characters dropped,
/// cut to 256 characters, none when blank.
pub fn user_agent(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::USER_AGENT)
        .map(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .chars()
                .filter(|c| !c.is_control())
                .take(USER_AGENT_CHARS)
                .collect::<String>()
        })
        .filter(|ua| !ua.trim().is_empty())
}

/// The group an address is counted in by rate limits: an IPv4 address
/// alone, an IPv6 address with its /64 (one subscriber's network, where
/// picking a new address costs nothing).
pub fn address_group(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let network = u128::from(v6) & !((1u128 << 64) - 1);
            format!("{}/64", Ipv6Addr::from(network))
        }
    }
}

/// An IPv4 address mapped into IPv6 is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The hops the proxies recorded, leftmost (claimed client) first; an
/// entry that is not an IP address (`unknown`, an obfuscated name, junk)
/// is `None`. `Forwarded` (RFC 7239) wins over `X-Forwarded-For`.
fn forwarded_chain(head: &RequestHead) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<Option<IpAddr>> = head
        .headers()
        .get_all(header::FORWARDED)
        .flat_map(|value| value.to_str().unwrap_or("").split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| parse_hop(value))
            })
        })
        .collect();
    if !forwarded.is_empty() || head.headers().contains_key(header::FORWARDED) {
        return forwarded;
    }
    head.headers()
        .get_all("x-forwarded-for")
        .flat_map(|value| value.to_str().unwrap_or("").split(','))
        .map(parse_hop)
        .collect()
}

/// One hop: `203.0.113.7`, `"[2001:db8::1]:4711"`, `198.51.100.2:80`.
fn parse_hop(raw: &str) -> Option<IpAddr> {
    let hop = raw.trim().trim_matches('"');
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    hop.parse::<std::net::SocketAddrV4>()
        .ok()
        .map(|a| IpAddr::V4(*a.ip()))
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

    fn resolve(headers: &[(&str, &str)], peer: &str, proxies: &TrustedProxies) -> String {
        let mut req = actix_web::test::TestRequest::default();
        for (name, value) in headers {
            req = req.insert_header((*name, *value));
        }
        let req = req.to_http_request();
        client_ip(req.head(), Some(peer.parse().expect("peer")), proxies)
            .map(|ip| ip.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn the_client_is_the_right_most_hop_that_is_not_a_trusted_proxy() {
        let proxies = TrustedProxies::parse(false, "10.0.0.0/8, 192.0.2.1").expect("list");
        let none = TrustedProxies::default();
        // Without trusted proxies, headers are ignored.
        assert_eq!(
            resolve(&[("x-forwarded-for", "1.2.3.4")], "203.0.113.9", &none),
            "203.0.113.9"
        );
        // A peer that is not trusted cannot forward anything.
        assert_eq!(
            resolve(&[("x-forwarded-for", "1.2.3.4")], "203.0.113.9", &proxies),
            "203.0.113.9"
        );
        // The client prepends what it likes; the proxy appends the truth.
        assert_eq!(
            resolve(
                &[("x-forwarded-for", "9.9.9.9, 198.51.100.7, 10.1.1.1")],
                "10.0.0.2",
                &proxies
            ),
            "198.51.100.7"
        );
        assert_eq!(
            resolve(
                &[(
                    "forwarded",
                    "for=9.9.9.9, for=\"198.51.100.7:4711\";proto=https"
                )],
                "192.0.2.1",
                &proxies
            ),
            "198.51.100.7"
        );
        assert_eq!(
            resolve(
                &[("forwarded", "for=\"[2001:db8::7]:443\"")],
                "10.0.0.2",
                &proxies
            ),
            "2001:db8::7"
        );
        // Several header lines are one list, in order.
        let mut req = actix_web::test::TestRequest::default()
            .append_header(("x-forwarded-for", "9.9.9.9"))
            .append_header(("x-forwarded-for", "198.51.100.8"))
            .to_http_request();
        let ip = client_ip(req.head(), Some("10.0.0.2".parse().expect("ip")), &proxies);
        assert_eq!(ip, Some("198.51.100.8".parse().expect("ip")));
        req = actix_web::test::TestRequest::default().to_http_request();
        assert_eq!(client_ip(req.head(), None, &proxies), None);
        // A hop that is not an address stops the walk at the last real one.
        assert_eq!(
            resolve(
                &[("x-forwarded-for", "1.2.3.4, unknown")],
                "10.0.0.2",
                &proxies
            ),
            "10.0.0.2"
        );
        assert_eq!(
            resolve(&[("forwarded", "for=_hidden")], "10.0.0.2", &proxies),
            "10.0.0.2"
        );
        // Only trusted proxies in the chain: the left-most of them.
        assert_eq!(
            resolve(&[("x-forwarded-for", "10.9.9.9")], "10.0.0.2", &proxies),
            "10.9.9.9"
        );
        // TOASOAN_TRUST_PROXY trusts the peer alone: its last entry is the client.
        let peer_only = TrustedProxies::parse(true, "").expect("empty");
        assert_eq!(
            resolve(
                &[("x-forwarded-for", "9.9.9.9, 198.51.100.7")],
                "127.0.0.1",
                &peer_only
            ),
            "198.51.100.7"
        );
        assert!(TrustedProxies::parse(false, "10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse(false, "proxy.local").is_err());
    }

    #[test]
    fn ipv6_clients_are_grouped_by_their_64_and_mapped_ipv4_is_ipv4() {
        let a = address_group("2001:db8:1:2:aaaa::1".parse().expect("ip"));
        let b = address_group("2001:db8:1:2:ffff:1:2:3".parse().expect("ip"));
        let c = address_group("2001:db8:1:3::1".parse().expect("ip"));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(
            address_group("::ffff:198.51.100.7".parse().expect("ip")),
            "198.51.100.7"
        );
        assert_eq!(
            address_group("198.51.100.7".parse().expect("ip")),
            "198.51.100.7"
        );
    }
}
