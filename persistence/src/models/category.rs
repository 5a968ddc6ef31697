//! `categories` rows.

use crate::schema::categories;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A category as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = categories)]
pub struct CategoryRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub parent_id: Option<String>,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Increases on every change (`Slugged::update` makes it conditional).
    pub version: i32,
}

/// Stored rows walk the tree with the domain's rules
/// (`toasoan_domain::category::{subtree, chain, subtree_height}`).
impl toasoan_domain::category::Node for CategoryRow {
    type Id = String;
    fn id(&self) -> &String {
        &self.id
    }
    fn parent(&self) -> Option<&String> {
        self.parent_id.as_ref()
    }
}

/// A partial update of a category.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = categories)]
pub struct CategoryChanges {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub parent_id: Option<Option<String>>,
    pub position: Option<i32>,
    pub updated_at: Option<NaiveDateTime>,
}

impl TryFrom<CategoryRow> for toasoan_domain::category::Category {
    type Error = crate::DbError;

    fn try_from(row: CategoryRow) -> Result<Self, Self::Error> {
        use super::{at, id, opt_id, slug};
        Ok(Self {
            id: id(&row.id)?,
            slug: slug(&row.slug)?,
            name: row.name,
            description: row.description,
            parent_id: opt_id(row.parent_id.as_deref())?,
            position: row.position,
            created_at: at(row.created_at),
            updated_at: at(row.updated_at),
            version: row.version,
        })
    }
}
