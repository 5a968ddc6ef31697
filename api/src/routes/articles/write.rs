//! Writing articles: create (always a draft), update with optimistic
//! locking, delete.

use super::view::{self, ArticleView};
use super::{find, not_found};
use crate::caller::AuthUser;
use crate::error::{ApiError, Code, Problem};
use crate::extractors::{nullable, resolve_patch};
use crate::http_cache::{Audience, expected_version, respond, version_prefix};
use crate::responses::*;
use crate::slugs;
use crate::state::AppState;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use std::collections::HashMap;
use toasoan_domain::article::{self, Action, MAX_AUTHORS, MAX_TAGS, Status};
use toasoan_domain::block::{Block, Body, ImageSource};
use toasoan_domain::user::Role;
use toasoan_domain::{FieldError, ValidationErrors};
use toasoan_persistence::models::article::{ArticleChanges, ArticleRow};
use toasoan_persistence::queries::{articles, authors, categories, images, tags};
use toasoan_persistence::{DbConn, time};
use utoipa::ToSchema;

/// A new article. It is always created as a draft.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArticle {
    /// Headline, 1 to 300 characters.
    #[schema(example = "Mặt trận các cấp triển khai kế hoạch học tập và làm theo Bác")]
    pub title: String,
    /// Slug; made from the title when absent (`đ` → `d`, tones dropped).
    pub slug: Option<String>,
    /// Lead paragraph, up to 2 000 characters.
    #[schema(
        example = "(QNO) - Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Quảng Nam vừa ban hành kế hoạch ..."
    )]
    pub sapo: Option<String>,
    /// Body blocks, up to 500.
    #[serde(default)]
    pub body: Vec<Block>,
    /// Category id or slug.
    #[schema(example = "theo-guong-bac")]
    pub category_id: Option<String>,
    /// Byline: author ids or slugs, in order. Defaults to the caller's own author profile.
    #[schema(example = json!(["le-thi-nhu-thuy"]))]
    pub author_ids: Option<Vec<String>>,
    /// Tag ids or slugs.
    #[serde(default)]
    pub tag_ids: Vec<String>,
    /// Cover image id.
    pub cover_image_id: Option<String>,
    /// Featured (editors only).
    #[serde(default)]
    pub featured: bool,
    /// Order among featured articles (editors only).
    pub featured_rank: Option<i32>,
}

/// Changes to an article; absent fields stay, `null` clears. Send the
/// version you edited as `If-Match` (the ETag) or `version`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArticle {
    /// New headline.
    pub title: Option<String>,
    /// New slug; the old one keeps working as a redirect.
    pub slug: Option<String>,
    /// New lead paragraph, or null.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub sapo: Option<Option<String>>,
    /// New body blocks.
    pub body: Option<Vec<Block>>,
    /// New category id or slug, or null.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub category_id: Option<Option<String>>,
    /// New byline.
    pub author_ids: Option<Vec<String>>,
    /// New tags.
    pub tag_ids: Option<Vec<String>>,
    /// New cover image id, or null.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub cover_image_id: Option<Option<String>>,
    /// Featured (editors only).
    pub featured: Option<bool>,
    /// Order among featured articles, or null (editors only).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>)]
    pub featured_rank: Option<Option<i32>>,
    /// The version being edited (alternative to If-Match).
    #[schema(example = 3)]
    pub version: Option<i32>,
}

fn invalid(field: impl Into<String>, code: &'static str, message: &str) -> FieldError {
    FieldError::new(field, code, message)
}

/// Resolves ids or slugs of a relation to ids, reporting each unknown one.
fn resolve_all(
    conn: &mut DbConn,
    field: &str,
    keys: &[String],
    max: usize,
    lookup: fn(&mut DbConn, &str) -> Result<Option<String>, ApiError>,
    errors: &mut ValidationErrors,
) -> Result<Vec<String>, ApiError> {
    if keys.len() > max {
        errors.push(invalid(field, "too_many", &format!("at most {max}")));
        return Ok(Vec::new());
    }
    let mut ids = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        match lookup(conn, key)? {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => errors.push(invalid(
                format!("{field}[{i}]"),
                "duplicate",
                "listed twice",
            )),
            None => errors.push(invalid(
                format!("{field}[{i}]"),
                "not_found",
                "no such item",
            )),
        }
    }
    Ok(ids)
}

