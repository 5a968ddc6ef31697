//! Tags: free keywords that group articles across categories.

use crate::FieldError;
use crate::text::plain;

/// A tag name: 1 to 80 characters.
pub fn name(raw: &str) -> Result<String, FieldError> {
    plain("name", raw, 1, 80)
}
