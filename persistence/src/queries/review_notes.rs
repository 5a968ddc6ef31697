//! Notes an editor sends back with an in-review article: the history the
//! article's staff view shows, newest first.

use crate::models::event::ReviewNoteRow;
use crate::schema::{article_review_notes, users};
use crate::{DbConn, DbError};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Stores a note sent back with an article.
pub fn insert(
    conn: &mut DbConn,
    article_id: &str,
    note: &str,
    by: &str,
    at: NaiveDateTime,
) -> Result<ReviewNoteRow, DbError> {
    let row = ReviewNoteRow {
        id: uuid::Uuid::now_v7().to_string(),
        article_id: article_id.to_owned(),
        note: note.to_owned(),
        created_by: Some(by.to_owned()),
        created_at: at,
    };
    diesel::insert_into(article_review_notes::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(row)
}

/// The notes of an article, newest first, each with its sender's shown
/// name (`None` once the account is gone): one query.
pub fn of_article(
    conn: &mut DbConn,
    article_id: &str,
) -> Result<Vec<(ReviewNoteRow, Option<String>)>, DbError> {
    Ok(article_review_notes::table
        .left_join(users::table)
        .filter(article_review_notes::article_id.eq(article_id))
        .order(article_review_notes::id.desc())
        .select((ReviewNoteRow::as_select(), users::display_name.nullable()))
        .load(conn)?)
}
