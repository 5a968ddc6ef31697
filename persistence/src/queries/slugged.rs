//! What categories, authors and tags share: a named row with a unique slug,
//! found by id or slug, stored, renamed and removed the same way, with a
//! version every change increments (conditionally, so a lost race is seen)
//! and old slugs that keep naming the row. `slugged!` writes those queries
//! once per table; what differs (the category tree, the account link, what
//! keeps a row in use) stays in the table's module.

use crate::schema::taxonomy_slug_redirects as redirects;
use crate::{DbConn, DbError};
use diesel::prelude::*;

/// The ids of the articles whose search documents carry a row's name.
pub type Indexed = fn(&mut DbConn, &str) -> Result<Vec<String>, DbError>;

/// A named resource with a unique slug, addressable by id or slug.
pub trait Slugged: Sized + Send + 'static {
    /// Its partial update.
    type Changes: Send + 'static;
    /// Its kind among old slugs (the table's name).
    const KIND: &'static str;

    /// Its id.
    fn id(&self) -> &str;
    /// Its current slug.
    fn slug(&self) -> &str;
    /// Its version: 1 when created, one more after each change.
    fn version(&self) -> i32;
    /// Makes a partial update also change the slug.
    fn set_slug(changes: &mut Self::Changes, slug: String);

    /// Stores a new row (its slug, if an old slug of another row, becomes
    /// its own and stops redirecting).
    fn insert(conn: &mut DbConn, row: &Self) -> Result<(), DbError>;
    /// The row named by an id or a current slug.
    fn find(conn: &mut DbConn, id_or_slug: &str) -> Result<Option<Self>, DbError>;
    /// Rows by ids, in one query (ill-formed ids name nothing).
    fn by_ids(conn: &mut DbConn, ids: &[String]) -> Result<Vec<Self>, DbError>;
    /// Current slugs taken by `base` and its numbered variants (`base-2`,
    /// ...); old slugs are free to take.
    fn taken_slugs(conn: &mut DbConn, base: &str) -> Result<Vec<String>, DbError>;
    /// Applies a partial update if the row is still at `current`'s version,
    /// and increments the version; false (nothing changed) when another
    /// change came first or the row is gone. A new slug keeps the old one
    /// naming the row.
    fn update(conn: &mut DbConn, current: &Self, changes: &Self::Changes) -> Result<bool, DbError>;
    /// Removes a row and its old slugs, only if still at `version` when
    /// one is given; false when nothing was removed.
    fn delete(conn: &mut DbConn, id: &str, version: Option<i32>) -> Result<bool, DbError>;

    /// The row an old slug names now.
    fn renamed(conn: &mut DbConn, slug: &str) -> Result<Option<Self>, DbError> {
        let Some(crate::queries::Key::Slug(slug)) = crate::queries::key(slug) else {
            return Ok(None);
        };
        match redirect_target(conn, Self::KIND, &slug)? {
            Some(id) => Self::find(conn, &id),
            None => Ok(None),
        }
    }

    /// The row named by an id, a current slug, or else an old slug.
    fn find_or_renamed(conn: &mut DbConn, key: &str) -> Result<Option<Self>, DbError> {
        match Self::find(conn, key)? {
            Some(row) => Ok(Some(row)),
            None => Self::renamed(conn, key),
        }
    }
}

/// The id an old slug of `kind` names.
pub fn redirect_target(
    conn: &mut DbConn,
    kind: &str,
    slug: &str,
) -> Result<Option<String>, DbError> {
    crate::queries::optional(
        redirects::table
            .filter(redirects::kind.eq(kind))
            .filter(redirects::slug.eq(slug))
            .select(redirects::target_id)
            .first(conn),
    )
}

/// Keeps `old` naming the row `id` (it was its slug).
pub fn remember_old_slug(
    conn: &mut DbConn,
    kind: &str,
    old: &str,
    id: &str,
) -> Result<(), DbError> {
    forget_old_slug(conn, kind, old)?;
    diesel::insert_into(redirects::table)
        .values((
            redirects::kind.eq(kind),
            redirects::slug.eq(old),
            redirects::target_id.eq(id),
        ))
        .execute(conn)?;
    Ok(())
}

