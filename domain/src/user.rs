//! Accounts and roles.

use crate::FieldError;
use crate::text::plain;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A staff account (never with its password hash).
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// UUIDv7.
    pub id: Uuid,
    /// Login e-mail, lowercased.
    pub email: Email,
    /// Shown name.
    pub display_name: String,
    /// What the account may do.
    pub role: Role,
    /// False once disabled.
    pub is_active: bool,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

/// What an account may do; each role includes the ones below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Writes articles, edits their own drafts, submits them for review.
    Author,
    /// Publishes, edits any article, moderates, manages the taxonomy.
    Editor,
    /// Everything, including accounts.
    Admin,
}

impl Role {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Author => "author",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// Reads a stored or wire name.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw {
            "author" => Ok(Role::Author),
            "editor" => Ok(Role::Editor),
            "admin" => Ok(Role::Admin),
            _ => Err(FieldError::new(
                "role",
                "invalid_role",
                "role is admin, editor or author",
            )),
        }
    }

    /// True when this role includes `other`'s rights.
    pub fn at_least(self, other: Role) -> bool {
        self >= other
    }
}

/// A login e-mail address, trimmed and lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld`-shaped addresses up to 254 characters.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let email = raw.trim().to_lowercase();
        let shaped = email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
        if email.len() > 254
            || !shaped
            || email.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(FieldError::new(
                "email",
                "invalid_email",
                "not an e-mail address",
            ));
        }
        Ok(Self(email))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 10 to 256 characters.
pub struct Password(String);

impl Password {
    /// Shortest password accepted.
    pub const MIN: usize = 10;
    /// Longest password accepted (argon2 cost does not depend on it, but bodies do).
    pub const MAX: usize = 256;

    /// Checks the length rules.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let len = raw.chars().count();
        if len < Self::MIN {
            return Err(FieldError::new(
                "password",
                "too_short",
                format!("at least {} characters", Self::MIN),
            ));
        }
        if len > Self::MAX {
            return Err(FieldError::new(
                "password",
                "too_long",
                format!("at most {} characters", Self::MAX),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The password, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The name shown for an account: 1 to 120 characters.
pub fn display_name(raw: &str) -> Result<String, FieldError> {
    plain("display_name", raw, 1, 120)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_rights() {
        assert!(Role::Admin.at_least(Role::Editor));
        assert!(Role::Editor.at_least(Role::Author));
        assert!(!Role::Author.at_least(Role::Editor));
        assert_eq!(Role::parse("editor").unwrap(), Role::Editor);
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse(" Bien.Tap@BaoQuangNam.vn ").unwrap().as_str(),
            "bien.tap@baoquangnam.vn"
        );
        for bad in ["", "a", "a@b", "@b.vn", "a b@c.vn", "a@.vn"] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_have_bounds() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse(&"x".repeat(257)).is_err());
        assert!(Password::parse("mật khẩu dài đủ").is_ok());
    }
}
