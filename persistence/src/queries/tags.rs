//! Tags: the shared slugged queries; deleting one removes its links to
//! articles (by the foreign key's cascade).

use super::slugged::{alphabetical, slugged};
use crate::models::tag::{TagChanges, TagRow};
use crate::schema::tags;
use crate::{DbConn, DbError};
use diesel::prelude::*;

slugged!(tags, TagRow, TagChanges);
alphabetical!(tags, TagRow);

/// Many tags by ids or slugs in one query, whatever their number: one
/// entry per key, in order, `None` where a key names no such row.
pub fn find_many(conn: &mut DbConn, keys: &[String]) -> Result<Vec<Option<TagRow>>, DbError> {
    let (ids, slugs) = super::split_keys(keys);
    if ids.is_empty() && slugs.is_empty() {
        return Ok(vec![None; keys.len()]);
    }
    let rows: Vec<TagRow> = tags::table
        .filter(tags::id.eq_any(ids).or(tags::slug.eq_any(slugs)))
        .select(TagRow::as_select())
        .load(conn)?;
    Ok(super::per_key(keys, &rows, |r| (&r.id, &r.slug)))
}