/// Stops `slug` redirecting (a row took it as its own).
pub fn forget_old_slug(conn: &mut DbConn, kind: &str, slug: &str) -> Result<(), DbError> {
    diesel::delete(
        redirects::table
            .filter(redirects::kind.eq(kind))
            .filter(redirects::slug.eq(slug)),
    )
    .execute(conn)?;
    Ok(())
}

/// Forgets every old slug of a removed row.
pub fn forget_old_slugs_of(conn: &mut DbConn, kind: &str, id: &str) -> Result<(), DbError> {
    diesel::delete(
        redirects::table
            .filter(redirects::kind.eq(kind))
            .filter(redirects::target_id.eq(id)),
    )
    .execute(conn)?;
    Ok(())
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
        $crate::queries::slugged::slugged!($table, $row, $changes, |_, _| Ok(Vec::new()));
    };
    // `$indexed` names the articles whose search documents carry this row's
    // name: they are reindexed when it is renamed or deleted.
    ($table:ident, $row:ty, $changes:ty, $indexed:expr) => {
        impl $crate::queries::slugged::Slugged for $row {
            type Changes = $changes;
            const KIND: &'static str = stringify!($table);

            fn id(&self) -> &str {
                &self.id
            }

            fn slug(&self) -> &str {
                &self.slug
            }

            fn version(&self) -> i32 {
                self.version
            }

            fn set_slug(changes: &mut $changes, slug: String) {
                changes.slug = Some(slug);
            }

            fn insert(conn: &mut $crate::DbConn, row: &Self) -> Result<(), $crate::DbError> {
                diesel::insert_into($table::table)
                    .values(row)
                    .execute(conn)?;
                $crate::queries::slugged::forget_old_slug(conn, stringify!($table), &row.slug)
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
                current: &Self,
                changes: &$changes,
            ) -> Result<bool, $crate::DbError> {
                use $crate::queries::slugged::{forget_old_slug, remember_old_slug};
                let updated = diesel::update(
                    $table::table
                        .filter($table::id.eq(&current.id))
                        .filter($table::version.eq(current.version)),
                )
                .set((changes, $table::version.eq($table::version + 1)))
                .execute(conn)?
                    > 0;
                if !updated {
                    return Ok(false);
                }
                if let Some(slug) = changes.slug.as_deref().filter(|s| *s != current.slug) {
                    forget_old_slug(conn, stringify!($table), slug)?;
                    remember_old_slug(conn, stringify!($table), &current.slug, &current.id)?;
                }
                // Articles show the row's name and slug.
                let showing = $crate::queries::documents::showing(conn, Self::KIND, &current.id)?;
                $crate::queries::documents::stale(conn, &showing)?;
                if changes.name.is_some() {
                    let indexed: $crate::queries::slugged::Indexed = $indexed;
                    let articles = indexed(conn, &current.id)?;
                    $crate::search::index_articles(conn, &articles)?;
                }
                Ok(true)
            }

            fn delete(
                conn: &mut $crate::DbConn,
                id: &str,
                version: Option<i32>,
            ) -> Result<bool, $crate::DbError> {
                let indexed: $crate::queries::slugged::Indexed = $indexed;
                let articles = indexed(conn, id)?;
                let showing = $crate::queries::documents::showing(conn, Self::KIND, id)?;
                let mut query = diesel::delete($table::table)
                    .filter($table::id.eq(id))
                    .into_boxed();
                if let Some(version) = version {
                    query = query.filter($table::version.eq(version));
                }
                let deleted = query.execute(conn)? > 0;
                if deleted {
                    $crate::queries::slugged::forget_old_slugs_of(conn, stringify!($table), id)?;
                    $crate::search::index_articles(conn, &articles)?;
                    $crate::queries::documents::stale(conn, &showing)?;
                }
                Ok(deleted)
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

        /// The row an old slug names now.
        pub fn renamed(
            conn: &mut $crate::DbConn,
            slug: &str,
        ) -> Result<Option<$row>, $crate::DbError> {
            <$row as $crate::queries::slugged::Slugged>::renamed(conn, slug)
        }

        /// The row named by an id, a current slug, or else an old slug.
        pub fn find_or_renamed(
            conn: &mut $crate::DbConn,
            key: &str,
        ) -> Result<Option<$row>, $crate::DbError> {
            <$row as $crate::queries::slugged::Slugged>::find_or_renamed(conn, key)
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
