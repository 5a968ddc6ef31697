//! Images.

use crate::models::image::ImageRow;
use crate::schema::images;
use crate::{DbConn, DbError};
use diesel::prelude::*;

/// Stores an uploaded image's metadata.
pub fn insert(conn: &mut DbConn, row: &ImageRow) -> Result<(), DbError> {
    diesel::insert_into(images::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Images by ids, in one query.
pub fn by_ids(conn: &mut DbConn, ids: &[String]) -> Result<Vec<ImageRow>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(images::table
        .filter(images::id.eq_any(super::ids_only(ids)))
        .select(ImageRow::as_select())
        .load(conn)?)
}
