//! Comments: posting, moderation that keeps `articles.comment_count`
//! exact, threaded public pages and moderation queues.
//!
//! Every write here runs in `conn.transaction`, a savepoint inside the
//! caller's `write_tx` (which it should be, so SQLite takes the write lock
//! up front).

mod threads;

pub use threads::{Order, Thread, threads};

use super::{Key, key, optional};
use crate::models::comment::{CommentEdit, CommentRow};
use crate::models::stored::Stored;
use crate::schema::{articles, comments};
use crate::{DbConn, DbError};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use toasoan_domain::article::Status;
use toasoan_domain::comment::{CommentMode, CommentStatus};

/// What posting a comment needs to know about its article.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentTarget {
    /// The article's id.
    pub id: String,
    /// Its workflow status.
    pub status: Status,
    /// When it is (or was) due.
    pub published_at: Option<DateTime<Utc>>,
    /// When it expires.
    pub unpublish_at: Option<DateTime<Utc>>,
    /// Whether it takes and shows comments.
    pub mode: CommentMode,
}

impl CommentTarget {
    /// True when readers can see the article at `now`.
    pub fn is_public(&self, now: DateTime<Utc>) -> bool {
        toasoan_domain::article::visible_to_readers(
            self.status,
            self.published_at,
            self.unpublish_at,
            now,
        )
    }
}

/// An article by id or slug, with what commenting needs (no body read).
pub fn target(conn: &mut DbConn, raw_key: &str) -> Result<Option<CommentTarget>, DbError> {
    let query = articles::table
        .select((
            articles::id,
            articles::status,
            articles::published_at,
            articles::comment_mode,
            articles::unpublish_at,
        ))
        .into_boxed();
    let query = match key(raw_key) {
        Some(Key::Id(id)) => query.filter(articles::id.eq(id)),
        Some(Key::Slug(slug)) => query.filter(articles::slug.eq(slug)),
        None => return Ok(None),
    };
    type Found = (
        String,
        Stored<Status>,
        Option<NaiveDateTime>,
        Stored<CommentMode>,
        Option<NaiveDateTime>,
    );
    let found: Option<Found> = optional(query.first(conn))?;
    Ok(found.map(
        |(id, status, published_at, mode, unpublish_at)| CommentTarget {
            id,
            status: status.0,
            published_at: published_at.map(crate::time::from_db),
            unpublish_at: unpublish_at.map(crate::time::from_db),
            mode: mode.0,
        },
    ))
}

/// Sets an article's comment mode; false when there is no such article.
pub fn set_mode(conn: &mut DbConn, article_id: &str, mode: CommentMode) -> Result<bool, DbError> {
    let updated = diesel::update(articles::table.find(article_id))
        .set(articles::comment_mode.eq(Stored(mode)))
        .execute(conn)?;
    Ok(updated == 1)
}

/// A comment by id, everything included (for staff).
pub fn find(conn: &mut DbConn, id: &str) -> Result<Option<CommentRow>, DbError> {
    optional(
        comments::table
            .find(id)
            .select(CommentRow::as_select())
            .first(conn),
    )
}

/// True when the same text (by fingerprint) was posted since `since` on
/// this article, or from this address anywhere.
pub fn is_duplicate(
    conn: &mut DbConn,
    body_hash: &str,
    article_id: &str,
    ip_hash: Option<&str>,
    since: NaiveDateTime,
) -> Result<bool, DbError> {
    let mut query = comments::table
        .filter(comments::body_hash.eq(body_hash))
        .filter(comments::created_at.gt(since))
        .select(comments::id)
        .into_boxed();
    let here = comments::article_id.eq(article_id.to_owned());
    query = match ip_hash {
        Some(ip) => query.filter(here.or(comments::ip_hash.eq(ip.to_owned()))),
        None => query.filter(here),
    };
    let found: Option<String> = optional(query.first(conn))?;
    Ok(found.is_some())
}

