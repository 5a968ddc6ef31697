//! Full-text search of articles: an FTS5 table on SQLite, a weighted
//! `tsvector` with a GIN index on PostgreSQL, both over text folded in Rust
//! (`toasoan_domain::search`), kept in step by the article write path in
//! the same transaction. Results are ranked (exact-mark bonus, then
//! relevance, then newest) and keyset-paginated on that ranking.

mod engine;
mod index;
mod sql;

pub use index::{articles_by_author, articles_by_tag, index_article, index_articles, reindex_all};

use crate::models::article::ArticleSummaryRow;
use crate::queries::articles::{ListQuery, Visibility};
use crate::schema::articles;
use crate::{DbConn, DbError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Double, Integer, Timestamp};
use sql::{Param, Sql};
use std::collections::HashMap;
use toasoan_domain::block::Block;
use toasoan_domain::search::{SearchQuery, document::body_text, highlight};

/// Column weights of the FTS5 table (title, sapo, body, names, exact) for bm25.
const SQLITE_WEIGHTS: &str = "10.0, 4.0, 1.0, 2.0, 0.0";
/// Weights of the tsvector labels {D body, C names, B sapo, A title}.
const PG_WEIGHTS: &str = "'{0.1, 0.2, 0.4, 1.0}'";

/// Where a hit stands in the ranking; the next page starts after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rank {
    /// 1 when the article has every word typed with marks as written.
    pub bonus: i32,
    /// The engine's relevance score, higher first.
    pub relevance: f64,
    /// Publication time (creation time for unpublished articles).
    pub sort_at: NaiveDateTime,
    /// The article id, the last tie-break.
    pub id: String,
}

/// One search result.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The article, as lists show it.
    pub row: ArticleSummaryRow,
    /// Its place in the ranking.
    pub rank: Rank,
}

#[derive(QueryableByName)]
struct HitRow {
    #[diesel(embed)]
    summary: ArticleSummaryRow,
    #[diesel(sql_type = Integer)]
    bonus: i32,
    #[diesel(sql_type = Double)]
    relevance: f64,
    #[diesel(sql_type = Timestamp)]
    sort_at: NaiveDateTime,
}

const SUMMARY_COLUMNS: &str = "a.id, a.slug, a.title, a.sapo, a.status, a.featured, \
    a.featured_rank, a.published_at, a.category_id, a.cover_image_id, a.created_by, \
    a.comment_count, a.version, a.created_at, a.updated_at";

/// The ranked matches of `query` among the articles `filters` selects
/// (its `after` is ignored: search pages continue after a `Rank`).
/// Returns at most `filters.limit` hits.
pub fn search(
    conn: &mut DbConn,
    query: &SearchQuery,
    filters: &ListQuery,
    after: Option<&Rank>,
) -> Result<Vec<Hit>, DbError> {
    let mut sql = Sql::for_conn(conn);
    sql.push("SELECT ")
        .push(SUMMARY_COLUMNS)
        .push(", hits.bonus AS bonus, hits.relevance AS relevance, ")
        .push("COALESCE(a.published_at, a.created_at) AS sort_at FROM (");
    matches(&mut sql, query);
    // On SQLite, CROSS JOIN fixes the join order: the full-text index must
    // drive. Left to itself the planner walks every published article and
    // runs the MATCH once per row (100 s at 100 000 articles).
    let join = if sql.is_pg() { "JOIN" } else { "CROSS JOIN" };
    sql.push(") AS hits ")
        .push(join)
        .push(" articles a ON a.id = hits.article_id WHERE ");
    filter(&mut sql, filters);
    if let Some(rank) = after {
        sql.push(
            " AND (hits.bonus, hits.relevance, COALESCE(a.published_at, a.created_at), a.id) < (",
        )
        .bind(Param::Int(rank.bonus))
        .push(", ")
        .bind(Param::Double(rank.relevance))
        .push(", ")
        .bind(Param::Time(rank.sort_at))
        .push(", ")
        .bind(Param::Text(rank.id.clone()))
        .push(")");
    }
    sql.push(" ORDER BY hits.bonus DESC, hits.relevance DESC, sort_at DESC, a.id DESC LIMIT ")
        .bind(Param::BigInt(filters.limit));
    let rows: Vec<HitRow> = sql.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|h| Hit {
            rank: Rank {
                bonus: h.bonus,
                relevance: h.relevance,
                sort_at: h.sort_at,
                id: h.summary.id.clone(),
            },
            row: h.summary,
        })
        .collect())
}

