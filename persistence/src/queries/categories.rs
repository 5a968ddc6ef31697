//! Categories.

use super::{Key, ids_only, key, optional, suffixed};
use crate::models::category::{CategoryChanges, CategoryRow};
use crate::schema::{articles, categories};
use crate::{DbConn, DbError};
use diesel::prelude::*;

/// Stores a new category.
pub fn insert(conn: &mut DbConn, row: &CategoryRow) -> Result<(), DbError> {
    diesel::insert_into(categories::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Every category, in display order (a newspaper has tens, not thousands).
pub fn list(conn: &mut DbConn) -> Result<Vec<CategoryRow>, DbError> {
    Ok(categories::table
        .order((categories::position, categories::name, categories::id))
        .select(CategoryRow::as_select())
        .load(conn)?)
}

/// A category by id or by slug.
pub fn find(conn: &mut DbConn, id_or_slug: &str) -> Result<Option<CategoryRow>, DbError> {
    let query = categories::table.select(CategoryRow::as_select());
    match key(id_or_slug) {
        Some(Key::Id(id)) => optional(query.filter(categories::id.eq(id)).first(conn)),
        Some(Key::Slug(slug)) => optional(query.filter(categories::slug.eq(slug)).first(conn)),
        None => Ok(None),
    }
}

/// Categories by ids, in one query.
pub fn by_ids(conn: &mut DbConn, ids: &[String]) -> Result<Vec<CategoryRow>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(categories::table
        .filter(categories::id.eq_any(ids_only(ids)))
        .select(CategoryRow::as_select())
        .load(conn)?)
}

/// Many categories by ids or slugs in one query, whatever their number: one
/// entry per key, in order, `None` where a key names no such row.
pub fn find_many(conn: &mut DbConn, keys: &[String]) -> Result<Vec<Option<CategoryRow>>, DbError> {
    let (ids, slugs) = super::split_keys(keys);
    if ids.is_empty() && slugs.is_empty() {
        return Ok(vec![None; keys.len()]);
    }
    let rows: Vec<CategoryRow> = categories::table
        .filter(
            categories::id
                .eq_any(ids)
                .or(categories::slug.eq_any(slugs)),
        )
        .select(CategoryRow::as_select())
        .load(conn)?;
    Ok(super::per_key(keys, &rows, |r| (&r.id, &r.slug)))
}

/// Slugs taken by `base` and its numbered variants.
pub fn taken_slugs(conn: &mut DbConn, base: &str) -> Result<Vec<String>, DbError> {
    Ok(categories::table
        .filter(
            categories::slug
                .eq(base)
                .or(categories::slug.like(suffixed(base))),
        )
        .select(categories::slug)
        .load(conn)?)
}

/// Applies a partial update.
pub fn update(conn: &mut DbConn, id: &str, changes: &CategoryChanges) -> Result<(), DbError> {
    diesel::update(categories::table.find(id))
        .set(changes)
        .execute(conn)?;
    Ok(())
}

/// True when articles or sub-categories still point at the category.
pub fn in_use(conn: &mut DbConn, id: &str) -> Result<bool, DbError> {
    let children: i64 = categories::table
        .filter(categories::parent_id.eq(id))
        .count()
        .get_result(conn)?;
    let used = diesel::select(diesel::dsl::exists(
        articles::table.filter(articles::category_id.eq(id)),
    ))
    .get_result::<bool>(conn)?;
    Ok(children > 0 || used)
}

/// Removes a category; false when it did not exist.
pub fn delete(conn: &mut DbConn, id: &str) -> Result<bool, DbError> {
    Ok(diesel::delete(categories::table.find(id)).execute(conn)? > 0)
}

// The tree walks are domain rules (`toasoan_domain::category`); these
// names stay for the callers that work on stored rows.

/// The ids of a category and every category below it, level by level.
pub fn subtree_ids(all: &[CategoryRow], root: &str) -> Vec<String> {
    toasoan_domain::category::subtree(all, &root.to_owned())
}

/// How many levels a category and its descendants span (1 for a leaf).
pub fn subtree_height(all: &[CategoryRow], root: &str) -> usize {
    toasoan_domain::category::subtree_height(all, &root.to_owned())
}

/// The ancestors of a category, nearest first, itself included.
pub fn chain(all: &[CategoryRow], start: &str) -> Vec<String> {
    toasoan_domain::category::chain(all, &start.to_owned())
}
