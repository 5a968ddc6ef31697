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
use toasoan_domain::slug::Slug;
use toasoan_domain::{FieldError, ValidationErrors};
use toasoan_persistence::models::article::{ArticleChanges, ArticleRow, NewArticle};
use toasoan_persistence::models::image::ImageRow;
use toasoan_persistence::queries::{articles, authors, categories, images, tags};
use toasoan_persistence::{DbConn, time};
use utoipa::ToSchema;

/// A new article. It is always created as a draft.
#[derive(Debug, Deserialize, ToSchema)]
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
    #[serde(default, deserialize_with = "toasoan_domain::number::optional_integer")]
    pub featured_rank: Option<i32>,
}

impl CreateArticle {
    /// True when it sets what only editors may set.
    pub fn sets_featured(&self) -> bool {
        self.featured || self.featured_rank.is_some()
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
    /// New slug; the old one keeps working as a redirect.
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
        self.featured.is_some() || self.featured_rank.is_some()
    }
}

/// Validates a new article and resolves its references: a draft to store.
pub fn new_article(
    conn: &mut DbConn,
    input: CreateArticle,
    user: &AuthUser,
) -> Result<NewArticle, ApiError> {
    let mut errors = ValidationErrors::default();
    let title = errors.check(article::title(&input.title));
    let sapo = errors.check(article::sapo(input.sapo.as_deref())).flatten();
    let images = Images::load(conn, Some(&input.body), input.cover_image_id.as_deref())?;
    let body = images.body(input.body, &mut errors)?;
    let category = match &input.category_id {
        Some(key) => category(conn, key, &mut errors)?,
        None => None,
    };
    let byline = match &input.author_ids {
        Some(keys) => byline(conn, keys, &mut errors)?,
        None => authors::for_user(conn, &user.id)?
            .map(|a| vec![a.id])
            .unwrap_or_default(),
    };
    let tag_ids = tag_ids(conn, &input.tag_ids, &mut errors)?;
    let cover = input
        .cover_image_id
        .as_deref()
        .and_then(|key| images.cover(key, &mut errors));
    let Some(title) = title.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    let slug = slugs::choose(input.slug.as_deref(), &title, "bai-viet", |base| {
        Ok(articles::taken_slugs(conn, base)?)
    })?;
    let slug = Slug::parse(&slug).map_err(ApiError::internal)?;
    let (body, body_html) = body.unwrap_or_default();
    Ok(NewArticle {
        sapo,
        body,
        body_html,
        featured: input.featured,
        featured_rank: input.featured_rank,
        category_id: category,
        cover_image_id: cover,
        authors: byline,
        tags: tag_ids,
        ..NewArticle::draft(title, slug, &user.id, time::now())
    })
}

/// Validates changes to `current` and resolves their references. The
/// result bumps the version; a new slug is checked free (the old one is
/// kept as a redirect when the changes are written).
pub fn changes(
    conn: &mut DbConn,
    input: UpdateArticle,
    current: &ArticleRow,
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
        featured_rank: input.featured_rank,
        ..ArticleChanges::next_version(current.version, time::now())
    };
    let cover_key = input.cover_image_id.as_ref().and_then(Option::as_deref);
    let images = Images::load(conn, input.body.as_deref(), cover_key)?;
    if let Some(raw) = input.body {
        let (json, html) = images.body(raw, &mut errors)?.unwrap_or_default();
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
    if !errors.is_empty() {
        return Err(errors.into());
    }
    if let Some(raw) = input.slug.as_deref().filter(|s| *s != current.slug) {
        let slug = Slug::parse(raw.trim()).map_err(ApiError::field)?;
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

fn too_many(field: &str, keys: &[String], max: usize, errors: &mut ValidationErrors) -> bool {
    if keys.len() > max {
        errors.push(invalid(field, "too_many", &format!("at most {max}")));
        return true;
    }
    false
}

/// The byline's author ids, in order: one query for all keys.
fn byline(
    conn: &mut DbConn,
    keys: &[String],
    errors: &mut ValidationErrors,
) -> Result<Vec<String>, ApiError> {
    if too_many("author_ids", keys, MAX_AUTHORS, errors) {
        return Ok(Vec::new());
    }
    let found = authors::find_many(conn, keys)?;
    Ok(resolved(
        "author_ids",
        found.into_iter().map(|a| a.map(|a| a.id)),
        errors,
    ))
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

    /// Validates raw blocks, checks that their images exist, and gives the
    /// stored JSON and the rendered HTML (`None` when the blocks are bad).
    fn body(
        &self,
        raw: Vec<Block>,
        errors: &mut ValidationErrors,
    ) -> Result<Option<(String, String)>, ApiError> {
        let body = match Body::parse(raw) {
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
