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

#[cfg(test)]
mod tests {
    use super::*;

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
