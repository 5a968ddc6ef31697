//! Articles: title and sapo rules, the editorial workflow, and who may do what.

use crate::FieldError;
use crate::block::Body;
use crate::slug::Slug;
use crate::text::{optional_plain, plain};
use crate::user::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longest title, in characters.
pub const MAX_TITLE: usize = 300;
/// Longest sapo (lead paragraph), in characters.
pub const MAX_SAPO: usize = 2_000;
/// Most authors in one byline.
pub const MAX_AUTHORS: usize = 10;
/// Most tags on one article.
pub const MAX_TAGS: usize = 30;

/// An article without its body: what lists show.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleMeta {
    /// UUIDv7.
    pub id: Uuid,
    /// URL slug.
    pub slug: Slug,
    /// Headline.
    pub title: String,
    /// Lead paragraph.
    pub sapo: Option<String>,
    /// Workflow status as stored.
    pub status: Status,
    /// Shown among featured articles.
    pub featured: bool,
    /// Order among featured articles.
    pub featured_rank: Option<i32>,
    /// Publication instant; in the future for a scheduled article.
    pub published_at: Option<DateTime<Utc>>,
    /// Expiry: from this instant on readers no longer see it.
    pub unpublish_at: Option<DateTime<Utc>>,
    /// Section.
    pub category_id: Option<Uuid>,
    /// Cover photo.
    pub cover_image_id: Option<Uuid>,
    /// The account that created it (its owner, for authors' rights).
    pub created_by: Option<Uuid>,
    /// Approved comments.
    pub comment_count: i32,
    /// Increases on every change (optimistic locking).
    pub version: i32,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

/// A whole article. Its ordered byline and its tags are separate entities
/// linked by id, loaded in batches by whoever shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// Everything but the body.
    pub meta: ArticleMeta,
    /// Validated, sanitized body blocks.
    pub body: Body,
    /// The body rendered to safe HTML.
    pub body_html: String,
}

impl ArticleMeta {
    /// True when readers may see it at `now`.
    pub fn is_public(&self, now: DateTime<Utc>) -> bool {
        visible_to_readers(self.status, self.published_at, self.unpublish_at, now)
    }
}

/// The one definition of "visible to readers": published, its
/// publication instant has come, and its expiry (`unpublish_at`) has not.
/// The SQL filter of the public list (`visible_to_readers` in
/// `toasoan_persistence::queries::articles`) mirrors it, and a test there
/// checks they agree; change both together.
pub fn visible_to_readers(
    status: Status,
    published_at: Option<DateTime<Utc>>,
    unpublish_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    status == Status::Published
        && published_at.is_some_and(|at| at <= now)
        && unpublish_at.is_none_or(|until| until > now)
}

/// Earliest year of an instant an editor sets (expiry).
pub const MIN_YEAR: i32 = 1900;
/// Latest year of an instant an editor sets.
pub const MAX_YEAR: i32 = 9999;

/// An instant an editor sets, within years 1900 to 9999.
pub fn instant(field: &str, at: DateTime<Utc>) -> Result<DateTime<Utc>, FieldError> {
    use chrono::Datelike;
    if (MIN_YEAR..=MAX_YEAR).contains(&at.year()) {
        Ok(at)
    } else {
        Err(FieldError::new(
            field,
            "out_of_range",
            format!("must fall in the years {MIN_YEAR} to {MAX_YEAR}"),
        ))
    }
}

/// An expiry must come after the publication it ends; either may be unset.
pub fn expiry_after_publication(
    published_at: Option<DateTime<Utc>>,
    unpublish_at: Option<DateTime<Utc>>,
) -> Result<(), FieldError> {
    match (published_at, unpublish_at) {
        (Some(from), Some(until)) if until <= from => Err(FieldError::new(
            "unpublish_at",
            "unpublish_before_publish",
            "unpublish_at must come after published_at",
        )),
        _ => Ok(()),
    }
}

/// Longest note an editor sends back with an article, in characters.
pub const MAX_REVIEW_NOTE: usize = 2_000;

/// A note sent back with an article: 1 to 2 000 characters, plain text.
pub fn review_note(raw: &str) -> Result<String, FieldError> {
    plain("note", raw, 1, MAX_REVIEW_NOTE)
}

