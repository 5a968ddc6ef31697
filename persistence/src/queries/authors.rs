//! Authors (bylines).

use super::{Key, ids_only, key, optional, suffixed};
use crate::models::author::{AuthorChanges, AuthorRow};
use crate::schema::{article_authors, authors};
use crate::{DbConn, DbError, search};
use diesel::prelude::*;

/// Stores a new author.
pub fn insert(conn: &mut DbConn, row: &AuthorRow) -> Result<(), DbError> {
    diesel::insert_into(authors::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// One page of authors in Vietnamese alphabetical order, after `after`
/// (a `(sort_key, id)` keyset position).
pub fn page(
    conn: &mut DbConn,
    after: Option<(String, String)>,
    limit: i64,
) -> Result<Vec<AuthorRow>, DbError> {
    let mut query = authors::table.select(AuthorRow::as_select()).into_boxed();
    if let Some((key, id)) = after {
        query = query.filter(
            authors::sort_key
                .gt(key.clone())
                .or(authors::sort_key.eq(key).and(authors::id.gt(id))),
        );
    }
    Ok(query
        .order((authors::sort_key, authors::id))
        .limit(limit)
        .load(conn)?)
}

/// An author by id or by slug.
pub fn find(conn: &mut DbConn, id_or_slug: &str) -> Result<Option<AuthorRow>, DbError> {
    let query = authors::table.select(AuthorRow::as_select());
    match key(id_or_slug) {
        Some(Key::Id(id)) => optional(query.filter(authors::id.eq(id)).first(conn)),
        Some(Key::Slug(slug)) => optional(query.filter(authors::slug.eq(slug)).first(conn)),
        None => Ok(None),
    }
}

/// Authors by ids, in one query.
pub fn by_ids(conn: &mut DbConn, ids: &[String]) -> Result<Vec<AuthorRow>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(authors::table
        .filter(authors::id.eq_any(ids_only(ids)))
        .select(AuthorRow::as_select())
        .load(conn)?)
}

/// The author linked to an account, if any.
pub fn for_user(conn: &mut DbConn, user_id: &str) -> Result<Option<AuthorRow>, DbError> {
    optional(
        authors::table
            .filter(authors::user_id.eq(user_id))
            .select(AuthorRow::as_select())
            .first(conn),
    )
}

/// Slugs taken by `base` and its numbered variants.
pub fn taken_slugs(conn: &mut DbConn, base: &str) -> Result<Vec<String>, DbError> {
    Ok(authors::table
        .filter(
            authors::slug
                .eq(base)
                .or(authors::slug.like(suffixed(base))),
        )
        .select(authors::slug)
        .load(conn)?)
}

/// Applies a partial update; a new name reindexes the author's articles.
pub fn update(conn: &mut DbConn, id: &str, changes: &AuthorChanges) -> Result<(), DbError> {
    diesel::update(authors::table.find(id))
        .set(changes)
        .execute(conn)?;
    if changes.name.is_some() {
        let articles = search::articles_by_author(conn, id)?;
        search::index_articles(conn, &articles)?;
    }
    Ok(())
}

/// True when a byline still names the author.
pub fn in_use(conn: &mut DbConn, id: &str) -> Result<bool, DbError> {
    Ok(diesel::select(diesel::dsl::exists(
        article_authors::table.filter(article_authors::author_id.eq(id)),
    ))
    .get_result(conn)?)
}

/// Removes an author; false when it did not exist.
pub fn delete(conn: &mut DbConn, id: &str) -> Result<bool, DbError> {
    Ok(diesel::delete(authors::table.find(id)).execute(conn)? > 0)
}
