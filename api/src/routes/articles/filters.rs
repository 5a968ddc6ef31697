//! The article list's filters, from query string to storage terms: which
//! statuses the caller may see, and category (with its sub-categories),
//! author and tag keys resolved to ids. Paging is the handler's business.

use crate::caller::AuthUser;
use crate::error::{ApiError, Code};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;
use toasoan_domain::article::Status;
use toasoan_domain::category;
use toasoan_domain::user::Role;
use toasoan_persistence::DbConn;
use toasoan_persistence::queries::articles::{ListQuery, Position, Visibility};
use toasoan_persistence::queries::{authors, categories, tags};
use toasoan_persistence::time;
use utoipa::{IntoParams, ToSchema};

/// Which articles a staff list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    /// Drafts.
    Draft,
    /// Submitted for review.
    InReview,
    /// Published, time not yet come.
    Scheduled,
    /// Published and visible.
    Published,
    /// Published, past its `unpublish_at`.
    Expired,
    /// Withdrawn.
    Archived,
}

/// The order of the article list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Newest first (default), keyset-paged.
    #[default]
    Latest,
    /// "Đọc nhiều": most viewed in `window`, one page of at most `limit`.
    Popular,
}

/// Whether a list counts its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Count {
    /// Count them all (`meta.total`).
    Exact,
}

/// Most ids one `ids=` list may name.
pub const MAX_IDS: usize = 100;

/// The window of `sort=popular`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
pub enum Window {
    /// The last 24 hours (default).
    #[serde(rename = "24h")]
    Day,
    /// The last 7 days.
    #[serde(rename = "7d")]
    Week,
    /// The last 30 days.
    #[serde(rename = "30d")]
    Month,
}

impl Window {
    /// How far back the window reaches.
    pub fn span(self) -> chrono::TimeDelta {
        match self {
            Window::Day => chrono::TimeDelta::hours(24),
            Window::Week => chrono::TimeDelta::days(7),
            Window::Month => chrono::TimeDelta::days(30),
        }
    }
}

/// Filters and paging of the article list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ArticleListQuery {
    /// Full-text search of title, sapo, body, author and tag names, with or
    /// without diacritics (`hoc tap lam theo bac` finds `học tập làm theo
    /// Bác`). Every word must match; `"quoted words"` match as a phrase;
    /// the last word also matches as a prefix while it is being typed (2+
    /// letters, no trailing space). Results are ranked: words typed with
    /// marks that match as written first, then relevance (title > sapo >
    /// names > body), then newest, among the newest 1 000 matching
    /// articles; each carries a `highlight`. 1 to 200 characters, at most
    /// 16 words. Combines with every other filter.
    #[param(example = "học tập làm theo Bác", max_length = 200)]
    pub q: Option<String>,
    /// Category slug or id; includes its sub-categories.
    #[param(example = "theo-guong-bac")]
    pub category: Option<String>,
    /// Author slug or id.
    #[param(example = "le-thi-nhu-thuy")]
    pub author: Option<String>,
    /// Tag slug or id.
    pub tag: Option<String>,
    /// Only featured (true) or non-featured (false) articles.
    pub featured: Option<bool>,
    /// Staff only: list articles in this status (authors see their own).
    /// Without it, the list is what readers see: published, newest first.
    #[param(inline)]
    pub status: Option<StatusFilter>,
    /// `latest` (default) or `popular`: the most viewed public articles in
    /// `window`, most first, as one page of `limit` (it combines with no
    /// other filter and has no next page).
    #[param(inline)]
    pub sort: Option<Sort>,
    /// With `sort=popular`: `24h` (default), `7d` or `30d`.
    #[param(inline)]
    pub window: Option<Window>,
    /// Only articles published at or after this instant (RFC 3339).
    #[param(example = "2024-04-01T00:00:00+07:00")]
    pub published_after: Option<DateTime<Utc>>,
    /// Only articles published before this instant (RFC 3339).
    #[param(example = "2024-05-01T00:00:00+07:00")]
    pub published_before: Option<DateTime<Utc>>,
    /// Only these articles: up to 100 ids, comma separated (a set in one call).
    #[param(example = "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5a,0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5b")]
    pub ids: Option<String>,
    /// Relations to load, comma separated, from `category`, `authors`,
    /// `tags`, `cover_image` (the default is those four) and `body` (adds
    /// `body` and `body_html`). Each is one batched query per page; leaving
    /// one out saves it.
    #[param(example = "category,cover_image")]
    pub include: Option<String>,
    /// Fields to keep in each article, comma separated (`id` always stays).
    #[param(example = "title,slug,published_at_local,cover_image")]
    pub fields: Option<String>,
    /// `exact` adds `meta.total`, the size of the whole list (one more
    /// query); without it no count runs.
    #[param(inline)]
    pub count: Option<Count>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<i64>,
    /// `meta.next_cursor` of the previous page; empty means the first page.
    #[serde(default, deserialize_with = "crate::pagination::blank_is_none")]
    pub cursor: Option<String>,
}

impl ArticleListQuery {
    /// The window of a "most read" list, or why the request cannot be one:
    /// `None` for the usual list.
    pub fn popular_window(&self) -> Result<Option<Window>, ApiError> {
        if self.sort != Some(Sort::Popular) {
            if self.window.is_some() {
                return Err(Code::InvalidQuery.err("window goes with sort=popular"));
            }
            return Ok(None);
        }
        let alone = self.q.is_none()
            && self.published_after.is_none()
            && self.published_before.is_none()
            && self.ids.is_none()
            && self.count.is_none()
            && self.category.is_none()
            && self.author.is_none()
            && self.tag.is_none()
            && self.featured.is_none()
            && self.status.is_none()
            && self.cursor.is_none();
        if !alone {
            return Err(Code::InvalidQuery
                .err("sort=popular takes only window and limit: it is one page of the most read"));
        }
        Ok(Some(self.window.unwrap_or(Window::Day)))
    }

