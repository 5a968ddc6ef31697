//! Articles: the detail read, the keyset-paginated lists, and writes with
//! optimistic locking on `version`.

use super::revisions;
use super::{Key, key, optional, suffixed};
use crate::models::article::{
    ArticleChanges, ArticleRow, ArticleSummaryRow, BylineEntry, NewArticle, measure,
};
use crate::models::author::AuthorRow;
use crate::models::revision::Saver;
use crate::models::stored::Stored;
use crate::models::tag::TagRow;
use crate::schema::{
    article_authors, article_documents, article_slug_redirects, article_tags, article_view_totals,
    articles, authors, tags,
};
use crate::{DbConn, DbError, search};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use toasoan_domain::article::Status;
use toasoan_domain::byline::BylineRole;

/// Which articles a list shows.
#[derive(Debug, Clone)]
pub enum Visibility {
    /// Published and due at `now`: what readers see.
    Public {
        /// The instant that decides whether a scheduled article is due.
        now: NaiveDateTime,
    },
    /// Published but not yet due (staff only).
    Scheduled {
        /// The instant that decides what is still to come.
        now: NaiveDateTime,
    },
    /// Every article in one stored status (staff only), newest first by id.
    Status(Status),
    /// Published but past its `unpublish_at` (staff only).
    Expired {
        /// The instant that decides what has expired.
        now: NaiveDateTime,
    },
}

/// Where the previous page ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// After this `(published_at, id)`, for lists sorted by publication.
    Published(NaiveDateTime, String),
    /// After this id, for lists sorted by creation (ids are UUIDv7).
    Id(String),
}

/// A list request.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// Which articles.
    pub visibility: Visibility,
    /// Only these categories (a category and its sub-categories).
    pub category_ids: Option<Vec<String>>,
    /// Only articles with this author in the byline.
    pub author_id: Option<String>,
    /// Only articles with this tag.
    pub tag_id: Option<String>,
    /// Only (non-)featured articles.
    pub featured: Option<bool>,
    /// Only articles this account created.
    pub created_by: Option<String>,
    /// Only articles published at or after this instant.
    pub published_after: Option<NaiveDateTime>,
    /// Only articles published before this instant.
    pub published_before: Option<NaiveDateTime>,
    /// Only these articles.
    pub ids: Option<Vec<String>>,
    /// Continue after this position.
    pub after: Option<Position>,
    /// Rows to return.
    pub limit: i64,
}

impl ListQuery {
    /// The first `limit` articles readers see at `now`, unfiltered.
    pub fn public(now: NaiveDateTime, limit: i64) -> Self {
        Self {
            visibility: Visibility::Public { now },
            category_ids: None,
            author_id: None,
            tag_id: None,
            featured: None,
            created_by: None,
            published_after: None,
            published_before: None,
            ids: None,
            after: None,
            limit,
        }
    }
}

/// What readers see, as SQL: published, due at `at`, and not expired at
/// `at`. It mirrors `toasoan_domain::article::visible_to_readers` (a test
/// below checks they agree); every public query (lists, feeds, counts,
/// views) filters with it.
pub fn visible_to_readers(at: NaiveDateTime) -> VisibleToReaders {
    visible_published_by(at, at)
}

/// `visible_to_readers(now)` with a tighter bound on `published_at`
/// (`published_by <= now`, e.g. a page's cursor), as one range so the list
/// indexes walk it; the expiry is still judged at `now`.
pub fn visible_published_by(now: NaiveDateTime, published_by: NaiveDateTime) -> VisibleToReaders {
    articles::status
        .eq(Stored(Status::Published))
        .and(articles::published_at.le(published_by))
        .and(
            articles::unpublish_at
                .is_null()
                .or(articles::unpublish_at.gt(now)),
        )
}

/// The type of `visible_to_readers`.
pub type VisibleToReaders = diesel::dsl::And<
    diesel::dsl::And<
        diesel::dsl::Eq<articles::status, Stored<Status>>,
        diesel::dsl::LtEq<articles::published_at, NaiveDateTime>,
    >,
    diesel::dsl::Or<
        diesel::dsl::IsNull<articles::unpublish_at>,
        diesel::dsl::Gt<articles::unpublish_at, NaiveDateTime>,
    >,
