//! `users` rows.

use super::stored::Stored;
use crate::schema::users;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use toasoan_domain::user::Role;

/// An account as stored.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    #[diesel(deserialize_as = Stored<Role>)]
    pub role: Role,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A new account.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    #[diesel(serialize_as = Stored<Role>)]
    pub role: Role,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A partial update of an account.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub password_hash: Option<String>,
    #[diesel(serialize_as = Stored<Role>)]
    pub role: Option<Role>,
    pub is_active: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

impl TryFrom<UserRow> for toasoan_domain::user::User {
    type Error = crate::DbError;

    fn try_from(row: UserRow) -> Result<Self, Self::Error> {
        use super::{at, corrupt, id};
        use toasoan_domain::user::Email;
        Ok(Self {
            id: id(&row.id)?,
            email: Email::parse(&row.email).map_err(corrupt)?,
            display_name: row.display_name,
            role: row.role,
            is_active: row.is_active,
            created_at: at(row.created_at),
            updated_at: at(row.updated_at),
        })
    }
}
