//! Tags.

use super::{Key, ids_only, key, optional, suffixed};
use crate::models::tag::{TagChanges, TagRow};
use crate::schema::tags;
use crate::{DbConn, DbError, search};
use diesel::prelude::*;

/// Stores a new tag.
pub fn insert(conn: &mut DbConn, row: &TagRow) -> Result<(), DbError> {
    diesel::insert_into(tags::table).values(row).execute(conn)?;
    Ok(())
}

/// One page of tags in Vietnamese alphabetical order, after `after`.
pub fn page(
    conn: &mut DbConn,
    after: Option<(String, String)>,
    limit: i64,
) -> Result<Vec<TagRow>, DbError> {
    let mut query = tags::table.select(TagRow::as_select()).into_boxed();
    if let Some((key, id)) = after {
        query = query.filter(
            tags::sort_key
                .gt(key.clone())
                .or(tags::sort_key.eq(key).and(tags::id.gt(id))),
        );
    }
    Ok(query
        .order((tags::sort_key, tags::id))
        .limit(limit)
        .load(conn)?)
}

/// A tag by id or by slug.
pub fn find(conn: &mut DbConn, id_or_slug: &str) -> Result<Option<TagRow>, DbError> {
    let query = tags::table.select(TagRow::as_select());
    match key(id_or_slug) {
        Some(Key::Id(id)) => optional(query.filter(tags::id.eq(id)).first(conn)),
        Some(Key::Slug(slug)) => optional(query.filter(tags::slug.eq(slug)).first(conn)),
        None => Ok(None),
    }
}

/// Tags by ids, in one query.
pub fn by_ids(conn: &mut DbConn, ids: &[String]) -> Result<Vec<TagRow>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(tags::table
        .filter(tags::id.eq_any(ids_only(ids)))
        .select(TagRow::as_select())
        .load(conn)?)
}

/// Slugs taken by `base` and its numbered variants.
pub fn taken_slugs(conn: &mut DbConn, base: &str) -> Result<Vec<String>, DbError> {
    Ok(tags::table
        .filter(tags::slug.eq(base).or(tags::slug.like(suffixed(base))))
        .select(tags::slug)
        .load(conn)?)
}

/// Applies a partial update; a new name reindexes the tagged articles.
pub fn update(conn: &mut DbConn, id: &str, changes: &TagChanges) -> Result<(), DbError> {
    diesel::update(tags::table.find(id))
        .set(changes)
        .execute(conn)?;
    if changes.name.is_some() {
        let articles = search::articles_by_tag(conn, id)?;
        search::index_articles(conn, &articles)?;
    }
    Ok(())
}

/// Removes a tag (and its links to articles, which are reindexed); false
/// when it did not exist.
pub fn delete(conn: &mut DbConn, id: &str) -> Result<bool, DbError> {
    let articles = search::articles_by_tag(conn, id)?;
    let deleted = diesel::delete(tags::table.find(id)).execute(conn)? > 0;
    search::index_articles(conn, &articles)?;
    Ok(deleted)
}