>;

/// Applies a list's filters (all but the cursor) to a boxed query; `list`
/// and `count` share them. The bound on `published_at` is one upper bound:
/// the earliest of "now" (for readers), `published_before` and the cursor.
/// Given two, SQLite ranges over one and filters the other, walking the
/// index from the top at every page.
macro_rules! filtered {
    ($query:expr, $q:expr, $cursor_at:expr) => {{
        let q: &ListQuery = $q;
        let mut query = $query;
        let before = q
            .published_before
            .map(|b| b - chrono::TimeDelta::microseconds(1));
        let upper = [$cursor_at, before].into_iter().flatten().min();
        let by_publication = match &q.visibility {
            Visibility::Public { now } => {
                let upper = upper.map_or(*now, |at| at.min(*now));
                query = query.filter(visible_published_by(*now, upper));
                true
            }
            Visibility::Expired { now } => {
                query = query
                    .filter(articles::status.eq(Stored(Status::Published)))
                    .filter(articles::published_at.le(upper.map_or(*now, |at| at.min(*now))))
                    .filter(articles::unpublish_at.le(*now));
                true
            }
            Visibility::Scheduled { now } => {
                query = query
                    .filter(articles::status.eq(Stored(Status::Published)))
                    .filter(articles::published_at.gt(*now));
                if let Some(at) = upper {
                    query = query.filter(articles::published_at.le(at));
                }
                true
            }
            Visibility::Status(status) => {
                query = query.filter(articles::status.eq(Stored(*status)));
                if let Some(at) = upper {
                    query = query.filter(articles::published_at.le(at));
                }
                *status == Status::Published
            }
        };
        if let Some(after) = q.published_after {
            query = query.filter(articles::published_at.ge(after));
        }
        if let Some(ids) = &q.ids {
            query = query.filter(articles::id.eq_any(ids.clone()));
        }
        if let Some(ids) = &q.category_ids {
            query = query.filter(articles::category_id.eq_any(ids.clone()));
        }
        if let Some(author) = &q.author_id {
            query = query.filter(
                articles::id.eq_any(
                    article_authors::table
                        .filter(article_authors::author_id.eq(author.clone()))
                        .select(article_authors::article_id),
                ),
            );
        }
        if let Some(tag) = &q.tag_id {
            query = query.filter(
                articles::id.eq_any(
                    article_tags::table
                        .filter(article_tags::tag_id.eq(tag.clone()))
                        .select(article_tags::article_id),
                ),
            );
        }
        if let Some(featured) = q.featured {
            query = query.filter(articles::featured.eq(featured));
        }
        if let Some(user) = &q.created_by {
            query = query.filter(articles::created_by.eq(user.clone()));
        }
        (query, by_publication)
    }};
}

/// One page of `$query` (a boxed select on `articles`) as `ListQuery`
/// asks: its filters, the keyset walk after its cursor, its order and limit.
macro_rules! page_of {
    ($query:expr, $q:expr) => {{
        let q: &ListQuery = $q;
        let cursor_at = match &q.after {
            Some(Position::Published(at, _)) => Some(*at),
            _ => None,
        };
        let (mut query, by_publication) = filtered!($query, q, cursor_at);
        match &q.after {
            Some(Position::Published(at, id)) => {
                // With `published_at <= at` above bounding the range, this
                // only breaks ties; an OR alone would defeat the index.
                query = query.filter(
                    articles::published_at
                        .lt(*at)
                        .or(articles::id.lt(id.clone())),
                );
            }
            Some(Position::Id(id)) => query = query.filter(articles::id.lt(id.clone())),
            None => {}
        }
        query = if by_publication {
            query.order((articles::published_at.desc(), articles::id.desc()))
        } else {
            query.order(articles::id.desc())
        };
        query.limit(q.limit)
    }};
}

