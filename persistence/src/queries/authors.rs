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

/// True when a byline still names the author.
pub fn in_use(conn: &mut DbConn, id: &str) -> Result<bool, DbError> {
    Ok(diesel::select(diesel::dsl::exists(
        article_authors::table.filter(article_authors::author_id.eq(id)),
    ))
    .get_result(conn)?)
}
