//! Webhook delivery: the loop every instance runs, which claims due
//! deliveries (each is claimed by one instance at a time, see
//! `toasoan_persistence::queries::webhooks`), posts them signed, and
//! records each outcome: success, a retry after an exponential backoff
//! with jitter, or failure after the last attempt. Nothing here runs on
//! the request path: a publish only writes the delivery rows.

pub mod guard;
pub mod sign;

use crate::config::WebhookConfig;
use http_client::header::{CONTENT_TYPE, HeaderValue};
use std::sync::Arc;
use std::time::{Duration, Instant};
use toasoan_domain::webhook::{WebhookUrl, is_forbidden, retry_delay};
use toasoan_persistence::queries::webhooks::{self, Attempt, Claimed, Next};
use toasoan_persistence::{Pool, time};

/// Bytes of a receiver's answer that are read and kept in the log.
pub const BODY_KEPT: usize = 1024;

/// How long a claim outlives the attempt's timeout before another
/// instance may take the delivery over.
const LEASE_MARGIN: Duration = Duration::from_secs(30);

/// Sends deliveries: the HTTP client and the rules it follows.
#[derive(Clone)]
pub struct Deliverer {
    pool: Pool,
    client: http_client::Client,
    config: Arc<WebhookConfig>,
}

impl Deliverer {
    /// A deliverer whose client follows no redirects, uses no proxy,
    /// gives up after the configured timeout, and connects only to
    /// addresses the guard allows.
    pub fn new(pool: Pool, config: &WebhookConfig) -> Result<Self, String> {
        let client = http_client::Client::builder()
            .redirect(http_client::redirect::Policy::none())
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .dns_resolver(guard::GuardedResolver {
                allow_private: config.allow_private,
            })
            .user_agent(concat!("Toasoan-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("webhook HTTP client: {e}"))?;
        Ok(Self {
            pool,
            client,
            config: Arc::new(config.clone()),
        })
    }

    /// Claims the due deliveries (at most one batch) and sends them at
    /// once; returns how many were attempted.
    pub async fn run_once(&self) -> usize {
        let pool = self.pool.clone();
        let batch = i64::try_from(self.config.concurrency).unwrap_or(16);
        let lease = chrono::Duration::from_std(self.config.timeout + LEASE_MARGIN)
            .unwrap_or(chrono::Duration::minutes(1));
        let claimed = actix_web::web::block(move || {
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            webhooks::claim(&mut conn, time::now(), lease, batch).map_err(|e| e.to_string())
        })
        .await;
        let claimed = match claimed {
            Ok(Ok(claimed)) => claimed,
            Ok(Err(cause)) => {
                tracing::warn!(%cause, "webhook deliveries not claimed; retried at the next pass");
                return 0;
            }
            Err(cause) => {
                tracing::warn!(%cause, "webhook delivery pass did not run");
                return 0;
            }
        };
        let n = claimed.len();
        let sending: Vec<_> = claimed
            .into_iter()
            .map(|c| {
                let this = self.clone();
                actix_web::rt::spawn(async move { this.deliver(c).await })
            })
            .collect();
        for task in sending {
            let _ = task.await;
        }
        n
    }

    /// One attempt of one claimed delivery, and its outcome recorded.
    async fn deliver(&self, claimed: Claimed) {
        let started = Instant::now();
        let attempt = self.attempt(&claimed).await;
        let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let attempt = Attempt {
            duration_ms,
            ..attempt
        };
        let succeeded = attempt
            .status_code
            .is_some_and(|code| (200..300).contains(&code));
        let now = time::now();
        let attempts = u32::try_from(claimed.delivery.attempts).unwrap_or(u32::MAX);
        let next = if succeeded {
            Next::Succeeded
        } else if attempts >= self.config.max_attempts {
            Next::Failed
        } else {
            let wait = retry_delay(self.config.retry_base, attempts, rand::random::<f64>());
            Next::RetryAt(
                now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::days(2)),
            )
        };
        let disable_after = chrono::Duration::from_std(self.config.disable_after)
            .unwrap_or(chrono::Duration::days(3));
        let pool = self.pool.clone();
        let id = claimed.delivery.id.clone();
        let recorded = actix_web::web::block(move || {
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            webhooks::finish(&mut conn, &claimed, &attempt, next, now, disable_after)
                .map_err(|e| e.to_string())
        })
        .await;
        match recorded {
            Ok(Ok(true)) => {}
            Ok(Ok(false)) => {
                tracing::info!(delivery = %id, "delivery claim expired before its outcome was recorded")
            }
            Ok(Err(cause)) => {
                tracing::warn!(delivery = %id, %cause, "delivery outcome not recorded; its claim will expire and it will be sent again")
            }
            Err(cause) => tracing::warn!(delivery = %id, %cause, "delivery outcome not recorded"),
        }
    }

    /// Posts the delivery; the outcome without its duration.
    async fn attempt(&self, claimed: &Claimed) -> Attempt {
        let failed = |error: String| Attempt {
            status_code: None,
            error: Some(error),
            body: None,
            duration_ms: 0,
        };
        let delivery = &claimed.delivery;
        let url = match WebhookUrl::parse(&claimed.url, self.config.allow_http) {
            Ok(url) => url,
            Err(e) => return failed(format!("URL refused: {}", e.message)),
        };
        if let Some(ip) = url.literal_address()
            && !self.config.allow_private
            && is_forbidden(ip)
        {
            return failed(format!("{ip} is an address webhooks may not reach"));
        }
        let t = chrono::Utc::now().timestamp();
        let body = delivery.payload.clone().into_bytes();
        let signature = sign::signature(&claimed.secret, t, &body);
        let sent = self
            .client
            .post(url.as_str())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header("Toasoan-Event", &delivery.event_type)
            .header("Toasoan-Delivery", &delivery.id)
            .header("Toasoan-Signature", signature)
            .body(body)
            .send()
            .await;
        let mut response = match sent {
            Ok(response) => response,
            Err(e) => return failed(describe(&e, self.config.timeout)),
        };
        let status = i32::from(response.status().as_u16());
        let mut kept = Vec::new();
        // Only the first KB is kept; the rest is never read.
        while kept.len() < BODY_KEPT {
            match response.chunk().await {
                Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
                Ok(None) | Err(_) => break,
            }
        }
        kept.truncate(BODY_KEPT);
        Attempt {
            status_code: Some(status),
            error: None,
            body: Some(String::from_utf8_lossy(&kept).into_owned()),
            duration_ms: 0,
        }
    }
}

/// A client error as the log shows it: what went wrong, with its causes.
fn describe(error: &http_client::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        return format!("no answer within {} ms", timeout.as_millis());
    }
    let mut parts = Vec::new();
    let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(error);
    while let Some(c) = cause {
        parts.push(c.to_string());
        cause = c.source();
    }
    if parts.is_empty() {
        parts.push(error.to_string());
    }
    parts.join(": ")
}

/// Runs a pass every `interval` for as long as the server runs; a full
/// batch is followed at once by another pass.
pub fn spawn_loop(deliverer: Deliverer) {
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(deliverer.config.interval);
        loop {
            ticker.tick().await;
            while deliverer.run_once().await >= deliverer.config.concurrency {}
        }
    });
}
