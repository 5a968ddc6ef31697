//! RSS 2.0 and JSON Feed 1.1 of the latest public articles, for the whole
//! paper and per category (sub-categories included). Built with the `rss`
//! crate and serde, never by string concatenation. Scheduled, archived and
//! draft articles never appear.

use crate::error::ApiError;
use crate::http_cache::respond_bytes;
use crate::published::{self, Entry};
use crate::responses::*;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use toasoan_domain::site::Site;
use toasoan_persistence::queries::feed::{self, FeedQuery};
use toasoan_persistence::time;

crate::endpoints![
    get_latest_rss,
    get_latest_json_feed,
    get_category_rss,
    get_category_json_feed
];

/// Entries per feed.
pub const FEED_SIZE: i64 = 50;

/// What a feed is of: its title, its page on the frontend and its entries.
struct Feed {
    site: Site,
    title: String,
    home: String,
    entries: Vec<Entry>,
}

async fn load(state: &AppState, category: Option<String>) -> Result<Feed, ApiError> {
    state
        .db(move |conn| {
            let site = published::site(conn)?;
            let (title, home, query) = match category {
                None => (site.name.clone(), site.url.clone(), FeedQuery::default()),
                Some(slug) => {
                    let (root, ids) = published::category_subtree(conn, &slug)?;
                    let home = format!("{}/{}", site.url, root.slug);
                    let title = format!("{} – {}", root.name, site.name);
                    let query = FeedQuery {
                        category_ids: Some(ids),
                        ..FeedQuery::default()
                    };
                    (title, home, query)
                }
            };
            let rows = feed::latest(conn, time::now(), &query, FEED_SIZE)?;
            let entries = published::entries(conn, &site, rows, true)?;
            Ok(Feed {
                site,
                title,
                home,
                entries,
            })
        })
        .await
}

fn rss(req: &HttpRequest, feed: &Feed) -> Result<Vec<u8>, ApiError> {
    use rss::extension::dublincore::DublinCoreExtension;
    let items = feed
        .entries
        .iter()
        .map(|entry| {
            let mut item = rss::Item::default();
            item.set_title(entry.row.title.clone());
            item.set_link(entry.url.clone());
            item.set_description(entry.row.sapo.clone());
            item.set_guid(rss::Guid {
                value: entry.row.id.clone(),
                permalink: false,
            });
            item.set_pub_date(feed.site.local(entry.published_at).to_rfc2822());
            item.set_categories(
                entry
                    .category
                    .iter()
                    .map(|name| rss::Category {
                        name: name.clone(),
                        domain: None,
                    })
                    .collect::<Vec<_>>(),
            );
            if !entry.authors.is_empty() {
                let mut dc = DublinCoreExtension::default();
                dc.set_creators(entry.authors.clone());
                item.set_dublin_core_ext(dc);
            }
            if let Some(cover) = &entry.cover {
                item.set_enclosure(rss::Enclosure {
                    url: published::absolute(req, &cover.url),
                    length: cover.byte_size.to_string(),
                    mime_type: cover.mime_type.clone(),
                });
            }
            item
        })
        .collect::<Vec<_>>();
    let mut channel = rss::Channel::default();
    channel.set_title(feed.title.clone());
    channel.set_link(feed.home.clone());
    channel.set_description(format!("Tin mới nhất – {}", feed.site.name));
    channel.set_language(feed.site.language.clone());
    channel.set_generator("Toà soạn".to_owned());
    if let Some(newest) = feed.entries.first() {
        channel.set_last_build_date(feed.site.local(newest.published_at).to_rfc2822());
    }
    channel.set_items(items);
    channel
        .namespaces
        .insert("dc".into(), rss::extension::dublincore::NAMESPACE.into());
    let writer = channel.write_to(Vec::new()).map_err(ApiError::internal)?;
    Ok(writer)
}

/// A JSON Feed 1.1 document.
#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: String,
    language: &'a str,
    items: Vec<JsonFeedItem<'a>>,
}

#[derive(Serialize)]
struct JsonFeedItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    date_published: String,
    date_modified: String,
    authors: Vec<JsonFeedAuthor<'a>>,
    tags: Vec<&'a str>,
}

