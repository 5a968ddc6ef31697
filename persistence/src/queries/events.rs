//! Transition events: the one place they are recorded, and the admins'
//! keyset-paged list. Every writer of an article calls
//! [`article_written`] in its transaction, with the row as it was and as
//! it is; scheduled publications and expiries are recorded by
//! [`super::due_work`] when their time comes; a comment readers now see
//! by [`comment_approved`], from the comment writes.

use super::{due_work, optional, webhooks};
use crate::models::article::ArticleRow;
use crate::models::comment::CommentRow;
use crate::models::event::EventRow;
use crate::models::stored::Stored;
use crate::schema::{articles, events};
use crate::{DbConn, DbError, time};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use toasoan_domain::article::Action;
use toasoan_domain::comment::CommentMode;
use toasoan_domain::event::EventType;

/// Records what a write did to an article as readers see it, exactly once,
/// and keeps its scheduled publication and expiry in step. Call it inside
/// the write's transaction, after the write, with the article as it was
/// (`before`, `None` for a new one) and as it is (`after`, `None` once
/// deleted). `action` names the write (`Edit` for any change of content or
/// metadata: a PATCH, a restored revision, a correction); `actor` is the
/// account that made it; `now` is the instant the write happened.
///
/// First, work of this article that fell due before `now` and no loop has
/// claimed yet is recorded (a scheduled publication whose time came just
/// before the edit is recorded before the edit's event). Then the write's
/// own event, if readers notice it (see `EventType::of_write`): appeared
/// (`published`), changed while public (`updated`), or left (`unpublished`,
/// `archived`, `deleted`, or `expired` when an edit moved the expiry into
/// the past). Last, the pending due work is replaced to match `after`.
pub fn article_written(
    conn: &mut DbConn,
    action: Action,
    before: Option<&ArticleRow>,
    after: Option<&ArticleRow>,
    actor: Option<&str>,
    now: NaiveDateTime,
) -> Result<Option<EventRow>, DbError> {
    let Some(article) = after.or(before) else {
        return Ok(None);
    };
    if let Some(before) = before {
        due_work::settle(conn, before, now)?;
    }
    let at = time::from_db(now);
    let was_public = before.is_some_and(|row| row.is_public(at));
    let is_public = after.is_some_and(|row| row.is_public(at));
    let recorded = match EventType::of_write(action, was_public, is_public) {
        Some(event_type) => Some(record(conn, event_type, article, actor, now)?),
        None => None,
    };
    due_work::schedule(conn, &article.id, after, now)?;
    Ok(recorded)
}

/// Stores one event about `article` (as it is at `occurred_at`), with a
/// delivery for each webhook subscription that takes it.
pub fn record(
    conn: &mut DbConn,
    event_type: EventType,
    article: &ArticleRow,
    actor: Option<&str>,
    occurred_at: NaiveDateTime,
) -> Result<EventRow, DbError> {
    let data = snapshot(article, occurred_at);
    insert(conn, event_type, article, actor, occurred_at, data)
}

/// Records `comment.approved` for `comment`, which has just become
/// approved (by a moderator, or when posted), if readers see it: its
/// article is public at `now` and shows its comments. Call it in the
/// transaction that approved it, once per comment that changed. `actor`
/// is the moderator, or the staff account that posted it.
pub fn comment_approved(
    conn: &mut DbConn,
    comment: &CommentRow,
    actor: Option<&str>,
    now: NaiveDateTime,
) -> Result<Option<EventRow>, DbError> {
    let found: Option<(ArticleRow, Stored<CommentMode>)> = optional(
        articles::table
            .find(&comment.article_id)
            .select((ArticleRow::as_select(), articles::comment_mode))
            .first(conn),
    )?;
    let Some((article, Stored(mode))) = found else {
        return Ok(None);
    };
    if !mode.shows() || !article.is_public(time::from_db(now)) {
        return Ok(None);
    }
    let mut data = snapshot(&article, now);
    data["comment"] = serde_json::json!({
        "id": comment.id,
        "parent_id": comment.parent_id,
        "author_name": comment.author_name,
        "body": comment.body,
        "is_staff": comment.is_staff,
        "created_at": time::from_db(comment.created_at),
    });
    let event = insert(conn, EventType::CommentApproved, &article, actor, now, data)?;
    Ok(Some(event))
}

fn insert(
    conn: &mut DbConn,
    event_type: EventType,
    article: &ArticleRow,
    actor: Option<&str>,
    occurred_at: NaiveDateTime,
    data: serde_json::Value,
) -> Result<EventRow, DbError> {
    let row = EventRow {
        id: uuid::Uuid::now_v7().to_string(),
        event_type,
        article_id: article.id.clone(),
        article_slug: article.slug.clone(),
        actor_id: actor.map(str::to_owned),
        occurred_at,
        data: Some(data.to_string()),
    };
    diesel::insert_into(events::table)
        .values(row.clone())
        .execute(conn)?;
    webhooks::fan_out(conn, &row)?;
    Ok(row)
}

/// What a webhook or a purge needs to know of the article, as JSON:
/// `{"article": {"id", "slug", "title", "status", "published_at",
/// "unpublish_at", "category_id", "version"}}` (`status` as clients saw it
/// at `at`).
fn snapshot(article: &ArticleRow, at: NaiveDateTime) -> serde_json::Value {
    let published_at = article.published_at.map(time::from_db);
    let unpublish_at = article.unpublish_at.map(time::from_db);
    let status = article
        .status
        .public(published_at, unpublish_at, time::from_db(at));
    serde_json::json!({
        "article": {
            "id": article.id,
            "slug": article.slug,
            "title": article.title,
            "status": status,
            "published_at": published_at,
            "unpublish_at": unpublish_at,
            "category_id": article.category_id,
            "version": article.version,
        }
    })
}

/// A page request of the event list, newest first.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    /// Only events of this type.
    pub event_type: Option<EventType>,
    /// Only events of this article.
    pub article_id: Option<String>,
    /// Continue after this event id.
    pub after: Option<String>,
    /// Rows to return.
    pub limit: i64,
}

/// One page of events, newest (last recorded) first, by id (UUIDv7) on
/// the primary key or the `events_type` / `events_article` index.
pub fn list(conn: &mut DbConn, q: &EventQuery) -> Result<Vec<EventRow>, DbError> {
    let mut query = events::table.select(EventRow::as_select()).into_boxed();
    if let Some(event_type) = q.event_type {
        query = query.filter(events::event_type.eq(Stored(event_type)));
    }
    if let Some(article) = &q.article_id {
        query = query.filter(events::article_id.eq(article.clone()));
    }
    if let Some(after) = &q.after {
        query = query.filter(events::id.lt(after.clone()));
    }
    Ok(query.order(events::id.desc()).limit(q.limit).load(conn)?)
}
