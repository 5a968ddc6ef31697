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

/// A new password: 10 to 256 characters, not common or guessable, and not
/// containing the account's e-mail name or display name.
pub struct Password(String);

/// Whose password it is, so it cannot be built from their own details.
#[derive(Debug, Clone, Copy)]
pub struct Owner<'a> {
    /// The account's e-mail.
    pub email: &'a str,
    /// The account's shown name.
    pub display_name: &'a str,
}

impl Password {
    /// Shortest password accepted.
    pub const MIN: usize = 10;
    /// Longest password accepted (argon2 cost does not depend on it, but bodies do).
    pub const MAX: usize = 256;
    /// Lowest zxcvbn score accepted: 3 is "safely unguessable" (more than
    /// 10^8 guesses), what Dropbox's own zxcvbn recommends for accounts.
    pub const MIN_SCORE: u8 = 3;
    /// The shortest own detail (e-mail name, display name) a password may
    /// not contain; shorter ones ("an") would refuse too much.
    const MIN_DETAIL: usize = 4;

    /// Checks the rules: length, then the owner's details, then strength
    /// (zxcvbn, which looks at the first 100 characters only, so the
    /// check stays fast at 256).
    pub fn parse(raw: &str, owner: Owner<'_>) -> Result<Self, FieldError> {
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
        let local = owner.email.split('@').next().unwrap_or_default();
        let folded = fold(raw);
        let own = [local, owner.display_name]
            .into_iter()
            .map(fold)
            .any(|detail| detail.chars().count() >= Self::MIN_DETAIL && folded.contains(&detail));
        if own {
            return Err(FieldError::new(
                "password",
                "contains_personal",
                "must not contain the account's e-mail name or display name",
            ));
        }
        let mut inputs: Vec<&str> = vec![owner.email, local, owner.display_name];
        inputs.extend(owner.display_name.split_whitespace());
        let estimate = zxcvbn::zxcvbn(raw, &inputs);
        if u8::from(estimate.score()) < Self::MIN_SCORE {
            let hint = estimate
                .feedback()
                .and_then(|f| f.warning())
                .map(|w| format!(" ({w})"))
                .unwrap_or_default();
            return Err(FieldError::new(
                "password",
                "too_weak",
                format!(
                    "too common or easy to guess{hint}; a few unrelated words, or a longer phrase, will do"
                ),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The password, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Lowercase ASCII letters and digits only, without tone marks, so
/// `Lê Như Thủy` is found in `LeNhuThuy2024`.
fn fold(raw: &str) -> String {
    deunicode::deunicode(raw)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
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

    const OWNER: Owner<'static> = Owner {
        email: "nhu.thuy@baoquangnam.vn",
        display_name: "Lê Như Thủy",
    };

    #[test]
    fn passwords_have_bounds() {
        assert!(Password::parse("short", OWNER).is_err());
        assert!(Password::parse(&"x".repeat(257), OWNER).is_err());
        assert!(Password::parse("mật khẩu dài đủ", OWNER).is_ok());
    }

    #[test]
    fn common_guessable_and_personal_passwords_are_refused() {
        let code = |raw: &str| Password::parse(raw, OWNER).err().map(|e| e.code);
        for weak in [
            "0123456789",
            "aaaaaaaaaa",
            "password123",
            "qwertyuiop",
            "iloveyou12",
            "1234567890",
            "abcdefghijk",
            "Password2024!",
        ] {
            assert_eq!(code(weak), Some("too_weak"), "{weak}");
        }
        for personal in [
            "nhu.thuy-2024-xyz",
            "NhuThuy!!mua-thu",
            "lenhuthuy-bao-chi",
            "Lê-Như-Thủy-1990",
        ] {
            assert_eq!(code(personal), Some("contains_personal"), "{personal}");
        }
        let editor = Owner {
            email: "bt1@baoquangnam.vn",
            display_name: "Trần Quốc Toản",
        };
        assert_eq!(
            Password::parse("TranQuocToan-1285!", editor)
                .err()
                .map(|e| e.code),
            Some("contains_personal")
        );
        // Details under four characters (`bt1`) would refuse too much.
        assert!(Password::parse("bt1-mat-khau-du-dai", editor).is_ok());
        for good in [
            "mat-khau-du-dai",
            "doi-mat-khau-nay",
            "mat-khau-quan-tri",
            "gió lộng trên đèo Hải Vân",
            "correct horse battery staple",
        ] {
            assert_eq!(code(good), None, "{good}");
        }
        // The longest accepted password is checked quickly (zxcvbn reads
        // its first 100 characters).
        let long: String = "ngựa ô chạy qua cầu Rồng "
            .repeat(11)
            .chars()
            .take(256)
            .collect();
        let started = std::time::Instant::now();
        assert_eq!(code(&long), None);
        println!("zxcvbn on 256 characters: {:?}", started.elapsed());
    }
}