fn author_id(conn: &mut DbConn, key: &str) -> Result<Option<String>, ApiError> {
    Ok(authors::find(conn, key)?.map(|a| a.id))
}

fn tag_id(conn: &mut DbConn, key: &str) -> Result<Option<String>, ApiError> {
    Ok(tags::find(conn, key)?.map(|t| t.id))
}

fn category_id(
    conn: &mut DbConn,
    key: &str,
    errors: &mut ValidationErrors,
) -> Result<Option<String>, ApiError> {
    let found = categories::find(conn, key)?.map(|c| c.id);
    if found.is_none() {
        errors.push(invalid("category_id", "not_found", "no such category"));
    }
    Ok(found)
}

fn cover_image(
    conn: &mut DbConn,
    key: &str,
    errors: &mut ValidationErrors,
) -> Result<Option<String>, ApiError> {
    let found = images::by_ids(conn, &[key.to_owned()])?
        .into_iter()
        .next()
        .map(|i| i.id);
    if found.is_none() {
        errors.push(invalid("cover_image_id", "not_found", "no such image"));
    }
    Ok(found)
}

/// Validates raw blocks, checks that their images exist, and renders HTML.
fn body(
    conn: &mut DbConn,
    raw: Vec<Block>,
    errors: &mut ValidationErrors,
) -> Result<(String, String), ApiError> {
    let body = match Body::parse(raw) {
        Ok(body) => body,
        Err(e) => {
            e.0.into_iter().for_each(|e| errors.push(e));
            return Ok((String::new(), String::new()));
        }
    };
    let wanted: Vec<String> = body.image_ids().iter().map(ToString::to_string).collect();
    let found = images::by_ids(conn, &wanted)?;
    let mut sources = HashMap::new();
    for row in found {
        let image = toasoan_domain::image::Image::try_from(row)?;
        sources.insert(image.id, ImageSource::from(&image));
    }
    for (i, block) in body.blocks().iter().enumerate() {
        if let Block::Image { image_id, .. } = block
            && !sources.contains_key(image_id)
        {
            errors.push(invalid(
                format!("body[{i}].image_id"),
                "not_found",
                "no such image",
            ));
        }
    }
    let html = body.render_html(&sources);
    let json = serde_json::to_string(body.blocks()).map_err(ApiError::internal)?;
    Ok((json, html))
}

fn editors_only(user: &AuthUser, featured: bool) -> Result<(), ApiError> {
    if featured && !user.role.at_least(Role::Editor) {
        return Err(Code::Forbidden.err("only editors choose featured articles"));
    }
    Ok(())
}

