//! Which addresses a webhook may reach. A URL's host is resolved and
//! checked when a subscription is saved, and again on every connection by
//! the delivery client's resolver ([`GuardedResolver`]): the client only
//! ever connects to an address that passed the check, so a name that
//! later resolves to an internal address (DNS rebinding) reaches nothing.

use http_client::dns::{Addrs, Name, Resolve, Resolving};
use std::net::SocketAddr;
use std::time::Duration;
use toasoan_domain::FieldError;
use toasoan_domain::webhook::{WebhookUrl, is_forbidden};

/// Longest wait for a name to resolve when a subscription is saved.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// Refuses a URL whose host is, or resolves to, a forbidden address
/// (unless `allow_private`), or does not resolve at all.
pub async fn check(url: &WebhookUrl, allow_private: bool) -> Result<(), FieldError> {
    let private = || {
        FieldError::new(
            "url",
            "private_address",
            "the host is or resolves to a loopback, private, link-local or other internal address",
        )
    };
    if let Some(ip) = url.literal_address() {
        return if allow_private || !is_forbidden(ip) {
            Ok(())
        } else {
            Err(private())
        };
    }
    let domain = url.domain().unwrap_or_default().to_owned();
    let unresolvable = || {
        FieldError::new(
            "url",
            "unresolvable_host",
            format!("the host {domain:?} does not resolve"),
        )
    };
    let lookup = tokio::net::lookup_host((domain.as_str(), url.port()));
    let addrs: Vec<SocketAddr> = match actix_web::rt::time::timeout(LOOKUP_TIMEOUT, lookup).await {
        Ok(Ok(addrs)) => addrs.collect(),
        _ => return Err(unresolvable()),
    };
    if addrs.is_empty() {
        return Err(unresolvable());
    }
    if !allow_private && addrs.iter().any(|a| is_forbidden(a.ip())) {
        return Err(private());
    }
    Ok(())
}

/// Why a delivery connected nowhere.
#[derive(Debug, thiserror::Error)]
#[error("{0} resolves only to addresses webhooks may not reach")]
pub struct Refused(pub String);

/// The delivery client's resolver: the system's, keeping only allowed
/// addresses.
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    /// Keep internal addresses too (`TOASOAN_WEBHOOK_ALLOW_PRIVATE`).
    pub allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let allowed: Vec<SocketAddr> = found
                .filter(|a| allow_private || !is_forbidden(a.ip()))
                .collect();
            if allowed.is_empty() {
                return Err(Box::new(Refused(host)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}
