//! A schema.org `NewsArticle` for an article, for frontends to put in the
//! page as `<script type="application/ld+json">`.

use super::view::ArticleView;
use serde_json::{Value, json};
use toasoan_domain::site::Site;

/// The `NewsArticle` of an article; `absolute` turns an API path (a media
/// file) into a URL.
pub fn news_article(view: &ArticleView, site: &Site, absolute: impl Fn(&str) -> String) -> Value {
    let summary = &view.summary;
    let url = site.article_url(
        summary.category.as_ref().map(|c| c.slug.as_str()),
        &summary.slug,
    );
    let images: Vec<String> = summary
        .cover_image
        .iter()
        .map(|image| absolute(&image.url))
        .collect();
    let authors: Vec<Value> = summary
        .authors
        .iter()
        .map(|byline| json!({"@type": "Person", "name": byline.author.name}))
        .collect();
    let mut publisher =
        json!({"@type": "NewsMediaOrganization", "name": site.name, "url": site.url});
    if let Some(logo) = &site.logo_url {
        publisher["logo"] = json!({"@type": "ImageObject", "url": logo});
    }
    let mut article = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": summary.title,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "inLanguage": site.language,
        "image": images,
        "dateModified": site.local(summary.updated_at).to_rfc3339(),
        "author": authors,
        "publisher": publisher,
    });
    if let Some(published) = summary.published_at {
        article["datePublished"] = json!(site.local(published).to_rfc3339());
    }
    if let Some(sapo) = &summary.sapo {
        article["description"] = json!(sapo);
    }
    if let Some(category) = &summary.category {
        article["articleSection"] = json!(category.name);
    }
    article
}
