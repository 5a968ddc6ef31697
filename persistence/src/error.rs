//! The persistence error: what callers need to tell apart, without diesel.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// A storage failure, classified for the API layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write.
    #[error("conflict: {0:?}")]
    Conflict(Unique),
    /// A referenced row does not exist or a row is still referenced.
    #[error("reference violated: {0}")]
    Reference(String),
    /// The database refused a value as text (a NUL byte on PostgreSQL).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The database cannot be reached.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The configuration names no usable database.
    #[error("{0}")]
    Config(String),
    /// Migrations failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// Stored data that does not parse (a bug or a hand edit).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// Anything else the backend said.
    #[error("database error: {0}")]
    Backend(String),
}

/// Which uniqueness rule a write broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unique {
    /// A slug (of an article, category, author or tag) is taken.
    Slug,
    /// An account has this e-mail.
    Email,
    /// The account is already linked to an author.
    AuthorAccount,
    /// Another rule, named as the database named it.
    Other(String),
}

impl Unique {
    /// Classifies a constraint or column name as either backend reports it.
    pub fn classify(name: &str) -> Self {
        if name.contains("slug") {
            Unique::Slug
        } else if name.contains("email") {
            Unique::Email
        } else if name.contains("user_id") {
            Unique::AuthorAccount
        } else {
            Unique::Other(name.to_owned())
        }
    }
}

impl From<DieselError> for DbError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => DbError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                // PostgreSQL names the constraint (`articles_slug_key`);
                // SQLite names the column (`UNIQUE constraint failed: articles.slug`).
                let name = info.constraint_name().unwrap_or_else(|| info.message());
                DbError::Conflict(Unique::classify(name))
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                DbError::Reference(info.message().to_owned())
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                DbError::Unavailable(info.message().to_owned())
            }
            // The database is there but cannot take the write now: busy or
            // locked past the busy timeout, a full disk, a read-only file or
            // a PostgreSQL that is shutting down. The caller may retry.
            DieselError::DatabaseError(_, info) if is_transient(info.message()) => {
                DbError::Unavailable(info.message().to_owned())
            }
            // PostgreSQL refuses NUL and invalid UTF-8 in text: bad input, not a bug.
            DieselError::DatabaseError(_, info)
                if info.message().contains("invalid byte sequence") =>
            {
                DbError::InvalidInput(info.message().to_owned())
            }
            other => DbError::Backend(other.to_string()),
        }
    }
}

/// Messages of failures that say nothing about the request and pass.
fn is_transient(message: &str) -> bool {
    const TRANSIENT: [&str; 12] = [
        "database is locked",
        "database table is locked",
        "database or disk is full",
        "attempt to write a readonly database",
        "disk I/O error",
        "No space left on device",
        "could not extend file",
        "terminating connection due to administrator command",
        "the database system is shutting down",
        "the database system is starting up",
        "server closed the connection unexpectedly",
        "Connection refused",
    ];
    TRANSIENT.iter().any(|t| message.contains(t))
}

impl From<diesel::r2d2::PoolError> for DbError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        DbError::Unavailable(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backend_said(message: &str) -> DbError {
        DieselError::DatabaseError(DatabaseErrorKind::Unknown, Box::new(message.to_owned())).into()
    }

    #[test]
    fn a_database_that_cannot_take_the_write_now_is_unavailable_not_a_bug() {
        for message in [
            "database is locked",
            "database or disk is full",
            "attempt to write a readonly database",
            "could not extend file \"base/16384/2619\": No space left on device",
            "terminating connection due to administrator command",
            "server closed the connection unexpectedly",
        ] {
            assert!(
                matches!(backend_said(message), DbError::Unavailable(_)),
                "{message}"
            );
        }
        assert!(matches!(
            backend_said("syntax error near \"FROM\""),
            DbError::Backend(_)
        ));
    }
}
