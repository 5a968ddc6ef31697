//! `article_revisions` and `corrections` rows.

use super::stored::Stored;
use crate::schema::{article_revisions, corrections};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use toasoan_domain::article::Status;
use toasoan_domain::revision::DEFAULT_DRAFTS_KEPT;

/// Who saves an article, and how many revisions of a draft to keep: every
/// write of an article records a revision by them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saver {
    /// The account saving (none for imports and seeding).
    pub user_id: Option<String>,
    /// Newest revisions a never-published article keeps (besides its first).
    pub drafts_kept: u32,
}

impl Default for Saver {
    fn default() -> Self {
        Self {
            user_id: None,
            drafts_kept: DEFAULT_DRAFTS_KEPT,
        }
    }
}

impl Saver {
    /// `user_id` saving, keeping `drafts_kept` draft revisions.
    pub fn new(user_id: &str, drafts_kept: u32) -> Self {
        Self {
            user_id: Some(user_id.to_owned()),
            drafts_kept,
        }
    }
}

/// A revision as the history lists it: no snapshot.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = article_revisions)]
pub struct RevisionSummaryRow {
    pub article_id: String,
    pub n: i32,
    pub version: i32,
    pub saved_by: Option<String>,
    pub saved_at: NaiveDateTime,
    pub title: String,
    #[diesel(deserialize_as = Stored<Status>)]
    pub status: Status,
}

/// A whole revision.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = article_revisions)]
pub struct RevisionRow {
    pub article_id: String,
    pub n: i32,
    pub version: i32,
    pub saved_by: Option<String>,
    pub saved_at: NaiveDateTime,
    pub title: String,
    #[diesel(serialize_as = Stored<Status>, deserialize_as = Stored<Status>)]
    pub status: Status,
    /// `toasoan_domain::revision::Snapshot` as JSON.
    pub snapshot: String,
}

/// A public correction note.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = corrections)]
pub struct CorrectionRow {
    pub id: String,
    pub article_id: String,
    pub text: String,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}
