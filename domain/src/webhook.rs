//! Webhook rules: which URLs a subscription may name (and which addresses
//! it may reach), which events it takes, the states of a delivery, and
//! how long to wait before each retry. No IO: callers resolve names and
//! read the clock.

use crate::FieldError;
use crate::event::EventType;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

/// Longest subscription URL, in bytes.
pub const MAX_URL_LEN: usize = 2_000;

/// The event type of a test delivery (`POST /webhooks/{id}/ping`).
pub const PING: &str = "ping";

/// A subscription's target: an absolute `https` URL (or `http` when the
/// server allows it) with a host, no credentials and no fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl {
    url: url::Url,
}

impl WebhookUrl {
    /// Reads a URL; `allow_http` admits plain `http`.
    pub fn parse(raw: &str, allow_http: bool) -> Result<Self, FieldError> {
        let invalid = || {
            FieldError::new(
                "url",
                "invalid_url",
                "an absolute https URL with a host, such as https://hooks.example.com/toasoan",
            )
        };
        let raw = raw.trim();
        if raw.len() > MAX_URL_LEN {
            return Err(FieldError::new(
                "url",
                "too_long",
                format!("at most {MAX_URL_LEN} bytes"),
            ));
        }
        let url = url::Url::parse(raw).map_err(|_| invalid())?;
        match url.scheme() {
            "https" => {}
            "http" if allow_http => {}
            "http" => {
                return Err(FieldError::new(
                    "url",
                    "https_required",
                    "deliveries go over https only on this server",
                ));
            }
            _ => return Err(invalid()),
        }
        if url.host().is_none()
            || !url.username().is_empty()
            || url.password().is_some()
            || url.fragment().is_some()
        {
            return Err(invalid());
        }
        Ok(Self { url })
    }

    /// The URL as text.
    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    /// The host name to resolve, or `None` when the URL names an address.
    pub fn domain(&self) -> Option<&str> {
        self.url.domain()
    }

    /// The address the URL names literally, if it does.
    pub fn literal_address(&self) -> Option<IpAddr> {
        match self.url.host()? {
            url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
            url::Host::Domain(_) => None,
        }
    }

    /// The port, explicit or the scheme's.
    pub fn port(&self) -> u16 {
        self.url.port_or_known_default().unwrap_or(443)
    }
}

/// True for an address a webhook must not reach unless the server allows
/// private addresses: loopback, private (10/8, 172.16/12, 192.168/16,
/// fc00::/7), link-local (169.254/16 with the cloud metadata address,
/// fe80::/10), unspecified, shared CGNAT (100.64/10), multicast, broadcast
/// and reserved ranges, and IPv6 forms that embed such an IPv4 address.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..=127).contains(&b))
        || a >= 240
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return forbidden_v4(v4);
    }
    let segments = ip.segments();
    // IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) forms.
    let embedded = Ipv4Addr::new(
        (segments[6] >> 8) as u8,
        segments[6] as u8,
        (segments[7] >> 8) as u8,
        segments[7] as u8,
    );
    if segments[..6] == [0; 6] || segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return ip.is_loopback() || ip.is_unspecified() || forbidden_v4(embedded);
    }
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (segments[0] & 0xfe00) == 0xfc00
        || (segments[0] & 0xffc0) == 0xfe80
        || (segments[0] & 0xffc0) == 0xfec0
}

/// The events a subscription takes: all (`*`) or those listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventFilter {
    /// Every event type, present and future (`*`).
    All,
    /// Only these types (no duplicates, in the order given).
    Only(Vec<EventType>),
}

impl EventFilter {
    /// Reads the `events` list of a request: one or more event types, or
    /// `*`; an unknown name is reported at its index.
    pub fn parse(names: &[String]) -> Result<Self, FieldError> {
        if names.is_empty() {
            return Err(FieldError::new(
                "events",
                "empty_list",
                "name at least one event type, or \"*\" for all",
            ));
        }
        let mut types = Vec::new();
        let mut all = false;
        for (i, name) in names.iter().enumerate() {
            if name.trim() == "*" {
                all = true;
                continue;
            }
            let t = EventType::parse(name.trim()).map_err(|_| {
                FieldError::new(
                    format!("events[{i}]"),
                    "invalid_event_type",
                    format!(
                        "unknown event type {name:?}; known: \"*\", {}",
                        EventType::ALL.map(EventType::as_str).join(", ")
                    ),
                )
            })?;
            if !types.contains(&t) {
                types.push(t);
            }
        }
        Ok(if all {
            EventFilter::All
        } else {
            EventFilter::Only(types)
        })
    }

    /// Reads the stored form (`*` or comma-separated names).
    pub fn from_stored(raw: &str) -> Result<Self, FieldError> {
        let names: Vec<String> = raw.split(',').map(str::to_owned).collect();
        Self::parse(&names)
    }

    /// The stored form.
    pub fn to_stored(&self) -> String {
        self.names().join(",")
    }

    /// The names, as the API shows them.
    pub fn names(&self) -> Vec<String> {
        match self {
            EventFilter::All => vec!["*".to_owned()],
            EventFilter::Only(types) => types.iter().map(|t| t.as_str().to_owned()).collect(),
        }
    }