/// The subquery of matching article ids with their bonus and relevance.
fn matches(sql: &mut Sql, query: &SearchQuery) {
    if sql.is_pg() {
        sql.push("SELECT s.article_id AS article_id, ts_rank(")
            .push(PG_WEIGHTS)
            .push(", s.document, q.query)::float8 AS relevance, ");
        match engine::tsquery_exact(query) {
            Some(exact) => {
                sql.push("CASE WHEN s.exact @@ to_tsquery('simple', ")
                    .bind(Param::Text(exact))
                    .push(") THEN 1 ELSE 0 END");
            }
            None => {
                sql.push("0");
            }
        }
        sql.push(" AS bonus FROM article_search s, to_tsquery('simple', ")
            .bind(Param::Text(engine::tsquery(query)))
            .push(") AS q(query) WHERE s.document @@ q.query");
    } else {
        sql.push("SELECT d.article_id AS article_id, -bm25(article_search, ")
            .push(SQLITE_WEIGHTS)
            .push(") AS relevance, ");
        match engine::fts5_exact(query) {
            Some(exact) => {
                sql.push("CASE WHEN article_search.rowid IN (SELECT rowid FROM article_search WHERE article_search MATCH ")
                    .bind(Param::Text(exact))
                    .push(") THEN 1 ELSE 0 END");
            }
            None => {
                sql.push("0");
            }
        }
        sql.push(" AS bonus FROM article_search CROSS JOIN article_search_docs d ON d.doc = article_search.rowid WHERE article_search MATCH ")
            .bind(Param::Text(engine::fts5_match(query)));
    }
}

/// The list filters, on the articles aliased `a`. On SQLite each column is
/// written `+a.col`, which keeps the planner from using a list index for it:
/// every hit's article is one primary-key lookup, never a range scan.
fn filter(sql: &mut Sql, q: &ListQuery) {
    let col = |name: &str| {
        if sql.is_pg() {
            format!("a.{name}")
        } else {
            format!("+a.{name}")
        }
    };
    let (status, published_at) = (col("status"), col("published_at"));
    let (category, featured, created_by) = (col("category_id"), col("featured"), col("created_by"));
    match &q.visibility {
        Visibility::Public { now } => {
            sql.push(&format!("{status} = 'published' AND {published_at} <= "))
                .bind(Param::Time(*now));
        }
        Visibility::Scheduled { now } => {
            sql.push(&format!("{status} = 'published' AND {published_at} > "))
                .bind(Param::Time(*now));
        }
        Visibility::Status(value) => {
            sql.push(&format!("{status} = "))
                .bind(Param::Text(value.clone()));
        }
    }
    if let Some(ids) = &q.category_ids {
        if ids.is_empty() {
            sql.push(" AND 1 = 0");
        } else {
            sql.push(&format!(" AND {category} IN ")).bind_list(ids);
        }
    }
    if let Some(author) = &q.author_id {
        sql.push(" AND a.id IN (SELECT article_id FROM article_authors WHERE author_id = ")
            .bind(Param::Text(author.clone()))
            .push(")");
    }
    if let Some(tag) = &q.tag_id {
        sql.push(" AND a.id IN (SELECT article_id FROM article_tags WHERE tag_id = ")
            .bind(Param::Text(tag.clone()))
            .push(")");
    }
    if let Some(value) = q.featured {
        sql.push(&format!(" AND {featured} = "))
            .bind(Param::Bool(value));
    }
    if let Some(user) = &q.created_by {
        sql.push(&format!(" AND {created_by} = "))
            .bind(Param::Text(user.clone()));
    }
}

/// Highlight snippets of the given articles for `query`, by article id:
/// from the sapo, the body or the title, whichever matches best.
pub fn highlights(
    conn: &mut DbConn,
    query: &SearchQuery,
    ids: &[String],
) -> Result<HashMap<String, String>, DbError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, String, Option<String>, String)> = articles::table
        .filter(articles::id.eq_any(ids))
        .select((
            articles::id,
            articles::title,
            articles::sapo,
            articles::body,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, title, sapo, body)| {
            let blocks: Vec<Block> = serde_json::from_str(&body)
                .map_err(|e| DbError::Corrupt(format!("article {id} body: {e}")))?;
            let text = body_text(&blocks);
            let snippet = highlight(query, &[sapo.as_deref().unwrap_or_default(), &text, &title]);
            Ok((id, snippet))
        })
        .collect()
}

#[cfg(test)]
mod tests;
