//! `sessions` and `refresh_tokens` rows.

use crate::schema::{refresh_tokens, sessions};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// One login: all refresh tokens rotated from it share it.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: String,
    pub user_id: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    /// The `User-Agent` of the login, at most 256 characters.
    pub user_agent: Option<String>,
    /// The client address of the login, as the server saw it.
    pub address: Option<String>,
    /// The last login or refresh.
    pub last_used_at: Option<NaiveDateTime>,
}

/// A refresh token, stored only as its SHA-256.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub token_hash: String,
    pub session_id: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// Once spent: its successor, sealed with this token (see
    /// `auth::seal_successor`), for a client that retries the refresh.
    pub successor_sealed: Option<String>,
}
