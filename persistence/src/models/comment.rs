//! `comments` rows.

use super::stored::Stored;
use crate::schema::comments;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use toasoan_domain::comment::CommentStatus;

/// A comment as stored: what moderators see, e-mail and address hash included.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = comments)]
pub struct CommentRow {
    pub id: String,
    pub article_id: String,
    pub parent_id: Option<String>,
    pub root_id: Option<String>,
    pub depth: i16,
    pub author_name: String,
    pub email: Option<String>,
    pub body: String,
    pub body_hash: String,
    pub ip_hash: Option<String>,
    pub user_id: Option<String>,
    pub is_staff: bool,
    #[diesel(serialize_as = Stored<CommentStatus>, deserialize_as = Stored<CommentStatus>)]
    pub status: CommentStatus,
    pub spam_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub moderated_at: Option<NaiveDateTime>,
    pub moderated_by: Option<String>,
}

/// A comment as readers may see it. It has no e-mail or address column, so
/// a public read cannot leak them whatever the code above it does.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = comments)]
pub struct PublicCommentRow {
    pub id: String,
    pub parent_id: Option<String>,
    pub root_id: Option<String>,
    pub depth: i16,
    pub author_name: String,
    pub body: String,
    pub is_staff: bool,
    pub created_at: NaiveDateTime,
}

/// An editor's correction of a comment's text or shown name.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = comments)]
pub struct CommentEdit {
    pub author_name: Option<String>,
    pub body: Option<String>,
    pub body_hash: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

impl TryFrom<CommentRow> for toasoan_domain::comment::Comment {
    type Error = crate::DbError;

    fn try_from(row: CommentRow) -> Result<Self, Self::Error> {
        use super::{at, corrupt, id, opt_id};
        Ok(Self {
            id: id(&row.id)?,
            article_id: id(&row.article_id)?,
            parent_id: opt_id(row.parent_id.as_deref())?,
            depth: u8::try_from(row.depth).map_err(corrupt)?,
            author_name: row.author_name,
            email: row.email,
            body: row.body,
            status: row.status,
            is_staff: row.is_staff,
            user_id: opt_id(row.user_id.as_deref())?,
            created_at: at(row.created_at),
            updated_at: at(row.updated_at),
        })
    }
}
