//! The middleware that applies the read limits (`read_limit`) to each
//! public read.

use crate::error::{ApiError, rate_limit_headers};
use crate::read_limit::{Client, Verdict};
use crate::state::AppState;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};

/// Who a request is counted against; none for staff with a valid access
/// token and for the probes and documentation.
fn client(req: &ServiceRequest, state: &AppState) -> Option<Client> {
    let path = req.path();
    if path == "/healthz" || path == "/readyz" || path.starts_with("/docs") {
        return None;
    }
    let headers = req.headers();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .or(bearer.filter(|t| t.starts_with(crate::auth::KEY_PREFIX)));
    if key.is_none()
        && let Some(token) = bearer
        && state.tokens.verify(token).is_ok()
    {
        return None;
    }
    Some(Client {
        key: key.map(crate::auth::key_hash),
        address: crate::auth::request_client_ip(req.request(), &state.config.proxies)
            .map(crate::auth::address_group),
    })
}

/// Middleware: counts each public read and refuses those past the budget.
pub async fn limit_reads(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let read = matches!(*req.method(), Method::GET | Method::HEAD);
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let verdict = match (&state, read) {
        (Some(state), true) if state.read_limits.enabled() => match client(&req, state) {
            Some(client) => state
                .read_limits
                .check(client, chrono::Utc::now().timestamp()),
            None => Verdict::Unlimited,
        },
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
