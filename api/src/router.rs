//! The endpoint table. A handler's `#[utoipa::path]` says its method and
//! path once; `endpoints!` in its module lists it once; both the served
//! routes and the OpenAPI document are built from that list, so they
//! cannot drift apart.

use crate::error::ApiError;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::{Next, from_fn};
use actix_web::{FromRequest, Handler, Responder, Route, web};
use tracing::Instrument;
use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{OpenApi, RefOr};

/// One operation: what OpenAPI says of it and how actix serves it.
pub struct Endpoint {
    /// The path, in the `{param}` syntax both actix and OpenAPI use.
    pub path: String,
    /// The methods it answers.
    pub methods: Vec<HttpMethod>,
    operation: Operation,
    schemas: Vec<(String, RefOr<Schema>)>,
    route: Box<dyn Fn() -> Route>,
}

impl Endpoint {
    /// An endpoint from a handler and the description its
    /// `#[utoipa::path]` generated (`P`). Use `endpoints!` rather than this.
    pub fn new<P, F, Args>(handler: F) -> Self
    where
        P: utoipa::Path + utoipa::__dev::SchemaReferences + for<'t> utoipa::__dev::Tags<'t>,
        F: Handler<Args> + Clone,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        let mut operation = P::operation();
        let tags: Vec<String> = P::tags().into_iter().map(str::to_owned).collect();
        if !tags.is_empty() {
            operation.tags = Some(tags);
        }
        if operation.description.is_none() {
            // Doc viewers and linters expect a description beside the
            // one-line summary: say at least who may call.
            let who = if operation.security.is_some() {
                "Needs an access token: `Authorization: Bearer <token>`."
            } else {
                "Public: no token needed."
            };
            let summary = operation.summary.clone().unwrap_or_default();
            operation.description = Some(format!("{summary} {who}"));
        }
        let mut schemas = Vec::new();
        P::schemas(&mut schemas);
        Self {
            path: P::path(),
            methods: P::methods(),
            operation,
            schemas,
            route: Box::new(move || web::route().to(handler.clone()).wrap(from_fn(in_span))),
        }
    }
}

/// Declares a route module's endpoints: `endpoints![list_tags, get_tag]`
/// (handlers of sub-modules are brought in scope with `use sub::*`)
/// defines `pub fn endpoints() -> Vec<Endpoint>` from the handlers'
/// `#[utoipa::path]` annotations.
#[macro_export]
macro_rules! endpoints {
    ($($handler:ident),+ $(,)?) => {
        /// This module's endpoints, as their `#[utoipa::path]` describes them.
        pub fn endpoints() -> Vec<$crate::router::Endpoint> {
            pastey::paste! {
                vec![$($crate::router::Endpoint::new::<[<__path_ $handler>], _, _>($handler)),+]
            }
        }
    };
}

/// Runs a handler inside a span named by its route, nested in the
/// request's span (which carries the request id). No bodies, no secrets.
async fn in_span(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let span = tracing::info_span!(
        "handler",
        method = %req.method(),
        route = req.match_pattern().unwrap_or_default(),
    );
    next.call(req).instrument(span).await
}

fn actix_method(method: &HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Trace => Method::TRACE,
    }
}

/// The endpoints grouped by path, in the order first listed.
fn by_path(endpoints: Vec<Endpoint>) -> Vec<(String, Vec<Endpoint>)> {
    let mut groups: Vec<(String, Vec<Endpoint>)> = Vec::new();
    for endpoint in endpoints {
        match groups.iter_mut().find(|(path, _)| *path == endpoint.path) {
            Some((_, group)) => group.push(endpoint),
            None => groups.push((endpoint.path.clone(), vec![endpoint])),
        }
    }
    groups
}

/// Serves the endpoints: one actix resource per path, so a known path with
/// an unknown method answers 405 with `Allow` rather than 404.
pub fn configure(cfg: &mut web::ServiceConfig, endpoints: Vec<Endpoint>) {
    for (path, group) in by_path(endpoints) {
        let mut allowed: Vec<Method> = Vec::new();
        let mut resource = web::resource(path.as_str());
        for endpoint in &group {
            for method in &endpoint.methods {
                let method = actix_method(method);
                allowed.push(method.clone());
                resource = resource.route((endpoint.route)().method(method));
            }
        }
        let allow = allowed
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        resource = resource.default_service(web::to(move || {
            let allow = allow.clone();
            async move { Err::<actix_web::HttpResponse, _>(ApiError::MethodNotAllowed(allow)) }
        }));
        cfg.service(resource);
    }
}

/// Adds the endpoints' operations and the schemas they use to a document.
pub fn document(doc: &mut OpenApi, endpoints: Vec<Endpoint>) {
    let components = doc.components.get_or_insert_with(Default::default);
    for endpoint in endpoints {
        for (name, schema) in endpoint.schemas {
            components.schemas.entry(name).or_insert(schema);
        }
        doc.paths
            .add_path_operation(&endpoint.path, endpoint.methods, endpoint.operation);
    }
}
