//! The middleware that applies the read limits (`read_limit`) to each
//! public read.

use crate::caller::{Credential, credential};
use crate::error::{ApiError, rate_limit_headers};
use crate::read_limit::{Client, Verdict};
use crate::state::AppState;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};

/// Who a request is counted against; none for staff with a valid access
/// token and for the probes and documentation. A request whose
/// credential is refused counts against its address (its handler answers
/// 401).
fn client(req: &ServiceRequest, state: &AppState) -> Option<Client> {
    let path = req.path();
    if path == "/healthz" || path == "/readyz" || path.starts_with("/docs") {
        return None;
    }
    let key = match credential(req.headers()) {
        Ok(Some(Credential::Token(token))) if state.tokens.verify(&token).is_ok() => {
            return None;
        }
        Ok(Some(Credential::Key(key))) => Some(crate::auth::key_hash(&key)),
        _ => None,
    };
    Some(Client {
        key,
        address: crate::auth::request_client_ip(req.request(), &state.config.proxies)
            .map(crate::auth::address_group),
    })
}

/// Middleware: counts each public read and refuses those past the budget.
pub async fn limit_reads(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let verdict = match req.app_data::<web::Data<AppState>>() {
        Some(state)
            if state.read_limits.enabled()
                && matches!(*req.method(), Method::GET | Method::HEAD) =>
        {
            client(&req, state).map_or(Verdict::Unlimited, |client| {
                state
                    .read_limits
                    .check(client, chrono::Utc::now().timestamp())
            })
        }
        _ => Verdict::Unlimited,
    };
    match verdict {
        Verdict::Unlimited => Ok(next.call(req).await?.map_into_left_body()),
        Verdict::Allowed {
            limit,
            remaining,
            reset,
        } => {
            let mut res = next.call(req).await?.map_into_left_body();
            rate_limit_headers(res.headers_mut(), limit, remaining, reset);
            Ok(res)
        }
        Verdict::Limited { limit, reset } => {
            let error = ApiError::TooManyRequests(
                reset,
                Some(limit),
                format!(
                    "too many reads; this client may make {limit} per window, again in {reset} seconds"
                ),
            );
            Ok(req
                .into_response(error.error_response())
                .map_into_right_body())
        }
    }
}