/// One page of article summaries (no bodies are read).
pub fn list(conn: &mut DbConn, q: &ListQuery) -> Result<Vec<ArticleSummaryRow>, DbError> {
    let boxed = articles::table
        .select(ArticleSummaryRow::as_select())
        .into_boxed();
    Ok(page_of!(boxed, q).load(conn)?)
}

/// One page of a list as stored entries (with the live view totals): the
/// filters, order and index walk of `list`, in one query.
pub fn list_entries(
    conn: &mut DbConn,
    q: &ListQuery,
) -> Result<Vec<super::documents::EntryRow>, DbError> {
    let boxed = articles::table
        .left_join(article_documents::table)
        .left_join(article_view_totals::table)
        .select((
            articles::id,
            articles::published_at,
            article_documents::list_entry.nullable(),
            article_view_totals::views.nullable(),
        ))
        .into_boxed();
    Ok(page_of!(boxed, q).load(conn)?)
}

/// How many articles the list's filters select, on every page together
/// (`count=exact`; the cursor and the page size do not count).
pub fn count(conn: &mut DbConn, q: &ListQuery) -> Result<i64, DbError> {
    let boxed = articles::table.count().into_boxed();
    let (query, _) = filtered!(boxed, q, None::<NaiveDateTime>);
    Ok(query.get_result(conn)?)
}

/// An article by id.
pub fn find(conn: &mut DbConn, id: &str) -> Result<Option<ArticleRow>, DbError> {
    optional(
        articles::table
            .find(id)
            .select(ArticleRow::as_select())
            .first(conn),
    )
}

/// What an id-or-slug key names: the article, or the article an old slug
/// used to name (to redirect to).
pub enum Found {
    /// The article itself.
    Article(ArticleRow),
    /// An old slug of this article.
    Renamed(ArticleRow),
}

/// An article by id or current slug, else by an old slug.
pub fn find_by_key(conn: &mut DbConn, raw: &str) -> Result<Option<Found>, DbError> {
    let query = articles::table.select(ArticleRow::as_select());
    match key(raw) {
        Some(Key::Id(id)) => {
            Ok(optional(query.filter(articles::id.eq(id)).first(conn))?.map(Found::Article))
        }
        Some(Key::Slug(slug)) => {
            if let Some(row) = optional(query.filter(articles::slug.eq(&slug)).first(conn))? {
                return Ok(Some(Found::Article(row)));
            }
            let old = article_slug_redirects::table
                .inner_join(articles::table)
                .filter(article_slug_redirects::slug.eq(slug))
                .select(ArticleRow::as_select())
                .first(conn);
            Ok(optional(old)?.map(Found::Renamed))
        }
        None => Ok(None),
    }
}

/// Slugs taken by `base` and its numbered variants, old slugs included.
pub fn taken_slugs(conn: &mut DbConn, base: &str) -> Result<Vec<String>, DbError> {
    taken_by_others(conn, base, "")
}

/// Slugs taken by `base` and its numbered variants that are not
/// `article_id`'s: other articles' current slugs and old slugs (its own old
/// slugs it may take back). No article has the empty id: with it, every
/// article's.
pub fn taken_by_others(
    conn: &mut DbConn,
    base: &str,
    article_id: &str,
) -> Result<Vec<String>, DbError> {
    let mut taken: Vec<String> = articles::table
        .filter(
            articles::slug
                .eq(base)
                .or(articles::slug.like(suffixed(base))),
        )
        .filter(articles::id.ne(article_id))
        .select(articles::slug)
        .load(conn)?;
    taken.extend(
        article_slug_redirects::table
            .filter(
                article_slug_redirects::slug
                    .eq(base)
                    .or(article_slug_redirects::slug.like(suffixed(base))),
            )
            .filter(article_slug_redirects::article_id.ne(article_id))
            .select(article_slug_redirects::slug)
            .load::<String>(conn)?,
    );
    Ok(taken)
}