    /// True when the list is sorted by publication instant (else by id).
    pub fn by_publication(&self) -> bool {
        matches!(
            self.status,
            None | Some(StatusFilter::Published | StatusFilter::Scheduled | StatusFilter::Expired)
        )
    }
}

/// What a list request selects, resolved to ids.
pub struct Filters {
    published_after: Option<NaiveDateTime>,
    published_before: Option<NaiveDateTime>,
    ids: Option<Vec<String>>,
    visibility: Visibility,
    category_ids: Option<Vec<String>>,
    author_id: Option<String>,
    tag_id: Option<String>,
    featured: Option<bool>,
    created_by: Option<String>,
}

impl Filters {
    /// One page of these articles: `limit` rows after `after`.
    pub fn page(self, after: Option<Position>, limit: i64) -> ListQuery {
        ListQuery {
            visibility: self.visibility,
            category_ids: self.category_ids,
            author_id: self.author_id,
            tag_id: self.tag_id,
            featured: self.featured,
            created_by: self.created_by,
            published_after: self.published_after,
            published_before: self.published_before,
            ids: self.ids,
            after,
            limit,
        }
    }
}

/// Resolves the filters of `query` for `viewer` at `now`: one query per
/// key given (all categories for the subtree), a 404 code for an unknown one.
pub fn resolve(
    conn: &mut DbConn,
    query: &ArticleListQuery,
    viewer: Option<&AuthUser>,
    now: NaiveDateTime,
) -> Result<Filters, ApiError> {
    let visibility = match query.status {
        None | Some(StatusFilter::Published) => Visibility::Public { now },
        Some(StatusFilter::Scheduled) => Visibility::Scheduled { now },
        Some(StatusFilter::Expired) => Visibility::Expired { now },
        Some(StatusFilter::Draft) => Visibility::Status(Status::Draft),
        Some(StatusFilter::InReview) => Visibility::Status(Status::InReview),
        Some(StatusFilter::Archived) => Visibility::Status(Status::Archived),
    };
    // Authors see only their own articles outside the public list.
    let created_by = match (query.status, viewer) {
        (Some(_), Some(user)) if !user.role.at_least(Role::Editor) => Some(user.id.clone()),
        _ => None,
    };
    let category_ids = match &query.category {
        Some(key) => {
            let all = categories::list(conn)?;
            let root = match all.iter().find(|c| &c.id == key || &c.slug == key) {
                Some(root) => root.id.clone(),
                // An old slug of a renamed category still names it.
                None => {
                    categories::find_or_renamed(conn, key)?
                        .ok_or_else(|| Code::CategoryNotFound.err("no such category"))?
                        .id
                }
            };
            // A section's page lists its sub-sections' articles too.
            Some(category::subtree(&all, &root))
        }
        None => None,
    };
    let author_id = match &query.author {
        Some(key) => Some(
            authors::find_or_renamed(conn, key)?
                .ok_or_else(|| Code::AuthorNotFound.err("no such author"))?
                .id,
        ),
        None => None,
    };
    let tag_id = match &query.tag {
        Some(key) => Some(
            tags::find_or_renamed(conn, key)?
                .ok_or_else(|| Code::TagNotFound.err("no such tag"))?
                .id,
        ),
        None => None,
    };
    let (published_after, published_before) = date_range(query)?;
    Ok(Filters {
        published_after,
        published_before,
        ids: ids(query)?,
        visibility,
        category_ids,
        author_id,
        tag_id,
        featured: query.featured,
        created_by,
    })
}

/// The `published_after`/`published_before` bounds, checked to be in order.
fn date_range(
    query: &ArticleListQuery,
) -> Result<(Option<NaiveDateTime>, Option<NaiveDateTime>), ApiError> {
    if let (Some(after), Some(before)) = (query.published_after, query.published_before)
        && after >= before
    {
        return Err(Code::InvalidDateRange.err("published_after must come before published_before"));
    }
    for (name, at) in [
        ("published_after", query.published_after),
        ("published_before", query.published_before),
    ] {
        if let Some(at) = at
            && let Err(e) = toasoan_domain::article::instant(name, at)
        {
            return Err(Code::InvalidDateRange.err(format!("{name} {}", e.message)));
        }
    }
    Ok((
        query.published_after.map(time::to_db),
        query.published_before.map(time::to_db),
    ))
}

/// The `ids=` list: at most `MAX_IDS` article ids.
fn ids(query: &ArticleListQuery) -> Result<Option<Vec<String>>, ApiError> {
    let Some(raw) = &query.ids else {
        return Ok(None);
    };
    let ids: Vec<String> = raw
        .split(',')
        .map(|id| id.trim().to_ascii_lowercase())
        .filter(|id| !id.is_empty())
        .collect();
    if ids.len() > MAX_IDS {
        return Err(Code::TooManyIds.err(format!("ids names at most {MAX_IDS} articles")));
    }
    if let Some(bad) = ids.iter().find(|id| uuid::Uuid::try_parse(id).is_err()) {
        return Err(Code::InvalidQuery.err(format!("ids: {bad:?} is not an article id")));
    }
    Ok(Some(ids))
}
