//! From an article request to what is stored: validates the fields,
//! resolves every id-or-slug of one kind with one query whatever their
//! number (authors, tags, categories, images), and returns a typed
//! `NewArticle` or `ArticleChanges`. Nothing here writes.

use crate::caller::AuthUser;
use crate::error::{ApiError, Code};
use crate::extractors::nullable;
use crate::slugs;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;
use std::collections::HashMap;
use toasoan_domain::article::{self, MAX_AUTHORS, MAX_TAGS};
use toasoan_domain::block::{Block, Body, ImageSource};
use toasoan_domain::byline::BylineRole;
use toasoan_domain::placement::MAX_RELATED_PICKS;
use toasoan_domain::slug::Slug;
use toasoan_domain::user::Role;
use toasoan_domain::{FieldError, ValidationErrors};
use toasoan_persistence::models::article::{ArticleChanges, ArticleRow, BylineEntry, NewArticle};
use toasoan_persistence::models::image::ImageRow;
use toasoan_persistence::queries::{articles, authors, categories, images, tags};
use toasoan_persistence::{DbConn, time};
use utoipa::ToSchema;

/// A new article. It is always created as a draft.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArticle {
    /// Headline, 1 to 300 characters.
    #[schema(
        example = "Mặt trận các cấp triển khai kế hoạch học tập và làm theo Bác",
        min_length = 1,
        max_length = 300
    )]
    pub title: String,
    /// Slug; made from the title when absent (`đ` → `d`, tones dropped).
    /// An author's is provisional until the article is published: this
    /// slug followed by the end of the article's id.
    #[schema(value_type = Option<crate::views::SlugText>)]
    pub slug: Option<String>,
    /// Lead paragraph, up to 2 000 characters.
    #[schema(
        example = "(QNO) - Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Quảng Nam vừa ban hành kế hoạch ...",
        max_length = 2000
    )]
    pub sapo: Option<String>,
    /// Body blocks, up to 500.
    #[serde(default)]
    pub body: Vec<Block>,
    /// Category id or slug.
    #[schema(example = "theo-guong-bac")]
    pub category_id: Option<String>,
    /// Byline, in order: author ids or slugs (writers), or
    /// `{"author", "role"}` objects, mixed as needed. Defaults to the
    /// caller's own author profile.
    #[schema(example = json!(["le-thi-nhu-thuy", {"author": "nguyen-thanh", "role": "photographer"}]))]
    pub author_ids: Option<Vec<BylineInput>>,
    /// Tag ids or slugs.
    #[serde(default)]
    pub tag_ids: Vec<String>,
    /// Cover image id.
    pub cover_image_id: Option<String>,
    /// Featured flag (editors only); the ordered "Nổi bật" list is set
    /// with `PUT /api/v1/featured`.
    #[serde(default)]
    pub featured: bool,
    /// Related-article picks (editors only): article ids or slugs, in
    /// order, at most 10, never the article itself.
    #[serde(default)]
    #[schema(example = json!(["0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5a"]))]
    pub related_ids: Vec<String>,
}

impl CreateArticle {
    /// True when it sets what only editors may set.
    pub fn sets_featured(&self) -> bool {
        self.featured
    }

    /// True when it sets related picks (editors only).
    pub fn sets_related(&self) -> bool {
        !self.related_ids.is_empty()
    }
}

/// One byline entry in a request: an author id or slug (a writer), or the
/// author with their role.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum BylineInput {
    /// An author id or slug: a writer.
    #[schema(example = "le-thi-nhu-thuy")]
    Author(String),
    /// An author and what they did.
    WithRole(BylineWithRole),
}

/// An author and their role in a byline.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BylineWithRole {
    /// Author id or slug.
    #[schema(example = "nguyen-thanh")]
    pub author: String,
    /// `writer` (when absent), `photographer`, `editor` or `translator`;
    /// anything else is `invalid_role`.
    #[schema(value_type = Option<BylineRole>, example = "photographer")]
    pub role: Option<String>,
}

