//! Stored public documents (render on write): per article, the exact JSON
//! a reader gets for it and for its list entry, and its ETag.
//!
//! A write that changes what readers see of an article calls [`stale`]
//! (or [`stale_all`]) beside the SQL that changes it: the documents are
//! deleted at once, so no read can serve them, and queued. Before a write
//! transaction commits, [`write_tx`](crate::write_tx) runs the renderer the
//! API installed ([`set_renderer`]), which renders the queued articles again
//! with the code that renders a live read, in the same transaction. Reads
//! of an article with no document take the live path.

use super::articles::ListQuery;
use crate::conn::MultiBackend;
use crate::conn::MultiRawValue;
use crate::models::stored::Stored;
use crate::schema::{
    article_authors, article_documents, article_tags, article_view_totals, articles, document_queue,
};
use crate::{DbConn, DbError};
use chrono::NaiveDateTime;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::{Pg, PgValue};
use diesel::prelude::*;
use diesel::sql_types::{Binary, Text};
use diesel::sqlite::{Sqlite, SqliteValue};
use std::sync::OnceLock;
use toasoan_domain::article::{Status, visible_to_readers};

/// Renders the queued articles' documents and stores them.
pub type Renderer = fn(&mut DbConn) -> Result<(), DbError>;

static RENDERER: OnceLock<Renderer> = OnceLock::new();

/// Installs the renderer every write transaction runs before it commits
/// (once per process; later calls are ignored).
pub fn set_renderer(renderer: Renderer) {
    let _ = RENDERER.set(renderer);
}

/// Runs the installed renderer, if any (`write_tx` calls it).
pub(crate) fn render_queued(conn: &mut DbConn) -> Result<(), DbError> {
    match RENDERER.get() {
        Some(render) => render(conn),
        None => Ok(()),
    }
}

/// Rows per `IN (...)` list.
const CHUNK: usize = 500;

/// Drops the documents of these articles and queues them for rendering.
pub fn stale(conn: &mut DbConn, ids: &[String]) -> Result<(), DbError> {
    for chunk in ids.chunks(CHUNK) {
        diesel::delete(
            article_documents::table.filter(article_documents::article_id.eq_any(chunk)),
        )
        .execute(conn)?;
    }
    for id in ids {
        diesel::insert_into(document_queue::table)
            .values(document_queue::article_id.eq(id))
            .execute(conn)?;
    }
    Ok(())
}

/// Drops every document and queues every article (a change every
/// document shows, such as the site's time zone, or `toasoan reindex`).
pub fn stale_all(conn: &mut DbConn) -> Result<(), DbError> {
    diesel::delete(article_documents::table).execute(conn)?;
    diesel::sql_query("INSERT INTO document_queue (article_id) SELECT id FROM articles")
        .execute(conn)?;
    Ok(())
}

/// Drops the documents of the articles whose cover is this image.
pub fn stale_covering(conn: &mut DbConn, image_id: &str) -> Result<(), DbError> {
    let ids: Vec<String> = articles::table
        .filter(articles::cover_image_id.eq(image_id))
        .select(articles::id)
        .load(conn)?;
    stale(conn, &ids)
}

/// The articles that show a category, author or tag (`kind` is its
/// table's name): in their category, byline or tags.
pub fn showing(conn: &mut DbConn, kind: &str, id: &str) -> Result<Vec<String>, DbError> {
    Ok(match kind {
        "categories" => articles::table
            .filter(articles::category_id.eq(id))
            .select(articles::id)
            .load(conn)?,
        "authors" => article_authors::table
            .filter(article_authors::author_id.eq(id))
            .select(article_authors::article_id)
            .load(conn)?,
        "tags" => article_tags::table
            .filter(article_tags::tag_id.eq(id))
            .select(article_tags::article_id)
            .load(conn)?,
        _ => Vec::new(),
    })
}

/// Up to `limit` queued articles.
pub fn queued(conn: &mut DbConn, limit: i64) -> Result<Vec<String>, DbError> {
    Ok(document_queue::table
        .select(document_queue::article_id)
        .distinct()
        .order(document_queue::article_id)
        .limit(limit)
        .load(conn)?)
}

/// Takes these articles off the queue.
pub fn dequeue(conn: &mut DbConn, ids: &[String]) -> Result<(), DbError> {
    for chunk in ids.chunks(CHUNK) {
        diesel::delete(document_queue::table.filter(document_queue::article_id.eq_any(chunk)))
            .execute(conn)?;
    }
    Ok(())
}

