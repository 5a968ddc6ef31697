//! Article revisions: recorded by every article write in its own
//! transaction (a snapshot of the row after the write), listed newest
//! first, read one by one; and the pruning of draft revisions.

use super::optional;
use crate::models::article::ArticleRow;
use crate::models::revision::{RevisionRow, RevisionSummaryRow, Saver};
use crate::models::stored::Stored;
use crate::queries::corrections;
use crate::schema::{article_authors, article_revisions, article_tags, articles};
use crate::time::from_db;
use crate::{DbConn, DbError};
use diesel::prelude::*;
use toasoan_domain::article::Status;
use toasoan_domain::byline::BylineRole;
use toasoan_domain::revision::{BylineEntry, CorrectionEntry, Snapshot, prunable};

/// The article's content and metadata as stored now.
pub fn snapshot(conn: &mut DbConn, article_id: &str) -> Result<(ArticleRow, Snapshot), DbError> {
    let (row, comment_mode): (ArticleRow, String) = articles::table
        .find(article_id)
        .select((ArticleRow::as_select(), articles::comment_mode))
        .first(conn)?;
    let authors: Vec<(String, Stored<BylineRole>)> = article_authors::table
        .filter(article_authors::article_id.eq(article_id))
        .order(article_authors::position)
        .select((article_authors::author_id, article_authors::role))
        .load(conn)?;
    let related_ids = super::related::picks_of(conn, article_id)?;
    let tag_ids: Vec<String> = article_tags::table
        .filter(article_tags::article_id.eq(article_id))
        .order(article_tags::tag_id)
        .select(article_tags::tag_id)
        .load(conn)?;
    let corrections = corrections::of(conn, article_id)?
        .into_iter()
        .map(|c| CorrectionEntry {
            text: c.text,
            at: from_db(c.created_at),
        })
        .collect();
    let snapshot = Snapshot {
        title: row.title.clone(),
        slug: row.slug.clone(),
        sapo: row.sapo.clone(),
        body: serde_json::from_str(&row.body).map_err(crate::models::corrupt)?,
        body_html: row.body_html.clone(),
        status: row.status.as_str().to_owned(),
        featured: row.featured,
        published_at: row.published_at.map(from_db),
        category_id: row.category_id.clone(),
        cover_image_id: row.cover_image_id.clone(),
        authors: authors
            .into_iter()
            .map(|(author_id, Stored(role))| BylineEntry { author_id, role })
            .collect(),
        tag_ids,
        related_ids,
        unpublish_at: row.unpublish_at.map(from_db),
        comment_mode: Some(comment_mode),
        word_count: row.word_count,
        reading_time_minutes: row.reading_time_minutes,
        corrections,
    };
    Ok((row, snapshot))
}

/// Records the article as stored now as its next revision, by `saver`,
/// then prunes the draft revisions past what `saver.drafts_kept` keeps.
/// Call it inside the transaction that wrote the article; returns the
/// revision's number.
pub fn record(conn: &mut DbConn, article_id: &str, saver: &Saver) -> Result<i32, DbError> {
    let (row, snapshot) = snapshot(conn, article_id)?;
    let last: Option<i32> = article_revisions::table
        .filter(article_revisions::article_id.eq(article_id))
        .select(diesel::dsl::max(article_revisions::n))
        .first(conn)?;
    let n = last.unwrap_or(0) + 1;
    diesel::insert_into(article_revisions::table)
        .values(RevisionRow {
            article_id: article_id.to_owned(),
            n,
            version: row.version,
            saved_by: saver.user_id.clone(),
            saved_at: crate::time::now(),
            title: row.title.clone(),
            status: row.status,
            snapshot: serde_json::to_string(&snapshot).map_err(crate::models::corrupt)?,
        })
        .execute(conn)?;
    prune(conn, &row, n, saver.drafts_kept)?;
    Ok(n)
}

/// Deletes the revisions of a never-published article beyond its first and
/// its newest `kept` (revision `latest` just written).
fn prune(conn: &mut DbConn, row: &ArticleRow, latest: i32, kept: u32) -> Result<(), DbError> {
    let published_now = row.status == Status::Published || row.published_at.is_some();
    if published_now || prunable(latest, kept, false).is_none() {
        return Ok(());
    }
    // `published_at` survives unpublishing; a revision as published also
    // tells, should a later rule clear it.
    let was_published: i64 = article_revisions::table
        .filter(article_revisions::article_id.eq(&row.id))
        .filter(article_revisions::status.eq(Stored(Status::Published)))
        .count()
        .get_result(conn)?;
    if let Some(range) = prunable(latest, kept, was_published > 0) {
        diesel::delete(
            article_revisions::table
                .filter(article_revisions::article_id.eq(&row.id))
                .filter(article_revisions::n.between(*range.start(), *range.end())),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// A page of an article's revisions, newest first, after revision `before`
/// (exclusive) when given.
pub fn page(
    conn: &mut DbConn,
    article_id: &str,
    before: Option<i32>,
    limit: i64,
) -> Result<Vec<RevisionSummaryRow>, DbError> {
    let mut query = article_revisions::table
        .filter(article_revisions::article_id.eq(article_id))
        .select(RevisionSummaryRow::as_select())
        .into_boxed();
    if let Some(n) = before {
        query = query.filter(article_revisions::n.lt(n));
    }
    Ok(query
        .order(article_revisions::n.desc())
        .limit(limit)
        .load(conn)?)
}

/// Revision `n` of an article.
pub fn find(conn: &mut DbConn, article_id: &str, n: i32) -> Result<Option<RevisionRow>, DbError> {
    optional(
        article_revisions::table
            .find((article_id, n))
            .select(RevisionRow::as_select())
            .first(conn),
    )
}

/// The display names of these accounts, in one query (to show who saved).
pub fn savers(conn: &mut DbConn, user_ids: &[String]) -> Result<Vec<(String, String)>, DbError> {
    use crate::schema::users;
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(users::table
        .filter(users::id.eq_any(user_ids))
        .select((users::id, users::display_name))
        .load(conn)?)
}
