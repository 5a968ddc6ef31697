//! Shapes shared by several resources: the short references an article
//! carries to its category, authors and tags.

use serde::Serialize;
use toasoan_persistence::models::author::AuthorRow;
use toasoan_persistence::models::category::CategoryRow;
use toasoan_persistence::models::tag::TagRow;
use utoipa::ToSchema;

/// A short reference to a category, author or tag.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ref {
    /// UUIDv7.
    #[schema(example = "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5a")]
    pub id: String,
    /// URL slug.
    #[schema(example = "theo-guong-bac")]
    pub slug: String,
    /// Display name.
    #[schema(example = "Theo gương Bác")]
    pub name: String,
}

impl From<&CategoryRow> for Ref {
    fn from(row: &CategoryRow) -> Self {
        Self {
            id: row.id.clone(),
            slug: row.slug.clone(),
            name: row.name.clone(),
        }
    }
}

impl From<&AuthorRow> for Ref {
    fn from(row: &AuthorRow) -> Self {
        Self {
            id: row.id.clone(),
            slug: row.slug.clone(),
            name: row.name.clone(),
        }
    }
}

impl From<&TagRow> for Ref {
    fn from(row: &TagRow) -> Self {
        Self {
            id: row.id.clone(),
            slug: row.slug.clone(),
            name: row.name.clone(),
        }
    }
}