/// One article's rendered documents.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = article_documents)]
pub struct StoredDocument {
    /// The article.
    pub article_id: String,
    /// Its summary JSON, as lists show it.
    pub list_entry: String,
    /// Its ETag (quoted).
    pub etag: String,
    /// Its whole JSON, as a reader's read shows it.
    pub document: String,
}

/// Stores (replaces) an article's documents.
pub fn store(conn: &mut DbConn, doc: &StoredDocument) -> Result<(), DbError> {
    diesel::delete(article_documents::table.find(&doc.article_id)).execute(conn)?;
    diesel::insert_into(article_documents::table)
        .values(doc.clone())
        .execute(conn)?;
    Ok(())
}

/// A public read by id or current slug: what decides visibility, and the
/// stored document with its ETag and the live view total.
#[derive(Debug, Queryable)]
pub struct PublicDocument {
    /// The article's id.
    pub id: String,
    /// Stored status.
    pub status: Stored<Status>,
    /// Publication instant.
    pub published_at: Option<NaiveDateTime>,
    /// Expiry.
    pub unpublish_at: Option<NaiveDateTime>,
    /// The ETag.
    pub etag: String,
    /// The document's UTF-8 bytes, `"view_count":0` to be spliced. Bytes,
    /// not a `String`: the server wrote them as JSON and sends them as
    /// they are, so checking them again on every read (a few kilobytes of
    /// Vietnamese, a tenth of a read's time) would buy nothing.
    pub document: JsonBytes,
    /// Views counted so far.
    pub views: Option<i64>,
}

/// A TEXT column the server wrote as JSON, read as its bytes without
/// checking them for UTF-8 again.
#[derive(Debug, FromSqlRow)]
pub struct JsonBytes(pub Vec<u8>);

impl FromSql<Text, MultiBackend> for JsonBytes {
    fn from_sql(value: MultiRawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Text>()
    }
}

// A text value's bytes are what a blob read returns, on both backends.
impl FromSql<Text, Sqlite> for JsonBytes {
    fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        <Vec<u8> as FromSql<Binary, Sqlite>>::from_sql(value).map(JsonBytes)
    }
}

impl FromSql<Text, Pg> for JsonBytes {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        <Vec<u8> as FromSql<Binary, Pg>>::from_sql(value).map(JsonBytes)
    }
}

impl PublicDocument {
    /// True when readers may see it at `now` (the domain's one definition).
    pub fn is_public(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        visible_to_readers(
            self.status.0,
            self.published_at.map(crate::time::from_db),
            self.unpublish_at.map(crate::time::from_db),
            now,
        )
    }
}

/// The stored document of the article an id or current slug names, with
/// the live view total: one indexed lookup. `None` also when the article
/// has no stored document (the caller takes the live path).
pub fn public_by_key(
    conn: &mut DbConn,
    key: &super::Key,
) -> Result<Option<PublicDocument>, DbError> {
    // On SQLite the statement runs on the connection itself: its type then
    // names the prepared statement in diesel's cache, where through the
    // multi-backend wrapper every read first rendered the SQL text again
    // to find it (a tenth of a read's time).
    macro_rules! run {
        ($conn:expr) => {{
            let query = articles::table
                .inner_join(article_documents::table)
                .left_join(article_view_totals::table)
                .select((
                    articles::id,
                    articles::status,
                    articles::published_at,
                    articles::unpublish_at,
                    article_documents::etag,
                    article_documents::document,
                    article_view_totals::views.nullable(),
                ));
            super::optional(match key {
                super::Key::Id(id) => query.filter(articles::id.eq(id)).first($conn),
                super::Key::Slug(slug) => query.filter(articles::slug.eq(slug)).first($conn),
            })
        }};
    }
    match conn {
        DbConn::Sqlite(sqlite) => run!(sqlite),
        other => run!(other),
    }
}

/// A row of a list page from the stored entries.
#[derive(Debug, Queryable)]
pub struct EntryRow {
    /// The article's id.
    pub id: String,
    /// Publication instant (for the cursor).
    pub published_at: Option<NaiveDateTime>,
    /// The stored list entry, `"view_count":0` to be spliced; `None` when
    /// not rendered yet.
    pub list_entry: Option<String>,
    /// Views counted so far.
    pub views: Option<i64>,
}

/// One page of a list as stored entries: one query, the same filters,
/// order and index walk as [`super::articles::list`].
pub fn entries(conn: &mut DbConn, q: &ListQuery) -> Result<Vec<EntryRow>, DbError> {
    super::articles::list_entries(conn, q)
}
