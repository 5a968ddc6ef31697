//! Categories: the newspaper's sections, nested one level or more.

use crate::FieldError;
use crate::slug::Slug;
use crate::text::{optional_plain, plain};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A section of the paper; sub-sections name their parent.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    /// UUIDv7.
    pub id: Uuid,
    /// URL slug.
    pub slug: Slug,
    /// Display name ("Theo gương Bác").
    pub name: String,
    /// Optional description.
    pub description: Option<String>,
    /// The parent section, for sub-sections.
    pub parent_id: Option<Uuid>,
    /// Order among its siblings, ascending.
    pub position: i32,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// Increases on every change; edits name it to detect lost races.
    pub version: i32,
}

/// Deepest nesting allowed (a section, its sub-sections, and one more).
pub const MAX_DEPTH: usize = 3;

/// A category name: 1 to 100 characters.
pub fn name(raw: &str) -> Result<String, FieldError> {
    plain("name", raw, 1, 100)
}

/// An optional description of up to 1 000 characters.
pub fn description(raw: Option<&str>) -> Result<Option<String>, FieldError> {
    optional_plain("description", raw, 1_000)
}

/// Checks that making `parent_chain` (the proposed parent first, then its
/// ancestors) the ancestry of `id`, whose own subtree spans `height` levels,
/// makes no cycle and stays shallow enough.
pub fn check_ancestry(
    id: Option<&str>,
    parent_chain: &[String],
    height: usize,
) -> Result<(), FieldError> {
    if id.is_some_and(|id| parent_chain.iter().any(|p| p == id)) {
        return Err(FieldError::new(
            "parent_id",
            "cycle",
            "a category cannot be its own ancestor",
        ));
    }
    if parent_chain.len() + height.max(1) > MAX_DEPTH {
        return Err(FieldError::new(
            "parent_id",
            "too_deep",
            format!("categories nest at most {MAX_DEPTH} levels"),
        ));
    }
    Ok(())
}

/// A place in the category tree: its id and its parent's. Implemented by
/// the domain type and by stored rows, so the walks below serve both.
pub trait Node {
    /// How categories are named.
    type Id: Clone + Eq + std::hash::Hash;
    /// This category.
    fn id(&self) -> &Self::Id;
    /// Its parent, for sub-sections.
    fn parent(&self) -> Option<&Self::Id>;
}

impl Node for Category {
    type Id = Uuid;
    fn id(&self) -> &Uuid {
        &self.id
    }
    fn parent(&self) -> Option<&Uuid> {
        self.parent_id.as_ref()
    }
}

/// A category and every category below it, level by level: what a
/// category page lists (a section shows its sub-sections' articles).
pub fn subtree<N: Node>(all: &[N], root: &N::Id) -> Vec<N::Id> {
    levels(all, root).into_iter().flatten().collect()
}

/// How many levels a category and its descendants span (1 for a leaf):
/// the `height` that [`check_ancestry`] takes.
pub fn subtree_height<N: Node>(all: &[N], root: &N::Id) -> usize {
    levels(all, root).len()
}

fn levels<N: Node>(all: &[N], root: &N::Id) -> Vec<Vec<N::Id>> {
    let mut seen = std::collections::HashSet::from([root.clone()]);
    let mut levels = vec![vec![root.clone()]];
    loop {
        let last = &levels[levels.len() - 1];
        let next: Vec<N::Id> = all
            .iter()
            .filter(|c| c.parent().is_some_and(|p| last.contains(p)))
            // A stored cycle must not make this loop forever.
            .filter(|c| seen.insert(c.id().clone()))
            .map(|c| c.id().clone())
            .collect();
        if next.is_empty() {
            return levels;
        }
        levels.push(next);
    }
}

/// The ancestors of a category, nearest first, itself included: the
/// `parent_chain` that [`check_ancestry`] takes.
pub fn chain<N: Node>(all: &[N], start: &N::Id) -> Vec<N::Id> {
    let mut chain: Vec<N::Id> = Vec::new();
    let mut next = Some(start.clone());
    while let Some(id) = next {
        if chain.contains(&id) {
            break; // a stored cycle should not exist; do not loop on one
        }
        next = all
            .iter()
            .find(|c| c.id() == &id)
            .and_then(|c| c.parent().cloned());
        chain.push(id);
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    struct N(&'static str, Option<&'static str>);
    impl Node for N {
        type Id = &'static str;
        fn id(&self) -> &&'static str {
            &self.0
        }
        fn parent(&self) -> Option<&&'static str> {
            self.1.as_ref()
        }
    }

    #[test]
    fn a_subtree_holds_every_level_below_and_survives_a_stored_cycle() {
        let tree = [
            N("a", None),
            N("b", Some("a")),
            N("c", Some("b")),
            N("d", Some("a")),
            N("x", Some("y")),
            N("y", Some("x")),
        ];
        assert_eq!(subtree(&tree, &"a"), vec!["a", "b", "d", "c"]);
        assert_eq!(subtree_height(&tree, &"a"), 3);
        assert_eq!(subtree_height(&tree, &"c"), 1);
        assert_eq!(chain(&tree, &"c"), vec!["c", "b", "a"]);
        assert_eq!(subtree(&tree, &"x"), vec!["x", "y"]);
        assert_eq!(chain(&tree, &"x"), vec!["x", "y"]);
    }

    #[test]
    fn a_category_cannot_descend_from_itself() {
        let chain = vec!["b".to_owned(), "a".to_owned()];
        assert_eq!(
            check_ancestry(Some("a"), &chain, 1).unwrap_err().code,
            "cycle"
        );
        assert!(check_ancestry(Some("c"), &chain, 1).is_ok());
        let deep = vec!["c".to_owned(), "b".to_owned(), "a".to_owned()];
        assert_eq!(check_ancestry(None, &deep, 1).unwrap_err().code, "too_deep");
        // Moving a category with children counts their levels too.
        assert_eq!(
            check_ancestry(Some("x"), &chain, 2).unwrap_err().code,
            "too_deep"
        );
    }
}
