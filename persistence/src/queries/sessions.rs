//! Logins, refresh tokens and login throttling.

use super::optional;
use crate::models::session::{RefreshTokenRow, SessionRow};
use crate::models::user::UserRow;
use crate::schema::{login_addresses, login_failures, refresh_tokens, sessions, users};
use crate::{DbConn, DbError};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Opens a session with its first refresh token.
pub fn open(
    conn: &mut DbConn,
    session: &SessionRow,
    token: &RefreshTokenRow,
) -> Result<(), DbError> {
    diesel::insert_into(sessions::table)
        .values(session)
        .execute(conn)?;
    diesel::insert_into(refresh_tokens::table)
        .values(token)
        .execute(conn)?;
    Ok(())
}

/// A refresh token with its session and account, by the token's hash.
pub fn find_token(
    conn: &mut DbConn,
    token_hash: &str,
) -> Result<Option<(RefreshTokenRow, SessionRow, UserRow)>, DbError> {
    optional(
        refresh_tokens::table
            .inner_join(sessions::table.inner_join(users::table))
            .filter(refresh_tokens::token_hash.eq(token_hash))
            .select((
                RefreshTokenRow::as_select(),
                SessionRow::as_select(),
                UserRow::as_select(),
            ))
            .first(conn),
    )
}

/// Marks a token used (keeping its successor sealed beside it) and stores
/// the successor, unless it was used meanwhile; returns false when another
/// request rotated it first.
pub fn rotate(
    conn: &mut DbConn,
    used_hash: &str,
    now: NaiveDateTime,
    next: &RefreshTokenRow,
    sealed: &str,
) -> Result<bool, DbError> {
    let marked = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(used_hash))
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set((
        refresh_tokens::used_at.eq(Some(now)),
        refresh_tokens::successor_sealed.eq(Some(sealed)),
    ))
    .execute(conn)?;
    if marked == 0 {
        return Ok(false);
    }
    diesel::insert_into(refresh_tokens::table)
        .values(next)
        .execute(conn)?;
    Ok(true)
}

/// A refresh token by its hash.
pub fn token(conn: &mut DbConn, token_hash: &str) -> Result<Option<RefreshTokenRow>, DbError> {
    optional(
        refresh_tokens::table
            .find(token_hash)
            .select(RefreshTokenRow::as_select())
            .first(conn),
    )
}

/// Deletes what can no longer be used, by index: refresh tokens that
/// expired before `expired_before`, revoked sessions, sessions opened
/// before `opened_before` (past their absolute lifetime), and sessions
/// left with no refresh token. `expired_before` should lag the present by
/// an access token's lifetime: an access token needs its session row.
/// Their refresh tokens go with the sessions (ON DELETE CASCADE). Returns
/// the sessions deleted.
pub fn prune(
    conn: &mut DbConn,
    expired_before: NaiveDateTime,
    opened_before: NaiveDateTime,
) -> Result<usize, DbError> {
    diesel::delete(refresh_tokens::table.filter(refresh_tokens::expires_at.lt(expired_before)))
        .execute(conn)?;
    let no_token = diesel::dsl::not(diesel::dsl::exists(
        refresh_tokens::table.filter(refresh_tokens::session_id.eq(sessions::id)),
    ));
    let ended = diesel::delete(
        sessions::table.filter(
            sessions::revoked_at
                .is_not_null()
                .or(sessions::created_at.lt(opened_before))
                .or(no_token.and(sessions::created_at.lt(expired_before))),
        ),
    )
    .execute(conn)?;
    Ok(ended)
}

/// Ends a session: its access and refresh tokens stop working.
pub fn revoke(conn: &mut DbConn, session_id: &str, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(
        sessions::table
            .find(session_id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now)))
    .execute(conn)?;
    Ok(())
}

/// Ends every session of an account (deactivation, password change).
pub fn revoke_all(conn: &mut DbConn, user_id: &str, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now)))
    .execute(conn)?;
    Ok(())
}

/// Ends every session of an account but `keep` (a password change ends
/// the other devices' logins, not the one that changed it). Returns how
/// many were ended.
pub fn revoke_others(
    conn: &mut DbConn,
    user_id: &str,
    keep: &str,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::id.ne(keep))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now)))
    .execute(conn)?)
}

/// Ends one session of an account; false when the account has no such
/// open session (someone else's id is answered the same as an unknown one).
pub fn revoke_own(
    conn: &mut DbConn,
    user_id: &str,
    session_id: &str,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let ended = diesel::update(
        sessions::table
            .find(session_id)
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now)))
    .execute(conn)?;
    Ok(ended > 0)
}

