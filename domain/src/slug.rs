//! URL slugs made from Vietnamese titles: tones and marks dropped, `đ` → `d`.

use crate::FieldError;
use deunicode::deunicode_char;

/// Longest slug we make or accept, in bytes (all ASCII).
pub const MAX_SLUG_LEN: usize = 120;

/// A URL slug: lowercase ASCII letters, digits and single inner hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    /// Accepts a slug exactly as given, or says why it is not one.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let valid_chars = raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if raw.is_empty() || raw.len() > MAX_SLUG_LEN {
            return Err(FieldError::new(
                "slug",
                "invalid_length",
                format!("a slug has 1 to {MAX_SLUG_LEN} characters"),
            ));
        }
        if !valid_chars || raw.starts_with('-') || raw.ends_with('-') || raw.contains("--") {
            return Err(FieldError::new(
                "slug",
                "invalid_slug",
                "a slug is lowercase letters a-z, digits and single hyphens between them",
            ));
        }
        if looks_like_id(raw) {
            return Err(FieldError::new(
                "slug",
                "invalid_slug",
                "a slug cannot have the shape of an id",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// Makes a slug from any text; `None` when nothing sluggable is left
    /// (a title of only punctuation or emoji).
    pub fn from_title(title: &str) -> Option<Self> {
        let mut out = String::with_capacity(title.len());
        let mut push = |a: char| {
            if a.is_ascii_alphanumeric() {
                out.push(a.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        };
        for c in title.chars() {
            if c.is_ascii() {
                push(c);
            } else if !c.is_alphanumeric() {
                // Emoji and symbols separate words; deunicode would spell
                // them out ("🎉" → "tada").
                push(' ');
            } else {
                // deunicode maps đ/Đ to d/D and drops Vietnamese tone marks.
                match deunicode_char(c) {
                    Some(ascii) => ascii.chars().for_each(&mut push),
                    None => push(' '),
                }
            }
        }
        let mut slug = out.trim_end_matches('-').to_owned();
        if slug.len() > MAX_SLUG_LEN {
            // Cut at a word boundary, leaving room for a "-NN" clash suffix.
            let cut = &slug[..MAX_SLUG_LEN - 8];
            slug = match cut.rfind('-') {
                Some(i) if i > 0 => cut[..i].to_owned(),
                _ => cut.to_owned(),
            };
        }
        if looks_like_id(&slug) {
            // Such a slug would be taken for an id in URLs.
            slug.push_str("-0");
        }
        if slug.is_empty() {
            None
        } else {
            Some(Self(slug))
        }
    }

    /// The slug with a clash suffix: `base-2`, `base-3`, ...
    pub fn with_suffix(&self, n: u32) -> Self {
        self.suffixed(&format!("-{n}"))
    }

    /// The provisional slug of the article `id` that stands for this one:
    /// this slug followed by the article's mark (the end of its id, which
    /// is random), so it depends on nothing but the slug and the article.
    pub fn provisional(&self, id: &str) -> Self {
        let mark = mark(id);
        if mark.is_empty() || self.0.ends_with(&mark) {
            return self.clone();
        }
        self.suffixed(&mark)
    }

    /// The slug a provisional slug of the article `id` stands for; `None`
    /// when `slug` is not provisional (it is settled).
    pub fn settling(slug: &str, id: &str) -> Option<Self> {
        let mark = mark(id);
        if mark.is_empty() {
            return None;
        }
        slug.strip_suffix(&mark)
            .and_then(|wish| Self::parse(wish).ok())
    }

    /// The slug followed by `suffix`, cut short to fit when needed.
    fn suffixed(&self, suffix: &str) -> Self {
        let mut base = self.0.clone();
        if base.len() + suffix.len() > MAX_SLUG_LEN {
            base.truncate(MAX_SLUG_LEN - suffix.len());
            while base.ends_with('-') {
                base.pop();
            }
        }
        Self(base + suffix)
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The slug as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// True for the canonical UUID shape the API uses for ids.
fn looks_like_id(raw: &str) -> bool {
    raw.len() == 36 && uuid::Uuid::try_parse(raw).is_ok()
}

/// How many characters of an article id mark its provisional slugs.
const MARK_LEN: usize = 8;

/// The end of a provisional slug of the article `id`: a hyphen and the
/// last eight letters or digits of the id (of a UUIDv7, random ones).
fn mark(id: &str) -> String {
    let tail: Vec<char> = id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let tail: String = tail[tail.len().saturating_sub(MARK_LEN)..].iter().collect();
    if tail.is_empty() {
        tail
    } else {
        format!("-{tail}")
    }
}

/// Picks the first free slug among `base`, `base-2`, `base-3`, ... given the
/// slugs already taken that start with `base`.
pub fn first_free(base: &Slug, taken: &[String]) -> Slug {
    if !taken.iter().any(|t| t == base.as_str()) {
        return base.clone();
    }
    (2..)
        .map(|n| base.with_suffix(n))
        .find(|candidate| !taken.iter().any(|t| t == candidate.as_str()))
        .unwrap_or_else(|| base.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(title: &str) -> String {
        Slug::from_title(title)
            .map(Slug::into_string)
            .unwrap_or_default()
    }

    #[test]
    fn the_example_title_gives_the_documented_slug() {
        assert_eq!(
            slug("Mặt trận các cấp triển khai kế hoạch học tập và làm theo Bác"),
            "mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac"
        );
    }

    #[test]
    fn d_with_stroke_becomes_d_in_both_cases() {
        assert_eq!(
            slug("Đà Nẵng đường Điện Biên Phủ"),
            "da-nang-duong-dien-bien-phu"
        );
    }

    #[test]
    fn punctuation_collapses_to_single_hyphens() {
        assert_eq!(
            slug("  Kinh tế -- Xã hội: “Đổi mới”!  "),
            "kinh-te-xa-hoi-doi-moi"
        );
        assert_eq!(slug("COVID-19 & 2024"), "covid-19-2024");
    }

    #[test]
    fn a_title_with_nothing_sluggable_gives_none() {
        assert!(Slug::from_title("!!! ???").is_none());
        assert!(Slug::from_title("🎉🎉").is_none());
        assert_eq!(slug("Tin vui 🎉 hôm nay"), "tin-vui-hom-nay");
    }

    #[test]
    fn long_titles_are_cut_at_a_word_boundary() {
        let long = "Mặt trận ".repeat(40);
        let s = slug(&long);
        assert!(s.len() <= MAX_SLUG_LEN);
        assert!(!s.ends_with('-'));
        assert!(matches!(s.rsplit('-').next(), Some("mat" | "tran")), "{s}");
    }

    #[test]
    fn clashes_get_numbered_suffixes() {
        let base = Slug::parse("tin-moi").unwrap();
        assert_eq!(first_free(&base, &[]).as_str(), "tin-moi");
        let taken = vec!["tin-moi".to_owned(), "tin-moi-2".to_owned()];
        assert_eq!(first_free(&base, &taken).as_str(), "tin-moi-3");
    }

    #[test]
    fn a_provisional_slug_ends_with_the_mark_of_its_article_and_settles_back() {
        let id = "0190f1c2-7c1e-7b3a-9f55-4c1d2e3f4a5b";
        let wish = Slug::parse("tin-moi").unwrap();
        let provisional = wish.provisional(id);
        assert_eq!(provisional.as_str(), "tin-moi-2e3f4a5b");
        assert_eq!(provisional.provisional(id), provisional);
        assert_eq!(Slug::settling(provisional.as_str(), id), Some(wish));
        assert_eq!(Slug::settling("tin-moi", id), None);
        let other = "0190f1c2-7c1e-7b3a-9f55-000000000001";
        assert_eq!(Slug::settling(provisional.as_str(), other), None);
        let long = Slug::parse(&"a".repeat(MAX_SLUG_LEN)).unwrap();
        let cut = long.provisional(id);
        assert_eq!(cut.as_str().len(), MAX_SLUG_LEN);
        assert!(Slug::settling(cut.as_str(), id).is_some());
    }

    #[test]
    fn parse_rejects_what_from_title_would_never_make() {
        for bad in ["", "Hoa", "a--b", "-a", "a-", "hoà", "a b"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(Slug::parse("theo-guong-bac-2").is_ok());
        assert!(Slug::parse("0190f1c2-0000-7000-8000-000000000000").is_err());
        assert_eq!(
            slug("0190f1c2-0000-7000-8000-000000000000"),
            "0190f1c2-0000-7000-8000-000000000000-0"
        );
    }
}