#[derive(Serialize)]
struct JsonFeedAuthor<'a> {
    name: &'a str,
}

fn json_feed(req: &HttpRequest, feed: &Feed) -> Result<Vec<u8>, ApiError> {
    let document = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &feed.title,
        home_page_url: &feed.home,
        feed_url: published::absolute(req, req.path()),
        language: &feed.site.language,
        items: feed
            .entries
            .iter()
            .map(|entry| JsonFeedItem {
                id: &entry.row.id,
                url: &entry.url,
                title: &entry.row.title,
                summary: entry.row.sapo.as_deref(),
                image: entry
                    .cover
                    .as_ref()
                    .map(|c| published::absolute(req, &c.url)),
                date_published: feed.site.local(entry.published_at).to_rfc3339(),
                date_modified: feed
                    .site
                    .local(time::from_db(entry.row.updated_at))
                    .to_rfc3339(),
                authors: entry
                    .authors
                    .iter()
                    .map(|name| JsonFeedAuthor { name })
                    .collect(),
                tags: entry.category.iter().map(String::as_str).collect(),
            })
            .collect(),
    };
    serde_json::to_vec(&document).map_err(ApiError::internal)
}

/// The two formats every feed comes in.
#[derive(Clone, Copy)]
enum Format {
    Rss,
    JsonFeed,
}

async fn serve(
    state: &AppState,
    req: &HttpRequest,
    category: Option<String>,
    format: Format,
) -> Result<HttpResponse, ApiError> {
    let feed = load(state, category).await?;
    let (body, content_type) = match format {
        Format::Rss => (rss(req, &feed)?, "application/rss+xml; charset=utf-8"),
        Format::JsonFeed => (json_feed(req, &feed)?, "application/feed+json"),
    };
    respond_bytes(req, body, content_type, "", state.audience(false))
}

/// The latest articles as RSS 2.0.
#[utoipa::path(get, path = "/feeds/latest.rss", operation_id = "get_latest_rss", tag = "feeds",
    responses(
        (status = 200, description = "RSS 2.0 of the 50 latest public articles", content_type = "application/rss+xml", body = String,
            headers(("ETag" = String), ("Cache-Control" = String))),
        NotModified,
    ))]
pub async fn get_latest_rss(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    serve(&state, &req, None, Format::Rss).await
}

/// The latest articles as JSON Feed 1.1.
#[utoipa::path(get, path = "/feeds/latest.json", operation_id = "get_latest_json_feed", tag = "feeds",
    responses(
        (status = 200, description = "JSON Feed 1.1 of the 50 latest public articles", content_type = "application/feed+json", body = Object,
            headers(("ETag" = String), ("Cache-Control" = String))),
        NotModified,
    ))]
pub async fn get_latest_json_feed(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    serve(&state, &req, None, Format::JsonFeed).await
}

/// The latest articles of a category (and its sub-categories) as RSS 2.0.
#[utoipa::path(get, path = "/feeds/category/{slug}.rss", operation_id = "get_category_rss", tag = "feeds",
    params(("slug" = String, Path, description = "Category slug", example = "theo-guong-bac")),
    responses(
        (status = 200, description = "RSS 2.0 of the category's 50 latest public articles", content_type = "application/rss+xml", body = String,
            headers(("ETag" = String), ("Cache-Control" = String))),
        NotModified,
        CategoryNotFound,
    ))]
pub async fn get_category_rss(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    serve(&state, &req, Some(slug.into_inner()), Format::Rss).await
}

/// The latest articles of a category (and its sub-categories) as JSON Feed 1.1.
#[utoipa::path(get, path = "/feeds/category/{slug}.json", operation_id = "get_category_json_feed", tag = "feeds",
    params(("slug" = String, Path, description = "Category slug", example = "theo-guong-bac")),
    responses(
        (status = 200, description = "JSON Feed 1.1 of the category's 50 latest public articles", content_type = "application/feed+json", body = Object,
            headers(("ETag" = String), ("Cache-Control" = String))),
        NotModified,
        CategoryNotFound,
    ))]
pub async fn get_category_json_feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    serve(&state, &req, Some(slug.into_inner()), Format::JsonFeed).await
}
