//! Authors: bylines. An author may or may not have an account.

use crate::FieldError;
use crate::text::{optional_plain, plain};

/// A byline name ("Lê Thị Như Thủy"): 1 to 120 characters.
pub fn name(raw: &str) -> Result<String, FieldError> {
    plain("name", raw, 1, 120)
}

/// A short biography of up to 2 000 characters.
pub fn bio(raw: Option<&str>) -> Result<Option<String>, FieldError> {
    optional_plain("bio", raw, 2_000)
}