impl BylineInput {
    fn key(&self) -> &str {
        match self {
            BylineInput::Author(key) => key,
            BylineInput::WithRole(entry) => &entry.author,
        }
    }

    fn role(&self) -> Result<BylineRole, FieldError> {
        match self {
            BylineInput::WithRole(BylineWithRole {
                role: Some(role), ..
            }) => BylineRole::parse(role),
            _ => Ok(BylineRole::Writer),
        }
    }
}

/// Changes to an article; absent fields stay, `null` clears. Send the
/// version you edited as `If-Match` (the ETag) or `version`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArticle {
    /// New headline, 1 to 300 characters.
    #[schema(min_length = 1, max_length = 300)]
    pub title: Option<String>,
    /// New slug; the old one keeps working as a redirect. An author's is
    /// provisional until the article is published, as when creating.
    #[schema(value_type = Option<crate::views::SlugText>)]
    pub slug: Option<String>,
    /// New lead paragraph (up to 2 000 characters), or null.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub sapo: Option<Option<String>>,
    /// New body blocks.
    pub body: Option<Vec<Block>>,
    /// New category id or slug, or null.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub category_id: Option<Option<String>>,
    /// New byline, as in a new article: ids or slugs (writers) or
    /// `{"author", "role"}` objects.
    pub author_ids: Option<Vec<BylineInput>>,
    /// New tags.
    pub tag_ids: Option<Vec<String>>,
    /// New cover image id, or null.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub cover_image_id: Option<Option<String>>,
    /// Featured flag (editors only).
    pub featured: Option<bool>,
    /// New related-article picks (editors only), in order; `[]` removes
    /// them all.
    pub related_ids: Option<Vec<String>>,
    /// New expiry, or null for none: from this instant on readers no
    /// longer see the article. Must come after `published_at` when the
    /// article is published; years 1900 to 9999.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<DateTime<Utc>>, example = "2024-05-20T02:54:00Z")]
    pub unpublish_at: Option<Option<DateTime<Utc>>>,
    /// The version being edited (alternative to If-Match).
    #[schema(example = 3)]
    #[serde(default, deserialize_with = "toasoan_domain::number::optional_integer")]
    pub version: Option<i32>,
}

impl UpdateArticle {
    /// True when it changes what only editors may set.
    pub fn sets_featured(&self) -> bool {
        self.featured.is_some()
    }

    /// True when it changes the related picks (editors only).
    pub fn sets_related(&self) -> bool {
        self.related_ids.is_some()
    }

    /// True when it names no field to change (`version` alone is a
    /// precondition, not a change).
    pub fn is_empty(&self) -> bool {
        let UpdateArticle {
            title,
            slug,
            sapo,
            body,
            category_id,
            author_ids,
            tag_ids,
            cover_image_id,
            featured,
            related_ids,
            unpublish_at,
            version: _,
        } = self;
        title.is_none()
            && slug.is_none()
            && sapo.is_none()
            && body.is_none()
            && category_id.is_none()
            && author_ids.is_none()
            && tag_ids.is_none()
            && cover_image_id.is_none()
            && featured.is_none()
            && related_ids.is_none()
            && unpublish_at.is_none()
    }
}

/// Body blocks validated and sanitized, or why they cannot be. Checking a
/// large body takes milliseconds (a 1 MiB one, tens): handlers do it
/// before the write transaction, never while holding SQLite's write lock.
#[derive(Clone)]
pub struct CheckedBody(Result<Body, ValidationErrors>);

impl CheckedBody {
    /// Validates and sanitizes raw blocks.
    pub fn check(raw: Vec<Block>) -> Self {
        Self(Body::parse(raw))
    }

    /// Checks raw blocks on the blocking pool, off the async executor.
    pub async fn check_off_thread(raw: Vec<Block>) -> Result<Self, ApiError> {
        actix_web::web::block(move || Self::check(raw))
            .await
            .map_err(ApiError::internal)
    }

    fn blocks(&self) -> &[Block] {
        self.0.as_ref().map(Body::blocks).unwrap_or_default()
    }
}

