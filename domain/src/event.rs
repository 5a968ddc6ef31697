//! Transition events: what readers-facing change an article write makes
//! (it appeared, changed, left), and comments becoming visible, recorded
//! once each for webhooks and CDN purges to hang on.

use crate::FieldError;
use crate::article::Action;
use serde::{Deserialize, Serialize};

/// What happened to an article, as readers see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EventType {
    /// It became public: published now or back-dated, or a scheduled
    /// publication whose time came.
    #[serde(rename = "article.published")]
    Published,
    /// A public article changed.
    #[serde(rename = "article.updated")]
    Updated,
    /// A public article was taken back to draft, or rescheduled to the future.
    #[serde(rename = "article.unpublished")]
    Unpublished,
    /// A public article reached its `unpublish_at`.
    #[serde(rename = "article.expired")]
    Expired,
    /// A public article was archived.
    #[serde(rename = "article.archived")]
    Archived,
    /// A public article was deleted.
    #[serde(rename = "article.deleted")]
    Deleted,
    /// A comment became visible to readers: approved by a moderator, or
    /// shown at once when posted (staff, or an article whose comments are
    /// not held), on an article readers see that shows its comments.
    #[serde(rename = "comment.approved")]
    CommentApproved,
}

impl EventType {
    /// Every type, in the order the API documents them.
    pub const ALL: [EventType; 7] = [
        EventType::Published,
        EventType::Updated,
        EventType::Unpublished,
        EventType::Expired,
        EventType::Archived,
        EventType::Deleted,
        EventType::CommentApproved,
    ];

    /// The stored and published name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Published => "article.published",
            EventType::Updated => "article.updated",
            EventType::Unpublished => "article.unpublished",
            EventType::Expired => "article.expired",
            EventType::Archived => "article.archived",
            EventType::Deleted => "article.deleted",
            EventType::CommentApproved => "comment.approved",
        }
    }

    /// Reads a name.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == raw)
            .ok_or_else(|| FieldError::new("type", "invalid_event_type", "unknown event type"))
    }

    /// The event a write records, from whether readers saw the article
    /// just before it (`was_public`) and see it just after (`is_public`):
    /// appearing is `published`; leaving is named by the action (an edit
    /// can only make it leave by moving its expiry into the past); staying
    /// public is `updated`; staying hidden records nothing.
    pub fn of_write(action: Action, was_public: bool, is_public: bool) -> Option<EventType> {
        match (was_public, is_public) {
            (false, true) => Some(EventType::Published),
            (true, true) => Some(EventType::Updated),
            (true, false) => Some(match action {
                Action::Archive => EventType::Archived,
                Action::Delete => EventType::Deleted,
                Action::Edit => EventType::Expired,
                Action::Publish | Action::Unpublish | Action::Submit | Action::Return => {
                    EventType::Unpublished
                }
            }),
            (false, false) => None,
        }
    }
}

/// Work that falls due at an instant: what a due-work loop turns into an
/// event when the time comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DueKind {
    /// A scheduled publication.
    Publish,
    /// An expiry.
    Expire,
}

impl DueKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DueKind::Publish => "publish",
            DueKind::Expire => "expire",
        }
    }

    /// Reads a stored name.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw {
            "publish" => Ok(DueKind::Publish),
            "expire" => Ok(DueKind::Expire),
            _ => Err(FieldError::new("kind", "invalid_kind", "unknown due work")),
        }
    }

    /// The event it becomes.
    pub fn event(self) -> EventType {
        match self {
            DueKind::Publish => EventType::Published,
            DueKind::Expire => EventType::Expired,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()).unwrap(), t);
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.as_str())
            );
        }
        assert!(EventType::parse("article.read").is_err());
        for k in [DueKind::Publish, DueKind::Expire] {
            assert_eq!(DueKind::parse(k.as_str()).unwrap(), k);
        }
    }

    #[test]
    fn a_write_records_what_readers_notice() {
        use Action::*;
        assert_eq!(
            EventType::of_write(Publish, false, true),
            Some(EventType::Published)
        );
        assert_eq!(EventType::of_write(Publish, false, false), None);
        assert_eq!(
            EventType::of_write(Edit, true, true),
            Some(EventType::Updated)
        );
        assert_eq!(EventType::of_write(Edit, false, false), None);
        assert_eq!(
            EventType::of_write(Edit, true, false),
            Some(EventType::Expired)
        );
        assert_eq!(
            EventType::of_write(Archive, true, false),
            Some(EventType::Archived)
        );
        assert_eq!(EventType::of_write(Archive, false, false), None);
        assert_eq!(
            EventType::of_write(Delete, true, false),
            Some(EventType::Deleted)
        );
        assert_eq!(EventType::of_write(Delete, false, false), None);
        assert_eq!(
            EventType::of_write(Unpublish, true, false),
            Some(EventType::Unpublished)
        );
        assert_eq!(
            EventType::of_write(Publish, true, false),
            Some(EventType::Unpublished)
        );
    }
}