/// Sends an article after a write, with its version ETag.
fn written(
    req: &HttpRequest,
    article: &ArticleView,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let mut response = respond(
        req,
        article,
        &version_prefix(article.summary.version),
        Audience::Private,
    )?;
    *response.status_mut() = status;
    if status == StatusCode::CREATED
        && let Ok(value) =
            header::HeaderValue::from_str(&format!("/api/v1/articles/{}", article.summary.id))
    {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// Creates a draft.
#[utoipa::path(post, path = "/api/v1/articles", operation_id = "create_article", tag = "articles",
    security(("bearer" = [])), request_body = CreateArticle,
    responses(
        (status = 201, description = "Created as a draft", body = ArticleView),
        AuthRequired,
        (status = 403, description = "An author setting `featured` (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        SlugTaken,
        JsonBody,
    ))]
pub async fn create_article(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    input: web::Json<CreateArticle>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();
    editors_only(&user, input.featured || input.featured_rank.is_some())?;
    let article = state
        .write(move |conn| {
            let mut errors = ValidationErrors::default();
            let title = errors.check(article::title(&input.title));
            let sapo = errors.check(article::sapo(input.sapo.as_deref())).flatten();
            let (body_json, body_html) = body(conn, input.body, &mut errors)?;
            let category = match &input.category_id {
                Some(key) => category_id(conn, key, &mut errors)?,
                None => None,
            };
            let byline = match &input.author_ids {
                Some(keys) => resolve_all(
                    conn,
                    "author_ids",
                    keys,
                    MAX_AUTHORS,
                    author_id,
                    &mut errors,
                )?,
                None => authors::for_user(conn, &user.id)?
                    .map(|a| vec![a.id])
                    .unwrap_or_default(),
            };
            let tag_ids = resolve_all(
                conn,
                "tag_ids",
                &input.tag_ids,
                MAX_TAGS,
                tag_id,
                &mut errors,
            )?;
            let cover = match &input.cover_image_id {
                Some(key) => cover_image(conn, key, &mut errors)?,
                None => None,
            };
            let Some(title) = title.filter(|_| errors.is_empty()) else {
                return Err(errors.into());
            };
            let slug = slugs::choose(input.slug.as_deref(), &title, "bai-viet", |base| {
                Ok(articles::taken_slugs(conn, base)?)
            })?;
            let now = time::now();
            let row = ArticleRow {
                id: uuid::Uuid::now_v7().to_string(),
                slug,
                title,
                sapo,
                body: body_json,
                body_html,
                status: Status::Draft.as_str().to_owned(),
                featured: input.featured,
                featured_rank: input.featured_rank,
                published_at: None,
                category_id: category,
                cover_image_id: cover,
                created_by: Some(user.id.clone()),
                comment_count: 0,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            articles::insert(conn, &row, &byline, &tag_ids)?;
            view::full(conn, row)
        })
        .await?;
    written(&req, &article, StatusCode::CREATED)
}

/// Loads an article for a write and checks the caller may do `action`.
pub(crate) fn load_for(
    conn: &mut DbConn,
    key: &str,
    user: &AuthUser,
    action: Action,
) -> Result<ArticleRow, ApiError> {
    let row = find(conn, key)?.ok_or_else(not_found)?;
    let status = Status::parse(&row.status).map_err(ApiError::internal)?;
    let own = row.created_by.as_deref() == Some(user.id.as_str());
    if !article::may(user.role, action, own, status) {
        // Authors must not learn of others' unpublished work.
        let visible = own || view::is_public(&row, chrono::Utc::now());
        if !visible && !user.role.at_least(Role::Editor) {
            return Err(not_found());
        }
        return Err(Code::Forbidden.err(format!(
            "your role may not {} this article",
            action.as_str()
        )));
    }
    Ok(row)
}

/// Why a conditional write touched no row: the article is gone (404) or
/// changed since `version` (412).
pub(crate) fn lost_race(conn: &mut DbConn, id: &str, version: i32) -> ApiError {
    match articles::find(conn, id) {
        Ok(None) => not_found(),
        Ok(Some(_)) => ApiError::StaleVersion(version),
        Err(e) => e.into(),
    }
}

/// Edits an article. Authors edit only their own drafts.
#[utoipa::path(patch, path = "/api/v1/articles/{id_or_slug}", operation_id = "update_article", tag = "articles",
    security(("bearer" = [])), request_body = UpdateArticle,
    params(
        ("id_or_slug" = String, Path, description = "Article id or slug"),
        ("If-Match" = Option<String>, Header, description = "The ETag of the version edited (or send `version`)", example = "\"v3-5e1f0c2a9b7d4e3c2a1b\""),
    ),
    responses(
        (status = 200, description = "Updated; the new ETag is in the header", body = ArticleView),
        ArticleAccess,
        SlugTaken,
        VersionedJsonBody,
    ))]
