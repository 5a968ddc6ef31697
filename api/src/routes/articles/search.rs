//! Full-text search in the article list (`GET /api/v1/articles?q=...`):
//! the query's problem codes, ranked pages with highlights, and cursors
//! bound to the query that made them.

use super::view::{ArticleSummary, Relations};
use crate::error::{ApiError, Code};
use crate::pagination::{self, Page};
use chrono::NaiveDateTime;
use toasoan_domain::article::ArticleMeta;
use toasoan_domain::search::{QueryError, SearchQuery};
use toasoan_persistence::queries::articles::ListQuery;
use toasoan_persistence::{DbConn, search, time};

/// Cursor kind of search pages.
const CURSOR_KIND: &str = "s";
/// How instants are written in search cursors (naive UTC, full precision).
const CURSOR_TIME: &str = "%Y-%m-%dT%H:%M:%S%.f";

/// The registry code of each way a query can be unsearchable.
pub(crate) fn code_of(error: QueryError) -> Code {
    match error {
        QueryError::Empty => Code::SearchQueryEmpty,
        QueryError::TooLong => Code::SearchQueryTooLong,
        QueryError::ControlCharacter => Code::SearchQueryInvalidCharacters,
        QueryError::UnbalancedQuotes => Code::SearchQueryUnbalancedQuotes,
        QueryError::NoWords => Code::SearchQueryNoWords,
        QueryError::TooManyWords => Code::SearchQueryTooManyWords,
    }
}

/// Parses `q`, or refuses it with its stable code.
pub(crate) fn parse(raw: &str) -> Result<SearchQuery, ApiError> {
    SearchQuery::parse(raw).map_err(|e| code_of(e).err(e.to_string()))
}

fn fingerprint(query: &SearchQuery) -> String {
    format!("{:016x}", query.fingerprint())
}

/// Where the previous page of this same query ended. A cursor of another
/// query, or of the plain list, is refused.
pub(crate) fn after(cursor: &str, query: &SearchQuery) -> Result<search::Rank, ApiError> {
    let invalid = || Code::InvalidCursor.err("the cursor is not one this search gave out");
    let parts = pagination::decode_cursor(cursor, CURSOR_KIND, 5)?;
    if parts[0] != fingerprint(query) {
        return Err(Code::InvalidCursor.err("the cursor belongs to another search query"));
    }
    let bonus: i32 = parts[1].parse().map_err(|_| invalid())?;
    let relevance: f64 = parts[2].parse().map_err(|_| invalid())?;
    let sort_at = NaiveDateTime::parse_from_str(&parts[3], CURSOR_TIME).map_err(|_| invalid())?;
    if !relevance.is_finite() || !toasoan_persistence::queries::is_id(&parts[4]) {
        return Err(invalid());
    }
    Ok(search::Rank {
        bonus,
        relevance,
        sort_at,
        id: parts[4].clone(),
    })
}

fn cursor(query: &SearchQuery, rank: &search::Rank) -> String {
    pagination::encode_cursor(
        CURSOR_KIND,
        &[
            &fingerprint(query),
            &rank.bonus.to_string(),
            // Display of f64 is the shortest text that parses back exactly.
            &rank.relevance.to_string(),
            &rank.sort_at.format(CURSOR_TIME).to_string(),
            &rank.id,
        ],
    )
}

/// One ranked page of search hits with their highlights: one query for the
/// hits, one for the highlight texts, one per relation.
pub(crate) fn page(
    conn: &mut DbConn,
    query: &SearchQuery,
    filters: ListQuery,
    after: Option<search::Rank>,
    limit: i64,
    now: NaiveDateTime,
) -> Result<Page<ArticleSummary>, ApiError> {
    let filters = ListQuery {
        limit: limit + 1,
        ..filters
    };
    let hits = search::search(conn, query, &filters, after.as_ref())?;
    let ids: Vec<String> = hits.iter().map(|h| h.row.id.clone()).collect();
    let mut highlights = search::highlights(conn, query, &ids)?;
    let mut ranks = Vec::with_capacity(hits.len());
    let mut metas = Vec::with_capacity(hits.len());
    for hit in hits {
        ranks.push(hit.rank);
        metas.push(ArticleMeta::try_from(hit.row)?);
    }
    let relations = Relations::load(conn, &metas)?;
    let now = time::from_db(now);
    let items: Vec<(ArticleSummary, search::Rank)> = metas
        .into_iter()
        .zip(ranks)
        .map(|(meta, rank)| {
            let mut summary = relations.summary(meta, now);
            summary.highlight = Some(highlights.remove(&rank.id).unwrap_or_default());
            (summary, rank)
        })
        .collect();
    let page = Page::new(items, limit, |(_, rank)| cursor(query, rank));
    Ok(Page {
        data: page.data.into_iter().map(|(item, _)| item).collect(),
        meta: page.meta,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_error_has_the_code_the_domain_names() {
        for error in [
            QueryError::Empty,
            QueryError::TooLong,
            QueryError::ControlCharacter,
            QueryError::UnbalancedQuotes,
            QueryError::NoWords,
            QueryError::TooManyWords,
        ] {
            assert_eq!(code_of(error).as_str(), error.code());
            assert_eq!(code_of(error).status().as_u16(), 400);
        }
    }

    #[test]
    fn cursors_round_trip_and_stay_with_their_query() {
        let q = SearchQuery::parse("học tập").unwrap();
        let rank = search::Rank {
            bonus: 1,
            relevance: 0.1 + 0.2,
            sort_at: time::now(),
            id: "0190f1c2-0000-7000-8000-000000000000".into(),
        };
        let c = cursor(&q, &rank);
        assert_eq!(after(&c, &q).unwrap(), rank);
        let other = SearchQuery::parse("hoc tap").unwrap();
        assert_eq!(after(&c, &other).unwrap_err().code(), Code::InvalidCursor);
        let list = pagination::encode_cursor("i", &["0190f1c2-0000-7000-8000-000000000000"]);
        assert_eq!(after(&list, &q).unwrap_err().code(), Code::InvalidCursor);
    }
}
