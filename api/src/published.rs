//! What feeds and sitemaps share: the newsroom's settings, public articles
//! with the relations an entry shows (one batched query per relation), and
//! absolute URLs for them.

use crate::error::{ApiError, Code};
use actix_web::HttpRequest;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use toasoan_domain::site::Site;
use toasoan_persistence::DbConn;
use toasoan_persistence::models::category::CategoryRow;
use toasoan_persistence::queries::feed::FeedRow;
use toasoan_persistence::queries::{articles, categories, images, site};

/// A public article as a feed entry shows it.
#[derive(Debug)]
pub struct Entry {
    /// Id, title, sapo and times.
    pub row: FeedRow,
    /// When it was published.
    pub published_at: DateTime<Utc>,
    /// The article's public URL on the frontend.
    pub url: String,
    /// Its category's name.
    pub category: Option<String>,
    /// Byline names, in order.
    pub authors: Vec<String>,
    /// The cover image: path under `/media`, byte size, media type.
    pub cover: Option<Cover>,
}

/// A cover image as an enclosure.
#[derive(Debug)]
pub struct Cover {
    /// Path of the file (relative to the API's origin) or an absolute URL.
    pub url: String,
    /// Size in bytes.
    pub byte_size: i64,
    /// Media type.
    pub mime_type: String,
}

/// The settings feeds and sitemaps follow.
pub fn site(conn: &mut DbConn) -> Result<Site, ApiError> {
    Ok(Site::try_from(site::get(conn)?)?)
}

/// A category by slug with the ids of its whole subtree.
pub fn category_subtree(
    conn: &mut DbConn,
    slug: &str,
) -> Result<(CategoryRow, Vec<String>), ApiError> {
    let all = categories::list(conn)?;
    let root = match all.iter().find(|c| c.slug == slug) {
        Some(root) => root.clone(),
        // An old slug of a renamed category still names it.
        None => categories::renamed(conn, slug)?
            .ok_or_else(|| Code::CategoryNotFound.err("no such category"))?,
    };
    let ids = categories::subtree_ids(&all, &root.id);
    Ok((root, ids))
}

/// Entries for rows; bylines and covers only when `relations` (sitemaps
/// need neither).
pub fn entries(
    conn: &mut DbConn,
    site: &Site,
    rows: Vec<FeedRow>,
    relations: bool,
) -> Result<Vec<Entry>, ApiError> {
    let mut category_ids: Vec<String> = rows.iter().filter_map(|r| r.category_id.clone()).collect();
    category_ids.sort();
    category_ids.dedup();
    let categories: HashMap<String, CategoryRow> = categories::by_ids(conn, &category_ids)?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let mut bylines: HashMap<String, Vec<String>> = HashMap::new();
    let mut covers = HashMap::new();
    if relations {
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        for (article_id, author, _role) in articles::authors_of(conn, &ids)? {
            bylines.entry(article_id).or_default().push(author.name);
        }
        let cover_ids: Vec<String> = rows
            .iter()
            .filter_map(|r| r.cover_image_id.clone())
            .collect();
        for image in images::by_ids(conn, &cover_ids)? {
            covers.insert(
                image.id.clone(),
                Cover {
                    url: image.url(),
                    byte_size: image.byte_size,
                    mime_type: toasoan_domain::image_file::ImageFormat::parse(&image.format)
                        .map_or("application/octet-stream", |f| f.mime())
                        .to_owned(),
                },
            );
        }
    }
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let published_at = row.published_at?.and_utc();
            let category = row.category_id.as_ref().and_then(|id| categories.get(id));
            let url = site.article_url(category.map(|c| c.slug.as_str()), &row.slug);
            Some(Entry {
                published_at,
                url,
                category: category.map(|c| c.name.clone()),
                authors: bylines.remove(&row.id).unwrap_or_default(),
                cover: row.cover_image_id.as_ref().and_then(|id| covers.remove(id)),
                row,
            })
        })
        .collect())
}

/// An absolute URL for a path this API serves (media files), from the
/// request's own scheme and host.
pub fn absolute(req: &HttpRequest, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        return path.to_owned();
    }
    let info = req.connection_info();
    format!("{}://{}{}", info.scheme(), info.host(), path)
}