/// An article title: 1 to 300 characters after trimming.
pub fn title(raw: &str) -> Result<String, FieldError> {
    plain("title", raw, 1, MAX_TITLE)
}

/// The sapo (lead paragraph): optional, plain text.
pub fn sapo(raw: Option<&str>) -> Result<Option<String>, FieldError> {
    optional_plain("sapo", raw, MAX_SAPO)
}

/// Where an article stands in the editorial workflow, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Being written; only staff see it.
    Draft,
    /// Submitted by its author for an editor to review.
    InReview,
    /// Published: public from `published_at` on (scheduled until then).
    Published,
    /// Withdrawn from the public; kept for the record.
    Archived,
}

/// Where an article stands, as clients see it: `scheduled` is a published
/// article whose time has not come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PublicStatus {
    /// Being written.
    Draft,
    /// Waiting for an editor.
    InReview,
    /// Published, to appear at `published_at`.
    Scheduled,
    /// Visible to the public.
    Published,
    /// Published, but its `unpublish_at` has passed: no longer public.
    Expired,
    /// Withdrawn.
    Archived,
}

impl Status {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::InReview => "in_review",
            Status::Published => "published",
            Status::Archived => "archived",
        }
    }

    /// Reads a stored name.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw {
            "draft" => Ok(Status::Draft),
            "in_review" => Ok(Status::InReview),
            "published" => Ok(Status::Published),
            "archived" => Ok(Status::Archived),
            _ => Err(FieldError::new(
                "status",
                "invalid_status",
                "unknown article status",
            )),
        }
    }

    /// How clients see this status at `now`.
    pub fn public(
        self,
        published_at: Option<DateTime<Utc>>,
        unpublish_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> PublicStatus {
        match self {
            Status::Draft => PublicStatus::Draft,
            Status::InReview => PublicStatus::InReview,
            Status::Archived => PublicStatus::Archived,
            Status::Published if published_at.is_some_and(|at| at > now) => PublicStatus::Scheduled,
            Status::Published if unpublish_at.is_some_and(|until| until <= now) => {
                PublicStatus::Expired
            }
            Status::Published => PublicStatus::Published,
        }
    }

    /// The status after `action`, or why the action does not apply.
    pub fn after(self, action: Action) -> Result<Status, FieldError> {
        use Action::*;
        use Status::*;
        let next = match (action, self) {
            (Submit, Draft) => InReview,
            (Publish, Draft | InReview | Published | Archived) => Published,
            (Unpublish, Published | InReview | Archived) => Draft,
            (Archive, Draft | InReview | Published) => Archived,
            (Return, InReview) => Draft,
            _ => {
                return Err(FieldError::new(
                    "status",
                    "invalid_transition",
                    format!(
                        "cannot {} an article that is {}",
                        action.as_str(),
                        self.as_str()
                    ),
                ));
            }
        };
        Ok(next)
    }
}

/// Something done to an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Change its fields.
    Edit,
    /// Remove it for good.
    Delete,
    /// Hand a draft to the editors.
    Submit,
    /// Make it public now, at a past date, or at a future time.
    Publish,
    /// Take it back to draft.
    Unpublish,
    /// Withdraw it from the public.
    Archive,
    /// Send a submitted article back to its author with a note (editors).
    Return,
}

impl Action {
    /// The verb, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Edit => "edit",
            Action::Delete => "delete",
            Action::Submit => "submit",
            Action::Publish => "publish",
            Action::Unpublish => "unpublish",
            Action::Archive => "archive",
            Action::Return => "return",
        }
    }
}

