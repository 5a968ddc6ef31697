//! Connections: one enum over both backends, the pool, migrations, and
//! write transactions that cannot deadlock on SQLite.

use crate::error::DbError;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// A connection to whichever backend the URL named.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// PostgreSQL, for production and multi-instance deployments.
    Pg(PgConnection),
    /// The embedded default.
    Sqlite(SqliteConnection),
}

/// Which database engine a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `postgres://` or `postgresql://`.
    Postgres,
    /// `sqlite://path`, `file:path` or a plain path.
    Sqlite,
}

impl Backend {
    /// Reads the backend from the URL scheme; a URL that looks like another
    /// scheme is refused rather than taken for a SQLite file name.
    pub fn from_url(url: &str) -> Result<(Backend, String), DbError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok((Backend::Postgres, url.to_owned()));
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            return Ok((Backend::Sqlite, path.to_owned()));
        }
        if url.starts_with("file:") {
            return Ok((Backend::Sqlite, url.to_owned()));
        }
        let scheme_like = url.split_once(':').is_some_and(|(scheme, _)| {
            scheme.len() > 1
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+')
        });
        if scheme_like || url.is_empty() {
            return Err(DbError::Config(format!(
                "DATABASE_URL must start with postgres://, postgresql:// or sqlite:// (got a URL with scheme {:?})",
                url.split(':').next().unwrap_or_default()
            )));
        }
        Ok((Backend::Sqlite, url.to_owned()))
    }
}

/// Opens connections for the pool, choosing the backend from the URL.
#[derive(Debug, Clone)]
pub struct Manager {
    backend: Backend,
    target: String,
}

impl Manager {
    /// A manager for `url`.
    pub fn new(url: &str) -> Result<Self, DbError> {
        let (backend, target) = Backend::from_url(url)?;
        Ok(Self { backend, target })
    }
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.target)
                .map(DbConn::Pg)
                .map_err(r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                // Search ranks with `toasoan_bm25`, registered on every connection.
                crate::search::rank::register();
                let mut conn = SqliteConnection::establish(&self.target)
                    .map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the writer. synchronous=FULL makes
                // every commit durable before it is acknowledged, even across
                // a power cut, not only a process crash.
                // busy_timeout comes first: switching to WAL takes a lock that
                // other connections opening at the same time may hold.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    /// Checked on every checkout. A PostgreSQL connection may have been
    /// closed by the server while idle: one round trip tells. A SQLite
    /// connection is a file handle in this process and cannot go stale, so
    /// it skips the query (a statement prepared and run on every read).
    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        match conn {
            DbConn::Pg(pg) => pg
                .batch_execute("SELECT 1")
                .map_err(r2d2::Error::QueryError),
            DbConn::Sqlite(_) => Ok(()),
        }
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        // A connection left mid-transaction or with a dead socket is dropped.
        std::thread::panicking() || diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// The connection pool.
pub type Pool = r2d2::Pool<Manager>;
/// A connection checked out of the pool.
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Opens a pool on `url`. A SQLite file that does not exist yet is
/// created readable by its owner only (it holds password hashes; SQLite
/// gives its WAL and shared-memory files the same mode), in a folder
/// created the same way if needed.
pub fn connect(url: &str, max_size: u32) -> Result<Pool, DbError> {
    let manager = Manager::new(url)?;
    if manager.backend == Backend::Sqlite && !manager.target.contains(":memory:") {
        let file = manager.target.trim_start_matches("file:");
        let path = std::path::Path::new(file.split('?').next().unwrap_or(file));
        if let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
        {
            private_dir(parent)
                .map_err(|e| DbError::Config(format!("cannot create {parent:?}: {e}")))?;
        }
        if !path.as_os_str().is_empty() && !path.exists() {
            private_file(path)
                .map_err(|e| DbError::Config(format!("cannot create {path:?}: {e}")))?;
        }
    }
    r2d2::Pool::builder()
        .max_size(max_size)
        // Open connections as load needs them, not all at start.
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(5))
        .build(manager)
        .map_err(|e| DbError::Unavailable(e.to_string()))
}

/// Applies every pending migration of the connection's backend; returns
/// how many ran. On PostgreSQL an advisory lock makes instances starting
/// together migrate one after the other.
pub fn migrate(conn: &mut DbConn) -> Result<usize, DbError> {
    let applied = match conn {
        DbConn::Pg(pg) => {
            pg.batch_execute("SELECT pg_advisory_lock(7027101)")?;
            let applied = pg
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len());
            pg.batch_execute("SELECT pg_advisory_unlock(7027101)")?;
            applied
        }
        DbConn::Sqlite(sqlite) => sqlite
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.len()),
    };
    applied.map_err(|e| DbError::Migration(e.to_string()))
}

/// The turn of this process's SQLite writers (one database per process,
/// bar tests, where sharing it only makes their writes take turns).
static SQLITE_WRITER: parking_lot::Mutex<()> = parking_lot::Mutex::new(());

/// Longest wait for that turn, as long as SQLite's busy timeout.
const WRITER_WAIT: Duration = Duration::from_secs(10);

/// Write transactions this process has committed (see [`write_tx`]).
static COMMITTED: AtomicU64 = AtomicU64::new(0);

/// How many write transactions this process has committed so far, bar
/// those of [`write_tx_unseen`]. An in-process cache of what readers get
/// records it before it reads the database and serves an entry only while
/// it has not moved, so no write committed here is ever hidden by the
/// cache. It is one counter for the whole process: several apps in one
/// process (tests) only invalidate each other's entries more often.
pub fn writes_committed() -> u64 {
    COMMITTED.load(Ordering::Acquire)
}

