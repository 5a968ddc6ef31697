//! Choosing a slug for a new or renamed resource.

use crate::error::{ApiError, Code};
use toasoan_domain::slug::{Slug, first_free};

/// The slug to store: the one asked for, if free; otherwise one made from
/// `source` (a title or name), numbered past those already taken. `taken`
/// lists the slugs that clash with a base.
pub fn choose(
    requested: Option<&str>,
    source: &str,
    fallback: &str,
    taken: impl FnOnce(&str) -> Result<Vec<String>, ApiError>,
) -> Result<String, ApiError> {
    if let Some(raw) = requested {
        let slug = Slug::parse(raw.trim()).map_err(ApiError::field)?;
        if taken(slug.as_str())?.iter().any(|t| t == slug.as_str()) {
            return Err(Code::SlugTaken.err(format!("the slug {slug} is already in use")));
        }
        return Ok(slug.into_string());
    }
    // A title of only emoji or punctuation still gets a readable slug.
    let base = Slug::from_title(source)
        .or_else(|| Slug::from_title(fallback))
        .ok_or_else(|| ApiError::internal("fallback slug is empty"))?;
    let taken = taken(base.as_str())?;
    Ok(first_free(&base, &taken).into_string())
}