/// Validates a new article and resolves its references: a draft to store.
/// Its body was checked already (`input.body` is not read).
pub fn new_article(
    conn: &mut DbConn,
    input: CreateArticle,
    body: CheckedBody,
    user: &AuthUser,
) -> Result<NewArticle, ApiError> {
    let mut errors = ValidationErrors::default();
    let title = errors.check(article::title(&input.title));
    let sapo = errors.check(article::sapo(input.sapo.as_deref())).flatten();
    let images = Images::load(conn, Some(body.blocks()), input.cover_image_id.as_deref())?;
    let body = images.body(body, &mut errors)?;
    let category = match &input.category_id {
        Some(key) => category(conn, key, &mut errors)?,
        None => None,
    };
    let byline = match &input.author_ids {
        Some(keys) => byline(conn, keys, &mut errors)?,
        None => authors::for_user(conn, &user.id)?
            .map(|a| vec![a.id.into()])
            .unwrap_or_default(),
    };
    let tag_ids = tag_ids(conn, &input.tag_ids, &mut errors)?;
    let related = related(conn, &input.related_ids, None, &mut errors)?;
    let cover = input
        .cover_image_id
        .as_deref()
        .and_then(|key| images.cover(key, &mut errors));
    let Some(title) = title.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    let requested = input.slug.as_deref();
    let (body, body_html) = body.unwrap_or_default();
    // The draft makes the id an author's provisional slug ends with; its
    // slug is chosen once the id exists.
    let placeholder = Slug::parse("bai-viet").map_err(ApiError::internal)?;
    let mut new = NewArticle {
        sapo,
        body,
        body_html,
        featured: input.featured,
        category_id: category,
        cover_image_id: cover,
        authors: byline,
        tags: tag_ids,
        related,
        ..NewArticle::draft(title, placeholder, &user.id, time::now())
    };
    new.slug = if sees_every_slug(user) {
        slugs::choose(requested, &new.title, "bai-viet", |base| {
            Ok(articles::taken_slugs(conn, base)?)
        })?
    } else {
        slugs::provisional(requested, &new.title, "bai-viet", &new.id)?.into_string()
    };
    Ok(new)
}

/// Editors and admins read every article, so a slug chosen against all
/// of them tells them nothing new; an author's slug is provisional
/// (`slugs::provisional`) until an editor publishes the article.
pub fn sees_every_slug(user: &AuthUser) -> bool {
    user.role.at_least(Role::Editor)
}

