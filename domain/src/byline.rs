//! Bylines: who contributed to an article, in order, each with a role.

use crate::FieldError;
use serde::{Deserialize, Serialize};

/// What an author did for an article. A plain author id in a byline is a
/// writer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BylineRole {
    /// Wrote the text (the default).
    #[default]
    Writer,
    /// Took the photos.
    Photographer,
    /// Edited it.
    Editor,
    /// Translated it.
    Translator,
}

impl BylineRole {
    /// Every role, in the order documentation lists them.
    pub const ALL: [BylineRole; 4] = [
        BylineRole::Writer,
        BylineRole::Photographer,
        BylineRole::Editor,
        BylineRole::Translator,
    ];

    /// The stored (and serialized) name.
    pub fn as_str(self) -> &'static str {
        match self {
            BylineRole::Writer => "writer",
            BylineRole::Photographer => "photographer",
            BylineRole::Editor => "editor",
            BylineRole::Translator => "translator",
        }
    }

    /// Reads a role name; anything else is an `invalid_role` error.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == raw)
            .ok_or_else(|| {
                FieldError::new(
                    "role",
                    "invalid_role",
                    "the role must be writer, photographer, editor or translator",
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_back_their_own_names_and_nothing_else() {
        for role in BylineRole::ALL {
            assert_eq!(BylineRole::parse(role.as_str()), Ok(role));
        }
        assert_eq!(BylineRole::default(), BylineRole::Writer);
        for bad in ["", "Writer", "illustrator", " writer"] {
            assert_eq!(BylineRole::parse(bad).unwrap_err().code, "invalid_role");
        }
    }
}
