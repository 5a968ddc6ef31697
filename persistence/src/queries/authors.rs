//! Authors (bylines): the shared slugged queries, the account link and the
//! byline check.

use super::optional;
use super::slugged::{alphabetical, slugged};
use crate::models::author::{AuthorChanges, AuthorRow};
use crate::schema::{article_authors, authors};
use crate::{DbConn, DbError};
use diesel::prelude::*;

slugged!(authors, AuthorRow, AuthorChanges);
alphabetical!(authors, AuthorRow);

/// The author linked to an account, if any.
pub fn for_user(conn: &mut DbConn, user_id: &str) -> Result<Option<AuthorRow>, DbError> {
    optional(
        authors::table
            .filter(authors::user_id.eq(user_id))
            .select(AuthorRow::as_select())
            .first(conn),
    )
}

/// Many authors by ids or slugs in one query, whatever their number: one
/// entry per key, in order, `None` where a key names no such row.
pub fn find_many(conn: &mut DbConn, keys: &[String]) -> Result<Vec<Option<AuthorRow>>, DbError> {
    let (ids, slugs) = super::split_keys(keys);
    if ids.is_empty() && slugs.is_empty() {
        return Ok(vec![None; keys.len()]);
    }
    let rows: Vec<AuthorRow> = authors::table
        .filter(authors::id.eq_any(ids).or(authors::slug.eq_any(slugs)))
        .select(AuthorRow::as_select())
        .load(conn)?;
    Ok(super::per_key(keys, &rows, |r| (&r.id, &r.slug)))
}

/// True when a byline still names the author.
pub fn in_use(conn: &mut DbConn, id: &str) -> Result<bool, DbError> {
    Ok(diesel::select(diesel::dsl::exists(
        article_authors::table.filter(article_authors::author_id.eq(id)),
    ))
    .get_result(conn)?)
}
