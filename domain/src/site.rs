//! The newsroom's own settings: its name, the public site the frontend
//! serves, language, time zone and logo, and how an article's public URL
//! is made. Feeds, sitemaps and local times read them.

use crate::FieldError;
use crate::text::plain;
use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;

/// The default article path: the frontend serves `/{category}/{slug}`.
pub const DEFAULT_ARTICLE_PATH: &str = "{site}/{category}/{slug}";

/// Settings every public surface agrees on.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// The publication's name ("Báo Quảng Nam").
    pub name: String,
    /// The frontend's public origin, without a trailing slash.
    pub url: String,
    /// BCP 47 language tag of the content (`vi`).
    pub language: String,
    /// IANA time zone (`Asia/Ho_Chi_Minh`).
    pub time_zone: Tz,
    /// An absolute URL of the logo, if any.
    pub logo_url: Option<String>,
    /// Template of article URLs: `{site}`, `{category}` and `{slug}`.
    pub article_path: String,
}

impl Site {
    /// The public URL of an article; `{category}` becomes the category slug,
    /// or is dropped with its slash when the article has none.
    pub fn article_url(&self, category: Option<&str>, slug: &str) -> String {
        let path = match category {
            Some(category) => self.article_path.replace("{category}", category),
            None => self
                .article_path
                .replace("/{category}", "")
                .replace("{category}", ""),
        };
        path.replace("{site}", &self.url).replace("{slug}", slug)
    }

    /// An instant in the newsroom's time zone, with its offset.
    pub fn local(&self, at: DateTime<Utc>) -> DateTime<FixedOffset> {
        at.with_timezone(&self.time_zone).fixed_offset()
    }
}

/// The publication's name: 1 to 200 characters.
pub fn name(raw: &str) -> Result<String, FieldError> {
    plain("name", raw, 1, 200)
}

/// An absolute `http(s)` URL with a host, no credentials, no fragment; the
/// trailing slash is dropped.
pub fn public_url(field: &str, raw: &str) -> Result<String, FieldError> {
    let url = raw.trim();
    let invalid = || {
        FieldError::new(
            field,
            "invalid_url",
            "an absolute http(s) URL, such as https://baoquangnam.vn",
        )
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(invalid)?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty()
        || host.contains('@')
        || url.contains('#')
        || url.len() > 2_000
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(invalid());
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// A language tag such as `vi` or `vi-VN`.
pub fn language(raw: &str) -> Result<String, FieldError> {
    let tag = raw.trim();
    let valid = !tag.is_empty()
        && tag.len() <= 35
        && tag.split('-').all(|part| {
            (1..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
        && tag
            .split('-')
            .next()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_alphabetic()));
    if valid {
        Ok(tag.to_owned())
    } else {
        Err(FieldError::new(
            "language",
            "invalid_language",
            "a BCP 47 language tag, such as vi",
        ))
    }
}

/// An IANA time zone name.
pub fn time_zone(raw: &str) -> Result<Tz, FieldError> {
    raw.trim().parse::<Tz>().map_err(|_| {
        FieldError::new(
            "time_zone",
            "invalid_time_zone",
            "an IANA time zone, such as Asia/Ho_Chi_Minh",
        )
    })
}

/// An article URL template: starts with `{site}`, contains `{slug}` once,
/// and no placeholder other than `{site}`, `{category}`, `{slug}`.
pub fn article_path(raw: &str) -> Result<String, FieldError> {
    let template = raw.trim();
    let invalid = |message: &str| FieldError::new("article_path", "invalid_template", message);
    if !template.starts_with("{site}") {
        return Err(invalid("must start with {site}"));
    }
    if template.matches("{slug}").count() != 1 {
        return Err(invalid("must contain {slug} once"));
    }
    let stripped = template
        .replace("{site}", "")
        .replace("{category}", "")
        .replace("{slug}", "");
    if stripped.contains('{')
        || stripped.contains('}')
        || template.len() > 200
        || template
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(invalid(
            "only {site}, {category} and {slug} may appear, with no spaces",
        ));
    }
    Ok(template.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        Site {
            name: "Báo Quảng Nam".into(),
            url: "https://baoquangnam.vn".into(),
            language: "vi".into(),
            time_zone: time_zone("Asia/Ho_Chi_Minh").unwrap(),
            logo_url: None,
            article_path: DEFAULT_ARTICLE_PATH.into(),
        }
    }

    #[test]
    fn article_urls_follow_the_template() {
        let s = site();
        assert_eq!(
            s.article_url(Some("theo-guong-bac"), "mat-tran"),
            "https://baoquangnam.vn/theo-guong-bac/mat-tran"
        );
        assert_eq!(
            s.article_url(None, "mat-tran"),
            "https://baoquangnam.vn/mat-tran"
        );
    }

    #[test]
    fn the_example_page_time_is_local_to_quang_nam() {
        let at = DateTime::parse_from_rfc3339("2024-04-20T02:54:00Z")
            .unwrap()
            .to_utc();
        let local = site().local(at);
        assert_eq!(
            local.format("%d/%m/%Y %H:%M").to_string(),
            "20/04/2024 09:54"
        );
        assert_eq!(local.to_rfc3339(), "2024-04-20T09:54:00+07:00");
    }

    #[test]
    fn bad_settings_are_refused() {
        assert!(public_url("url", "javascript:alert(1)").is_err());
        assert!(public_url("url", "https://user:pw@host").is_err());
        assert!(public_url("url", "https://").is_err());
        assert_eq!(
            public_url("url", "https://baoquangnam.vn/").unwrap(),
            "https://baoquangnam.vn"
        );
        assert!(language("vi").is_ok() && language("vi-VN").is_ok());
        assert!(language("").is_err() && language("vi VN").is_err() && language("1v").is_err());
        assert!(time_zone("Asia/Ho_Chi_Minh").is_ok() && time_zone("Mars/Base").is_err());
        assert!(article_path("{site}/{category}/{slug}.html").is_ok());
        assert!(article_path("https://x/{slug}").is_err());
        assert!(article_path("{site}/{id}").is_err());
        assert!(article_path("{site}/{slug}/{slug}").is_err());
    }
}
