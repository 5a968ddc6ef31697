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

/// The provisional slug of an author's new or renamed article `id`: the
/// one asked for (if valid) or one made from `source` or `fallback`,
/// followed by the article's mark. It is never compared with other
/// articles' slugs, so it tells the author nothing about articles they may
/// not read; `settle` gives the article its lasting slug when published.
pub fn provisional(
    requested: Option<&str>,
    source: &str,
    fallback: &str,
    id: &str,
) -> Result<Slug, ApiError> {
    let wish = match requested {
        Some(raw) => Slug::parse(raw.trim()).map_err(ApiError::field)?,
        None => Slug::from_title(source)
            .or_else(|| Slug::from_title(fallback))
            .ok_or_else(|| ApiError::internal("fallback slug is empty"))?,
    };
    Ok(wish.provisional(id))
}

/// The settled slug of the article `id` whose slug is `current`: `None`
/// when it is settled already; else the slug its provisional one stands
/// for, numbered past those `taken` (by other articles) if in use.
pub fn settle(
    current: &str,
    id: &str,
    taken: impl FnOnce(&str) -> Result<Vec<String>, ApiError>,
) -> Result<Option<String>, ApiError> {
    let Some(wish) = Slug::settling(current, id) else {
        return Ok(None);
    };
    let taken = taken(wish.as_str())?;
    Ok(Some(first_free(&wish, &taken).into_string()))
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

/// Tries a create makes at a slug derived from a title or name before
/// giving up (each lost race means another create committed meanwhile, so
/// n creates at once need at most n tries).
pub const ATTEMPTS: u32 = 8;

/// Whether a create that failed with `error` on its `attempts`-th try
/// should choose its slug again: its slug was derived, not `requested`,
/// and another create took it between the choice and the insert.
pub fn retry(requested: bool, error: &ApiError, attempts: u32) -> bool {
    !requested && error.code() == Code::SlugTaken && attempts < ATTEMPTS
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

#[cfg(test)]
mod tests {
    use super::*;

    fn taken(slugs: &[&str]) -> impl FnOnce(&str) -> Result<Vec<String>, ApiError> {
        let slugs: Vec<String> = slugs.iter().map(|s| (*s).to_owned()).collect();
        move |_| Ok(slugs)
    }

    fn code(result: Result<impl std::fmt::Debug, ApiError>) -> Option<Code> {
        result.err().map(|e| e.code())
    }

    #[test]
    fn a_new_resource_gets_its_slug_from_the_name_numbered_past_clashes() {
        let chosen = choose(None, "Thời sự", "muc", taken(&["thoi-su", "thoi-su-2"]));
        assert_eq!(chosen.ok().as_deref(), Some("thoi-su-3"));
        let chosen = choose(None, "🎉", "chuyen-muc", taken(&[]));
        assert_eq!(chosen.ok().as_deref(), Some("chuyen-muc"));
        let asked = choose(Some(" tin-nhanh "), "Thời sự", "muc", taken(&[]));
        assert_eq!(asked.ok().as_deref(), Some("tin-nhanh"));
        let clash = choose(Some("thoi-su"), "Khác", "muc", taken(&["thoi-su"]));
        assert_eq!(code(clash), Some(Code::SlugTaken));
    }

    #[test]
    fn a_provisional_slug_settles_to_what_it_stands_for_numbered_past_clashes() {
        let id = "0190f1c2-7c1e-7b3a-9f55-4c1d2e3f4a5b";
        let made = provisional(None, "Tin mới", "bai-viet", id).ok();
        assert_eq!(made.as_ref().map(Slug::as_str), Some("tin-moi-2e3f4a5b"));
        let asked = provisional(Some("tin-khac"), "Tin mới", "bai-viet", id).ok();
        assert_eq!(asked.as_ref().map(Slug::as_str), Some("tin-khac-2e3f4a5b"));
        let invalid = provisional(Some("Tin khác"), "Tin mới", "bai-viet", id);
        assert_eq!(code(invalid), Some(Code::ValidationFailed));
        let settled = settle("tin-moi-2e3f4a5b", id, taken(&["tin-moi"])).ok();
        assert_eq!(settled, Some(Some("tin-moi-2".to_owned())));
        assert_eq!(settle("tin-moi", id, taken(&[])).ok(), Some(None));
    }

    #[test]
    fn a_rename_changes_the_slug_only_when_another_free_one_is_asked_for() {
        assert_eq!(
            change("thoi-su", None, taken(&["thoi-su"])).ok(),
            Some(None)
        );
        assert_eq!(
            change("thoi-su", Some("thoi-su"), taken(&["thoi-su"])).ok(),
            Some(None)
        );
        assert_eq!(
            change("thoi-su", Some("tin-nhanh"), taken(&[])).ok(),
            Some(Some("tin-nhanh".to_owned()))
        );
        let clash = change("thoi-su", Some("the-gioi"), taken(&["the-gioi"]));
        assert_eq!(code(clash), Some(Code::SlugTaken));
        let invalid = change("thoi-su", Some("Thế giới"), taken(&[]));
        assert_eq!(code(invalid), Some(Code::ValidationFailed));
    }
}
