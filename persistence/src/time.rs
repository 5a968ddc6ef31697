//! Instants as stored: naive UTC, truncated to microseconds so SQLite
//! (which would keep nanoseconds) and PostgreSQL store the same value.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

/// Now, at storage precision.
pub fn now() -> NaiveDateTime {
    to_db(Utc::now())
}

/// An instant at storage precision.
pub fn to_db(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc().trunc_subsecs(6)
}

/// A stored instant as UTC.
pub fn from_db(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}
