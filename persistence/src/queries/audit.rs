//! The audit log: every successful write through the API, appended and
//! never changed (pruned after its retention period).

use crate::schema::audit_log;
use crate::{DbConn, DbError};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// One write, as recorded.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    /// UUIDv7: the order of recording.
    pub id: String,
    /// When the write was answered.
    pub at: NaiveDateTime,
    /// The account that made it; none for a reader (a comment) or a login
    /// that failed before it knew the account.
    pub actor_id: Option<String>,
    /// That account's role then.
    pub actor_role: Option<String>,
    /// HTTP method.
    pub method: String,
    /// The route's pattern, e.g. `/api/v1/articles/{id_or_slug}`.
    pub route: String,
    /// The path asked for.
    pub path: String,
    /// The status answered.
    pub status: i32,
    /// What was created (the `Location` answered), if anything.
    pub resource: Option<String>,
    /// Where from: a staff member's address, or a keyed hash of a reader's.
    pub address: String,
    /// The client's `User-Agent`, cut to 200 characters.
    pub user_agent: Option<String>,
    /// The request id the server's log lines carry.
    pub request_id: String,
    /// The API key the write was made with, if it was.
    pub api_key_id: Option<String>,
}

/// Appends one entry.
pub fn record(conn: &mut DbConn, row: &AuditRow) -> Result<(), DbError> {
    diesel::insert_into(audit_log::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// A page of entries, newest first: those of `actor_id` when given, older
/// than the entry `before` when given.
pub fn list(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<AuditRow>, DbError> {
    let mut query = audit_log::table.select(AuditRow::as_select()).into_boxed();
    if let Some(actor) = actor_id {
        query = query.filter(audit_log::actor_id.eq(actor.to_owned()));
    }
    if let Some(before) = before {
        query = query.filter(audit_log::id.lt(before.to_owned()));
    }
    Ok(query.order(audit_log::id.desc()).limit(limit).load(conn)?)
}

/// Forgets entries older than `before`.
pub fn prune(conn: &mut DbConn, before: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(audit_log::table.filter(audit_log::at.lt(before))).execute(conn)?)
}