    /// True when the subscription takes events of type `t`.
    pub fn matches(&self, t: EventType) -> bool {
        match self {
            EventFilter::All => true,
            EventFilter::Only(types) => types.contains(&t),
        }
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not yet answered with a 2xx; an attempt is due or in flight.
    Pending,
    /// The receiver answered 2xx.
    Succeeded,
    /// Every attempt failed; redeliver to try again.
    Failed,
}

impl DeliveryStatus {
    /// The stored and published name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Succeeded => "succeeded",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// Reads a name.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw {
            "pending" => Ok(DeliveryStatus::Pending),
            "succeeded" => Ok(DeliveryStatus::Succeeded),
            "failed" => Ok(DeliveryStatus::Failed),
            _ => Err(FieldError::new(
                "status",
                "invalid_status",
                "status is pending, succeeded or failed",
            )),
        }
    }
}

/// Growth of the delay from one retry to the next: with the default
/// 30-second first delay, 8 attempts span about 21 hours.
pub const BACKOFF_FACTOR: f64 = 3.5;

/// Longest wait between two attempts.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(2 * 86_400);

/// The wait after failed attempt number `attempt` (1 for the first):
/// `base × 3.5^(attempt − 1)`, scaled by `0.8 + 0.4 × jitter` (`jitter` in
/// 0..1) so receivers that recover do not get every retry at once.
pub fn retry_delay(base: Duration, attempt: u32, jitter: f64) -> Duration {
    let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
    let scale = BACKOFF_FACTOR.powi(exponent) * (0.8 + 0.4 * jitter.clamp(0.0, 1.0));
    let secs = base.as_secs_f64() * scale;
    if !secs.is_finite() || secs >= MAX_RETRY_DELAY.as_secs_f64() {
        MAX_RETRY_DELAY
    } else {
        Duration::from_secs_f64(secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(raw: &str) -> IpAddr {
        raw.parse().unwrap()
    }

    #[test]
    fn private_and_special_addresses_are_forbidden() {
        for raw in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "100.127.255.255",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::10.0.0.1",
        ] {
            assert!(is_forbidden(ip(raw)), "{raw} must be forbidden");
        }
        for raw in [
            "93.184.215.14",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::8.8.8.8",
        ] {
            assert!(!is_forbidden(ip(raw)), "{raw} must be allowed");
        }
    }

    #[test]
    fn urls_must_be_absolute_https_unless_http_is_allowed() {
        let code = |raw: &str, http: bool| WebhookUrl::parse(raw, http).err().map(|e| e.code);
        assert_eq!(code("https://hooks.example.com/x", false), None);
        assert_eq!(code("http://hooks.example.com/x", true), None);
        assert_eq!(
            code("http://hooks.example.com/x", false),
            Some("https_required")
        );
        for bad in [
            "/relative",
            "hooks.example.com",
            "ftp://example.com/x",
            "https://user:pw@example.com/",
            "https://example.com/#frag",
            "mailto:a@example.com",
            "",
        ] {
            assert_eq!(code(bad, true), Some("invalid_url"), "{bad}");
        }
        let url = WebhookUrl::parse("https://[::1]:8443/hook", false).unwrap();
        assert_eq!(url.literal_address(), Some(ip("::1")));
        assert_eq!(url.port(), 8443);
        assert_eq!(
            WebhookUrl::parse("https://example.com/a", false)
                .unwrap()
                .domain(),
            Some("example.com")
        );
    }

    #[test]
    fn event_filters_parse_and_round_trip() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            EventFilter::parse(&names(&["*", "article.published"])).unwrap(),
            EventFilter::All
        );
        let only = EventFilter::parse(&names(&["article.published", "article.published"])).unwrap();
        assert_eq!(only, EventFilter::Only(vec![EventType::Published]));
        assert!(only.matches(EventType::Published) && !only.matches(EventType::Updated));
        assert_eq!(EventFilter::from_stored(&only.to_stored()).unwrap(), only);
        assert_eq!(EventFilter::parse(&[]).unwrap_err().code, "empty_list");
        let err = EventFilter::parse(&names(&["article.published", "article.read"])).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.code),
            ("events[1]", "invalid_event_type")
        );
    }

    #[test]
    fn retries_back_off_exponentially_within_the_jitter() {
        let base = Duration::from_secs(30);
        assert_eq!(retry_delay(base, 1, 0.5), base);
        assert_eq!(retry_delay(base, 2, 0.5), Duration::from_secs(105));
        assert!(retry_delay(base, 1, 0.0) == Duration::from_secs(24));
        assert!(retry_delay(base, 1, 1.0) == Duration::from_secs(36));
        let total: Duration = (1..8).map(|n| retry_delay(base, n, 0.5)).sum();
        assert!(total > Duration::from_secs(18 * 3_600) && total < Duration::from_secs(26 * 3_600));
        assert_eq!(retry_delay(base, 200, 0.5), MAX_RETRY_DELAY);
    }
}
