//! `events` rows (what readers saw change) and `due_work` rows (scheduled
//! publications and expiries still to become events).

use super::stored::Stored;
use crate::schema::{due_work, events};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use toasoan_domain::event::{DueKind, EventType};

/// A recorded event.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = events)]
pub struct EventRow {
    /// UUIDv7, in the order events were recorded.
    pub id: String,
    /// What happened.
    #[diesel(deserialize_as = Stored<EventType>, serialize_as = Stored<EventType>)]
    pub event_type: EventType,
    /// The article (no foreign key: it may be deleted since).
    pub article_id: String,
    /// Its slug then.
    pub article_slug: String,
    /// Who did it; `None` for a scheduled publication or an expiry.
    pub actor_id: Option<String>,
    /// When readers saw the change.
    pub occurred_at: NaiveDateTime,
    /// A JSON snapshot: `{"article": {"id", "slug", "title", ...}}`.
    pub data: Option<String>,
}

/// A scheduled publication or expiry not yet turned into an event.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, QueryableByName)]
#[diesel(table_name = due_work)]
pub struct DueRow {
    /// The article.
    pub article_id: String,
    /// Publication or expiry.
    #[diesel(deserialize_as = Stored<DueKind>, serialize_as = Stored<DueKind>)]
    pub kind: DueKind,
    /// When it falls due.
    pub due_at: NaiveDateTime,
}

/// A note sent back with an article, with the sender's shown name.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::schema::article_review_notes)]
pub struct ReviewNoteRow {
    /// UUIDv7.
    pub id: String,
    /// The article.
    pub article_id: String,
    /// The note, plain text.
    pub note: String,
    /// The editor who sent it (`None` once the account is gone).
    pub created_by: Option<String>,
    /// When.
    pub created_at: NaiveDateTime,
}

impl From<Stored<EventType>> for EventType {
    fn from(stored: Stored<EventType>) -> Self {
        stored.0
    }
}

impl From<EventType> for Stored<EventType> {
    fn from(value: EventType) -> Self {
        Stored(value)
    }
}

impl From<Stored<DueKind>> for DueKind {
    fn from(stored: Stored<DueKind>) -> Self {
        stored.0
    }
}

impl From<DueKind> for Stored<DueKind> {
    fn from(value: DueKind) -> Self {
        Stored(value)
    }
}
