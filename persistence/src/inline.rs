//! Point reads answered on the calling thread: one read-only SQLite
//! connection per thread, opened on first use, for the reads that are a
//! single indexed lookup (an article's stored document by slug).
//!
//! Why: a read through the pool hops to a blocking thread and back and
//! checks a connection out (a mutex and a `SELECT 1`); for a lookup that
//! takes a few microseconds those cost more than the lookup. SQLite reads
//! in WAL mode never wait for the writer, so running one on an async
//! worker blocks it only for the lookup itself (the database file is in
//! the OS page cache once warm). PostgreSQL reads are network round trips:
//! they stay on the pool ([`InlineReader::for_url`] gives `None`).
//!
//! The connection is `query_only` (it cannot write, whatever it is asked)
//! and has no busy timeout: in the rare moments a reader must wait in WAL
//! mode (recovery after a crash), the lookup fails at once instead of
//! stalling the worker, and the caller takes the pool path.

use crate::conn::{Backend, DbConn};
use crate::error::DbError;
use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};
use std::cell::RefCell;
use std::sync::Arc;

/// Opens this thread's reader on a SQLite database, on demand.
#[derive(Debug, Clone)]
pub struct InlineReader {
    target: Arc<str>,
    /// `PRAGMA mmap_size` of each reader.
    mmap_bytes: u64,
}

thread_local! {
    /// This thread's reader and the database it reads.
    static READER: RefCell<Option<(Arc<str>, DbConn)>> = const { RefCell::new(None) };
}

impl InlineReader {
    /// A reader for `url` when it names a SQLite file; `None` for
    /// PostgreSQL and for in-memory databases (a second connection to
    /// `:memory:` would be another, empty database). Each reader maps up
    /// to `mmap_bytes` of the file into memory (0: none), so a page is read
    /// from the OS page cache without a system call and a copy.
    pub fn for_url(url: &str, mmap_bytes: u64) -> Result<Option<Self>, DbError> {
        let (backend, target) = Backend::from_url(url)?;
        Ok(
            (backend == Backend::Sqlite && !target.contains(":memory:")).then(|| Self {
                target: target.into(),
                mmap_bytes,
            }),
        )
    }

    /// Runs `work` on this thread's reader; `None` when the reader cannot
    /// be had (it failed to open, or `work` is already running on it), so
    /// the caller goes to the pool instead. A reader whose work failed is
    /// closed, and opened afresh next time.
    pub fn read<T, E>(
        &self,
        work: impl FnOnce(&mut DbConn) -> Result<T, E>,
    ) -> Option<Result<T, E>> {
        READER.with(|cell| {
            let mut slot = cell.try_borrow_mut().ok()?;
            let reusable = matches!(&*slot, Some((target, _)) if **target == *self.target);
            if !reusable {
                *slot = None;
                let conn = open(&self.target, self.mmap_bytes)
                    .map_err(|e| tracing::warn!(cause = %e, "cannot open an inline reader"))
                    .ok()?;
                *slot = Some((self.target.clone(), conn));
            }
            let (_, conn) = slot.as_mut()?;
            let result = work(conn);
            if result.is_err() {
                *slot = None;
            }
            Some(result)
        })
    }
}

fn open(target: &str, mmap_bytes: u64) -> Result<DbConn, DbError> {
    let mut conn =
        SqliteConnection::establish(target).map_err(|e| DbError::Unavailable(e.to_string()))?;
    conn.batch_execute(&format!(
        "PRAGMA query_only = 1; PRAGMA busy_timeout = 0; PRAGMA temp_store = MEMORY; \
         PRAGMA mmap_size = {mmap_bytes};"
    ))?;
    Ok(DbConn::Sqlite(conn))
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::sql_types::BigInt;
    use diesel::{QueryableByName, RunQueryDsl, sql_query};

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn count(conn: &mut DbConn) -> Result<i64, DbError> {
        Ok(sql_query("SELECT count(*) AS n FROM t")
            .get_result::<Count>(conn)?
            .n)
    }

    #[test]
    fn the_reader_sees_committed_writes_and_cannot_write() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = dir.path().join("inline.db").to_string_lossy().into_owned();
        let pool = crate::connect(&url, 2).expect("pool");
        let mut writer = pool.get().expect("connection");
        writer
            .batch_execute("CREATE TABLE t (x INTEGER)")
            .expect("table");
        let reader = InlineReader::for_url(&url, 1 << 20)
            .expect("url")
            .expect("a SQLite file");
        assert_eq!(reader.read(count).expect("reader").expect("count"), 0);
        writer
            .batch_execute("INSERT INTO t VALUES (1), (2)")
            .expect("insert");
        assert_eq!(reader.read(count).expect("reader").expect("count"), 2);
        let refused = reader
            .read(|conn| conn.batch_execute("INSERT INTO t VALUES (3)"))
            .expect("reader");
        assert!(refused.is_err(), "a query_only connection wrote");
        // Closed after the failure, opened again: still reads, still 2 rows.
        assert_eq!(reader.read(count).expect("reader").expect("count"), 2);
    }

    #[test]
    fn postgres_and_in_memory_databases_get_no_inline_reader() {
        assert!(
            InlineReader::for_url("postgres://u@h/db", 0)
                .expect("url")
                .is_none()
        );
        assert!(InlineReader::for_url(":memory:", 0).expect("url").is_none());
    }

    #[test]
    fn work_nested_in_the_reader_is_sent_to_the_pool() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = dir.path().join("nested.db").to_string_lossy().into_owned();
        let pool = crate::connect(&url, 1).expect("pool");
        pool.get()
            .expect("conn")
            .batch_execute("CREATE TABLE t (x INTEGER)")
            .expect("table");
        let reader = InlineReader::for_url(&url, 0)
            .expect("url")
            .expect("a SQLite file");
        let nested = reader
            .read(|_| Ok::<_, DbError>(reader.read(count).is_none()))
            .expect("reader")
            .expect("outer read");
        assert!(nested, "a nested read borrowed the busy reader");
    }
}
