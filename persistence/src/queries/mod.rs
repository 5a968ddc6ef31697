//! Queries, one module per area. Plain functions taking `&mut DbConn`;
//! lists load each relation with one batched `IN (...)` query.

pub mod api_keys;
pub mod articles;
pub mod audit;
pub mod authors;
pub mod categories;
pub mod comments;
pub mod corrections;
pub mod counts;
pub mod documents;
pub mod due_work;
pub mod events;
pub mod featured;
pub mod feed;
pub mod images;
pub mod rate_limits;
pub mod read_limits;
pub mod related;
pub mod review_notes;
pub mod revisions;
pub mod secrets;
pub mod sessions;
pub mod site;
pub mod slugged;
pub mod tags;
pub mod users;
pub mod views;
pub mod webhooks;

use crate::DbError;
use diesel::QueryResult;

/// What a key from a URL or a request body names.
pub enum Key {
    /// A canonical lowercase UUID: an id.
    Id(String),
    /// A well-formed slug.
    Slug(String),
}

/// Classifies a key, or `None` when it can name nothing (it is neither an
/// id nor a slug), so hostile input never reaches the database.
pub fn key(raw: &str) -> Option<Key> {
    let lower = raw.trim().to_ascii_lowercase();
    if is_id(&lower) {
        return Some(Key::Id(lower));
    }
    toasoan_domain::slug::Slug::parse(&lower)
        .ok()
        .map(|s| Key::Slug(s.into_string()))
}

/// True for a canonical hyphenated UUID (the only id form the API hands out).
pub fn is_id(raw: &str) -> bool {
    raw.len() == 36 && uuid::Uuid::try_parse(raw).is_ok()
}

/// The ids and the slugs among `keys` (each classified by [`key`]), for
/// one `WHERE id IN (..) OR slug IN (..)` query; malformed keys name nothing.
pub(crate) fn split_keys(keys: &[String]) -> (Vec<String>, Vec<String>) {
    let (mut ids, mut slugs) = (Vec::new(), Vec::new());
    for raw in keys {
        match key(raw) {
            Some(Key::Id(id)) => ids.push(id),
            Some(Key::Slug(slug)) => slugs.push(slug),
            None => {}
        }
    }
    (ids, slugs)
}

/// Lines up rows found by [`split_keys`] with the keys asked for: one
/// entry per key, in order, `None` for a key that names nothing.
pub(crate) fn per_key<R: Clone>(
    keys: &[String],
    rows: &[R],
    id_and_slug: impl Fn(&R) -> (&str, &str),
) -> Vec<Option<R>> {
    keys.iter()
        .map(|raw| {
            let found = match key(raw)? {
                Key::Id(id) => rows.iter().find(|r| id_and_slug(r).0 == id),
                Key::Slug(slug) => rows.iter().find(|r| id_and_slug(r).1 == slug),
            };
            found.cloned()
        })
        .collect()
}

/// Keeps only well-formed ids (lowercased).
pub(crate) fn ids_only(ids: &[String]) -> Vec<String> {
    ids.iter()
        .map(|i| i.to_ascii_lowercase())
        .filter(|i| is_id(i))
        .collect()
}

/// Turns a "no row" result into `None`, any other error into `DbError`.
pub(crate) fn optional<T>(result: QueryResult<T>) -> Result<Option<T>, DbError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(diesel::result::Error::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The `LIKE` pattern matching `base-2`, `base-3`, ... (slugs contain no `%` or `_`).
pub(crate) fn suffixed(base: &str) -> String {
    format!("{base}-%")
}

#[cfg(test)]
mod tests {
    use crate::models::tag::TagRow;
    use crate::queries::tags;
    use diesel::Connection;
    use diesel::connection::{Instrumentation, InstrumentationEvent};
    use std::sync::{Arc, Mutex};

    struct Counter(Arc<Mutex<usize>>);

    impl Instrumentation for Counter {
        fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
            if let InstrumentationEvent::StartQuery { .. } = event {
                *self.0.lock().unwrap() += 1;
            }
        }
    }

    #[test]
    fn keys_of_one_kind_are_resolved_with_one_query_whatever_their_number() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::connect(dir.path().join("keys.db").to_str().unwrap(), 1).unwrap();
        let mut conn = pool.get().unwrap();
        crate::migrate(&mut conn).unwrap();
        let mut rows = Vec::new();
        for i in 0..30 {
            let row = TagRow {
                id: uuid::Uuid::now_v7().to_string(),
                slug: format!("the-{i:02}"),
                name: format!("Thẻ {i:02}"),
                sort_key: format!("the {i:02}"),
                created_at: crate::time::now(),
                version: 1,
                updated_at: crate::time::now(),
            };
            tags::insert(&mut conn, &row).unwrap();
            rows.push(row);
        }
        // Ids, slugs, an id in capitals, an unknown slug and a malformed key.
        let mut keys: Vec<String> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| match i % 3 {
                0 => r.id.clone(),
                1 => r.slug.clone(),
                _ => r.id.to_uppercase(),
            })
            .collect();
        keys.push("khong-co".into());
        keys.push("not a key!".into());
        let count = Arc::new(Mutex::new(0));
        conn.set_instrumentation(Counter(count.clone()));
        let found = tags::find_many(&mut conn, &keys).unwrap();
        assert_eq!(
            *count.lock().unwrap(),
            1,
            "one query for {} keys",
            keys.len()
        );
        assert_eq!(found.len(), keys.len());
        for (row, got) in rows.iter().zip(&found) {
            assert_eq!(got.as_ref().map(|t| &t.id), Some(&row.id));
        }
        assert!(found[30].is_none() && found[31].is_none());
    }
}
