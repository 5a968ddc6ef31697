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

/// The ids of a category and every category below it, level by level.
pub fn subtree_ids(all: &[CategoryRow], root: &str) -> Vec<String> {
    levels(all, root).into_iter().flatten().collect()
}

/// How many levels a category and its descendants span (1 for a leaf).
pub fn subtree_height(all: &[CategoryRow], root: &str) -> usize {
    levels(all, root).len()
}

fn levels(all: &[CategoryRow], root: &str) -> Vec<Vec<String>> {
    let mut seen = std::collections::HashSet::from([root.to_owned()]);
    let mut levels = vec![vec![root.to_owned()]];
    loop {
        let next: Vec<String> = all
            .iter()
            .filter(|c| {
                c.parent_id
                    .as_ref()
                    .is_some_and(|p| levels[levels.len() - 1].contains(p))
            })
            // A stored cycle must not make this loop forever.
            .filter(|c| seen.insert(c.id.clone()))
            .map(|c| c.id.clone())
            .collect();
        if next.is_empty() {
            return levels;
        }
        levels.push(next);
    }
}

/// The ancestors of a category, nearest first, itself included.
pub fn chain(all: &[CategoryRow], start: &str) -> Vec<String> {
    let mut chain = Vec::new();
    let mut next = Some(start.to_owned());
    while let Some(id) = next {
        if chain.contains(&id) {
            break; // a stored cycle should not exist; do not loop on one
        }
        next = all
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| c.parent_id.clone());
        chain.push(id);
    }
    chain
}
