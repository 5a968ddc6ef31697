//! Choosing a slug for a new or renamed resource.

use crate::error::{ApiError, Code};
use toasoan_domain::slug::{Slug, first_free};

/// The slug to store for a new resource: the one asked for, if free;
/// otherwise one made from `source` (a title or name), or from `fallback`
/// when `source` leaves nothing sluggable, numbered past those already
/// taken. `taken` lists the slugs that clash with a base.
pub fn choose(
    requested: Option<&str>,
    source: &str,
    fallback: &str,
    taken: impl FnOnce(&str) -> Result<Vec<String>, ApiError>,
) -> Result<String, ApiError> {
    if let Some(raw) = requested {
        return claim(raw, taken);
    }
    // A title of only emoji or punctuation still gets a readable slug.
    let base = Slug::from_title(source)
        .or_else(|| Slug::from_title(fallback))
        .ok_or_else(|| ApiError::internal("fallback slug is empty"))?;
    let taken = taken(base.as_str())?;
    Ok(first_free(&base, &taken).into_string())
}

/// The new slug of a renamed resource: `None` when none is asked for or it
/// is the `current` one; the one asked for when it is valid and free.
pub fn change(
    current: &str,
    requested: Option<&str>,
    taken: impl FnOnce(&str) -> Result<Vec<String>, ApiError>,
) -> Result<Option<String>, ApiError> {
    match requested {
        Some(raw) if raw != current => claim(raw, taken).map(Some),
        _ => Ok(None),
    }
}

/// A slug asked for by name: valid and free, or refused (never renumbered).
fn claim(
    raw: &str,
    taken: impl FnOnce(&str) -> Result<Vec<String>, ApiError>,
) -> Result<String, ApiError> {
    let slug = Slug::parse(raw.trim()).map_err(ApiError::field)?;
    if taken(slug.as_str())?.iter().any(|t| t == slug.as_str()) {
        return Err(Code::SlugTaken.err(format!("the slug {slug} is already in use")));
    }
    Ok(slug.into_string())
}