/// True when the slug is free for `article_id` (not another article's
/// current or old slug).
pub fn slug_free_for(conn: &mut DbConn, slug: &str, article_id: &str) -> Result<bool, DbError> {
    let current: i64 = articles::table
        .filter(articles::slug.eq(slug))
        .filter(articles::id.ne(article_id))
        .count()
        .get_result(conn)?;
    let old: i64 = article_slug_redirects::table
        .filter(article_slug_redirects::slug.eq(slug))
        .filter(article_slug_redirects::article_id.ne(article_id))
        .count()
        .get_result(conn)?;
    Ok(current == 0 && old == 0)
}

/// Stores a new article with its byline and tags, its word count and
/// reading time measured from the body, and records it as revision 1 by
/// its creator.
pub fn insert(conn: &mut DbConn, new: &NewArticle) -> Result<(), DbError> {
    let mut row = new.clone();
    (row.word_count, row.reading_time_minutes) = measure(&row.body)?;
    diesel::insert_into(articles::table)
        .values(row)
        .execute(conn)?;
    replace_authors(conn, &new.id, &new.authors)?;
    replace_tags(conn, &new.id, &new.tags)?;
    super::related::replace_picks(conn, &new.id, &new.related)?;
    search::index_article(conn, &new.id)?;
    super::documents::stale(conn, std::slice::from_ref(&new.id))?;
    let saver = Saver {
        user_id: new.created_by.clone(),
        ..Saver::default()
    };
    revisions::record(conn, &new.id, &saver)?;
    Ok(())
}

/// Applies `changes` (byline and tags included) if the article is still at
/// `expected_version`; returns false when someone else changed it first
/// (or it is gone), and then changes nothing. A new slug keeps the old one
/// answering, as a redirect; a change of searchable text (title, sapo,
/// body, byline, tags) reindexes the article in the same transaction; a
/// new body is measured (word count, reading time). Every update records
/// a revision by `changes.saved_by` (and prunes old draft revisions).
pub fn update(
    conn: &mut DbConn,
    id: &str,
    expected_version: i32,
    changes: &ArticleChanges,
) -> Result<bool, DbError> {
    let old_slug = match &changes.slug {
        Some(_) => optional(
            articles::table
                .find(id)
                .select(articles::slug)
                .first::<String>(conn),
        )?,
        None => None,
    };
    let updated = diesel::update(
        articles::table
            .find(id)
            .filter(articles::version.eq(expected_version)),
    )
    .set(measured(changes)?)
    .execute(conn)?;
    if updated != 1 {
        return Ok(false);
    }
    if let (Some(new), Some(old)) = (&changes.slug, old_slug)
        && *new != old
    {
        forget_old_slug(conn, new)?;
        remember_old_slug(conn, &old, id)?;
    }
    if let Some(ids) = &changes.authors {
        replace_authors(conn, id, ids)?;
    }
    if let Some(ids) = &changes.tags {
        replace_tags(conn, id, ids)?;
    }
    if let Some(ids) = &changes.related {
        super::related::replace_picks(conn, id, ids)?;
    }
    let text_changed = changes.title.is_some()
        || changes.sapo.is_some()
        || changes.body.is_some()
        || changes.authors.is_some()
        || changes.tags.is_some();
    if text_changed {
        search::index_article(conn, id)?;
    }
    super::documents::stale(conn, &[id.to_owned()])?;
    revisions::record(conn, id, &changes.saved_by)?;
    Ok(true)
}

/// The changes with the measure of their new body, if any.
fn measured(changes: &ArticleChanges) -> Result<ArticleChanges, DbError> {
    let mut changes = changes.clone();
    if let Some(body) = &changes.body {
        let (words, minutes) = measure(body)?;
        changes.word_count = Some(words);
        changes.reading_time_minutes = Some(minutes);
    }
    Ok(changes)
}

