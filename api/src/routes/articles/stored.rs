//! Render on write: the stored public documents of articles (see
//! `toasoan_persistence::queries::documents`). Rendering uses the live
//! read's own code (`view::assemble`, `Relations`), for a batch of
//! articles with one query per relation; reads splice the live view
//! counter into the stored bytes and never parse them.

use super::view::{self, CorrectionView, Relations};
use crate::error::ApiError;
use crate::pagination::PageMeta;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::io::Write as _;
use toasoan_domain::article::{Article, PublicStatus};
use toasoan_persistence::queries::documents::{self, EntryRow, StoredDocument};
use toasoan_persistence::queries::{articles, corrections};
use toasoan_persistence::{DbConn, DbError};

/// Articles rendered per batch (one query per relation each).
const BATCH: i64 = 200;

/// Makes every write transaction render the documents it made stale
/// before it commits.
pub fn install() {
    documents::set_renderer(render_queued);
}

/// Renders the queued articles, a batch at a time, and empties the queue.
fn render_queued(conn: &mut DbConn) -> Result<(), DbError> {
    loop {
        let ids = documents::queued(conn, BATCH)?;
        if ids.is_empty() {
            return Ok(());
        }
        render(conn, &ids).map_err(|e| match e {
            ApiError::Internal(cause) => DbError::Backend(format!("rendering documents: {cause}")),
            other => DbError::Backend(format!("rendering documents: {other}")),
        })?;
        documents::dequeue(conn, &ids)?;
    }
}

/// Renders and stores the documents of these articles (gone ones are
/// skipped). Each is rendered as a reader would get it once it is public
/// (status `published`, whenever that is; visibility is decided at read
/// time), with a view count of 0 to be spliced.
pub fn render(conn: &mut DbConn, ids: &[String]) -> Result<(), ApiError> {
    let rows = articles::whole_by_ids(conn, ids)?;
    let mut notes: HashMap<String, Vec<CorrectionView>> = HashMap::new();
    for row in corrections::of_many(conn, ids)? {
        notes
            .entry(row.article_id.clone())
            .or_default()
            .push(row.into());
    }
    let mut metas = Vec::with_capacity(rows.len());
    let mut bodies = Vec::with_capacity(rows.len());
    for row in rows {
        let article = Article::try_from(row)?;
        metas.push(article.meta);
        bodies.push((article.body, article.body_html));
    }
    let relations = Relations::load(conn, &metas)?;
    let now = Utc::now();
    for (meta, (body, body_html)) in metas.into_iter().zip(bodies) {
        let id = meta.id.to_string();
        let corrections = notes.remove(&id).unwrap_or_default();
        let mut article = view::assemble(
            &relations,
            meta,
            body.blocks().to_vec(),
            body_html,
            corrections,
            None,
            now,
        );
        article.summary.status = PublicStatus::Published;
        article.summary.view_count = 0;
        let doc = StoredDocument {
            article_id: id,
            list_entry: serde_json::to_string(&article.summary).map_err(ApiError::internal)?,
            etag: view::etag(&article)?,
            document: serde_json::to_string(&article).map_err(ApiError::internal)?,
        };
        documents::store(conn, &doc)?;
    }
    Ok(())
}

/// Where stored JSON holds the view counter (its first occurrence is the
/// article's own field: no earlier member has one, and inside a string a
/// quote is escaped).
const VIEWS: &str = "\"view_count\":0,";

/// Appends stored JSON (its bytes, as stored: the server wrote them) to
/// `out` with the live view count spliced in.
pub fn push_with_views(out: &mut Vec<u8>, stored: &[u8], views: i64) {
    let at = stored
        .windows(VIEWS.len())
        .position(|w| w == VIEWS.as_bytes());
    match at {
        Some(at) => {
            out.extend_from_slice(&stored[..at]);
            let _ = write!(out, "\"view_count\":{views},");
            out.extend_from_slice(&stored[at + VIEWS.len()..]);
        }
        None => out.extend_from_slice(stored),
    }
}

/// A stored document with the live view count spliced in.
pub fn with_views(stored: &[u8], views: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(stored.len() + 20);
    push_with_views(&mut out, stored, views);
    out
}

/// A list page assembled from stored entries, unparsed.
pub struct StoredPage {
    /// The page's JSON, as `Page<ArticleSummary>` serializes.
    pub body: Vec<u8>,
    /// The cursor of the next page.
    pub next_cursor: Option<String>,
}

/// Assembles a page (`limit` + 1 rows fetched, to know whether another
/// page follows) from stored entries; rows not rendered yet are built live
/// (one batch). `cursor_of` makes a cursor from a row's publication instant
/// and id.
pub fn page(
    conn: &mut DbConn,
    mut rows: Vec<EntryRow>,
    limit: i64,
    total: Option<i64>,
    cursor_of: impl Fn(Option<DateTime<Utc>>, &str) -> String,
) -> Result<StoredPage, ApiError> {
    let size = usize::try_from(limit).unwrap_or(usize::MAX);
    let full = rows.len() > size;
    rows.truncate(size);
    let next_cursor = if full {
        rows.last().map(|r| {
            cursor_of(
                r.published_at.map(toasoan_persistence::time::from_db),
                &r.id,
            )
        })
    } else {
        None
    };
    let missing: Vec<String> = rows
        .iter()
        .filter(|r| r.list_entry.is_none())
        .map(|r| r.id.clone())
        .collect();
    let mut live = HashMap::new();
    if !missing.is_empty() {
        let rows = articles::summaries_by_ids(conn, &missing)?;
        let summaries = view::summaries(conn, rows, Utc::now())?;
        for summary in summaries {
            let json = serde_json::to_string(&summary).map_err(ApiError::internal)?;
            live.insert(summary.id, json);
        }
    }
    let meta = PageMeta {
        next_cursor: next_cursor.clone(),
        limit,
        total,
    };
    let entries: usize = rows
        .iter()
        .map(|r| r.list_entry.as_ref().map_or(2048, String::len))
        .sum();
    let mut body = Vec::with_capacity(entries + rows.len() * 8 + 200);
    body.extend_from_slice(b"{\"data\":[");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        match &row.list_entry {
            Some(entry) => push_with_views(&mut body, entry.as_bytes(), row.views.unwrap_or(0)),
            None => {
                body.extend_from_slice(live.get(&row.id).map_or("null", String::as_str).as_bytes())
            }
        }
    }
    body.extend_from_slice(b"],\"meta\":");
    serde_json::to_writer(&mut body, &meta).map_err(ApiError::internal)?;
    body.push(b'}');
    Ok(StoredPage { body, next_cursor })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_count_is_spliced_into_the_first_counter_only() {
        let stored = r#"{"title":"\"view_count\":0,","view_count":0,"version":2}"#;
        assert_eq!(
            with_views(stored.as_bytes(), 1520),
            br#"{"title":"\"view_count\":0,","view_count":1520,"version":2}"#
        );
    }
}
