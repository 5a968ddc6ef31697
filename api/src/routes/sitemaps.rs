//! Sitemaps for search engines: `/sitemap.xml` is an index of one child per
//! month of publication (a day, for a month over 50 000 articles), each a
//! range scan of the publication index, so any child costs the same;
//! `/sitemap-news.xml` follows the Google News rules (last 48 hours, at most
//! 1 000 URLs). Article URLs come from the site settings; the frontend that
//! serves those pages proxies these paths to the API.

use crate::error::{ApiError, Code, Problem};
use crate::http_cache::respond_bytes;
use crate::published::{self, Entry};
use crate::responses::*;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{Duration, Months, NaiveDate, NaiveDateTime};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::io;
use toasoan_domain::site::Site;
use toasoan_persistence::queries::feed::{self, FeedQuery};
use toasoan_persistence::time;

crate::endpoints![get_sitemap_index, get_sitemap, get_news_sitemap];

/// Most URLs in one sitemap (the protocol's limit).
pub const SITEMAP_MAX_URLS: i64 = 50_000;
/// Most URLs in the news sitemap (Google News).
pub const NEWS_MAX_URLS: i64 = 1_000;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";
const XML: &str = "application/xml; charset=utf-8";

fn document(
    body: impl FnOnce(&mut Writer<Vec<u8>>) -> io::Result<()>,
) -> Result<Vec<u8>, ApiError> {
    let mut writer = Writer::new(Vec::new());
    writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(ApiError::internal)?;
    body(&mut writer).map_err(ApiError::internal)?;
    Ok(writer.into_inner())
}

fn text(writer: &mut Writer<Vec<u8>>, name: &str, value: &str) -> io::Result<()> {
    writer
        .create_element(name)
        .write_text_content(BytesText::new(value))?;
    Ok(())
}

/// A child sitemap's period: a month (`2024-04`) or a day (`2024-04-20`),
/// as the half-open range of instants it covers.
fn period_range(period: &str) -> Option<(NaiveDateTime, NaiveDateTime)> {
    if let Ok(day) = NaiveDate::parse_from_str(period, "%Y-%m-%d") {
        let start = day.and_hms_opt(0, 0, 0)?;
        return Some((start, start + Duration::days(1)));
    }
    let first = NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d").ok()?;
    if period.len() != 7 {
        return None;
    }
    let start = first.and_hms_opt(0, 0, 0)?;
    Some((start, start.checked_add_months(Months::new(1))?))
}

/// The sitemap index: one child per month with public articles.
#[utoipa::path(get, path = "/sitemap.xml", operation_id = "get_sitemap_index", tag = "feeds",
    responses(
        (status = 200, description = "A sitemap index (sitemaps.org 0.9)", content_type = "application/xml", body = String,
            headers(("ETag" = String), ("Cache-Control" = String))),
        NotModified,
    ))]
