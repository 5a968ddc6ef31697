//! Reader comments: what a comment is, the rules its fields obey, its
//! moderation states, per-article comment modes and reply nesting. Spam
//! screening lives in [`screening`], the text rules in `text`.

pub mod screening;
mod text;

pub use text::{AuthorName, CommentBody, MAX_AUTHOR_NAME, TextLimits, count_links};

use crate::FieldError;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A reader's (or a staff member's) comment on an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// UUIDv7; orders comments by arrival.
    pub id: Uuid,
    /// The article commented on.
    pub article_id: Uuid,
    /// The comment replied to, if a reply.
    pub parent_id: Option<Uuid>,
    /// Nesting level: 1 for a comment on the article, 2 for a reply to it, ...
    pub depth: u8,
    /// The commenter's shown name.
    pub author_name: String,
    /// The commenter's e-mail address: for the newsroom only, never public.
    pub email: Option<String>,
    /// The text, plain (never HTML).
    pub body: String,
    /// Moderation state; only approved comments are public and counted.
    pub status: CommentStatus,
    /// Written by a newsroom account and marked as such.
    pub is_staff: bool,
    /// The staff account that wrote it.
    pub user_id: Option<Uuid>,
    /// When posted.
    pub created_at: DateTime<Utc>,
    /// When last edited or moderated.
    pub updated_at: DateTime<Utc>,
}

/// Moderation state of a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommentStatus {
    /// Waiting for an editor.
    Pending,
    /// Shown under the article and counted in `comment_count`.
    Approved,
    /// Hidden by an editor.
    Rejected,
    /// Hidden as spam (honeypot, blocklist, or an editor's call).
    Spam,
}

impl CommentStatus {
    /// Every status, in the order moderators see them.
    pub const ALL: [CommentStatus; 4] = [
        CommentStatus::Pending,
        CommentStatus::Approved,
        CommentStatus::Rejected,
        CommentStatus::Spam,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Pending => "pending",
            CommentStatus::Approved => "approved",
            CommentStatus::Rejected => "rejected",
            CommentStatus::Spam => "spam",
        }
    }

    /// Reads a stored or requested name.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| {
                FieldError::new(
                    "status",
                    "invalid_status",
                    "status is pending, approved, rejected or spam",
                )
            })
    }

    /// True when readers see it (and `comment_count` counts it).
    pub fn is_public(self) -> bool {
        self == CommentStatus::Approved
    }

    /// How the article's `comment_count` changes when a comment moves
    /// from `self` to `to`: +1, -1 or 0.
    pub fn count_delta(self, to: CommentStatus) -> i32 {
        i32::from(to.is_public()) - i32::from(self.is_public())
    }
}

/// Whether an article takes and shows comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CommentMode {
    /// Readers post; approved comments are shown.
    #[default]
    Open,
    /// Approved comments are still shown; new ones are refused.
    Closed,
    /// Nothing is shown and new comments are refused.
    Hidden,
}

impl CommentMode {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentMode::Open => "open",
            CommentMode::Closed => "closed",
            CommentMode::Hidden => "hidden",
        }
    }

    /// Reads a stored or requested name.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw {
            "open" => Ok(CommentMode::Open),
            "closed" => Ok(CommentMode::Closed),
            "hidden" => Ok(CommentMode::Hidden),
            _ => Err(FieldError::new(
                "comment_mode",
                "invalid_comment_mode",
                "comment_mode is open, closed or hidden",
            )),
        }
    }

    /// True when new comments are taken.
    pub fn accepts_new(self) -> bool {
        self == CommentMode::Open
    }

    /// True when approved comments are shown to readers.
    pub fn shows(self) -> bool {
        self != CommentMode::Hidden
    }
}

/// The nesting level of a new comment: 1 on the article, the parent's
/// level + 1 for a reply, refused past `max_depth` levels.
pub fn reply_depth(parent_depth: Option<u8>, max_depth: u8) -> Result<u8, FieldError> {
    let depth = match parent_depth {
        None => Some(1),
        Some(d) => d.checked_add(1),
    };
    let Some(depth) = depth.filter(|&d| d <= max_depth.max(1)) else {
        return Err(FieldError::new(
            "parent_id",
            "reply_too_deep",
            format!("replies nest at most {max_depth} levels deep"),
        ));
    };
    Ok(depth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_nest_up_to_the_limit() {
        assert_eq!(reply_depth(None, 2), Ok(1));
        assert_eq!(reply_depth(Some(1), 2), Ok(2));
        assert_eq!(reply_depth(Some(2), 2).unwrap_err().code, "reply_too_deep");
        assert_eq!(reply_depth(Some(1), 1).unwrap_err().code, "reply_too_deep");
        assert_eq!(
            reply_depth(Some(255), 255).unwrap_err().code,
            "reply_too_deep"
        );
    }

    #[test]
    fn only_approval_changes_the_count() {
        use CommentStatus::*;
        assert_eq!(Pending.count_delta(Approved), 1);
        assert_eq!(Approved.count_delta(Spam), -1);
        assert_eq!(Approved.count_delta(Approved), 0);
        assert_eq!(Rejected.count_delta(Spam), 0);
        for s in CommentStatus::ALL {
            assert_eq!(CommentStatus::parse(s.as_str()), Ok(s));
        }
        assert!(CommentStatus::parse("deleted").is_err());
    }

    #[test]
    fn modes_decide_what_is_taken_and_shown() {
        assert!(CommentMode::Open.accepts_new() && CommentMode::Open.shows());
        assert!(!CommentMode::Closed.accepts_new() && CommentMode::Closed.shows());
        assert!(!CommentMode::Hidden.accepts_new() && !CommentMode::Hidden.shows());
        assert_eq!(CommentMode::parse("closed"), Ok(CommentMode::Closed));
        assert!(CommentMode::parse("Open").is_err());
    }
}
