//! An article's public threads: a page of approved top-level comments and
//! all their approved replies, in two queries.

use crate::models::comment::PublicCommentRow;
use crate::models::stored::Stored;
use crate::schema::comments;
use crate::{DbConn, DbError};
use diesel::prelude::*;
use toasoan_domain::comment::CommentStatus;

/// Which end of the conversation a page starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Oldest threads first.
    Oldest,
    /// Newest threads first.
    Newest,
}

/// An approved comment with its approved replies, in arrival order.
#[derive(Debug, Clone, PartialEq)]
pub struct Thread {
    /// The comment.
    pub comment: PublicCommentRow,
    /// Replies to it.
    pub replies: Vec<Thread>,
}

/// One page of an article's approved threads: `limit` top-level comments
/// after `after` (a top-level comment id) in `order`, and all their
/// approved replies: two queries, whatever the page size.
pub fn threads(
    conn: &mut DbConn,
    article_id: &str,
    order: Order,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<Thread>, DbError> {
    let mut query = comments::table
        .filter(comments::article_id.eq(article_id))
        .filter(comments::status.eq(Stored(CommentStatus::Approved)))
        .filter(comments::depth.eq(1))
        .select(PublicCommentRow::as_select())
        .into_boxed();
    query = match (order, after) {
        (Order::Oldest, Some(a)) => query.filter(comments::id.gt(a.to_owned())),
        (Order::Newest, Some(a)) => query.filter(comments::id.lt(a.to_owned())),
        (_, None) => query,
    };
    query = match order {
        Order::Oldest => query.order(comments::id.asc()),
        Order::Newest => query.order(comments::id.desc()),
    };
    let roots: Vec<PublicCommentRow> = query.limit(limit).load(conn)?;
    if roots.is_empty() {
        return Ok(Vec::new());
    }
    let root_ids: Vec<&str> = roots.iter().map(|r| r.id.as_str()).collect();
    // Sorted here, not by the database: asked to sort by id, SQLite may
    // walk every approved comment of the site in id order instead of
    // looking up these threads.
    let mut replies: Vec<PublicCommentRow> = comments::table
        .filter(comments::root_id.eq_any(&root_ids))
        .filter(comments::status.eq(Stored(CommentStatus::Approved)))
        .select(PublicCommentRow::as_select())
        .load(conn)?;
    replies.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(assemble(roots, replies))
}

/// Hangs replies under their parents. A reply whose parent is not shown
/// (held, rejected, deleted) is not shown either.
fn assemble(roots: Vec<PublicCommentRow>, replies: Vec<PublicCommentRow>) -> Vec<Thread> {
    use std::collections::HashMap;
    let mut children: HashMap<String, Vec<PublicCommentRow>> = HashMap::new();
    for reply in replies {
        if let Some(parent) = reply.parent_id.clone() {
            children.entry(parent).or_default().push(reply);
        }
    }
    fn grow(
        comment: PublicCommentRow,
        children: &mut HashMap<String, Vec<PublicCommentRow>>,
    ) -> Thread {
        let replies = children
            .remove(&comment.id)
            .unwrap_or_default()
            .into_iter()
            .map(|c| grow(c, children))
            .collect();
        Thread { comment, replies }
    }
    roots.into_iter().map(|r| grow(r, &mut children)).collect()
}
