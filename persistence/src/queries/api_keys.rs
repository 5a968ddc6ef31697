//! API keys: made by admins, stored as their SHA-256, revoked but never
//! deleted (the audit log names them).

use super::optional;
use crate::models::user::UserRow;
use crate::schema::{api_keys, users};
use crate::{DbConn, DbError};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// One key, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    /// UUIDv7.
    pub id: String,
    /// What it is for, as the admin named it.
    pub name: String,
    /// `read`, `preview` or `write`.
    pub scope: String,
    /// SHA-256 of the key, hex.
    pub key_hash: String,
    /// The key's first characters, to recognise it by.
    pub prefix: String,
    /// The account it acts as.
    pub user_id: String,
    /// The admin who made it.
    pub created_by: String,
    /// When made.
    pub created_at: NaiveDateTime,
    /// When it stops working, if ever.
    pub expires_at: Option<NaiveDateTime>,
    /// The last request it authenticated, to the minute.
    pub last_used_at: Option<NaiveDateTime>,
    /// When revoked.
    pub revoked_at: Option<NaiveDateTime>,
}

/// Stores a new key.
pub fn insert(conn: &mut DbConn, row: &ApiKeyRow) -> Result<(), DbError> {
    diesel::insert_into(api_keys::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// A key with the account it acts as, by the key's hash.
pub fn by_hash(conn: &mut DbConn, key_hash: &str) -> Result<Option<(ApiKeyRow, UserRow)>, DbError> {
    optional(
        api_keys::table
            .inner_join(users::table)
            .filter(api_keys::key_hash.eq(key_hash))
            .select((ApiKeyRow::as_select(), UserRow::as_select()))
            .first(conn),
    )
}

/// A key by id.
pub fn find(conn: &mut DbConn, id: &str) -> Result<Option<ApiKeyRow>, DbError> {
    optional(
        api_keys::table
            .find(id)
            .select(ApiKeyRow::as_select())
            .first(conn),
    )
}

/// A page of keys, newest first, older than the key `before` when given.
pub fn list(
    conn: &mut DbConn,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<ApiKeyRow>, DbError> {
    let mut query = api_keys::table.select(ApiKeyRow::as_select()).into_boxed();
    if let Some(before) = before {
        query = query.filter(api_keys::id.lt(before.to_owned()));
    }
    Ok(query.order(api_keys::id.desc()).limit(limit).load(conn)?)
}

/// Revokes a key if it is not already; returns the key as stored after.
pub fn revoke(
    conn: &mut DbConn,
    id: &str,
    now: NaiveDateTime,
) -> Result<Option<ApiKeyRow>, DbError> {
    diesel::update(
        api_keys::table
            .find(id)
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(Some(now)))
    .execute(conn)?;
    find(conn, id)
}

/// Notes that a key was used at `now`.
pub fn touch(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(api_keys::table.find(id))
        .set(api_keys::last_used_at.eq(Some(now)))
        .execute(conn)?;
    Ok(())
}
