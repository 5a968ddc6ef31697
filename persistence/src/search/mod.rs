//! Full-text search of articles: an FTS5 table on SQLite, a weighted
//! `tsvector` with a GIN index on PostgreSQL, both over text folded in Rust
//! (`toasoan_domain::search`), kept in step by the article write path in
//! the same transaction. Results are ranked (exact-mark bonus, then
//! relevance, then newest) and keyset-paginated on that ranking.

mod engine;
mod index;
pub(crate) mod rank;
pub(crate) mod sql;

pub use index::{
    articles_by_author, articles_by_tag, index_article, index_articles, index_missing, reindex_all,
};

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

const SUMMARY_COLUMNS: &str = "id, slug, title, sapo, status, featured, published_at, \
    category_id, cover_image_id, created_by, comment_count, version, \
    created_at, updated_at, unpublish_at, word_count, reading_time_minutes";

/// Most matches ranked per search: the newest `MAX_RANKED` articles that
/// match and pass the filters. Ranking every match of a common word costs
/// 0.1–1 s at 100 000 articles; this keeps a search's cost bounded, and a
/// newsroom's readers want the recent matches anyway.
pub const MAX_RANKED: i64 = 1_000;

/// `SUMMARY_COLUMNS` of the table aliased `alias`.
fn columns(alias: &str) -> String {
    SUMMARY_COLUMNS
        .split(", ")
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The ranked matches of `query` among the articles `filters` selects
/// (its `after` is ignored: search pages continue after a `Rank`).
/// Returns at most `filters.limit` hits, ranked among the newest
/// `MAX_RANKED` matches.
pub fn search(
    conn: &mut DbConn,
    query: &SearchQuery,
    filters: &ListQuery,
    after: Option<&Rank>,
) -> Result<Vec<Hit>, DbError> {
    let mut sql = Sql::for_conn(conn);
    if sql.is_pg() {
        pg_ranked(&mut sql, query, filters);
    } else {
        sqlite_ranked(&mut sql, query, filters);
    }
    // Only the page's articles are read from `articles`.
    sql.push("SELECT ")
        .push(&columns("a"))
        .push(", page.bonus, page.relevance, page.sort_at FROM (SELECT * FROM ranked");
    page(&mut sql, after, filters.limit);
    sql.push(") AS page JOIN articles a ON a.id = page.id ORDER BY page.bonus DESC, page.relevance DESC, page.sort_at DESC, page.id DESC");
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

/// Keeps the hits of `ranked` after `after`, best first, at most `limit`.
fn page(sql: &mut Sql, after: Option<&Rank>, limit: i64) {
    sql.push(" WHERE 1 = 1");
    if let Some(rank) = after {
        sql.push(" AND (ranked.bonus, ranked.relevance, ranked.sort_at, ranked.id) < (")
            .bind(Param::Int(rank.bonus))
            .push(", ")
            .bind(Param::Double(rank.relevance))
            .push(", ")
            .bind(Param::Time(rank.sort_at))
            .push(", ")
            .bind(Param::Text(rank.id.clone()))
            .push(")");
    }
    sql.push(" ORDER BY ranked.bonus DESC, ranked.relevance DESC, ranked.sort_at DESC, ranked.id DESC LIMIT ")
        .bind(Param::BigInt(limit));
}

/// SQLite: the newest matches come straight off the FTS5 index in rowid
/// order (CROSS JOIN fixes the join order: left to itself the planner walks
/// every published article and runs the MATCH once per row). The window is
/// chosen on the index and `article_search_docs` alone, which carries the
/// article's visibility columns (kept in step by a trigger on `articles`):
/// a match costs one lookup in that narrow table, not a read of the
/// article's row past its body. The exact-mark bonus reads the marked
/// words' postings only over the rowid range of the window.
fn sqlite_ranked(sql: &mut Sql, query: &SearchQuery, filters: &ListQuery) {
    // `toasoan_bm25` is `bm25` with cached document frequencies (see `rank`).
    sql.push("WITH hits AS MATERIALIZED (SELECT d.article_id AS id, d.sort_at AS sort_at, article_search.rowid AS doc, -toasoan_bm25(article_search, ")
        .push(SQLITE_WEIGHTS);
    for key in engine::fts5_phrase_keys(query) {
        sql.push(", ").bind(Param::Text(key));
    }
    sql.push(") AS relevance FROM article_search CROSS JOIN article_search_docs d ON d.doc = article_search.rowid WHERE article_search MATCH ")
        .bind(Param::Text(engine::fts5_match(query)))
        .push(" AND ");
    filter(sql, filters, Target::Docs);
    sql.push(&format!(
        " ORDER BY article_search.rowid DESC LIMIT {MAX_RANKED})"
    ));
    let bonus = match engine::fts5_exact(query) {
        Some(exact) => {
            sql.push(", exact AS MATERIALIZED (SELECT rowid AS doc FROM article_search WHERE article_search MATCH ")
                .bind(Param::Text(exact))
                .push(" AND rowid >= (SELECT min(doc) FROM hits))");
            "CASE WHEN hits.doc IN (SELECT doc FROM exact) THEN 1 ELSE 0 END"
        }
        None => "0",
    };
    sql.push(", ranked AS (SELECT hits.id AS id, ")
        .push(bonus)
        .push(" AS bonus, hits.relevance AS relevance, hits.sort_at AS sort_at FROM hits) ");
}

/// PostgreSQL: the newest (by id, UUIDv7) matches that pass the filters
/// make the window; only those are ranked, and only the page's articles are
/// read. The window is chosen on `article_search` alone: it carries the
/// article's visibility columns (kept in step by a trigger on `articles`)
/// and `words`, the document without positions, small enough to stay in the
/// row. With common words the planner walks the newest ids and tests each
/// row; with rarer ones it takes the GIN index of `words`. Either way no
/// match is joined to its article, and no TOASTed `document` is read
/// except for the window's ranking and for phrases.
fn pg_ranked(sql: &mut Sql, query: &SearchQuery, filters: &ListQuery) {
    let tsquery = engine::tsquery(query);
    // The documents (large, often TOASTed) ride along as pointers and are
    // read back only for the window's ranking.
    sql.push("WITH window_docs AS MATERIALIZED (SELECT s.article_id, s.document, s.exact, s.sort_at FROM article_search s WHERE s.words @@ to_tsquery('simple', ")
        .bind(Param::Text(engine::tsquery_words(query)))
        .push(") AND ");
    if engine::has_phrase(query) {
        sql.push("s.document @@ to_tsquery('simple', ")
            .bind(Param::Text(tsquery.clone()))
            .push(") AND ");
    }
    filter(sql, filters, Target::SearchTable);
    sql.push(&format!(" ORDER BY s.article_id DESC LIMIT {MAX_RANKED})"));
    sql.push(", ranked AS (SELECT w.article_id AS id, ");
    match engine::tsquery_exact(query) {
        Some(exact) => {
            sql.push("CASE WHEN w.exact @@ to_tsquery('simple', ")
                .bind(Param::Text(exact))
                .push(") THEN 1 ELSE 0 END");
        }
        None => {
            sql.push("0");
        }
    }
    sql.push(" AS bonus, ts_rank(")
        .push(PG_WEIGHTS)
        .push(", w.document, to_tsquery('simple', ")
        .bind(Param::Text(tsquery))
        .push("))::float8 AS relevance, w.sort_at FROM window_docs w) ");
}

/// Where `filter` reads the article's columns: each backend's search table
/// carries copies of them.
#[derive(Clone, Copy)]
enum Target {
    /// `article_search_docs` aliased `d` (SQLite).
    Docs,
    /// `article_search` aliased `s` (PostgreSQL).
    SearchTable,
}

/// The list filters, on `target`. On SQLite each column is written
/// `+d.col`, which keeps the planner from using an index for it: every
/// match's row is one primary-key lookup, never a range scan.
fn filter(sql: &mut Sql, q: &ListQuery, target: Target) {
    let col = |name: &str| match target {
        Target::Docs => format!("+d.{name}"),
        Target::SearchTable => format!("s.{name}"),
    };
    let id = match target {
        Target::Docs => "d.article_id",
        Target::SearchTable => "s.article_id",
    };
    let (status, published_at) = (col("status"), col("published_at"));
    let unpublish_at = col("unpublish_at");
    let (category, featured, created_by) = (col("category_id"), col("featured"), col("created_by"));
    match &q.visibility {
        Visibility::Public { now } => {
            // Mirrors `toasoan_domain::article::visible_to_readers`.
            sql.push(&format!("{status} = 'published' AND {published_at} <= "))
                .bind(Param::Time(*now))
                .push(&format!(
                    " AND ({unpublish_at} IS NULL OR {unpublish_at} > "
                ))
                .bind(Param::Time(*now))
                .push(")");
        }
        Visibility::Expired { now } => {
            sql.push(&format!("{status} = 'published' AND {published_at} <= "))
                .bind(Param::Time(*now))
                .push(&format!(" AND {unpublish_at} <= "))
                .bind(Param::Time(*now));
        }
        Visibility::Scheduled { now } => {
            sql.push(&format!("{status} = 'published' AND {published_at} > "))
                .bind(Param::Time(*now));
        }
        Visibility::Status(value) => {
            sql.push(&format!("{status} = "))
                .bind(Param::Text(value.as_str().to_owned()));
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
        sql.push(&format!(
            " AND {id} IN (SELECT article_id FROM article_authors WHERE author_id = "
        ))
        .bind(Param::Text(author.clone()))
        .push(")");
    }
    if let Some(tag) = &q.tag_id {
        sql.push(&format!(
            " AND {id} IN (SELECT article_id FROM article_tags WHERE tag_id = "
        ))
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
    if let Some(after) = q.published_after {
        sql.push(&format!(" AND {published_at} >= "))
            .bind(Param::Time(after));
    }
    if let Some(before) = q.published_before {
        sql.push(&format!(" AND {published_at} < "))
            .bind(Param::Time(before));
    }
    if let Some(ids) = &q.ids {
        if ids.is_empty() {
            sql.push(" AND 1 = 0");
        } else {
            sql.push(&format!(" AND {id} IN ")).bind_list(ids);
        }
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
