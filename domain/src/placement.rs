//! Placement rules: the "Nổi bật" (featured) slots and related-article
//! picks.

use crate::FieldError;
use chrono::{DateTime, Utc};

/// Featured slots allowed when the configuration says nothing.
pub const DEFAULT_FEATURED_MAX: usize = 20;
/// Most related-article picks an editor sets on one article.
pub const MAX_RELATED_PICKS: usize = 10;
/// Related articles a read returns when `limit` is absent.
pub const DEFAULT_RELATED_LIMIT: i64 = 5;
/// Most related articles one read returns.
pub const MAX_RELATED_LIMIT: i64 = 20;

/// A slot's expiry: absent, or still to come at `now` (an expiry already
/// past would store a slot nobody ever sees).
pub fn slot_expiry(
    field: &str,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, FieldError> {
    let Some(at) = expires_at else {
        return Ok(None);
    };
    let at = crate::article::instant(field, at)?;
    if at <= now {
        return Err(FieldError::new(
            field,
            "in_the_past",
            "the slot's expiry must be in the future",
        ));
    }
    Ok(Some(at))
}

/// True when a slot set to expire at `expires_at` still shows at `now`.
pub fn slot_showing(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    expires_at.is_none_or(|at| at > now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_slot_shows_until_its_expiry_and_a_past_expiry_is_refused() {
        let now = Utc::now();
        let later = now + Duration::minutes(5);
        assert!(slot_showing(None, now));
        assert!(slot_showing(Some(later), now));
        assert!(!slot_showing(Some(now), now));
        assert_eq!(slot_expiry("e", Some(later), now), Ok(Some(later)));
        assert_eq!(slot_expiry("e", None, now), Ok(None));
        assert_eq!(
            slot_expiry("e", Some(now), now).unwrap_err().code,
            "in_the_past"
        );
    }
}