/// Validates changes to `current` and resolves their references. The
/// result bumps the version; a new slug is checked free (the old one is
/// kept as a redirect when the changes are written). A new body is `body`,
/// checked already (`input.body` is not read).
pub fn changes(
    conn: &mut DbConn,
    input: UpdateArticle,
    body: Option<CheckedBody>,
    current: &ArticleRow,
    user: &AuthUser,
) -> Result<ArticleChanges, ApiError> {
    let mut errors = ValidationErrors::default();
    let unpublish_at = expiry(input.unpublish_at)?;
    if let Some(until) = unpublish_at
        && current.status == toasoan_domain::article::Status::Published
    {
        check_expiry(current.published_at, until)?;
    }
    let mut changes = ArticleChanges {
        unpublish_at,
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
        ..ArticleChanges::next_version(current.version, time::now())
    };
    let cover_key = input.cover_image_id.as_ref().and_then(Option::as_deref);
    let images = Images::load(conn, body.as_ref().map(CheckedBody::blocks), cover_key)?;
    if let Some(body) = body {
        let (json, html) = images.body(body, &mut errors)?.unwrap_or_default();
        changes.body = Some(json);
        changes.body_html = Some(html);
    }
    changes.category_id = match &input.category_id {
        Some(Some(key)) => Some(category(conn, key, &mut errors)?),
        Some(None) => Some(None),
        None => None,
    };
    changes.cover_image_id = match &input.cover_image_id {
        Some(Some(key)) => Some(images.cover(key, &mut errors)),
        Some(None) => Some(None),
        None => None,
    };
    changes.authors = match &input.author_ids {
        Some(keys) => Some(byline(conn, keys, &mut errors)?),
        None => None,
    };
    changes.tags = match &input.tag_ids {
        Some(keys) => Some(tag_ids(conn, keys, &mut errors)?),
        None => None,
    };
    changes.related = match &input.related_ids {
        Some(keys) => Some(related(conn, keys, Some(&current.id), &mut errors)?),
        None => None,
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    if let Some(raw) = input.slug.as_deref().filter(|s| *s != current.slug) {
        let slug = if sees_every_slug(user) {
            Slug::parse(raw.trim()).map_err(ApiError::field)?
        } else {
            slugs::provisional(Some(raw), "", "bai-viet", &current.id)?
        };
        if slug.as_str() == current.slug {
            return Ok(changes);
        }
        if !articles::slug_free_for(conn, slug.as_str(), &current.id)? {
            return Err(Code::SlugTaken.err(format!("the slug {slug} is already in use")));
        }
        changes.slug = Some(slug.into_string());
    }
    Ok(changes)
}

/// Checks an expiry from a request (years 1900 to 9999) and converts it
/// for storage, keeping "absent" and "null" apart.
pub fn expiry(
    raw: Option<Option<DateTime<Utc>>>,
) -> Result<Option<Option<NaiveDateTime>>, ApiError> {
    match raw {
        Some(Some(at)) => {
            let at = article::instant("unpublish_at", at).map_err(ApiError::field)?;
            Ok(Some(Some(time::to_db(at))))
        }
        Some(None) => Ok(Some(None)),
        None => Ok(None),
    }
}

/// Refuses an expiry that does not come after the publication it ends.
pub fn check_expiry(
    published_at: Option<NaiveDateTime>,
    unpublish_at: Option<NaiveDateTime>,
) -> Result<(), ApiError> {
    article::expiry_after_publication(
        published_at.map(time::from_db),
        unpublish_at.map(time::from_db),
    )
    .map_err(|e| Code::UnpublishBeforePublish.err(e.message))
}

fn invalid(field: impl Into<String>, code: &'static str, message: &str) -> FieldError {
    FieldError::new(field, code, message)
}

/// Lines up what one batched lookup found with the keys asked for: the ids
/// in order, an error for each unknown or repeated key.
fn resolved(
    field: &str,
    found: impl IntoIterator<Item = Option<String>>,
    errors: &mut ValidationErrors,
) -> Vec<String> {
    let mut ids = Vec::new();
    for (i, id) in found.into_iter().enumerate() {
        match id {
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
    ids
}

fn too_many<T>(field: &str, keys: &[T], max: usize, errors: &mut ValidationErrors) -> bool {
    if keys.len() > max {
        errors.push(invalid(field, "too_many", &format!("at most {max}")));
        return true;
    }
    false
}

/// The byline's authors and roles, in order: one query for all keys. An
/// author appears once, whatever the roles.
fn byline(
    conn: &mut DbConn,
    entries: &[BylineInput],
    errors: &mut ValidationErrors,
) -> Result<Vec<BylineEntry>, ApiError> {
    if too_many("author_ids", entries, MAX_AUTHORS, errors) {
        return Ok(Vec::new());
    }
    let mut roles = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        match entry.role() {
            Ok(role) => roles.push(role),
            Err(e) => {
                errors.push(e.under(&format!("author_ids[{i}]")));
                roles.push(BylineRole::Writer);
            }
        }
    }
    let keys: Vec<String> = entries.iter().map(|e| e.key().to_owned()).collect();
    let found = authors::find_many(conn, &keys)?;
    let mut byline: Vec<BylineEntry> = Vec::new();
    for (i, (author, role)) in found.into_iter().zip(roles).enumerate() {
        match author {
            Some(a) if byline.iter().any(|b| b.author_id == a.id) => errors.push(invalid(
                format!("author_ids[{i}]"),
                "duplicate",
                "listed twice",
            )),
            Some(a) => byline.push(BylineEntry {
                author_id: a.id,
                role,
            }),
            None => errors.push(invalid(
                format!("author_ids[{i}]"),
                "not_found",
                "no such item",
            )),
        }
    }
    Ok(byline)
}

/// The related picks' article ids, in order: one query for all keys. A
/// pick of the article itself (`this_id`) is `self_reference`.
fn related(
    conn: &mut DbConn,
    keys: &[String],
    this_id: Option<&str>,
    errors: &mut ValidationErrors,
) -> Result<Vec<String>, ApiError> {
    if too_many("related_ids", keys, MAX_RELATED_PICKS, errors) || keys.is_empty() {
        return Ok(Vec::new());
    }
    let found = articles::find_many(conn, keys, time::now())?;
    let mut ids = Vec::new();
    for (i, article) in found.into_iter().enumerate() {
        let field = format!("related_ids[{i}]");
        match article {
            Some(a) if Some(a.id.as_str()) == this_id => errors.push(invalid(
                field,
                "self_reference",
                "an article cannot be related to itself",
            )),
            Some(a) if ids.contains(&a.id) => {
                errors.push(invalid(field, "duplicate", "listed twice"))
            }
            Some(a) => ids.push(a.id),
            None => errors.push(invalid(field, "not_found", "no such article")),
        }
    }
    Ok(ids)
}

/// The tag ids: one query for all keys.
fn tag_ids(
    conn: &mut DbConn,
    keys: &[String],
    errors: &mut ValidationErrors,
) -> Result<Vec<String>, ApiError> {
    if too_many("tag_ids", keys, MAX_TAGS, errors) {
        return Ok(Vec::new());
    }
    let found = tags::find_many(conn, keys)?;
    Ok(resolved(
        "tag_ids",
        found.into_iter().map(|t| t.map(|t| t.id)),
        errors,
    ))
}

fn category(
    conn: &mut DbConn,
    key: &str,
    errors: &mut ValidationErrors,
) -> Result<Option<String>, ApiError> {
    let found = categories::find_many(conn, &[key.to_owned()])?
        .into_iter()
        .flatten()
        .next()
        .map(|c| c.id);
    if found.is_none() {
        errors.push(invalid("category_id", "not_found", "no such category"));
    }
    Ok(found)
}

/// The images an article request names (its cover and the body's image
/// blocks), loaded with one query.
struct Images(HashMap<String, ImageRow>);

impl Images {
    fn load(
        conn: &mut DbConn,
        body: Option<&[Block]>,
        cover: Option<&str>,
    ) -> Result<Self, ApiError> {
        let mut wanted: Vec<String> = body
            .unwrap_or_default()
            .iter()
            .filter_map(|b| match b {
                Block::Image { image_id, .. } => Some(image_id.to_string()),
                _ => None,
            })
            .collect();
        wanted.extend(cover.map(str::to_owned));
        let rows = images::by_ids(conn, &wanted)?;
        Ok(Self(rows.into_iter().map(|r| (r.id.clone(), r)).collect()))
    }

    /// The cover image's id, or an error when there is no such image.
    fn cover(&self, key: &str, errors: &mut ValidationErrors) -> Option<String> {
        let found = self.0.get(&key.to_ascii_lowercase()).map(|i| i.id.clone());
        if found.is_none() {
            errors.push(invalid("cover_image_id", "not_found", "no such image"));
        }
        found
    }

    /// Checks that the checked body's images exist, and gives the stored
    /// JSON and the rendered HTML (`None` when the blocks are bad).
    fn body(
        &self,
        body: CheckedBody,
        errors: &mut ValidationErrors,
    ) -> Result<Option<(String, String)>, ApiError> {
        let body = match body.0 {
            Ok(body) => body,
            Err(e) => {
                e.0.into_iter().for_each(|e| errors.push(e));
                return Ok(None);
            }
        };
        let mut sources = HashMap::new();
        for row in self.0.values() {
            let image = toasoan_domain::image::Image::try_from(row.clone())?;
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
        Ok(Some((json, html)))
    }
}
