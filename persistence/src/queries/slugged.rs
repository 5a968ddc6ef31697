//! What categories, authors and tags share: a named row with a unique slug,
//! found by id or slug, stored, renamed and removed the same way. `slugged!`
//! writes those queries once per table; what differs (the category tree,
//! the account link, what keeps a row in use) stays in the table's module.

use crate::{DbConn, DbError};

/// A named resource with a unique slug, addressable by id or slug.
pub trait Slugged: Sized + Send + 'static {
    /// Its partial update.
    type Changes: Send + 'static;

    /// Its id.
    fn id(&self) -> &str;
    /// Its current slug.
    fn slug(&self) -> &str;
    /// Makes a partial update also change the slug.
    fn set_slug(changes: &mut Self::Changes, slug: String);

    /// Stores a new row.
    fn insert(conn: &mut DbConn, row: &Self) -> Result<(), DbError>;
    /// The row named by an id or a slug.
    fn find(conn: &mut DbConn, id_or_slug: &str) -> Result<Option<Self>, DbError>;
    /// Rows by ids, in one query (ill-formed ids name nothing).
    fn by_ids(conn: &mut DbConn, ids: &[String]) -> Result<Vec<Self>, DbError>;
    /// Slugs taken by `base` and its numbered variants (`base-2`, ...).
    fn taken_slugs(conn: &mut DbConn, base: &str) -> Result<Vec<String>, DbError>;
    /// Applies a partial update.
    fn update(conn: &mut DbConn, id: &str, changes: &Self::Changes) -> Result<(), DbError>;
    /// Removes a row; false when it did not exist.
    fn delete(conn: &mut DbConn, id: &str) -> Result<bool, DbError>;
}

/// A slugged resource listed in Vietnamese alphabetical order, by keyset.
pub trait Alphabetical: Slugged {
    /// The stored sort key of its name.
    fn sort_key(&self) -> &str;
    /// One page after `after` (a `(sort_key, id)` keyset position).
    fn page(
        conn: &mut DbConn,
        after: Option<(String, String)>,
        limit: i64,
    ) -> Result<Vec<Self>, DbError>;
}

/// Implements `Slugged` for a row of a table with `id` and `slug` columns,
/// and keeps the plain functions (`authors::find`, ...) other modules call.
macro_rules! slugged {
    ($table:ident, $row:ty, $changes:ty) => {
        impl $crate::queries::slugged::Slugged for $row {
            type Changes = $changes;

            fn id(&self) -> &str {
                &self.id
            }

            fn slug(&self) -> &str {
                &self.slug
            }

            fn set_slug(changes: &mut $changes, slug: String) {
                changes.slug = Some(slug);
            }

            fn insert(conn: &mut $crate::DbConn, row: &Self) -> Result<(), $crate::DbError> {
                diesel::insert_into($table::table)
                    .values(row)
                    .execute(conn)?;
                Ok(())
            }

            fn find(
                conn: &mut $crate::DbConn,
                id_or_slug: &str,
            ) -> Result<Option<Self>, $crate::DbError> {
                use $crate::queries::{Key, key, optional};
                let query = $table::table.select(<$row>::as_select());
                match key(id_or_slug) {
                    Some(Key::Id(id)) => optional(query.filter($table::id.eq(id)).first(conn)),
                    Some(Key::Slug(s)) => optional(query.filter($table::slug.eq(s)).first(conn)),
                    None => Ok(None),
                }
            }

            fn by_ids(
                conn: &mut $crate::DbConn,
                ids: &[String],
            ) -> Result<Vec<Self>, $crate::DbError> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                Ok($table::table
                    .filter($table::id.eq_any($crate::queries::ids_only(ids)))
                    .select(<$row>::as_select())
                    .load(conn)?)
            }

            fn taken_slugs(
                conn: &mut $crate::DbConn,
                base: &str,
            ) -> Result<Vec<String>, $crate::DbError> {
                let variants = $crate::queries::suffixed(base);
                Ok($table::table
                    .filter($table::slug.eq(base).or($table::slug.like(variants)))
                    .select($table::slug)
                    .load(conn)?)
            }

            fn update(
                conn: &mut $crate::DbConn,
                id: &str,
                changes: &$changes,
            ) -> Result<(), $crate::DbError> {
                diesel::update($table::table.find(id))
                    .set(changes)
                    .execute(conn)?;
                Ok(())
            }

            fn delete(conn: &mut $crate::DbConn, id: &str) -> Result<bool, $crate::DbError> {
                Ok(diesel::delete($table::table.find(id)).execute(conn)? > 0)
            }
        }

        /// Stores a new row.
        pub fn insert(conn: &mut $crate::DbConn, row: &$row) -> Result<(), $crate::DbError> {
            <$row as $crate::queries::slugged::Slugged>::insert(conn, row)
        }

        /// The row named by an id or a slug.
        pub fn find(
            conn: &mut $crate::DbConn,
            id_or_slug: &str,
        ) -> Result<Option<$row>, $crate::DbError> {
            <$row as $crate::queries::slugged::Slugged>::find(conn, id_or_slug)
        }

        /// Rows by ids, in one query.
        pub fn by_ids(
            conn: &mut $crate::DbConn,
            ids: &[String],
        ) -> Result<Vec<$row>, $crate::DbError> {
            <$row as $crate::queries::slugged::Slugged>::by_ids(conn, ids)
        }
    };
}

/// Implements `Alphabetical` for a slugged row with a `sort_key` column.
macro_rules! alphabetical {
    ($table:ident, $row:ty) => {
        impl $crate::queries::slugged::Alphabetical for $row {
            fn sort_key(&self) -> &str {
                &self.sort_key
            }

            fn page(
                conn: &mut $crate::DbConn,
                after: Option<(String, String)>,
                limit: i64,
            ) -> Result<Vec<Self>, $crate::DbError> {
                let mut query = $table::table.select(<$row>::as_select()).into_boxed();
                if let Some((key, id)) = after {
                    query = query.filter(
                        $table::sort_key
                            .gt(key.clone())
                            .or($table::sort_key.eq(key).and($table::id.gt(id))),
                    );
                }
                Ok(query
                    .order(($table::sort_key, $table::id))
                    .limit(limit)
                    .load(conn)?)
            }
        }
    };
}

pub(crate) use {alphabetical, slugged};
