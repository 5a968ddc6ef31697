//! Images: the media library and which articles use an image.

use super::{ids_only, is_id, optional};
use crate::models::image::{ImageChanges, ImageRow};
use crate::schema::{articles, images};
use crate::{DbConn, DbError, write_tx};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use toasoan_domain::image::search_text;
use toasoan_domain::text::fold;

/// Stores an uploaded image's metadata.
pub fn insert(conn: &mut DbConn, row: &ImageRow) -> Result<(), DbError> {
    diesel::insert_into(images::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// An image by id.
pub fn by_id(conn: &mut DbConn, id: &str) -> Result<Option<ImageRow>, DbError> {
    let id = id.to_ascii_lowercase();
    if !is_id(&id) {
        return Ok(None);
    }
    optional(
        images::table
            .filter(images::id.eq(id))
            .select(ImageRow::as_select())
            .first(conn),
    )
}

/// The image stored from a file with this content hash, if any.
pub fn by_hash(conn: &mut DbConn, content_hash: &str) -> Result<Option<ImageRow>, DbError> {
    optional(
        images::table
            .filter(images::content_hash.eq(content_hash))
            .select(ImageRow::as_select())
            .first(conn),
    )
}

/// Images by ids, in one query.
pub fn by_ids(conn: &mut DbConn, ids: &[String]) -> Result<Vec<ImageRow>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(images::table
        .filter(images::id.eq_any(ids_only(ids)))
        .select(ImageRow::as_select())
        .load(conn)?)
}

/// One page of the library, newest first, after `after` (the last row's
/// `created_at` and id); `q` matches caption, credit and alt with or without
/// diacritics (`dai hoi` and `Đại hội` find `đại hội`).
pub fn page(
    conn: &mut DbConn,
    q: Option<&str>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ImageRow>, DbError> {
    let mut query = images::table.select(ImageRow::as_select()).into_boxed();
    if let Some(q) = q.map(fold) {
        for word in q.split_whitespace() {
            query = query.filter(images::search_text.like(contains(word)).escape('\\'));
        }
    }
    if let Some((at, id)) = after {
        query = query.filter(
            images::created_at
                .lt(at)
                .or(images::created_at.eq(at).and(images::id.lt(id))),
        );
    }
    Ok(query
        .order((images::created_at.desc(), images::id.desc()))
        .limit(limit)
        .load(conn)?)
}

/// `%word%` with LIKE's wildcards escaped.
fn contains(word: &str) -> String {
    let mut pattern = String::with_capacity(word.len() + 2);
    pattern.push('%');
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Changes an image's metadata and returns the updated row.
pub fn update(
    conn: &mut DbConn,
    id: &str,
    changes: &ImageChanges,
    now: NaiveDateTime,
) -> Result<ImageRow, DbError> {
    write_tx(conn, |conn| {
        let mut row = by_id(conn, id)?.ok_or(DbError::NotFound)?;
        if let Some(caption) = &changes.caption {
            row.caption.clone_from(caption);
        }
        if let Some(credit) = &changes.credit {
            row.credit.clone_from(credit);
        }
        if let Some(alt) = &changes.alt {
            row.alt.clone_from(alt);
        }
        if let Some(point) = changes.focal_point {
            row.focal_x = point.map(|p| p.x);
            row.focal_y = point.map(|p| p.y);
        }
        row.search_text = search_text(
            row.caption.as_deref(),
            row.credit.as_deref(),
            row.alt.as_deref(),
        );
        row.updated_at = now;
        // Articles show their cover's caption, credit and alt.
        super::documents::stale_covering(conn, &row.id)?;
        diesel::update(images::table.filter(images::id.eq(&row.id)))
            .set((
                images::caption.eq(&row.caption),
                images::credit.eq(&row.credit),
                images::alt.eq(&row.alt),
                images::focal_x.eq(row.focal_x),
                images::focal_y.eq(row.focal_y),
                images::search_text.eq(&row.search_text),
                images::updated_at.eq(row.updated_at),
            ))
            .execute(conn)?;
        Ok(row)
    })
}

/// An article that uses an image.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ImageUse {
    /// Article id.
    pub id: String,
    /// Article slug.
    pub slug: String,
    /// Article title.
    pub title: String,
}

/// The articles that use an image as their cover or in an `image` block of
/// their body, ordered by id.
pub fn users(conn: &mut DbConn, id: &str) -> Result<Vec<ImageUse>, DbError> {
    let id = id.to_ascii_lowercase();
    if !is_id(&id) {
        return Ok(Vec::new());
    }
    // Bodies are stored as compact JSON written by serde; an id is a
    // hyphenated UUID with no LIKE wildcards.
    let in_body = format!("%\"image_id\":\"{id}\"%");
    Ok(articles::table
        .filter(
            articles::cover_image_id
                .eq(&id)
                .or(articles::body.like(in_body)),
        )
        .select((articles::id, articles::slug, articles::title))
        .order(articles::id)
        .load(conn)?)
}

/// What deleting an image did.
#[derive(Debug)]
pub enum Deleted {
    /// The row is gone; its files are the caller's to remove.
    Removed(Box<ImageRow>),
    /// Articles use the image: nothing was deleted.
    InUse(Vec<ImageUse>),
}

/// Deletes an image unless an article uses it, in one write transaction so
/// no article can start using it in between.
pub fn delete(conn: &mut DbConn, id: &str) -> Result<Deleted, DbError> {
    write_tx(conn, |conn| {
        let row = by_id(conn, id)?.ok_or(DbError::NotFound)?;
        let users = users(conn, &row.id)?;
        if !users.is_empty() {
            return Ok(Deleted::InUse(users));
        }
        diesel::delete(images::table.filter(images::id.eq(&row.id))).execute(conn)?;
        Ok(Deleted::Removed(Box::new(row)))
    })
}
