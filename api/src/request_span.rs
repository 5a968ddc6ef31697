//! The span every request's log lines carry. Its client address is the
//! one the login throttle and comment limits use (see
//! `auth::client_ip`), never a header value the client wrote.

use crate::auth::request_client_ip;
use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage, web};
use tracing::Span;
use tracing::field::Empty;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};

/// Builds the request span with a trustworthy `http.client_ip`.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let client = request
            .app_data::<web::Data<AppState>>()
            .and_then(|state| request_client_ip(request.request(), &state.config.proxies))
            .map(|ip| ip.to_string())
            .unwrap_or_default();
        let user_agent = request
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        let route = request.match_pattern().unwrap_or_else(|| "default".into());
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.target = %request.uri().path_and_query().map_or("", |p| p.as_str()),
            http.client_ip = %client,
            http.user_agent = %user_agent,
            http.status_code = Empty,
            otel.status_code = Empty,
            request_id = %request_id,
            exception.message = Empty,
            exception.details = Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}
