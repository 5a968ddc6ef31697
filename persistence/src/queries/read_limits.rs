//! Shared counts of public reads per client and window (see
//! `api::read_limit`): each instance adds what it counted and reads back
//! what all instances have.

use crate::schema::read_rate_counts;
use crate::{DbConn, DbError};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

/// Adds one count; the same statement on both backends, which differ only
/// in how they number parameters.
fn add_one(conn: &mut DbConn, bucket: &str, window_start: i64, hits: i64) -> Result<(), DbError> {
    const UPSERT: &str = "INSERT INTO read_rate_counts (bucket, window_start, hits) VALUES ({1}, {2}, {3}) \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = read_rate_counts.hits + excluded.hits";
    let sql = match conn {
        DbConn::Pg(_) => UPSERT
            .replace("{1}", "$1")
            .replace("{2}", "$2")
            .replace("{3}", "$3"),
        DbConn::Sqlite(_) => UPSERT
            .replace("{1}", "?")
            .replace("{2}", "?")
            .replace("{3}", "?"),
    };
    let query = diesel::sql_query(sql)
        .bind::<Text, _>(bucket)
        .bind::<BigInt, _>(window_start)
        .bind::<BigInt, _>(hits);
    match conn {
        DbConn::Pg(pg) => query.execute(pg)?,
        DbConn::Sqlite(sqlite) => query.execute(sqlite)?,
    };
    Ok(())
}

/// Adds `counts` (bucket, hits) to window `window_start`, then returns
/// the totals of `buckets` in that window, across every instance.
pub fn add(
    conn: &mut DbConn,
    window_start: i64,
    counts: &[(String, i64)],
    buckets: &[String],
) -> Result<Vec<(String, i64)>, DbError> {
    conn.transaction(|conn| {
        for (bucket, hits) in counts {
            add_one(conn, bucket, window_start, *hits)?;
        }
        let mut totals = Vec::with_capacity(buckets.len());
        // Bounded batches: SQLite takes at most 32 766 bound values.
        for chunk in buckets.chunks(500) {
            totals.extend(
                read_rate_counts::table
                    .filter(read_rate_counts::window_start.eq(window_start))
                    .filter(read_rate_counts::bucket.eq_any(chunk))
                    .select((read_rate_counts::bucket, read_rate_counts::hits))
                    .load::<(String, i64)>(conn)?,
            );
        }
        Ok(totals)
    })
}

/// Forgets windows that started before `before`.
pub fn prune(conn: &mut DbConn, before: i64) -> Result<usize, DbError> {
    Ok(
        diesel::delete(read_rate_counts::table.filter(read_rate_counts::window_start.lt(before)))
            .execute(conn)?,
    )
}