fn bump(conn: &mut DbConn, article_id: &str, delta: i32) -> Result<(), DbError> {
    if delta != 0 {
        diesel::update(articles::table.find(article_id))
            .set(articles::comment_count.eq(articles::comment_count + delta))
            .execute(conn)?;
        // The count is in what readers get of the article.
        super::documents::stale(conn, &[article_id.to_owned()])?;
    }
    Ok(())
}

/// Stores a comment; an approved one raises the article's count and
/// records `comment.approved` in the same transaction.
pub fn insert(conn: &mut DbConn, row: &CommentRow) -> Result<(), DbError> {
    let approved = row.status == CommentStatus::Approved;
    conn.transaction(|conn| {
        diesel::insert_into(comments::table)
            .values(row.clone())
            .execute(conn)?;
        bump(conn, &row.article_id, i32::from(approved))?;
        if approved {
            super::events::comment_approved(conn, row, row.user_id.as_deref(), row.created_at)?;
        }
        Ok(())
    })
}

/// Records `comment.approved` for a comment a moderator has just moved to
/// approved.
fn record_approval(
    conn: &mut DbConn,
    id: &str,
    by: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let row: Option<CommentRow> = optional(
        comments::table
            .find(id)
            .select(CommentRow::as_select())
            .first(conn),
    )?;
    if let Some(row) = row {
        super::events::comment_approved(conn, &row, by, now)?;
    }
    Ok(())
}

/// The result of a status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    /// The status before.
    pub from: CommentStatus,
    /// True when this call changed it (false: it already had that status).
    pub changed: bool,
}

/// Moves a comment to `to` and adjusts the count by exactly what changed.
/// The update is conditional on the status just read, so of two
/// concurrent approvals one changes the row and the other finds it
/// approved already: the count moves once, and `comment.approved` is
/// recorded once. `None` when there is no such comment.
pub fn set_status(
    conn: &mut DbConn,
    id: &str,
    to: CommentStatus,
    by: Option<&str>,
    now: NaiveDateTime,
) -> Result<Option<Moved>, DbError> {
    conn.transaction(|conn| {
        let Some((moved, article_id)) = move_one(conn, id, to, by, now)? else {
            return Ok(None);
        };
        if moved.changed {
            bump(conn, &article_id, moved.from.count_delta(to))?;
            if to == CommentStatus::Approved {
                record_approval(conn, id, by, now)?;
            }
        }
        Ok(Some(moved))
    })
}

/// The status change of `set_status`, without touching the count.
fn move_one(
    conn: &mut DbConn,
    id: &str,
    to: CommentStatus,
    by: Option<&str>,
    now: NaiveDateTime,
) -> Result<Option<(Moved, String)>, DbError> {
    // Each lost race means another writer committed a change; a few
    // rounds settle it.
    for _ in 0..8 {
        let current: Option<(Stored<CommentStatus>, String)> = optional(
            comments::table
                .find(id)
                .select((comments::status, comments::article_id))
                .first(conn),
        )?;
        let Some((Stored(from), article_id)) = current else {
            return Ok(None);
        };
        if from == to {
            let moved = Moved {
                from,
                changed: false,
            };
            return Ok(Some((moved, article_id)));
        }
        let updated = diesel::update(
            comments::table
                .find(id)
                .filter(comments::status.eq(Stored(from))),
        )
        .set((
            comments::status.eq(Stored(to)),
            comments::moderated_at.eq(Some(now)),
            comments::moderated_by.eq(by),
            comments::updated_at.eq(now),
        ))
        .execute(conn)?;
        if updated == 1 {
            let moved = Moved {
                from,
                changed: true,
            };
            return Ok(Some((moved, article_id)));
        }
    }
    Err(DbError::Backend(format!(
        "comment {id} kept changing under a status update"
    )))
}