pub async fn get_sitemap_index(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (site, children) = state
        .db(|conn| {
            let site = published::site(conn)?;
            let now = time::now();
            let mut children = Vec::new();
            for month in feed::periods(conn, now, None)? {
                if month.n <= SITEMAP_MAX_URLS {
                    children.push(month);
                    continue;
                }
                let Some(range) = period_range(&month.period) else {
                    continue;
                };
                children.extend(feed::periods(conn, now, Some(range))?);
            }
            Ok((site, children))
        })
        .await?;
    let body = document(|w| {
        w.create_element("sitemapindex")
            .with_attribute(("xmlns", SITEMAP_NS))
            .write_inner_content(|w| {
                for child in &children {
                    w.create_element("sitemap").write_inner_content(|w| {
                        text(
                            w,
                            "loc",
                            &format!("{}/sitemaps/{}.xml", site.url, child.period),
                        )?;
                        let changed = site.local(time::from_db(child.last_change));
                        text(w, "lastmod", &changed.to_rfc3339())
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    })?;
    respond_bytes(&req, body, XML, "", state.audience(false))
}

/// One child sitemap: the public articles of a month or a day.
#[utoipa::path(get, path = "/sitemaps/{period}.xml", operation_id = "get_sitemap", tag = "feeds",
    params(("period" = String, Path, description = "A month `YYYY-MM` or a day `YYYY-MM-DD`, as the index lists them", example = "2024-04")),
    responses(
        (status = 200, description = "A sitemap (sitemaps.org 0.9) of at most 50 000 URLs", content_type = "application/xml", body = String,
            headers(("ETag" = String), ("Cache-Control" = String))),
        NotModified,
        (status = 404, description = "Not a period the index could list (`sitemap_not_found`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_sitemap(
    state: web::Data<AppState>,
    req: HttpRequest,
    period: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (from, until) = period_range(&period).ok_or_else(|| {
        Code::SitemapNotFound.err("a sitemap is named by a month YYYY-MM or a day YYYY-MM-DD")
    })?;
    let (site, entries) = state
        .db(move |conn| {
            let site = published::site(conn)?;
            let rows = feed::published_between(conn, time::now(), from, until, SITEMAP_MAX_URLS)?;
            let entries = published::entries(conn, &site, rows, false)?;
            Ok((site, entries))
        })
        .await?;
    let body = document(|w| {
        w.create_element("urlset")
            .with_attribute(("xmlns", SITEMAP_NS))
            .write_inner_content(|w| {
                for entry in &entries {
                    w.create_element("url").write_inner_content(|w| {
                        text(w, "loc", &entry.url)?;
                        let modified = site.local(time::from_db(entry.row.updated_at));
                        text(w, "lastmod", &modified.to_rfc3339())
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    })?;
    respond_bytes(&req, body, XML, "", state.audience(false))
}

fn news_entry(w: &mut Writer<Vec<u8>>, site: &Site, entry: &Entry) -> io::Result<()> {
    w.create_element("url").write_inner_content(|w| {
        text(w, "loc", &entry.url)?;
        w.create_element("news:news").write_inner_content(|w| {
            w.create_element("news:publication")
                .write_inner_content(|w| {
                    text(w, "news:name", &site.name)?;
                    text(w, "news:language", &site.language)
                })?;
            text(
                w,
                "news:publication_date",
                &site.local(entry.published_at).to_rfc3339(),
            )?;
            text(w, "news:title", &entry.row.title)
        })?;
        Ok(())
    })?;
    Ok(())
}

/// The Google News sitemap: articles of the last 48 hours, at most 1 000.
#[utoipa::path(get, path = "/sitemap-news.xml", operation_id = "get_news_sitemap", tag = "feeds",
    responses(
        (status = 200, description = "A Google News sitemap", content_type = "application/xml", body = String,
            headers(("ETag" = String), ("Cache-Control" = String))),
        NotModified,
    ))]
pub async fn get_news_sitemap(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (site, entries) = state
        .db(|conn| {
            let site = published::site(conn)?;
            let now = time::now();
            let query = FeedQuery {
                since: Some(now - Duration::hours(48)),
                ..FeedQuery::default()
            };
            let rows = feed::latest(conn, now, &query, NEWS_MAX_URLS)?;
            let entries = published::entries(conn, &site, rows, false)?;
            Ok((site, entries))
        })
        .await?;
    let body = document(|w| {
        w.create_element("urlset")
            .with_attribute(("xmlns", SITEMAP_NS))
            .with_attribute(("xmlns:news", NEWS_NS))
            .write_inner_content(|w| {
                for entry in &entries {
                    news_entry(w, &site, entry)?;
                }
                Ok(())
            })?;
        Ok(())
    })?;
    respond_bytes(&req, body, XML, "", state.audience(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_months_or_days() {
        let (from, until) = period_range("2024-04").unwrap();
        assert_eq!(from.to_string(), "2024-04-01 00:00:00");
        assert_eq!(until.to_string(), "2024-05-01 00:00:00");
        let (from, until) = period_range("2024-12-31").unwrap();
        assert_eq!(from.to_string(), "2024-12-31 00:00:00");
        assert_eq!(until.to_string(), "2025-01-01 00:00:00");
        for bad in [
            "2024-13",
            "2024-4",
            "24-04",
            "2024-04-31",
            "../x",
            "",
            "2024-04-01-02",
        ] {
            assert!(period_range(bad).is_none(), "{bad}");
        }
    }
}
