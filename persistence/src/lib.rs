//! Storage for the newsroom: the diesel schema shared by SQLite and
//! PostgreSQL, row types and their conversions to domain types, the queries
//! the API needs, the connection pool and embedded migrations. Nothing here
//! knows about HTTP; callers get `DbError`, never a diesel error.

pub mod conn;
pub mod error;
pub mod inline;
pub mod models;
pub mod queries;
pub mod schema;
pub mod search;
pub mod time;

pub use conn::{
    Backend, DbConn, Guarded, Pool, PooledConn, connect, lock, migrate, ping, write_tx,
    write_tx_unseen, writes_committed,
};
pub use error::{DbError, Unique};
pub use inline::InlineReader;
