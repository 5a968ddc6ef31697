//! The actix `App`: middleware, the endpoint table and the fallbacks that
//! keep every error problem+json. `main` and the tests run this same builder.

use crate::error::{ApiError, Code, PROBLEM_JSON, problem_response};
use crate::extractors::{self, JSON_LIMIT};
use crate::request_span::RequestSpan;
use crate::state::AppState;
use crate::{openapi, router, routes};
use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{Compress, ErrorHandlerResponse, ErrorHandlers, Next, from_fn};
use actix_web::{App, web};
use tracing_actix_web::TracingLogger;

/// The whole application with its middleware, for `HttpServer` and tests.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let cors = cors(&state.config.cors_origins);
    App::new()
        .app_data(web::Data::new(state))
        .app_data(extractors::json_config())
        .app_data(extractors::query_config())
        .app_data(extractors::path_config())
        .app_data(web::PayloadConfig::new(JSON_LIMIT))
        .wrap(from_fn(crate::audit::record_writes))
        .wrap(from_fn(crate::read_gate::limit_reads))
        .wrap(Compress::default())
        .wrap(cors)
        // Outside compression and CORS, so their refusals become problems too.
        .wrap(ErrorHandlers::new().default_handler(as_problem))
        .wrap(from_fn(security_headers))
        .wrap(TracingLogger::<RequestSpan>::new())
        .configure(|cfg| router::configure(cfg, routes::endpoints()))
        .configure(openapi::configure)
        .default_service(web::to(not_found))
}

/// The documentation page loads its scripts, styles and images from this
/// server only (Swagger UI styles elements inline and draws icons from
/// `data:` URLs); it fetches the OpenAPI document from here too.
const DOCS_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/// Everything else is data, never a page: nothing may run or load from it.
const API_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Security headers on every response, errors included, unless a handler
/// set its own: no MIME sniffing, no referrer leaving the newsroom's
/// pages, no framing, and a content policy (a strict one for data, a
/// looser one for the documentation page).
async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let docs = req.path().starts_with("/docs");
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    let policy = if docs { DOCS_POLICY } else { API_POLICY };
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CONTENT_SECURITY_POLICY, policy),
    ] {
        if !headers.contains_key(&name) {
            headers.insert(name, header::HeaderValue::from_static(value));
        }
    }
    Ok(res)
}

async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(Code::RouteNotFound.err("no such path"))
}

/// Turns any error response that is not already problem+json (from actix's
/// own layers: compression, CORS, routing) into one, so clients see a
/// single error format.
fn as_problem<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON));
    if is_problem || res.status().as_u16() < 400 {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let code = match status {
        StatusCode::NOT_FOUND => Code::RouteNotFound,
        StatusCode::METHOD_NOT_ALLOWED => Code::MethodNotAllowed,
        StatusCode::NOT_ACCEPTABLE => Code::NotAcceptable,
        StatusCode::PAYLOAD_TOO_LARGE => Code::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Code::UnsupportedMediaType,
        s if s.is_server_error() => Code::InternalError,
        _ => Code::BadRequest,
    };
    let detail = match res.response().error() {
        Some(e) if !status.is_server_error() => e.to_string(),
        _ => status.canonical_reason().unwrap_or("error").to_owned(),
    };
    // CORS, Allow and Vary headers stay; the body's own headers go.
    let kept: Vec<_> = res
        .headers()
        .iter()
        .filter(|(name, _)| {
            ![
                header::CONTENT_TYPE,
                header::CONTENT_LENGTH,
                header::CONTENT_ENCODING,
            ]
            .contains(name)
        })
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    let (req, _) = res.into_parts();
    let mut response = problem_response(status, code, &detail, Vec::new());
    for (name, value) in kept {
        response.headers_mut().append(name, value);
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
        ])
        .expose_headers([
            header::ETAG,
            header::LINK,
            header::LOCATION,
            header::RETRY_AFTER,
        ])
        .max_age(3600);
    for origin in origins {
        cors = if origin == "*" {
            cors.allow_any_origin()
        } else {
            cors.allowed_origin(origin)
        };
    }
    cors
}
