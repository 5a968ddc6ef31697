//! Sparse responses: `include=` names the relations a list loads (each one
//! batched query, so leaving one out saves its query), and `fields=` names
//! the fields kept in each article. Both are allowlists; anything else is
//! refused, so a typo never silently returns less.

use crate::error::{ApiError, Code};
use serde_json::Value;
use std::collections::BTreeSet;

/// Relations a list may include; the first four are its default.
pub const INCLUDES: &[&str] = &["category", "authors", "tags", "cover_image", "body"];

/// Fields an article may be trimmed to (`id` is always kept).
pub const FIELDS: &[&str] = &[
    "id",
    "slug",
    "title",
    "sapo",
    "status",
    "featured",
    "featured_rank",
    "published_at",
    "published_at_local",
    "unpublish_at",
    "updated_at",
    "category",
    "authors",
    "cover_image",
    "tags",
    "comment_count",
    "view_count",
    "version",
    "highlight",
    "body",
    "body_html",
    "created_at",
    "jsonld",
];

/// Which relations to load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Includes {
    /// The category reference.
    pub category: bool,
    /// The byline.
    pub authors: bool,
    /// The tags.
    pub tags: bool,
    /// The cover image.
    pub cover_image: bool,
    /// The body blocks and HTML (lists only; reads always have them).
    pub body: bool,
}

impl Default for Includes {
    fn default() -> Self {
        Self {
            category: true,
            authors: true,
            tags: true,
            cover_image: true,
            body: false,
        }
    }
}

/// How an article response is trimmed.
#[derive(Debug, Clone, Default)]
pub struct Shape {
    /// Relations loaded.
    pub include: Includes,
    include_given: bool,
    fields: Option<BTreeSet<String>>,
}

fn names(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',').map(str::trim).filter(|n| !n.is_empty())
}

impl Shape {
    /// Reads `fields=` and `include=`.
    pub fn parse(fields: Option<&str>, include: Option<&str>) -> Result<Self, ApiError> {
        let mut shape = Shape::default();
        if let Some(raw) = include {
            shape.include_given = true;
            shape.include = Includes {
                category: false,
                authors: false,
                tags: false,
                cover_image: false,
                body: false,
            };
            for name in names(raw) {
                match name {
                    "category" => shape.include.category = true,
                    "authors" => shape.include.authors = true,
                    "tags" => shape.include.tags = true,
                    "cover_image" => shape.include.cover_image = true,
                    "body" => shape.include.body = true,
                    other => {
                        return Err(Code::UnknownInclude.err(format!(
                            "include takes {}; not {other:?}",
                            INCLUDES.join(", ")
                        )));
                    }
                }
            }
        }
        if let Some(raw) = fields {
            let mut kept = BTreeSet::from(["id".to_owned()]);
            for name in names(raw) {
                if !FIELDS.contains(&name) {
                    return Err(Code::UnknownField
                        .err(format!("fields takes {}; not {name:?}", FIELDS.join(", "))));
                }
                kept.insert(name.to_owned());
            }
            shape.fields = Some(kept);
        }
        Ok(shape)
    }

    /// True when the response is the usual one.
    pub fn is_plain(&self) -> bool {
        !self.include_given && self.fields.is_none()
    }

    /// Trims one serialized article: relations not included, then fields
    /// not asked for, are removed.
    pub fn apply(&self, article: &mut Value) {
        let Some(object) = article.as_object_mut() else {
            return;
        };
        let include = self.include;
        for (name, loaded) in [
            ("category", include.category),
            ("authors", include.authors),
            ("tags", include.tags),
            ("cover_image", include.cover_image),
        ] {
            if !loaded {
                object.remove(name);
            }
        }
        if let Some(kept) = &self.fields {
            object.retain(|name, _| kept.contains(name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_names_are_refused_and_known_ones_trim() {
        assert_eq!(
            Shape::parse(None, Some("authors,videos"))
                .unwrap_err()
                .code(),
            Code::UnknownInclude
        );
        assert_eq!(
            Shape::parse(Some("title,password_hash"), None)
                .unwrap_err()
                .code(),
            Code::UnknownField
        );
        let shape = Shape::parse(Some("title,authors"), Some("authors")).unwrap();
        let mut article = json!({"id": "1", "title": "T", "sapo": "S", "authors": [], "tags": []});
        shape.apply(&mut article);
        assert_eq!(article, json!({"id": "1", "title": "T", "authors": []}));
    }
}
