//! Keeping the search index in step with the articles: (re)index within
//! the caller's transaction, and rebuild everything.

use super::sql::{Param, Sql};
use crate::schema::{article_authors, article_tags, articles, authors, tags};
use crate::{DbConn, DbError};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use std::collections::HashMap;
use toasoan_domain::block::Block;
use toasoan_domain::search::Document;

/// The columns of `articles` that `article_search` carries on PostgreSQL and
/// `article_search_docs` on SQLite (`sort_at` is
/// `COALESCE(published_at, created_at)`).
const COPIED: &str =
    "status, published_at, unpublish_at, category_id, featured, created_by, sort_at";

/// Articles indexed per batch by `reindex_all`.
const BATCH: usize = 500;

/// The documents of the given articles, read in three queries.
fn documents(conn: &mut DbConn, ids: &[String]) -> Result<Vec<(String, Document)>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
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
    let mut names: HashMap<String, Vec<String>> = HashMap::new();
    let bylines: Vec<(String, String)> = article_authors::table
        .inner_join(authors::table)
        .filter(article_authors::article_id.eq_any(ids))
        .order((article_authors::article_id, article_authors::position))
        .select((article_authors::article_id, authors::name))
        .load(conn)?;
    let tagged: Vec<(String, String)> = article_tags::table
        .inner_join(tags::table)
        .filter(article_tags::article_id.eq_any(ids))
        .select((article_tags::article_id, tags::name))
        .load(conn)?;
    for (article, name) in bylines.into_iter().chain(tagged) {
        names.entry(article).or_default().push(name);
    }
    rows.into_iter()
        .map(|(id, title, sapo, body)| {
            let blocks: Vec<Block> = serde_json::from_str(&body)
                .map_err(|e| DbError::Corrupt(format!("article {id} body: {e}")))?;
            let names: Vec<&str> = names
                .get(&id)
                .map(|n| n.iter().map(String::as_str).collect())
                .unwrap_or_default();
            let doc = Document::new(&title, sapo.as_deref(), &blocks, &names);
            Ok((id, doc))
        })
        .collect()
}

#[derive(QueryableByName)]
struct DocId {
    #[diesel(sql_type = BigInt)]
    doc: i64,
}

/// Writes one document, replacing what the index held for the article.
fn write(conn: &mut DbConn, id: &str, doc: &Document) -> Result<(), DbError> {
    let mut sql = Sql::for_conn(conn);
    if sql.is_pg() {
        // The article's visibility columns come along (see `search::pg_ranked`);
        // later changes to them reach the index through a trigger on `articles`.
        sql.push("INSERT INTO article_search (article_id, document, exact, ")
            .push(COPIED)
            .push(") SELECT a.id, setweight(to_tsvector('simple', ")
            .bind(Param::Text(doc.title.clone()))
            .push("), 'A') || setweight(to_tsvector('simple', ")
            .bind(Param::Text(doc.sapo.clone()))
            .push("), 'B') || setweight(to_tsvector('simple', ")
            .bind(Param::Text(doc.names.clone()))
            .push("), 'C') || setweight(to_tsvector('simple', ")
            .bind(Param::Text(doc.body.clone()))
            .push("), 'D'), to_tsvector('simple', ")
            .bind(Param::Text(doc.exact.clone()))
            .push("), a.status, a.published_at, a.unpublish_at, a.category_id, a.featured, a.created_by, COALESCE(a.published_at, a.created_at) FROM articles a WHERE a.id = ")
            .bind(Param::Text(id.to_owned()))
            .push(" ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document, exact = EXCLUDED.exact");
        for column in COPIED.split(", ") {
            sql.push(&format!(", {column} = EXCLUDED.{column}"));
        }
        sql.execute(conn)?;
        return Ok(());
    }
    // The article's visibility columns come along (see `search::sqlite_ranked`);
    // later changes to them reach the row through a trigger on `articles`.
    let mut link = Sql::for_conn(conn);
    link.push("INSERT INTO article_search_docs (article_id, ")
        .push(COPIED)
        .push(") SELECT a.id, a.status, a.published_at, a.unpublish_at, a.category_id, a.featured, a.created_by, COALESCE(a.published_at, a.created_at) FROM articles a WHERE a.id = ")
        .bind(Param::Text(id.to_owned()))
        .push(" ON CONFLICT (article_id) DO UPDATE SET ");
    for (i, column) in COPIED.split(", ").enumerate() {
        link.push(&format!(
            "{}{column} = excluded.{column}",
            if i > 0 { ", " } else { "" }
        ));
    }
    link.execute(conn)?;
    let mut find = Sql::for_conn(conn);
    find.push("SELECT doc FROM article_search_docs WHERE article_id = ")
        .bind(Param::Text(id.to_owned()));
    let doc_id = find
        .load::<DocId>(conn)?
        .pop()
        .ok_or(DbError::NotFound)?
        .doc;
    let mut clear = Sql::for_conn(conn);
    clear
        .push("DELETE FROM article_search WHERE rowid = ")
        .bind(Param::BigInt(doc_id));
    clear.execute(conn)?;
    sql.push("INSERT INTO article_search (rowid, title, sapo, body, names, exact) VALUES (")
        .bind(Param::BigInt(doc_id));
    for text in [&doc.title, &doc.sapo, &doc.body, &doc.names, &doc.exact] {
        sql.push(", ").bind(Param::Text(text.clone()));
    }
    sql.push(")");
    sql.execute(conn)?;
    Ok(())
}