/// Whether `role` may do `action` to an article in `status`; `own` says the
/// caller created it. Editors and admins may do anything; authors may edit,
/// delete and submit their own drafts, and nothing else.
pub fn may(role: Role, action: Action, own: bool, status: Status) -> bool {
    if role.at_least(Role::Editor) {
        return true;
    }
    own && status == Status::Draft
        && matches!(action, Action::Edit | Action::Delete | Action::Submit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn an_author_may_only_touch_their_own_drafts() {
        assert!(may(Role::Author, Action::Edit, true, Status::Draft));
        assert!(may(Role::Author, Action::Submit, true, Status::Draft));
        assert!(!may(Role::Author, Action::Edit, false, Status::Draft));
        assert!(!may(Role::Author, Action::Edit, true, Status::Published));
        assert!(!may(Role::Author, Action::Publish, true, Status::Draft));
        assert!(may(Role::Editor, Action::Publish, false, Status::InReview));
    }

    #[test]
    fn the_workflow_allows_only_sensible_moves() {
        assert_eq!(
            Status::Draft.after(Action::Submit).unwrap(),
            Status::InReview
        );
        assert_eq!(
            Status::InReview.after(Action::Publish).unwrap(),
            Status::Published
        );
        assert_eq!(
            Status::Published.after(Action::Unpublish).unwrap(),
            Status::Draft
        );
        assert!(Status::Published.after(Action::Submit).is_err());
        assert!(Status::Draft.after(Action::Unpublish).is_err());
        assert!(Status::Archived.after(Action::Archive).is_err());
        assert_eq!(
            Status::InReview.after(Action::Return).unwrap(),
            Status::Draft
        );
        for status in [Status::Draft, Status::Published, Status::Archived] {
            assert!(status.after(Action::Return).is_err());
        }
    }

    #[test]
    fn only_editors_send_an_article_back() {
        assert!(may(Role::Editor, Action::Return, false, Status::InReview));
        assert!(may(Role::Admin, Action::Return, false, Status::InReview));
        assert!(!may(Role::Author, Action::Return, true, Status::InReview));
        assert!(!may(Role::Author, Action::Return, true, Status::Draft));
    }

    #[test]
    fn an_expiry_must_follow_the_publication_and_fall_in_sane_years() {
        let now = Utc::now();
        let hour = Duration::hours(1);
        assert!(expiry_after_publication(Some(now), Some(now + hour)).is_ok());
        assert!(expiry_after_publication(None, Some(now)).is_ok());
        assert!(expiry_after_publication(Some(now), None).is_ok());
        let err = expiry_after_publication(Some(now), Some(now)).unwrap_err();
        assert_eq!(err.code, "unpublish_before_publish");
        assert!(expiry_after_publication(Some(now), Some(now - hour)).is_err());
        assert!(instant("unpublish_at", now).is_ok());
        let ancient = DateTime::parse_from_rfc3339("1899-12-31T23:59:59Z").unwrap();
        assert!(instant("unpublish_at", ancient.to_utc()).is_err());
    }

    #[test]
    fn review_notes_are_required_and_bounded() {
        assert!(review_note("  ").is_err());
        assert!(review_note(&"a".repeat(MAX_REVIEW_NOTE + 1)).is_err());
        assert_eq!(review_note(" Thiếu nguồn ").unwrap(), "Thiếu nguồn");
    }

    #[test]
    fn a_published_article_in_the_future_is_scheduled() {
        let now = Utc::now();
        let status = Status::Published;
        assert_eq!(
            status.public(Some(now + Duration::minutes(5)), None, now),
            PublicStatus::Scheduled
        );
        assert_eq!(
            status.public(Some(now - Duration::minutes(5)), None, now),
            PublicStatus::Published
        );
        assert_eq!(
            status.public(Some(now - Duration::minutes(5)), Some(now), now),
            PublicStatus::Expired
        );
    }

    #[test]
    fn readers_see_only_published_articles_whose_time_has_come() {
        let now = Utc::now();
        let past = Some(now - Duration::minutes(5));
        let later = Some(now + Duration::minutes(5));
        assert!(visible_to_readers(Status::Published, past, None, now));
        assert!(visible_to_readers(Status::Published, Some(now), None, now));
        assert!(!visible_to_readers(Status::Published, later, None, now));
        assert!(!visible_to_readers(Status::Published, None, None, now));
        for status in [Status::Draft, Status::InReview, Status::Archived] {
            assert!(!visible_to_readers(status, past, None, now));
        }
        // Until its expiry, not from it on.
        assert!(visible_to_readers(Status::Published, past, later, now));
        assert!(!visible_to_readers(Status::Published, past, Some(now), now));
        assert!(!visible_to_readers(Status::Published, past, past, now));
    }

    #[test]
    fn titles_are_required_and_bounded() {
        assert!(title("  ").is_err());
        assert!(title(&"ă".repeat(MAX_TITLE + 1)).is_err());
        assert_eq!(title(" Mặt trận ").unwrap(), "Mặt trận");
    }
}
