//! What feeds and sitemaps read: public articles only (published and due),
//! newest first or by publication month, through the `articles_feed` and
//! `articles_category_feed` indexes. No bodies are read.

use crate::schema::articles;
use crate::{DbConn, DbError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

/// An article as a feed or sitemap entry shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles)]
pub struct FeedRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub sapo: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub category_id: Option<String>,
    pub cover_image_id: Option<String>,
}

/// Which public articles.
#[derive(Debug, Clone, Default)]
pub struct FeedQuery {
    /// Only in these categories (a category and its sub-categories).
    pub category_ids: Option<Vec<String>>,
    /// Only published at or after this instant.
    pub since: Option<NaiveDateTime>,
    /// Only published before this instant (exclusive).
    pub until: Option<NaiveDateTime>,
}

/// Readers' visibility, as every public query has it.
macro_rules! public {
    ($now:expr) => {
        articles::table
            .select(FeedRow::as_select())
            .filter(super::articles::visible_to_readers($now))
            .into_boxed()
    };
}

/// The newest public articles, at most `limit`.
pub fn latest(
    conn: &mut DbConn,
    now: NaiveDateTime,
    q: &FeedQuery,
    limit: i64,
) -> Result<Vec<FeedRow>, DbError> {
    let mut query = public!(now);
    if let Some(ids) = &q.category_ids {
        query = query.filter(articles::category_id.eq_any(ids.clone()));
    }
    if let Some(since) = q.since {
        query = query.filter(articles::published_at.ge(since));
    }
    if let Some(until) = q.until {
        query = query.filter(articles::published_at.lt(until));
    }
    Ok(query
        .order((articles::published_at.desc(), articles::id.desc()))
        .limit(limit)
        .load(conn)?)
}

/// A period of publication with public articles.
#[derive(Debug, Clone, QueryableByName)]
pub struct Period {
    /// `2024-04` for a month, `2024-04-20` for a day.
    #[diesel(sql_type = Text)]
    pub period: String,
    /// How many public articles it holds.
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    /// The latest change to any of them.
    #[diesel(sql_type = Timestamp)]
    pub last_change: NaiveDateTime,
}

/// The periods with public articles, oldest first: months, or the days
/// within `[from, until)`.
pub fn periods(
    conn: &mut DbConn,
    now: NaiveDateTime,
    days_of: Option<(NaiveDateTime, NaiveDateTime)>,
) -> Result<Vec<Period>, DbError> {
    let width = if days_of.is_some() { 10 } else { 7 };
    // Year 1 is the earliest instant both backends store.
    let earliest = NaiveDateTime::default() - chrono::Duration::days(719_162);
    let (from, until) = days_of.unwrap_or((earliest, now));
    // Both backends group on the leading characters of the instant as text,
    // so the period strings agree. The filter mirrors `visible_to_readers`.
    let sql = match conn {
        DbConn::Sqlite(_) => format!(
            "SELECT substr(published_at, 1, {width}) AS period, COUNT(*) AS n, \
             MAX(updated_at) AS last_change FROM articles \
             WHERE status = 'published' AND published_at <= ? AND (unpublish_at IS NULL OR unpublish_at > ?) \
             AND published_at >= ? AND published_at < ? \
             GROUP BY period ORDER BY period"
        ),
        DbConn::Pg(_) => format!(
            "SELECT substr(to_char(published_at, 'YYYY-MM-DD'), 1, {width}) AS period, COUNT(*) AS n, \
             MAX(updated_at) AS last_change \
             FROM articles WHERE status = 'published' AND published_at <= $1 \
             AND (unpublish_at IS NULL OR unpublish_at > $2) AND published_at >= $3 \
             AND published_at < $4 GROUP BY period ORDER BY period"
        ),
    };
    Ok(diesel::sql_query(sql)
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(from)
        .bind::<Timestamp, _>(until)
        .load(conn)?)
}

/// Public articles published in `[from, until)`, oldest first, at most `limit`.
pub fn published_between(
    conn: &mut DbConn,
    now: NaiveDateTime,
    from: NaiveDateTime,
    until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<FeedRow>, DbError> {
    Ok(public!(now)
        .filter(articles::published_at.ge(from))
        .filter(articles::published_at.lt(until))
        .order((articles::published_at.asc(), articles::id.asc()))
        .limit(limit)
        .load(conn)?)
}
