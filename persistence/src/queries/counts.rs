//! How many public articles a category or an author has: one grouped
//! query over the list indexes, whatever the number of categories or
//! authors asked for.

use super::articles::visible_to_readers;
use crate::schema::{article_authors, articles};
use crate::{DbConn, DbError};
use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use std::collections::HashMap;

/// Public articles per category (directly in it, not in sub-categories).
pub fn per_category(
    conn: &mut DbConn,
    now: NaiveDateTime,
) -> Result<HashMap<String, i64>, DbError> {
    let rows: Vec<(Option<String>, i64)> = articles::table
        .filter(visible_to_readers(now))
        .group_by(articles::category_id)
        .select((articles::category_id, count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, n)| id.map(|id| (id, n)))
        .collect())
}

/// Public articles in the bylines of these authors.
pub fn per_author(
    conn: &mut DbConn,
    now: NaiveDateTime,
    author_ids: &[String],
) -> Result<HashMap<String, i64>, DbError> {
    if author_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, i64)> = article_authors::table
        .inner_join(articles::table)
        .filter(article_authors::author_id.eq_any(author_ids))
        .filter(visible_to_readers(now))
        .group_by(article_authors::author_id)
        .select((article_authors::author_id, count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
