//! The OpenAPI document, generated from the handlers' annotations, served
//! at `/api/openapi.json` with an offline Swagger UI at `/docs`.

use crate::error::{Code, Problem, ProblemField};
use crate::pagination::PageMeta;
use crate::{router, routes};
use actix_web::{HttpResponse, web};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Toà soạn API",
        description = "Headless CMS for newsrooms. Errors are RFC 9457 `application/problem+json` with a stable `code`. \
Lists are `{data, meta}` with keyset `meta.next_cursor`. Public reads carry ETag and Cache-Control; \
article writes take If-Match (or `version`) and answer 412 when stale.",
        license(name = "MIT"),
        contact(name = "Toà soạn", url = "https://toasoan.dev")
    ),
    components(schemas(Problem, ProblemField, Code, PageMeta)),
    servers((url = "/", description = "This server")),
    modifiers(&BearerAuth),
    tags(
        (name = "health", description = "Probes"),
        (name = "auth", description = "Login and tokens"),
        (name = "users", description = "Accounts (admins)"),
        (name = "categories", description = "Sections, nested"),
        (name = "authors", description = "Bylines"),
        (name = "tags", description = "Keywords"),
        (name = "articles", description = "Articles and the editorial workflow"),
        (name = "featured", description = "\"Nổi bật\": the ordered featured list"),
        (name = "images", description = "The media library: uploads, renditions, and files under /media"),
        (name = "site", description = "The newsroom's settings"),
        (name = "feeds", description = "RSS, JSON Feed and sitemaps for readers and search engines"),
        (name = "comments", description = "Reader comments and their moderation"),
        (name = "events", description = "What readers saw change, recorded once each (admins)"),
        (name = "webhooks", description = "Signed, retried, logged deliveries of events to other systems (admins)"),
        (name = "api-keys", description = "Keys for server-side frontends and integrations (admins)"),
        (name = "audit", description = "Every successful write: who, what, when, from where (admins, read-only)"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from `POST /api/v1/auth/login`, or an API key (`tsk_...`).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Api-Key",
                "An API key (`tsk_...`) an admin made; see the api-keys operations for scopes.",
            ))),
        );
    }
}

/// Every operation that takes an access token also takes an API key in
/// `X-Api-Key` (whether the key's scope covers it is in its 403).
fn api_key_alternative(doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use serde_json::{Value, json};
    let Ok(mut value) = serde_json::to_value(&doc) else {
        return doc;
    };
    let Some(paths) = value.get_mut("paths").and_then(Value::as_object_mut) else {
        return doc;
    };
    for operation in paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
    {
        if let Some(security) = operation.get_mut("security").and_then(Value::as_array_mut)
            && security.iter().any(|s| s.get("bearer").is_some())
        {
            security.push(json!({"api_key": []}));
        }
    }
    serde_json::from_value(value).unwrap_or(doc)
}

/// Codes any operation can answer, documented once in the API description
/// instead of on every operation.
pub const ANY_OPERATION: &[Code] = &[
    Code::BadRequest,
    Code::InvalidPath,
    Code::InvalidInput,
    Code::NotFound,
    Code::RouteNotFound,
    Code::MethodNotAllowed,
    Code::NotAcceptable,
    Code::Conflict,
    Code::ReferenceViolated,
    Code::InternalError,
    Code::TooManyRequests,
    Code::ServiceUnavailable,
];

/// The whole document: the header above plus every endpoint of the
/// endpoint table.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    let mut description = doc.info.description.take().unwrap_or_default();
    description.push_str("\n\nAny operation can also answer:\n");
    for code in ANY_OPERATION {
        description.push_str(&format!(
            "\n- {} `{}`: {}",
            code.status().as_u16(),
            code.as_str(),
            code.description()
        ));
    }
    doc.info.description = Some(description);
    router::document(&mut doc, routes::endpoints());
    api_key_alternative(sparse_articles(close_block_variants(doc)))
}

/// `fields=` and `include=` trim the articles of a read or a list to the
/// fields asked for, so those answers lack properties the full schemas
/// require. The document says so: each answer is the full article (or
/// page) or `ArticleFields`, the same properties with only `id` required.
fn sparse_articles(doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use serde_json::{Value, json};
    let Ok(mut value) = serde_json::to_value(&doc) else {
        return doc;
    };
    let schemas =
        |v: &Value, name: &str| v.pointer(&format!("/components/schemas/{name}")).cloned();
    let (Some(summary), Some(view), Some(page)) = (
        schemas(&value, "ArticleSummary"),
        schemas(&value, "ArticleView"),
        schemas(&value, "Page_ArticleSummary"),
    ) else {
        return doc;
    };
    let mut properties = serde_json::Map::new();
    let parts = std::iter::once(&summary).chain(
        view.get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    );
    for part in parts {
        if let Some(props) = part.get("properties").and_then(Value::as_object) {
            properties.extend(props.clone());
        }
    }
    let fields = json!({
        "type": "object",
        "description": "An article trimmed by `fields=` (only the fields named, and `id`) or by `include=` (only the relations named).",
        "required": ["id"],
        "properties": properties,
    });
    let mut page_fields = page;
    if let Some(items) = page_fields.pointer_mut("/properties/data/items") {
        *items = json!({"$ref": "#/components/schemas/ArticleFields"});
    }
    if let Some(all) = value
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        all.insert("ArticleFields".into(), fields);
        all.insert("Page_ArticleFields".into(), page_fields);
    }
    for (path, full, sparse) in [
        (
            "/api/v1/articles",
            "Page_ArticleSummary",
            "Page_ArticleFields",
        ),
        (
            "/api/v1/articles/{id_or_slug}",
            "ArticleView",
            "ArticleFields",
        ),
    ] {
        let pointer = format!(
            "/paths/{}/get/responses/200/content/application~1json/schema",
            path.replace('~', "~0").replace('/', "~1")
        );
        if let Some(schema) = value.pointer_mut(&pointer) {
            *schema = json!({"anyOf": [
                {"$ref": format!("#/components/schemas/{full}")},
                {"$ref": format!("#/components/schemas/{sparse}")},
            ]});
        }
    }
    serde_json::from_value(value).unwrap_or(doc)
}

/// Body blocks refuse unknown keys (`deny_unknown_fields`), but utoipa does
/// not mark the variants of a tagged enum closed; say it in the document.
fn close_block_variants(doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let Ok(mut value) = serde_json::to_value(&doc) else {
        return doc;
    };
    let Some(variants) = value
        .pointer_mut("/components/schemas/Block/oneOf")
        .and_then(serde_json::Value::as_array_mut)
    else {
        return doc;
    };
    for variant in variants.iter_mut() {
        if let Some(object) = variant.as_object_mut() {
            object.insert("additionalProperties".into(), false.into());
        }
    }
    serde_json::from_value(value).unwrap_or(doc)
}

/// The document as YAML, as committed in `openapi.yaml`.
pub fn yaml() -> Result<String, String> {
    document().to_yaml().map_err(|e| e.to_string())
}

/// Serves the document and the docs UI.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/docs").get(|| async {
        HttpResponse::PermanentRedirect()
            .insert_header(("Location", "/docs/"))
            .finish()
    }))
    .service(SwaggerUi::new("/docs/{_:.*}").url("/api/openapi.json", document()));
}