/// Measures every article's body again (word count, reading time), without
/// changing its version: for rows written before these were stored.
/// Returns how many articles were measured.
pub fn remeasure_all(conn: &mut DbConn) -> Result<u64, DbError> {
    let mut done = 0u64;
    let mut after = String::new();
    loop {
        let rows: Vec<(String, String)> = articles::table
            .filter(articles::id.gt(&after))
            .order(articles::id)
            .select((articles::id, articles::body))
            .limit(500)
            .load(conn)?;
        let Some((last, _)) = rows.last() else { break };
        after = last.clone();
        for (id, body) in &rows {
            let (words, minutes) = measure(body)?;
            diesel::update(articles::table.find(id))
                .set((
                    articles::word_count.eq(words),
                    articles::reading_time_minutes.eq(minutes),
                ))
                .execute(conn)?;
        }
        done += rows.len() as u64;
    }
    Ok(done)
}

/// Keeps an old slug answering with a redirect to the article.
pub fn remember_old_slug(
    conn: &mut DbConn,
    old_slug: &str,
    article_id: &str,
) -> Result<(), DbError> {
    diesel::delete(article_slug_redirects::table.find(old_slug)).execute(conn)?;
    diesel::insert_into(article_slug_redirects::table)
        .values((
            article_slug_redirects::slug.eq(old_slug),
            article_slug_redirects::article_id.eq(article_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets an old slug (it became an article's current slug again).
pub fn forget_old_slug(conn: &mut DbConn, slug: &str) -> Result<(), DbError> {
    diesel::delete(article_slug_redirects::table.find(slug)).execute(conn)?;
    Ok(())
}

/// Replaces the byline, keeping the given order, and reindexes the article.
pub fn set_authors(
    conn: &mut DbConn,
    article_id: &str,
    byline: &[BylineEntry],
) -> Result<(), DbError> {
    replace_authors(conn, article_id, byline)?;
    search::index_article(conn, article_id)
}

fn replace_authors(
    conn: &mut DbConn,
    article_id: &str,
    byline: &[BylineEntry],
) -> Result<(), DbError> {
    diesel::delete(article_authors::table.filter(article_authors::article_id.eq(article_id)))
        .execute(conn)?;
    for (position, entry) in byline.iter().enumerate() {
        diesel::insert_into(article_authors::table)
            .values((
                article_authors::article_id.eq(article_id),
                article_authors::author_id.eq(&entry.author_id),
                article_authors::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                article_authors::role.eq(Stored(entry.role)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Replaces the tags and reindexes the article.
pub fn set_tags(conn: &mut DbConn, article_id: &str, tag_ids: &[String]) -> Result<(), DbError> {
    replace_tags(conn, article_id, tag_ids)?;
    search::index_article(conn, article_id)
}

fn replace_tags(conn: &mut DbConn, article_id: &str, tag_ids: &[String]) -> Result<(), DbError> {
    diesel::delete(article_tags::table.filter(article_tags::article_id.eq(article_id)))
        .execute(conn)?;
    for tag_id in tag_ids {
        diesel::insert_into(article_tags::table)
            .values((
                article_tags::article_id.eq(article_id),
                article_tags::tag_id.eq(tag_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Removes an article if it is still at `version`; false when it changed
/// meanwhile or is gone. Its search entry goes with it (a cascade, and on
/// SQLite a trigger on the cascaded row).
pub fn delete(conn: &mut DbConn, id: &str, version: i32) -> Result<bool, DbError> {
    let deleted = diesel::delete(
        articles::table
            .find(id)
            .filter(articles::version.eq(version)),
    )
    .execute(conn)?;
    Ok(deleted > 0)
}

/// The stored body (blocks as JSON) and rendered HTML of these articles,
/// in one query.
pub fn bodies(conn: &mut DbConn, ids: &[String]) -> Result<Vec<(String, String, String)>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(articles::table
        .filter(articles::id.eq_any(ids))
        .select((articles::id, articles::body, articles::body_html))
        .load(conn)?)
}

/// Whole articles by ids, in one query, in no particular order.
pub fn whole_by_ids(conn: &mut DbConn, ids: &[String]) -> Result<Vec<ArticleRow>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(articles::table
        .filter(articles::id.eq_any(ids))
        .select(ArticleRow::as_select())
        .load(conn)?)
}

/// Summaries of these articles, in one query, in no particular order.
pub fn summaries_by_ids(
    conn: &mut DbConn,
    ids: &[String],
) -> Result<Vec<ArticleSummaryRow>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(articles::table
        .filter(articles::id.eq_any(ids))
        .select(ArticleSummaryRow::as_select())
        .load(conn)?)
}

/// The bylines of many articles in one query, in byline order: article
/// id, author, and the author's role in that byline.
pub fn authors_of(
    conn: &mut DbConn,
    article_ids: &[String],
) -> Result<Vec<(String, AuthorRow, BylineRole)>, DbError> {
    if article_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, AuthorRow, Stored<BylineRole>)> = article_authors::table
        .inner_join(authors::table)
        .filter(article_authors::article_id.eq_any(article_ids))
        .order((article_authors::article_id, article_authors::position))
        .select((
            article_authors::article_id,
            AuthorRow::as_select(),
            article_authors::role,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(article, author, role)| (article, author, role.0))
        .collect())
}

/// The tags of many articles in one query, in Vietnamese alphabetical order.
pub fn tags_of(
    conn: &mut DbConn,
    article_ids: &[String],
) -> Result<Vec<(String, TagRow)>, DbError> {
    if article_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(article_tags::table
        .inner_join(tags::table)
        .filter(article_tags::article_id.eq_any(article_ids))
        .order((article_tags::article_id, tags::sort_key))
        .select((article_tags::article_id, TagRow::as_select()))
        .load(conn)?)
}

/// An article a request names by id or slug, and whether readers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// Its id.
    pub id: String,
    /// Its current slug.
    pub slug: String,
    /// True when readers see it at the instant asked about
    /// (`visible_to_readers`, in SQL).
    pub public: bool,
}

/// Many articles by ids or current slugs in one query, whatever their
/// number: one entry per key, in order, `None` where a key names no
/// article.
pub fn find_many(
    conn: &mut DbConn,
    keys: &[String],
    now: NaiveDateTime,
) -> Result<Vec<Option<Named>>, DbError> {
    let (ids, slugs) = super::split_keys(keys);
    if ids.is_empty() && slugs.is_empty() {
        return Ok(vec![None; keys.len()]);
    }
    let rows: Vec<(String, String, Option<bool>)> = articles::table
        .filter(articles::id.eq_any(ids).or(articles::slug.eq_any(slugs)))
        .select((
            articles::id,
            articles::slug,
            visible_to_readers(now).nullable(),
        ))
        .load(conn)?;
    let rows: Vec<Named> = rows
        .into_iter()
        .map(|(id, slug, public)| Named {
            id,
            slug,
            public: public.unwrap_or(false),
        })
        .collect();
    Ok(super::per_key(keys, &rows, |r| (&r.id, &r.slug)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::connection::{Instrumentation, InstrumentationEvent};
    use diesel::sql_types::Text;
    use std::sync::{Arc, Mutex};

    #[derive(QueryableByName)]
    struct PlanStep {
        #[diesel(sql_type = Text)]
        detail: String,
    }

    struct Recorder(Arc<Mutex<Vec<String>>>);

    impl Instrumentation for Recorder {
        fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
            if let InstrumentationEvent::StartQuery { query, .. } = event {
                let sql = query.to_string();
                let sql = sql
                    .split(" -- binds:")
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                self.0.lock().unwrap().push(sql);
            }
        }
    }

    /// The plan SQLite picks for the SQL that `list` sends.
    fn plan_of(q: &ListQuery) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::connect(dir.path().join("plan.db").to_str().unwrap(), 1).unwrap();
        let mut conn = pool.get().unwrap();
        crate::migrate(&mut conn).unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        conn.set_instrumentation(Recorder(seen.clone()));
        list(&mut conn, q).unwrap();
        let sql = seen.lock().unwrap().last().cloned().unwrap();
        diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
            .load::<PlanStep>(&mut *conn)
            .unwrap()
            .into_iter()
            .map(|s| s.detail)
            .collect()
    }

    fn query() -> ListQuery {
        ListQuery {
            after: Some(Position::Published(crate::time::now(), "x".into())),
            ..ListQuery::public(crate::time::now(), 21)
        }
    }

    fn assert_covered(plan: &[String]) {
        assert!(
            plan.iter().all(|s| !s.starts_with("SCAN articles")),
            "full scan: {plan:?}"
        );
        assert!(
            plan.iter().all(|s| !s.contains("TEMP B-TREE")),
            "sort without an index: {plan:?}"
        );
    }

    #[test]
    fn the_public_list_shows_exactly_what_the_domain_calls_visible_to_readers() {
        use toasoan_domain::article::visible_to_readers;
        use toasoan_domain::slug::Slug;
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::connect(dir.path().join("visible.db").to_str().unwrap(), 1).unwrap();
        let mut conn = pool.get().unwrap();
        crate::migrate(&mut conn).unwrap();
        let now = crate::time::now();
        let hour = chrono::Duration::hours(1);
        let mut stored = Vec::new();
        for (i, status) in [
            Status::Draft,
            Status::InReview,
            Status::Published,
            Status::Archived,
        ]
        .into_iter()
        .enumerate()
        {
            let instants = [None, Some(now - hour), Some(now), Some(now + hour)];
            for (j, at) in instants.into_iter().enumerate() {
                for (k, until) in instants.into_iter().enumerate() {
                    let slug = Slug::parse(&format!("bai-{i}-{j}-{k}")).unwrap();
                    let new = NewArticle {
                        status,
                        published_at: at,
                        unpublish_at: until,
                        created_by: None,
                        ..NewArticle::draft("Bài".into(), slug, "u", now)
                    };
                    insert(&mut conn, &new).unwrap();
                    let (at, until) = (
                        at.map(crate::time::from_db),
                        until.map(crate::time::from_db),
                    );
                    stored.push((
                        new.id,
                        visible_to_readers(status, at, until, crate::time::from_db(now)),
                    ));
                }
            }
        }
        let listed: Vec<String> = list(
            &mut conn,
            &ListQuery {
                visibility: Visibility::Public { now },
                after: None,
                limit: 100,
                ..query()
            },
        )
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
        for (id, visible) in &stored {
            assert_eq!(listed.contains(id), *visible, "{id}");
        }
        assert_eq!(
            listed.len(),
            4,
            "published an hour ago or now, never expiring or expiring in an hour"
        );
        // Every other public query uses the same filter: counts agree too.
        let counted = count(
            &mut conn,
            &ListQuery {
                visibility: Visibility::Public { now },
                after: None,
                limit: 100,
                ..query()
            },
        )
        .unwrap();
        assert_eq!(counted, 4);
    }

    #[test]
    fn the_public_list_walks_an_index_in_order() {
        let plan = plan_of(&query());
        assert_covered(&plan);
        assert!(
            plan.iter().any(|s| s.contains("INDEX articles_feed")),
            "{plan:?}"
        );
    }

    #[test]
    fn a_category_page_walks_the_category_index_in_order() {
        let plan = plan_of(&ListQuery {
            category_ids: Some(vec!["c".into()]),
            ..query()
        });
        assert_covered(&plan);
        assert!(
            plan.iter()
                .any(|s| s.contains("INDEX articles_category_feed")),
            "{plan:?}"
        );
    }

    #[test]
    fn every_other_list_is_covered_too() {
        for q in [
            ListQuery {
                category_ids: Some(vec!["c".into(), "d".into()]),
                ..query()
            },
            ListQuery {
                author_id: Some("a".into()),
                ..query()
            },
            ListQuery {
                tag_id: Some("t".into()),
                ..query()
            },
            ListQuery {
                featured: Some(true),
                ..query()
            },
            ListQuery {
                visibility: Visibility::Status(Status::Draft),
                after: Some(Position::Id("x".into())),
                ..query()
            },
        ] {
            assert_covered(&plan_of(&q));
        }
    }
}
