//! Shapes shared by several resources: the short references an article
//! carries to its category, authors and tags.

use serde::Serialize;
use toasoan_domain::author::Author;
use toasoan_domain::category::Category;
use toasoan_domain::tag::Tag;
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

macro_rules! reference {
    ($($kind:ty),*) => {$(
        impl From<&$kind> for Ref {
            fn from(item: &$kind) -> Self {
                Self { id: item.id.to_string(), slug: item.slug.to_string(), name: item.name.clone() }
            }
        }
    )*};
}

reference!(Category, Author, Tag);
