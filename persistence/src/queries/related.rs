//! Related articles: an editor's ordered picks, then articles sharing
//! tags, then the same category. Every tier filters with
//! `articles::visible_to_readers`, so what readers may not see never
//! appears, whatever the rule for that becomes.

use super::articles::visible_to_readers;
use crate::schema::{article_related, article_tags, articles};
use crate::{DbConn, DbError};
use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

/// Replaces an article's picks, keeping the given order.
pub fn replace_picks(
    conn: &mut DbConn,
    article_id: &str,
    related_ids: &[String],
) -> Result<(), DbError> {
    diesel::delete(article_related::table.filter(article_related::article_id.eq(article_id)))
        .execute(conn)?;
    for (position, related_id) in related_ids.iter().enumerate() {
        diesel::insert_into(article_related::table)
            .values((
                article_related::article_id.eq(article_id),
                article_related::related_id.eq(related_id),
                article_related::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Every pick of an article, in order, whether readers see it or not
/// (what an editor set).
pub fn picks_of(conn: &mut DbConn, article_id: &str) -> Result<Vec<String>, DbError> {
    Ok(article_related::table
        .filter(article_related::article_id.eq(article_id))
        .order(article_related::position)
        .select(article_related::related_id)
        .load(conn)?)
}

/// The source of a related list: the article and its category.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The article whose related articles are wanted.
    pub article_id: &'a str,
    /// Its category, if any.
    pub category_id: Option<&'a str>,
}

/// Up to `limit` ids of articles related to `source` that readers see at
/// `now`, best first: the picks in their order, then articles sharing the
/// most tags (newest first among equals), then the same category, newest
/// first. Never the source, never twice. At most three queries, whatever
/// the limit; a tier is skipped once the list is full.
pub fn related_ids(
    conn: &mut DbConn,
    source: Source<'_>,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<String>, DbError> {
    let mut found: Vec<String> = article_related::table
        .inner_join(articles::table.on(articles::id.eq(article_related::related_id)))
        .filter(article_related::article_id.eq(source.article_id))
        .filter(articles::id.ne(source.article_id))
        .filter(visible_to_readers(now))
        .order(article_related::position)
        .select(articles::id)
        .limit(limit)
        .load(conn)?;
    let wanted = usize::try_from(limit).unwrap_or(usize::MAX);
    if found.len() < wanted {
        // Never the source, never an article already listed.
        let mut seen = found.clone();
        seen.push(source.article_id.to_owned());
        let theirs = diesel::alias!(article_tags as source_tags);
        let source_tags = theirs
            .filter(theirs.field(article_tags::article_id).eq(source.article_id))
            .select(theirs.field(article_tags::tag_id));
        let sharing: Vec<String> = article_tags::table
            .inner_join(articles::table)
            .filter(article_tags::tag_id.eq_any(source_tags))
            .filter(articles::id.ne_all(seen))
            .filter(visible_to_readers(now))
            .group_by((articles::id, articles::published_at))
            .select(articles::id)
            .order((
                count_star().desc(),
                articles::published_at.desc(),
                articles::id.desc(),
            ))
            .limit(remaining(limit, &found))
            .load(conn)?;
        found.extend(sharing);
    }
    if let Some(category) = source.category_id
        && found.len() < wanted
    {
        let mut seen = found.clone();
        seen.push(source.article_id.to_owned());
        let same_category: Vec<String> = articles::table
            .filter(articles::category_id.eq(category))
            .filter(articles::id.ne_all(seen))
            .filter(visible_to_readers(now))
            .order((articles::published_at.desc(), articles::id.desc()))
            .select(articles::id)
            .limit(remaining(limit, &found))
            .load(conn)?;
        found.extend(same_category);
    }
    Ok(found)
}

fn remaining(limit: i64, found: &[String]) -> i64 {
    limit - i64::try_from(found.len()).unwrap_or(limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::article::NewArticle;
    use crate::queries::articles;
    use diesel::Connection;
    use diesel::connection::{Instrumentation, InstrumentationEvent};
    use std::sync::{Arc, Mutex};
    use toasoan_domain::article::Status;
    use toasoan_domain::slug::Slug;

    struct Counter(Arc<Mutex<usize>>);

    impl Instrumentation for Counter {
        fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
            if let InstrumentationEvent::StartQuery { .. } = event {
                *self.0.lock().unwrap() += 1;
            }
        }
    }

    #[test]
    fn every_tier_is_one_query_whatever_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::connect(dir.path().join("related.db").to_str().unwrap(), 1).unwrap();
        let mut conn = pool.get().unwrap();
        crate::migrate(&mut conn).unwrap();
        let now = crate::time::now();
        let mut ids = Vec::new();
        for i in 0..30 {
            let slug = Slug::parse(&format!("bai-{i}")).unwrap();
            let new = NewArticle {
                status: Status::Published,
                published_at: Some(now - chrono::Duration::hours(i + 1)),
                created_by: None,
                ..NewArticle::draft(format!("Bài {i}"), slug, "u", now)
            };
            articles::insert(&mut conn, &new).unwrap();
            ids.push(new.id);
        }
        // Three picks; no tags, no category: every tier runs.
        replace_picks(&mut conn, &ids[0], &ids[1..4]).unwrap();
        let source = Source {
            article_id: &ids[0],
            category_id: Some("c"),
        };
        let mut counts = Vec::new();
        for limit in [5, 20] {
            let seen = Arc::new(Mutex::new(0));
            conn.set_instrumentation(Counter(seen.clone()));
            let found = related_ids(&mut conn, source, now, limit).unwrap();
            assert_eq!(&found[..3], &ids[1..4], "the picks first, in order");
            assert!(!found.contains(&ids[0]), "never the source");
            counts.push(*seen.lock().unwrap());
        }
        assert_eq!(counts, [3, 3], "picks, shared tags, category");
    }
}
