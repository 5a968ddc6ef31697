//! Categories: the shared slugged queries, the whole list in display
//! order, the in-use check and walks of the tree.

use super::slugged::slugged;
use crate::models::category::{CategoryChanges, CategoryRow};
use crate::schema::{articles, categories};
use crate::{DbConn, DbError};
use diesel::prelude::*;

slugged!(categories, CategoryRow, CategoryChanges);

/// Every category, in display order (a newspaper has tens, not thousands).
pub fn list(conn: &mut DbConn) -> Result<Vec<CategoryRow>, DbError> {
    Ok(categories::table
        .order((categories::position, categories::name, categories::id))
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