pub async fn update_article(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    key: web::Path<String>,
    input: web::Json<UpdateArticle>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let input = input.into_inner();
    let expected = expected_version(&req, input.version)?.ok_or_else(|| {
        Code::PreconditionRequired.err(
            "send If-Match with the article's ETag, or the `version` field, so concurrent edits are not lost",
        )
    })?;
    editors_only(
        &user,
        input.featured.is_some() || input.featured_rank.is_some(),
    )?;
    let article = state
        .write(move |conn| {
            let current = load_for(conn, &key, &user, Action::Edit)?;
            if current.version != expected {
                return Err(ApiError::StaleVersion(expected));
            }
            let mut errors = ValidationErrors::default();
            let mut changes = ArticleChanges {
                title: input
                    .title
                    .as_deref()
                    .map(article::title)
                    .and_then(|r| errors.check(r)),
                sapo: match &input.sapo {
                    Some(s) => errors.check(article::sapo(s.as_deref())),
                    None => None,
                },
                featured: input.featured,
                featured_rank: input.featured_rank,
                version: Some(current.version + 1),
                updated_at: Some(time::now()),
                ..ArticleChanges::default()
            };
            if let Some(raw) = input.body {
                let (json, html) = body(conn, raw, &mut errors)?;
                changes.body = Some(json);
                changes.body_html = Some(html);
            }
            changes.category_id = resolve_patch(&input.category_id, |key| {
                category_id(conn, key, &mut errors)
            })?
            .map(Option::flatten);
            changes.cover_image_id = resolve_patch(&input.cover_image_id, |key| {
                cover_image(conn, key, &mut errors)
            })?
            .map(Option::flatten);
            let byline = match &input.author_ids {
                Some(keys) => Some(resolve_all(
                    conn,
                    "author_ids",
                    keys,
                    MAX_AUTHORS,
                    author_id,
                    &mut errors,
                )?),
                None => None,
            };
            let tag_ids = match &input.tag_ids {
                Some(keys) => Some(resolve_all(
                    conn,
                    "tag_ids",
                    keys,
                    MAX_TAGS,
                    tag_id,
                    &mut errors,
                )?),
                None => None,
            };
            if !errors.is_empty() {
                return Err(errors.into());
            }
            if let Some(raw) = input.slug.as_deref().filter(|s| *s != current.slug) {
                let slug =
                    toasoan_domain::slug::Slug::parse(raw.trim()).map_err(ApiError::field)?;
                if !articles::slug_free_for(conn, slug.as_str(), &current.id)? {
                    return Err(Code::SlugTaken.err(format!("the slug {slug} is already in use")));
                }
                articles::forget_old_slug(conn, slug.as_str())?;
                articles::remember_old_slug(conn, &current.slug, &current.id)?;
                changes.slug = Some(slug.into_string());
            }
            if !articles::update(conn, &current.id, expected, &changes)? {
                return Err(lost_race(conn, &current.id, expected));
            }
            if let Some(ids) = byline {
                articles::set_authors(conn, &current.id, &ids)?;
            }
            if let Some(ids) = tag_ids {
                articles::set_tags(conn, &current.id, &ids)?;
            }
            let row = articles::find(conn, &current.id)?.ok_or_else(not_found)?;
            view::full(conn, row)
        })
        .await?;
    written(&req, &article, StatusCode::OK)
}

/// Deletes an article for good. Authors delete only their own drafts.
#[utoipa::path(delete, path = "/api/v1/articles/{id_or_slug}", operation_id = "delete_article", tag = "articles",
    security(("bearer" = [])),
    params(
        ("id_or_slug" = String, Path, description = "Article id or slug"),
        ("If-Match" = Option<String>, Header, description = "Only if still at this version"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        ArticleAccess,
        IfMatch,
    ))]
pub async fn delete_article(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let expected = expected_version(&req, None)?;
    state
        .write(move |conn| {
            let current = load_for(conn, &key, &user, Action::Delete)?;
            let version = expected.unwrap_or(current.version);
            // Conditional on the version read: a publish that lands between
            // the permission check and the delete makes this one fail.
            if !articles::delete(conn, &current.id, version)? {
                return Err(lost_race(conn, &current.id, version));
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