/// (Re)indexes the given articles as they are now stored. Call it inside
/// the transaction that changed them; ids of missing articles are skipped.
pub fn index_articles(conn: &mut DbConn, ids: &[String]) -> Result<(), DbError> {
    for chunk in ids.chunks(BATCH) {
        for (id, doc) in documents(conn, chunk)? {
            write(conn, &id, &doc)?;
        }
    }
    Ok(())
}

/// (Re)indexes one article as it is now stored.
pub fn index_article(conn: &mut DbConn, id: &str) -> Result<(), DbError> {
    index_articles(conn, &[id.to_owned()])
}

/// Empties the index and indexes every article again, in batches, calling
/// `progress(done, total)` after each. Run it in one transaction, so
/// searches see the old index until the new one is complete.
pub fn reindex_all(conn: &mut DbConn, progress: &mut dyn FnMut(u64, u64)) -> Result<u64, DbError> {
    let total: i64 = articles::table.count().get_result(conn)?;
    let total = u64::try_from(total).unwrap_or(0);
    let mut clear = Sql::for_conn(conn);
    if clear.is_pg() {
        clear.push("DELETE FROM article_search");
    } else {
        clear.push("INSERT INTO article_search (article_search) VALUES ('delete-all')");
    }
    clear.execute(conn)?;
    let mut done = 0u64;
    let mut after = String::new();
    loop {
        let ids: Vec<String> = articles::table
            .filter(articles::id.gt(&after))
            .order(articles::id)
            .select(articles::id)
            .limit(BATCH as i64)
            .load(conn)?;
        let Some(last) = ids.last() else { break };
        after = last.clone();
        index_articles(conn, &ids)?;
        done += ids.len() as u64;
        progress(done, total.max(done));
    }
    if !matches!(conn, DbConn::Pg(_)) {
        // One segment per term: the newest matches are read without
        // merging the many small segments batch writes leave behind.
        let mut optimize = Sql::for_conn(conn);
        optimize.push("INSERT INTO article_search (article_search) VALUES ('optimize')");
        optimize.execute(conn)?;
    }
    Ok(done)
}

#[derive(QueryableByName)]
struct Missing {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    missing: bool,
}

/// True when articles exist but the search index holds none of them: a
/// database from before search, or one whose index a migration rebuilt
/// empty (2026-12-07-001940 on SQLite). `toasoan reindex` fills it.
pub fn index_missing(conn: &mut DbConn) -> Result<bool, DbError> {
    let mut sql = Sql::for_conn(conn);
    sql.push(
        "SELECT (EXISTS (SELECT 1 FROM articles) AND NOT EXISTS (SELECT 1 FROM article_search)) AS missing",
    );
    Ok(sql.load::<Missing>(conn)?.pop().is_some_and(|m| m.missing))
}

/// Articles whose byline names the author (to reindex after a rename).
pub fn articles_by_author(conn: &mut DbConn, author_id: &str) -> Result<Vec<String>, DbError> {
    Ok(article_authors::table
        .filter(article_authors::author_id.eq(author_id))
        .select(article_authors::article_id)
        .load(conn)?)
}

/// Articles carrying the tag (to reindex after a rename or removal).
pub fn articles_by_tag(conn: &mut DbConn, tag_id: &str) -> Result<Vec<String>, DbError> {
    Ok(article_tags::table
        .filter(article_tags::tag_id.eq(tag_id))
        .select(article_tags::article_id)
        .load(conn)?)
}
