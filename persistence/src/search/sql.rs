//! Hand-written SQL with a varying number of bound values, for statements
//! that differ per backend (search, batched view counts): placeholders are
//! `?` on SQLite and `$n` on PostgreSQL, and the binding happens on the
//! backend's own connection.

use crate::DbConn;
use chrono::NaiveDateTime;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::BoxedSqlQuery;
use diesel::sql_types::{BigInt, Bool, Double, Integer, Text, Timestamp};
use diesel::sqlite::Sqlite;

/// One bound value.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Text(String),
    Int(i32),
    BigInt(i64),
    Double(f64),
    Bool(bool),
    Time(NaiveDateTime),
}

/// A statement being written, with its bound values in order.
#[derive(Debug)]
pub(crate) struct Sql {
    text: String,
    params: Vec<Param>,
    pg: bool,
}

impl Sql {
    /// An empty statement for the connection's backend.
    pub(crate) fn for_conn(conn: &DbConn) -> Self {
        Self {
            text: String::new(),
            params: Vec::new(),
            pg: matches!(conn, DbConn::Pg(_)),
        }
    }

    /// True on PostgreSQL.
    pub(crate) fn is_pg(&self) -> bool {
        self.pg
    }

    /// Appends SQL text.
    pub(crate) fn push(&mut self, sql: &str) -> &mut Self {
        self.text.push_str(sql);
        self
    }

    /// Appends a placeholder bound to `param`.
    pub(crate) fn bind(&mut self, param: Param) -> &mut Self {
        self.params.push(param);
        if self.pg {
            self.text.push_str(&format!("${}", self.params.len()));
        } else {
            self.text.push('?');
        }
        self
    }

    /// Appends `(?, ?, ...)` bound to `values`.
    pub(crate) fn bind_list(&mut self, values: &[String]) -> &mut Self {
        self.push("(");
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(Param::Text(value.clone()));
        }
        self.push(")")
    }

    /// Runs the statement and reads its rows.
    pub(crate) fn load<T>(self, conn: &mut DbConn) -> QueryResult<Vec<T>>
    where
        T: QueryableByName<Sqlite> + QueryableByName<Pg> + 'static,
    {
        match conn {
            DbConn::Sqlite(c) => {
                bind_all(diesel::sql_query(self.text).into_boxed(), self.params).load(c)
            }
            DbConn::Pg(c) => {
                bind_all(diesel::sql_query(self.text).into_boxed(), self.params).load(c)
            }
        }
    }

    /// Runs the statement for its effect; returns the rows it touched.
    pub(crate) fn execute(self, conn: &mut DbConn) -> QueryResult<usize> {
        match conn {
            DbConn::Sqlite(c) => {
                bind_all(diesel::sql_query(self.text).into_boxed(), self.params).execute(c)
            }
            DbConn::Pg(c) => {
                bind_all(diesel::sql_query(self.text).into_boxed(), self.params).execute(c)
            }
        }
    }
}

fn bind_all<'f, DB>(
    mut query: BoxedSqlQuery<'f, DB, diesel::query_builder::SqlQuery>,
    params: Vec<Param>,
) -> BoxedSqlQuery<'f, DB, diesel::query_builder::SqlQuery>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<Text>
        + diesel::sql_types::HasSqlType<Integer>
        + diesel::sql_types::HasSqlType<BigInt>
        + diesel::sql_types::HasSqlType<Double>
        + diesel::sql_types::HasSqlType<Bool>
        + diesel::sql_types::HasSqlType<Timestamp>,
    String: diesel::serialize::ToSql<Text, DB>,
    i32: diesel::serialize::ToSql<Integer, DB>,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    f64: diesel::serialize::ToSql<Double, DB>,
    bool: diesel::serialize::ToSql<Bool, DB>,
    NaiveDateTime: diesel::serialize::ToSql<Timestamp, DB>,
{
    for param in params {
        query = match param {
            Param::Text(v) => query.bind::<Text, _>(v),
            Param::Int(v) => query.bind::<Integer, _>(v),
            Param::BigInt(v) => query.bind::<BigInt, _>(v),
            Param::Double(v) => query.bind::<Double, _>(v),
            Param::Bool(v) => query.bind::<Bool, _>(v),
            Param::Time(v) => query.bind::<Timestamp, _>(v),
        };
    }
    query
}
