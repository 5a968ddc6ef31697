//! Reader comments, held for moderation before they appear.

use crate::FieldError;
use crate::text::plain;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A reader's comment on an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// UUIDv7.
    pub id: Uuid,
    /// The article commented on.
    pub article_id: Uuid,
    /// The commenter's shown name.
    pub author_name: String,
    /// The text, plain.
    pub body: String,
    /// Moderation state; only approved comments are public and counted.
    pub status: CommentStatus,
    /// When posted.
    pub created_at: DateTime<Utc>,
}

/// Moderation state of a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentStatus {
    /// Waiting for an editor.
    Pending,
    /// Shown under the article and counted in `comment_count`.
    Approved,
    /// Hidden.
    Rejected,
}

impl CommentStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Pending => "pending",
            CommentStatus::Approved => "approved",
            CommentStatus::Rejected => "rejected",
        }
    }

    /// Reads a stored name.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw {
            "pending" => Ok(CommentStatus::Pending),
            "approved" => Ok(CommentStatus::Approved),
            "rejected" => Ok(CommentStatus::Rejected),
            _ => Err(FieldError::new(
                "status",
                "invalid_status",
                "status is pending, approved or rejected",
            )),
        }
    }
}

/// A comment's text: 1 to 5 000 characters of plain text.
pub fn body(raw: &str) -> Result<String, FieldError> {
    plain("body", raw, 1, 5_000)
}

/// The commenter's shown name: 1 to 80 characters.
pub fn author_name(raw: &str) -> Result<String, FieldError> {
    plain("author_name", raw, 1, 80)
}