/// Runs `work` in a write transaction. On SQLite it begins IMMEDIATE, taking
/// the write lock up front: a deferred transaction that reads and then writes
/// can fail with SQLITE_BUSY whatever the busy timeout. Once it has
/// committed, [`writes_committed`] moves.
pub fn write_tx<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<DbError>,
{
    let value = write_tx_unseen(conn, work)?;
    // After the commit: a read that starts from here on sees the write.
    COMMITTED.fetch_add(1, Ordering::AcqRel);
    Ok(value)
}

/// [`write_tx`] for writes whose effect readers may see late (the view
/// counts, already written in batches): it does not move
/// [`writes_committed`], so it empties no read cache.
pub fn write_tx_unseen<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<DbError>,
{
    // SQLite has one writer at a time. Writers of this process queue on a
    // lock rather than on SQLite's busy handler, which polls with sleeps up
    // to 100 ms: under 8 concurrent editors a waiter kept missing the free
    // moments and waited seconds (p99 of a write 3.6 s). The lock wakes the
    // next writer as soon as the last one ends; its wait is bounded like
    // the busy timeout. Other processes on the file still meet the busy
    // handler.
    let _turn = match conn {
        DbConn::Sqlite(_) => Some(SQLITE_WRITER.try_lock_for(WRITER_WAIT).ok_or_else(|| {
            E::from(DbError::Unavailable(
                "another write held the database for too long".into(),
            ))
        })?),
        DbConn::Pg(_) => None,
    };
    let begun = match conn {
        DbConn::Sqlite(sqlite) => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")
        }
        DbConn::Pg(pg) => AnsiTransactionManager::begin_transaction(pg),
    };
    begun.map_err(|e| E::from(DbError::from(e)))?;
    // Documents the work made stale are rendered again before it commits.
    match work(conn).and_then(|value| {
        crate::queries::documents::render_queued(conn).map_err(E::from)?;
        Ok(value)
    }) {
        Ok(value) => {
            <DbConn as Connection>::TransactionManager::commit_transaction(conn)
                .map_err(|e| E::from(DbError::from(e)))?;
            Ok(value)
        }
        Err(error) => {
            // The work's own error is what the caller needs; a failed rollback
            // leaves the connection broken and the pool discards it.
            let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
            Err(error)
        }
    }
}

/// Tables whose writers must take turns for a whole transaction, because
/// a rule spans rows (no category cycles, at least one admin).
#[derive(Debug, Clone, Copy)]
pub enum Guarded {
    /// The category tree.
    Categories,
    /// Accounts and their roles.
    Users,
}

/// Makes writers of `table` take turns until the transaction ends. SQLite's
/// IMMEDIATE write transactions are serialized already; PostgreSQL takes a
/// lock that lets readers through.
pub fn lock(conn: &mut DbConn, table: Guarded) -> Result<(), DbError> {
    let sql = match table {
        Guarded::Categories => "LOCK TABLE categories IN SHARE ROW EXCLUSIVE MODE",
        Guarded::Users => "LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE",
    };
    match conn {
        DbConn::Pg(pg) => Ok(pg.batch_execute(sql)?),
        DbConn::Sqlite(_) => Ok(()),
    }
}

/// Checks that the database answers.
pub fn ping(conn: &mut DbConn) -> Result<(), DbError> {
    Ok(conn.batch_execute("SELECT 1")?)
}

/// Creates `dir` and any missing parents, readable by the owner only
/// (existing folders keep their mode).
pub fn private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates an empty file readable and writable by the owner only; one
/// that appeared meanwhile is left as it is.
fn private_file(path: &std::path::Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }

    fn pragma(conn: &mut DbConn, name: &str) -> String {
        diesel::sql_query(format!(
            "SELECT CAST((SELECT * FROM pragma_{name}) AS TEXT) AS value"
        ))
        .get_result::<Setting>(conn)
        .unwrap()
        .value
    }

    #[test]
    fn every_sqlite_connection_is_durable_and_checks_references() {
        let dir = tempfile::tempdir().unwrap();
        let pool = connect(dir.path().join("t.db").to_str().unwrap(), 2).unwrap();
        let mut first = pool.get().unwrap();
        let mut second = pool.get().unwrap();
        for conn in [&mut *first, &mut *second] {
            assert_eq!(pragma(conn, "journal_mode"), "wal");
            assert_eq!(
                pragma(conn, "synchronous"),
                "2",
                "FULL: a commit is on disk before it is acknowledged"
            );
            assert_eq!(pragma(conn, "foreign_keys"), "1");
            assert_eq!(pragma(conn, "busy_timeout"), "10000");
        }
    }

    #[test]
    fn the_backend_comes_from_the_scheme() {
        assert_eq!(
            Backend::from_url("postgres://u@h/db").unwrap().0,
            Backend::Postgres
        );
        assert_eq!(
            Backend::from_url("sqlite://data/x.db").unwrap(),
            (Backend::Sqlite, "data/x.db".into())
        );
        assert_eq!(
            Backend::from_url("./data/toasoan.db").unwrap().0,
            Backend::Sqlite
        );
        assert!(Backend::from_url("postgres:oops").is_err());
        assert!(Backend::from_url("mysql://x").is_err());
    }
}
