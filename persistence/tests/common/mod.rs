//! A fresh database per test: a SQLite file, or a new PostgreSQL
//! database when `TEST_DATABASE_URL` is set (dropped afterwards).

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use diesel::{Connection, PgConnection, RunQueryDsl};
use toasoan_persistence::{PooledConn, connect, migrate};
use uuid::Uuid;

/// A migrated database and one connection to it.
pub struct Db {
    /// The connection.
    pub conn: PooledConn,
    _dir: tempfile::TempDir,
    drop_pg: Option<(String, String)>,
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.drop_pg
            && let Ok(mut conn) = PgConnection::establish(admin)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut conn);
        }
    }
}

/// A migrated database of its own.
pub fn db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let (url, drop_pg) = match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(admin) => {
            let name = format!("toasoan_persistence_{}", Uuid::now_v7().simple());
            let mut conn = PgConnection::establish(&admin).unwrap();
            diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                .execute(&mut conn)
                .unwrap();
            let root = admin.rsplit_once('/').unwrap().0.to_owned();
            (format!("{root}/{name}"), Some((admin, name)))
        }
        None => (dir.path().join("t.db").to_string_lossy().into_owned(), None),
    };
    let pool = connect(&url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    migrate(&mut conn).unwrap();
    Db {
        conn,
        _dir: dir,
        drop_pg,
    }
}
