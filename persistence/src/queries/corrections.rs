//! Public corrections appended to published articles.

use crate::models::revision::CorrectionRow;
use crate::schema::corrections;
use crate::{DbConn, DbError};
use diesel::prelude::*;

/// Stores a correction. The caller bumps the article's version in the same
/// transaction (which records a revision).
pub fn insert(conn: &mut DbConn, row: &CorrectionRow) -> Result<(), DbError> {
    diesel::insert_into(corrections::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// An article's corrections, oldest first.
pub fn of(conn: &mut DbConn, article_id: &str) -> Result<Vec<CorrectionRow>, DbError> {
    Ok(corrections::table
        .filter(corrections::article_id.eq(article_id))
        .order((corrections::created_at, corrections::id))
        .select(CorrectionRow::as_select())
        .load(conn)?)
}

/// The corrections of many articles in one query, each article's oldest
/// first.
pub fn of_many(conn: &mut DbConn, article_ids: &[String]) -> Result<Vec<CorrectionRow>, DbError> {
    if article_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(corrections::table
        .filter(corrections::article_id.eq_any(article_ids))
        .order((
            corrections::article_id,
            corrections::created_at,
            corrections::id,
        ))
        .select(CorrectionRow::as_select())
        .load(conn)?)
}
