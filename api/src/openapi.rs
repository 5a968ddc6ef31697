//! The OpenAPI document, generated from the handlers' annotations, served
//! at `/api/openapi.json` with an offline Swagger UI at `/docs`.

use crate::error::{Problem, ProblemField};
use crate::pagination::{Page, PageMeta};
use crate::routes::{articles, auth, authors, categories, health, tags, users};
use actix_web::{HttpResponse, web};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
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
        license(name = "MIT")
    ),
    paths(
        health::get_health, health::get_readiness,
        auth::login, auth::refresh_token, auth::logout, auth::get_me,
        users::list_users, users::create_user, users::get_user, users::update_user,
        categories::list_categories, categories::create_category, categories::get_category,
        categories::update_category, categories::delete_category,
        authors::list_authors, authors::create_author, authors::get_author, authors::update_author,
        authors::delete_author,
        tags::list_tags, tags::create_tag, tags::get_tag, tags::update_tag, tags::delete_tag,
        articles::list_articles, articles::get_article, articles::write::create_article,
        articles::write::update_article, articles::write::delete_article, articles::workflow::publish_article,
        articles::workflow::unpublish_article, articles::workflow::submit_article,
        articles::workflow::archive_article,
    ),
    components(schemas(Problem, ProblemField, PageMeta, Page<articles::view::ArticleSummary>)),
    modifiers(&BearerAuth),
    tags(
        (name = "health", description = "Probes"),
        (name = "auth", description = "Login and tokens"),
        (name = "users", description = "Accounts (admins)"),
        (name = "categories", description = "Sections, nested"),
        (name = "authors", description = "Bylines"),
        (name = "tags", description = "Keywords"),
        (name = "articles", description = "Articles and the editorial workflow"),
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
                    .build(),
            ),
        );
    }
}

/// The document as YAML, as committed in `openapi.yaml`.
pub fn yaml() -> Result<String, String> {
    ApiDoc::openapi().to_yaml().map_err(|e| e.to_string())
}

/// Serves the document and the docs UI.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/docs").get(|| async {
        HttpResponse::PermanentRedirect()
            .insert_header(("Location", "/docs/"))
            .finish()
    }))
    .service(SwaggerUi::new("/docs/{_:.*}").url("/api/openapi.json", ApiDoc::openapi()));
}
