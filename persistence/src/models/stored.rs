//! Domain enums as stored text: the one place where an article status or
//! an account role becomes TEXT and back. Row structs hold the enums
//! (`#[diesel(serialize_as = .., deserialize_as = ..)]`) and queries
//! compare with them (`articles::status.eq(Stored(Status::Published))`),
//! so no string literal for a status or role appears anywhere else.

use crate::conn::MultiBackend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;
use toasoan_domain::article::Status;
use toasoan_domain::byline::BylineRole;
use toasoan_domain::comment::{CommentMode, CommentStatus};
use toasoan_domain::user::Role;

/// A domain enum bound to, or read from, a TEXT column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct Stored<T: StoredText>(pub T);

/// An enum with a stored name. Both backends store the same text, through
/// the connection enum's own `Text` support (MultiConnection allows no
/// backend-specific types).
pub trait StoredText: Sized + std::fmt::Debug + Copy + 'static {
    /// The stored name.
    fn text(self) -> &'static str;
    /// Reads a stored name.
    fn read(raw: &str) -> Result<Self, String>;
}

impl StoredText for Status {
    fn text(self) -> &'static str {
        self.as_str()
    }
    fn read(raw: &str) -> Result<Self, String> {
        Status::parse(raw).map_err(|_| format!("stored article status {raw:?} is unknown"))
    }
}

impl StoredText for CommentStatus {
    fn text(self) -> &'static str {
        self.as_str()
    }
    fn read(raw: &str) -> Result<Self, String> {
        CommentStatus::parse(raw).map_err(|_| format!("stored comment status {raw:?} is unknown"))
    }
}

impl StoredText for CommentMode {
    fn text(self) -> &'static str {
        self.as_str()
    }
    fn read(raw: &str) -> Result<Self, String> {
        CommentMode::parse(raw).map_err(|_| format!("stored comment mode {raw:?} is unknown"))
    }
}

impl StoredText for Role {
    fn text(self) -> &'static str {
        self.as_str()
    }
    fn read(raw: &str) -> Result<Self, String> {
        Role::parse(raw).map_err(|_| format!("stored role {raw:?} is unknown"))
    }
}

impl StoredText for BylineRole {
    fn text(self) -> &'static str {
        self.as_str()
    }
    fn read(raw: &str) -> Result<Self, String> {
        BylineRole::parse(raw).map_err(|_| format!("stored byline role {raw:?} is unknown"))
    }
}

// Writes go through the connection enum and, for inserts, through each
// backend's own statement, so all three need to bind the text.
macro_rules! to_text {
    ($($backend:ty),*) => {$(
        impl<T: StoredText> ToSql<Text, $backend> for Stored<T> {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, $backend>) -> serialize::Result {
                <str as ToSql<Text, $backend>>::to_sql(self.0.text(), out)
            }
        }
    )*};
}

to_text!(MultiBackend, diesel::sqlite::Sqlite, diesel::pg::Pg);

// Reads come through the connection enum, and through each backend for
// the per-backend queries (search) that run on the inner connection.
macro_rules! from_text {
    ($($backend:ty),*) => {$(
        impl<T: StoredText> FromSql<Text, $backend> for Stored<T> {
            fn from_sql(
                bytes: <$backend as diesel::backend::Backend>::RawValue<'_>,
            ) -> deserialize::Result<Self> {
                let raw = <String as FromSql<Text, $backend>>::from_sql(bytes)?;
                Ok(Stored(T::read(&raw)?))
            }
        }
    )*};
}

from_text!(MultiBackend, diesel::sqlite::Sqlite, diesel::pg::Pg);

impl From<Status> for Stored<Status> {
    fn from(status: Status) -> Self {
        Stored(status)
    }
}

impl From<Stored<Status>> for Status {
    fn from(stored: Stored<Status>) -> Self {
        stored.0
    }
}

impl From<Role> for Stored<Role> {
    fn from(role: Role) -> Self {
        Stored(role)
    }
}

impl From<Stored<Role>> for Role {
    fn from(stored: Stored<Role>) -> Self {
        stored.0
    }
}

impl From<CommentStatus> for Stored<CommentStatus> {
    fn from(status: CommentStatus) -> Self {
        Stored(status)
    }
}

impl From<Stored<CommentStatus>> for CommentStatus {
    fn from(stored: Stored<CommentStatus>) -> Self {
        stored.0
    }
}

impl StoredText for toasoan_domain::event::EventType {
    fn text(self) -> &'static str {
        self.as_str()
    }
    fn read(raw: &str) -> Result<Self, String> {
        Self::parse(raw).map_err(|_| format!("stored event type {raw:?} is unknown"))
    }
}

impl StoredText for toasoan_domain::event::DueKind {
    fn text(self) -> &'static str {
        self.as_str()
    }
    fn read(raw: &str) -> Result<Self, String> {
        Self::parse(raw).map_err(|_| format!("stored due work {raw:?} is unknown"))
    }
}

impl StoredText for toasoan_domain::webhook::DeliveryStatus {
    fn text(self) -> &'static str {
        self.as_str()
    }
    fn read(raw: &str) -> Result<Self, String> {
        Self::parse(raw).map_err(|_| format!("stored delivery status {raw:?} is unknown"))
    }
}

impl From<toasoan_domain::webhook::DeliveryStatus>
    for Stored<toasoan_domain::webhook::DeliveryStatus>
{
    fn from(value: toasoan_domain::webhook::DeliveryStatus) -> Self {
        Stored(value)
    }
}

impl From<Stored<toasoan_domain::webhook::DeliveryStatus>>
    for toasoan_domain::webhook::DeliveryStatus
{
    fn from(stored: Stored<toasoan_domain::webhook::DeliveryStatus>) -> Self {
        stored.0
    }
}