/// Moves many comments to `to` in one transaction; each id gets the
/// outcome `set_status` would give it alone (results in id order).
///
/// Rows are locked in one global order, comments by id and then articles
/// by id, so concurrent bulk calls and single changes cannot deadlock on
/// PostgreSQL whatever order their ids came in.
pub fn set_status_many(
    conn: &mut DbConn,
    ids: &[String],
    to: CommentStatus,
    by: Option<&str>,
    now: NaiveDateTime,
) -> Result<Vec<(String, Option<Moved>)>, DbError> {
    let mut sorted: Vec<&String> = ids.iter().collect();
    sorted.sort();
    sorted.dedup();
    conn.transaction(|conn| {
        let mut deltas: std::collections::BTreeMap<String, i32> = Default::default();
        let mut results = Vec::with_capacity(sorted.len());
        for id in sorted {
            let moved = match move_one(conn, id, to, by, now)? {
                Some((moved, article_id)) => {
                    if moved.changed {
                        *deltas.entry(article_id).or_default() += moved.from.count_delta(to);
                        if to == CommentStatus::Approved {
                            record_approval(conn, id, by, now)?;
                        }
                    }
                    Some(moved)
                }
                None => None,
            };
            results.push((id.clone(), moved));
        }
        for (article_id, delta) in deltas {
            bump(conn, &article_id, delta)?;
        }
        Ok(results)
    })
}

/// Corrects a comment's name or text; false when there is no such comment.
pub fn edit(conn: &mut DbConn, id: &str, edit: &CommentEdit) -> Result<bool, DbError> {
    let updated = diesel::update(comments::table.find(id))
        .set(edit)
        .execute(conn)?;
    Ok(updated == 1)
}

/// Deletes a comment and its replies, lowering the count by the approved
/// ones among them. Returns how many were deleted (0: no such comment).
pub fn delete(conn: &mut DbConn, id: &str) -> Result<usize, DbError> {
    conn.transaction(|conn| {
        let Some(article_id) = optional(
            comments::table
                .find(id)
                .select(comments::article_id)
                .first::<String>(conn),
        )?
        else {
            return Ok(0);
        };
        let mut subtree = vec![id.to_owned()];
        let mut frontier = subtree.clone();
        while !frontier.is_empty() {
            frontier = comments::table
                .filter(comments::parent_id.eq_any(&frontier))
                .select(comments::id)
                .load(conn)?;
            subtree.extend(frontier.iter().cloned());
        }
        let approved: i64 = comments::table
            .filter(comments::id.eq_any(&subtree))
            .filter(comments::status.eq(Stored(CommentStatus::Approved)))
            .count()
            .get_result(conn)?;
        // Counted from the subtree: SQLite does not report rows that a
        // foreign-key cascade removed.
        diesel::delete(comments::table.filter(comments::id.eq_any(&subtree))).execute(conn)?;
        bump(
            conn,
            &article_id,
            -i32::try_from(approved).unwrap_or(i32::MAX),
        )?;
        Ok(subtree.len())
    })
}

/// A moderation queue request.
#[derive(Debug, Clone, Default)]
pub struct QueueQuery {
    /// Only comments in this status.
    pub status: Option<CommentStatus>,
    /// Only comments on this article.
    pub article_id: Option<String>,
    /// Continue after this comment id (newest first).
    pub after: Option<String>,
    /// Rows to return.
    pub limit: i64,
}

/// Comments for moderators, newest first.
pub fn queue(conn: &mut DbConn, q: &QueueQuery) -> Result<Vec<CommentRow>, DbError> {
    let mut query = comments::table.select(CommentRow::as_select()).into_boxed();
    if let Some(status) = q.status {
        query = query.filter(comments::status.eq(Stored(status)));
    }
    if let Some(article) = &q.article_id {
        query = query.filter(comments::article_id.eq(article.clone()));
    }
    if let Some(after) = &q.after {
        query = query.filter(comments::id.lt(after.clone()));
    }
    Ok(query.order(comments::id.desc()).limit(q.limit).load(conn)?)
}

#[cfg(test)]
mod tests;
