//! Secrets that instances generate and must share, kept in the database.

use crate::{DbConn, DbError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};

#[derive(QueryableByName)]
struct Value {
    #[diesel(sql_type = Text)]
    value: String,
}

/// The secret called `name`: the stored one, or `candidate`, stored now.
/// Instances starting together all get the one that was stored first.
pub fn get_or_store(
    conn: &mut DbConn,
    name: &str,
    candidate: &str,
    now: NaiveDateTime,
) -> Result<String, DbError> {
    let (insert, select) = match conn {
        DbConn::Sqlite(_) => (
            "INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
            "SELECT value FROM server_secrets WHERE name = ?",
        ),
        DbConn::Pg(_) => (
            "INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
            "SELECT value FROM server_secrets WHERE name = $1",
        ),
    };
    diesel::sql_query(insert)
        .bind::<Text, _>(name)
        .bind::<Text, _>(candidate)
        .bind::<Timestamp, _>(now)
        .execute(conn)?;
    Ok(diesel::sql_query(select)
        .bind::<Text, _>(name)
        .get_result::<Value>(conn)?
        .value)
}
