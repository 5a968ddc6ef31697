//! "Nổi bật": the ordered featured slots. Editors replace the whole list;
//! readers get the entries whose article they may see now
//! (`articles::visible_to_readers`) and whose slot has not expired, so
//! entries drop out by themselves, with no job to remove them.

use super::articles::visible_to_readers;
use crate::models::article::ArticleSummaryRow;
use crate::schema::{articles, featured_slots};
use crate::{DbConn, DbError};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// One slot to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSlot {
    /// The featured article.
    pub article_id: String,
    /// When the slot stops showing; never when `None`.
    pub expires_at: Option<NaiveDateTime>,
}

/// Replaces the whole list, in the given order (run it in a transaction).
pub fn replace(
    conn: &mut DbConn,
    slots: &[NewSlot],
    set_by: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::delete(featured_slots::table).execute(conn)?;
    for (position, slot) in slots.iter().enumerate() {
        diesel::insert_into(featured_slots::table)
            .values((
                featured_slots::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                featured_slots::article_id.eq(&slot.article_id),
                featured_slots::expires_at.eq(slot.expires_at),
                featured_slots::set_by.eq(set_by),
                featured_slots::set_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The slots showing at `now`, in order, each article as lists show it
/// with its slot's expiry: one query, whatever the number of slots.
pub fn showing(
    conn: &mut DbConn,
    now: NaiveDateTime,
) -> Result<Vec<(ArticleSummaryRow, Option<NaiveDateTime>)>, DbError> {
    Ok(featured_slots::table
        .inner_join(articles::table)
        .filter(visible_to_readers(now))
        .filter(
            featured_slots::expires_at
                .is_null()
                .or(featured_slots::expires_at.gt(now)),
        )
        .order(featured_slots::position)
        .select((ArticleSummaryRow::as_select(), featured_slots::expires_at))
        .load(conn)?)
}
