//! "Đọc nhiều": view counts, added in batches (each instance flushes the
//! increments it counted in memory), read as totals and as rankings over a
//! recent window. Adding is commutative, so instances never overwrite each
//! other's counts.

use crate::schema::{article_view_hours, article_view_totals};
use crate::search::sql::{Param, Sql};
use crate::{DbConn, DbError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use std::collections::HashMap;
use toasoan_domain::article::Status;

/// Rows per statement when adding views: one statement (one parse, one
/// plan) per this many articles instead of two per article. A flush after
/// 10 s of reads spread over 40 000 articles writes tens of thousands of
/// rows; one statement each cost a quarter of the server's CPU.
const ADD_BATCH: usize = 200;

/// Adds `views` to each article's total and to its bucket for `hour`.
/// Articles deleted since the views were counted are skipped. Each
/// article appears at most once in `increments`.
///
/// Rows are written in article order: each table's key is walked once,
/// front to back, rather than at the counter's hash order (on SQLite,
/// whose view tables are clustered by article, that is a fifth of the
/// server's CPU under reads spread over many articles), and two instances
/// flushing at once take PostgreSQL's row locks in the same order, so
/// they wait for each other instead of deadlocking.
pub fn add(
    conn: &mut DbConn,
    hour: NaiveDateTime,
    increments: &[(String, i64)],
) -> Result<(), DbError> {
    let mut sorted: Vec<&(String, i64)> = increments.iter().collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for chunk in sorted.chunks(ADD_BATCH) {
        add_to("article_view_totals", "article_id", None, conn, chunk)?;
        add_to(
            "article_view_hours",
            "article_id, hour",
            Some(hour),
            conn,
            chunk,
        )?;
    }
    Ok(())
}

/// One upsert of `chunk` into `table` (`key` its conflict target; `hour`
/// the bucket, for the hours table). One upsert syntax serves both
/// backends; the rows' table differs (`VALUES` columns are `column1`,
/// `column2` on SQLite and named by the alias on PostgreSQL).
fn add_to(
    table: &str,
    key: &str,
    hour: Option<NaiveDateTime>,
    conn: &mut DbConn,
    chunk: &[&(String, i64)],
) -> Result<(), DbError> {
    let mut sql = Sql::for_conn(conn);
    let pg = sql.is_pg();
    let (id, views) = if pg {
        ("v.article_id", "v.views")
    } else {
        ("v.column1", "v.column2")
    };
    sql.push(&format!("INSERT INTO {table} ({key}, views) SELECT {id}, "));
    if let Some(hour) = hour {
        sql.bind(Param::Time(hour))
            .push(if pg { "::timestamp, " } else { ", " });
    }
    sql.push(&format!("{views} FROM (VALUES "));
    for (i, (article_id, n)) in chunk.iter().enumerate() {
        sql.push(if i > 0 { ", (" } else { "(" })
            .bind(Param::Text(article_id.clone()))
            .push(if pg { "::text, " } else { ", " })
            .bind(Param::BigInt(*n))
            .push(if pg { "::bigint)" } else { ")" });
    }
    sql.push(if pg {
        ") AS v(article_id, views)"
    } else {
        ") AS v"
    })
    .push(&format!(
        " WHERE EXISTS (SELECT 1 FROM articles WHERE id = {id}) \
             ON CONFLICT ({key}) DO UPDATE SET views = {table}.views + excluded.views"
    ));
    sql.execute(conn)?;
    Ok(())
}

/// The total views of these articles (absent: none counted yet).
pub fn totals(conn: &mut DbConn, article_ids: &[String]) -> Result<HashMap<String, i64>, DbError> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, i64)> = article_view_totals::table
        .filter(article_view_totals::article_id.eq_any(article_ids))
        .select((article_view_totals::article_id, article_view_totals::views))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The most viewed public articles since `since`, with their views in that
/// window, most first (ties: newest id first), at most `limit`.
pub fn ranking(
    conn: &mut DbConn,
    now: NaiveDateTime,
    since: NaiveDateTime,
    limit: i64,
) -> Result<Vec<(String, i64)>, DbError> {
    #[derive(QueryableByName)]
    struct Ranked {
        #[diesel(sql_type = Text)]
        article_id: String,
        #[diesel(sql_type = BigInt)]
        views: i64,
    }
    // Readers' visibility, mirroring `toasoan_domain::article::visible_to_readers`.
    let sql = match conn {
        DbConn::Sqlite(_) => {
            "SELECT h.article_id AS article_id, CAST(SUM(h.views) AS BIGINT) AS views \
             FROM article_view_hours h JOIN articles a ON a.id = h.article_id \
             WHERE h.hour >= ? AND a.status = ? AND a.published_at <= ? \
             AND (a.unpublish_at IS NULL OR a.unpublish_at > ?) \
             GROUP BY h.article_id ORDER BY views DESC, h.article_id DESC LIMIT ?"
        }
        DbConn::Pg(_) => {
            "SELECT h.article_id AS article_id, CAST(SUM(h.views) AS BIGINT) AS views \
             FROM article_view_hours h JOIN articles a ON a.id = h.article_id \
             WHERE h.hour >= $1 AND a.status = $2 AND a.published_at <= $3 \
             AND (a.unpublish_at IS NULL OR a.unpublish_at > $4) \
             GROUP BY h.article_id ORDER BY views DESC, h.article_id DESC LIMIT $5"
        }
    };
    let rows: Vec<Ranked> = diesel::sql_query(sql)
        .bind::<Timestamp, _>(since)
        .bind::<Text, _>(Status::Published.as_str())
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.article_id, r.views)).collect())
}

/// Drops buckets older than `before` (the longest window); totals stay.
pub fn prune(conn: &mut DbConn, before: NaiveDateTime) -> Result<usize, DbError> {
    Ok(
        diesel::delete(article_view_hours::table.filter(article_view_hours::hour.lt(before)))
            .execute(conn)?,
    )
}

/// The id of the public article an id or slug names (old slugs excluded).
pub fn public_id(
    conn: &mut DbConn,
    id_or_slug: &str,
    now: NaiveDateTime,
) -> Result<Option<String>, DbError> {
    use crate::schema::articles;
    let query = articles::table
        .select(articles::id)
        .filter(super::articles::visible_to_readers(now));
    match super::key(id_or_slug) {
        Some(super::Key::Id(id)) => super::optional(query.filter(articles::id.eq(id)).first(conn)),
        Some(super::Key::Slug(slug)) => {
            super::optional(query.filter(articles::slug.eq(slug)).first(conn))
        }
        None => Ok(None),
    }
}
