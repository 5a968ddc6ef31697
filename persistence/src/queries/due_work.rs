//! Scheduled publications and expiries waiting to become events. A row is
//! written in the transaction that schedules the work and replaced when it
//! is rescheduled; whoever deletes a due row records its event, so each is
//! recorded once whatever the number of instances: the due-work loop of
//! every instance ([`run_due`]: `FOR UPDATE SKIP LOCKED` on PostgreSQL,
//! inside `BEGIN IMMEDIATE` on SQLite), or a writer of the article that
//! gets there first ([`settle`]).

use super::{articles, events, optional};
use crate::models::article::ArticleRow;
use crate::models::event::DueRow;
use crate::models::stored::Stored;
use crate::schema::due_work;
use crate::{DbConn, DbError, time, write_tx};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};
use toasoan_domain::article::{Status, visible_to_readers};
use toasoan_domain::event::DueKind;

/// Replaces the pending work of an article with what `after` schedules:
/// its publication if it is published with a future `published_at`, its
/// expiry if it is published with a future `unpublish_at`.
pub fn schedule(
    conn: &mut DbConn,
    article_id: &str,
    after: Option<&ArticleRow>,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::delete(due_work::table.filter(due_work::article_id.eq(article_id))).execute(conn)?;
    let Some(row) = after.filter(|r| r.status == Status::Published) else {
        return Ok(());
    };
    let pending = [
        (DueKind::Publish, row.published_at),
        (DueKind::Expire, row.unpublish_at),
    ];
    for (kind, at) in pending {
        if let Some(due_at) = at.filter(|at| *at > now) {
            diesel::insert_into(due_work::table)
                .values(DueRow {
                    article_id: article_id.to_owned(),
                    kind,
                    due_at,
                })
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Records the work of one article that fell due by `now` and that no
/// loop has claimed, judged against the article as it was before the
/// caller's write (`before`). Called by `events::article_written`.
pub fn settle(conn: &mut DbConn, before: &ArticleRow, now: NaiveDateTime) -> Result<(), DbError> {
    let due: Vec<DueRow> = due_work::table
        .filter(due_work::article_id.eq(&before.id))
        .filter(due_work::due_at.le(now))
        .order(due_work::due_at)
        .select(DueRow::as_select())
        .load(conn)?;
    for row in due {
        fire(conn, &row, Some(before))?;
    }
    Ok(())
}

/// Turns the work due by `now` into events, at most `batch` rows, in one
/// write transaction; returns how many events were recorded. A cheap read
/// first, so an idle instance takes no write lock.
pub fn run_due(conn: &mut DbConn, now: NaiveDateTime, batch: i64) -> Result<usize, DbError> {
    let any: Option<String> = optional(
        due_work::table
            .filter(due_work::due_at.le(now))
            .select(due_work::article_id)
            .first(conn),
    )?;
    if any.is_none() {
        return Ok(0);
    }
    write_tx(conn, |conn| {
        let mut recorded = 0;
        for row in claim(conn, now, batch)? {
            if fire(conn, &row, None)? {
                recorded += 1;
            }
        }
        Ok(recorded)
    })
}

/// The due rows this transaction may take: on PostgreSQL locked, skipping
/// those another instance holds; on SQLite the IMMEDIATE transaction
/// already excludes every other writer.
fn claim(conn: &mut DbConn, now: NaiveDateTime, batch: i64) -> Result<Vec<DueRow>, DbError> {
    let sql = match conn {
        DbConn::Sqlite(_) => {
            "SELECT article_id, kind, due_at FROM due_work WHERE due_at <= ? \
             ORDER BY due_at, kind DESC LIMIT ?"
        }
        DbConn::Pg(_) => {
            "SELECT article_id, kind, due_at FROM due_work WHERE due_at <= $1 \
             ORDER BY due_at, kind DESC LIMIT $2 FOR UPDATE SKIP LOCKED"
        }
    };
    Ok(diesel::sql_query(sql)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(batch)
        .load(conn)?)
}

/// Deletes one due row and, when this call deleted it, records its event
/// if the article still stands as the row says (else the row was stale:
/// nothing happened). `article` is the article's state to judge by, read
/// when not given. Returns true when an event was recorded.
fn fire(conn: &mut DbConn, row: &DueRow, article: Option<&ArticleRow>) -> Result<bool, DbError> {
    let deleted = diesel::delete(
        due_work::table
            .filter(due_work::article_id.eq(&row.article_id))
            .filter(due_work::kind.eq(Stored(row.kind)))
            .filter(due_work::due_at.eq(row.due_at)),
    )
    .execute(conn)?;
    if deleted != 1 {
        return Ok(false);
    }
    let loaded;
    let article = match article {
        Some(article) => article,
        None => match articles::find(conn, &row.article_id)? {
            Some(found) => {
                loaded = found;
                &loaded
            }
            None => return Ok(false),
        },
    };
    if !still_due(article, row) {
        return Ok(false);
    }
    events::record(conn, row.kind.event(), article, None, row.due_at)?;
    Ok(true)
}

/// True when the article is still scheduled as the row says: published
/// exactly at `due_at` and public from then on, or public until exactly
/// `due_at`.
fn still_due(article: &ArticleRow, row: &DueRow) -> bool {
    let at = |t: Option<NaiveDateTime>| t.map(time::from_db);
    let (published_at, unpublish_at) = (at(article.published_at), at(article.unpublish_at));
    let due = time::from_db(row.due_at);
    match row.kind {
        DueKind::Publish => {
            article.published_at == Some(row.due_at)
                && visible_to_readers(article.status, published_at, unpublish_at, due)
        }
        DueKind::Expire => {
            article.unpublish_at == Some(row.due_at)
                && article.status == Status::Published
                && published_at.is_some_and(|p| p < due)
        }
    }
}
