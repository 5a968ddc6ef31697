//! Accounts.

use super::optional;
use crate::models::stored::Stored;
use crate::models::user::{NewUser, UserChanges, UserRow};
use crate::schema::users;
use crate::{DbConn, DbError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use toasoan_domain::user::Role;

/// Stores a new account.
pub fn insert(conn: &mut DbConn, user: &NewUser) -> Result<UserRow, DbError> {
    diesel::insert_into(users::table)
        .values(user.clone())
        .execute(conn)?;
    find(conn, &user.id)?.ok_or(DbError::NotFound)
}

/// An account by id.
pub fn find(conn: &mut DbConn, id: &str) -> Result<Option<UserRow>, DbError> {
    let id = id.to_ascii_lowercase();
    if !super::is_id(&id) {
        return Ok(None);
    }
    optional(
        users::table
            .find(id)
            .select(UserRow::as_select())
            .first(conn),
    )
}

/// An account by (lowercased) e-mail.
pub fn find_by_email(conn: &mut DbConn, email: &str) -> Result<Option<UserRow>, DbError> {
    optional(
        users::table
            .filter(users::email.eq(email))
            .select(UserRow::as_select())
            .first(conn),
    )
}

/// Every account, oldest first.
pub fn list(conn: &mut DbConn) -> Result<Vec<UserRow>, DbError> {
    Ok(users::table
        .order((users::created_at, users::id))
        .select(UserRow::as_select())
        .load(conn)?)
}

/// How many accounts exist.
pub fn count(conn: &mut DbConn) -> Result<i64, DbError> {
    Ok(users::table.count().get_result(conn)?)
}

/// Active admins other than `except`.
pub fn other_active_admins(conn: &mut DbConn, except: &str) -> Result<i64, DbError> {
    Ok(users::table
        .filter(users::role.eq(Stored(Role::Admin)))
        .filter(users::is_active.eq(true))
        .filter(users::id.ne(except))
        .count()
        .get_result(conn)?)
}

/// Applies a partial update; `None` when the account does not exist.
pub fn update(
    conn: &mut DbConn,
    id: &str,
    changes: &UserChanges,
) -> Result<Option<UserRow>, DbError> {
    if !super::is_id(id) {
        return Ok(None);
    }
    let updated = diesel::update(users::table.find(id))
        .set(changes.clone())
        .execute(conn)?;
    if updated == 0 {
        Ok(None)
    } else {
        find(conn, id)
    }
}

/// Replaces an account's password hash if it is still `expected` (the one
/// just checked), so a change made meanwhile is not silently overwritten;
/// false when it was not.
pub fn replace_password_hash(
    conn: &mut DbConn,
    id: &str,
    expected: &str,
    hash: &str,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        users::table
            .find(id)
            .filter(users::password_hash.eq(expected)),
    )
    .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
    .execute(conn)?;
    Ok(updated > 0)
}