/// An account's sessions still in use: not ended, opened after
/// `opened_after` (the absolute lifetime), with a refresh token that has
/// not expired. Newest first.
pub fn list_open(
    conn: &mut DbConn,
    user_id: &str,
    opened_after: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<Vec<SessionRow>, DbError> {
    let usable = diesel::dsl::exists(
        refresh_tokens::table
            .filter(refresh_tokens::session_id.eq(sessions::id))
            .filter(refresh_tokens::expires_at.gt(now)),
    );
    Ok(sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::created_at.gt(opened_after))
        .filter(usable)
        .order((sessions::created_at.desc(), sessions::id.desc()))
        .select(SessionRow::as_select())
        .load(conn)?)
}

/// Notes that a session was used (a refresh), for its device list.
pub fn touch(conn: &mut DbConn, session_id: &str, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(sessions::table.find(session_id))
        .set(sessions::last_used_at.eq(Some(now)))
        .execute(conn)?;
    Ok(())
}

/// The account behind an access token, if its session is still open and the
/// account still active: one indexed lookup per authenticated request.
pub fn active_user(
    conn: &mut DbConn,
    session_id: &str,
    user_id: &str,
) -> Result<Option<UserRow>, DbError> {
    optional(
        sessions::table
            .inner_join(users::table)
            .filter(sessions::id.eq(session_id))
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null())
            .filter(users::is_active.eq(true))
            .select(UserRow::as_select())
            .first(conn),
    )
}

/// Records failed logins, each as the (hashed) budget key it counts in
/// and when it happened.
pub fn record_failures<'a>(
    conn: &mut DbConn,
    failures: impl IntoIterator<Item = (&'a str, NaiveDateTime)>,
) -> Result<(), DbError> {
    for (key, at) in failures {
        diesel::insert_into(login_failures::table)
            .values((
                login_failures::id.eq(uuid::Uuid::now_v7().to_string()),
                login_failures::key_hash.eq(key),
                login_failures::failed_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The key's failures since `since`, newest first, at most `limit`.
pub fn recent_failures(
    conn: &mut DbConn,
    key_hash: &str,
    since: NaiveDateTime,
    limit: i64,
) -> Result<Vec<NaiveDateTime>, DbError> {
    Ok(login_failures::table
        .filter(login_failures::key_hash.eq(key_hash))
        .filter(login_failures::failed_at.gt(since))
        .order(login_failures::failed_at.desc())
        .select(login_failures::failed_at)
        .limit(limit.max(1))
        .load(conn)?)
}

/// Whether the account logged in from this (hashed) address since `since`.
pub fn known_address(
    conn: &mut DbConn,
    user_id: &str,
    address_hash: &str,
    since: NaiveDateTime,
) -> Result<bool, DbError> {
    Ok(diesel::select(diesel::dsl::exists(
        login_addresses::table
            .filter(login_addresses::user_id.eq(user_id))
            .filter(login_addresses::address_hash.eq(address_hash))
            .filter(login_addresses::last_login_at.gt(since)),
    ))
    .get_result(conn)?)
}

/// Remembers that the account logged in from this (hashed) address now.
pub fn remember_address(
    conn: &mut DbConn,
    user_id: &str,
    address_hash: &str,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::delete(
        login_addresses::table
            .filter(login_addresses::user_id.eq(user_id))
            .filter(login_addresses::address_hash.eq(address_hash)),
    )
    .execute(conn)?;
    diesel::insert_into(login_addresses::table)
        .values((
            login_addresses::user_id.eq(user_id),
            login_addresses::address_hash.eq(address_hash),
            login_addresses::last_login_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets addresses no account logged in from since `before`.
pub fn prune_addresses(conn: &mut DbConn, before: NaiveDateTime) -> Result<usize, DbError> {
    Ok(
        diesel::delete(login_addresses::table.filter(login_addresses::last_login_at.lt(before)))
            .execute(conn)?,
    )
}

/// Forgets the failures of a key (after a successful login).
pub fn clear_failures(conn: &mut DbConn, key_hash: &str) -> Result<(), DbError> {
    diesel::delete(login_failures::table.filter(login_failures::key_hash.eq(key_hash)))
        .execute(conn)?;
    Ok(())
}

/// Forgets failures older than `before` (on a timer, by index).
pub fn prune_failures(conn: &mut DbConn, before: NaiveDateTime) -> Result<usize, DbError> {
    Ok(
        diesel::delete(login_failures::table.filter(login_failures::failed_at.lt(before)))
            .execute(conn)?,
    )
}
