//! HTTP routes, one module per resource. Handlers are named
//! `<verb>_<resource>`; that name is the OpenAPI operation id.

pub mod articles;
pub mod auth;
pub mod authors;
pub mod categories;
pub mod health;
pub mod tags;
pub mod users;

use actix_web::web;

/// Registers every route. Each path is one resource so that a wrong method
/// gets 405 (as problem+json) rather than 404.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/healthz").get(health::get_health))
        .service(web::resource("/readyz").get(health::get_readiness))
        .service(
            web::scope("/api/v1")
                .service(web::resource("/auth/login").post(auth::login))
                .service(web::resource("/auth/refresh").post(auth::refresh_token))
                .service(web::resource("/auth/logout").post(auth::logout))
                .service(web::resource("/auth/me").get(auth::get_me))
                .service(
                    web::resource("/users")
                        .get(users::list_users)
                        .post(users::create_user),
                )
                .service(
                    web::resource("/users/{id}")
                        .get(users::get_user)
                        .patch(users::update_user),
                )
                .service(
                    web::resource("/categories")
                        .get(categories::list_categories)
                        .post(categories::create_category),
                )
                .service(
                    web::resource("/categories/{id_or_slug}")
                        .get(categories::get_category)
                        .patch(categories::update_category)
                        .delete(categories::delete_category),
                )
                .service(
                    web::resource("/authors")
                        .get(authors::list_authors)
                        .post(authors::create_author),
                )
                .service(
                    web::resource("/authors/{id_or_slug}")
                        .get(authors::get_author)
                        .patch(authors::update_author)
                        .delete(authors::delete_author),
                )
                .service(
                    web::resource("/tags")
                        .get(tags::list_tags)
                        .post(tags::create_tag),
                )
                .service(
                    web::resource("/tags/{id_or_slug}")
                        .get(tags::get_tag)
                        .patch(tags::update_tag)
                        .delete(tags::delete_tag),
                )
                .service(
                    web::resource("/articles")
                        .get(articles::list_articles)
                        .post(articles::create_article),
                )
                .service(
                    web::resource("/articles/{id_or_slug}")
                        .get(articles::get_article)
                        .patch(articles::update_article)
                        .delete(articles::delete_article),
                )
                .service(web::resource("/articles/{id}/publish").post(articles::publish_article))
                .service(
                    web::resource("/articles/{id}/unpublish").post(articles::unpublish_article),
                )
                .service(web::resource("/articles/{id}/submit").post(articles::submit_article))
                .service(web::resource("/articles/{id}/archive").post(articles::archive_article)),
        );
}
