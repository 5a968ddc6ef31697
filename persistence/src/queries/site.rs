//! The newsroom's settings row.

use crate::models::site::{SiteChanges, SiteRow};
use crate::schema::site_settings;
use crate::{DbConn, DbError};
use diesel::prelude::*;

/// The settings (the migration creates the row).
pub fn get(conn: &mut DbConn) -> Result<SiteRow, DbError> {
    Ok(site_settings::table
        .find(1)
        .select(SiteRow::as_select())
        .first(conn)?)
}

/// Changes the settings. A new time zone changes every stored article
/// document (`published_at_local`): all are rendered again.
pub fn update(conn: &mut DbConn, changes: &SiteChanges) -> Result<(), DbError> {
    let zone_changed = match &changes.time_zone {
        Some(zone) => *zone != get(conn)?.time_zone,
        None => false,
    };
    diesel::update(site_settings::table.find(1))
        .set(changes)
        .execute(conn)?;
    if zone_changed {
        super::documents::stale_all(conn)?;
    }
    Ok(())
}
