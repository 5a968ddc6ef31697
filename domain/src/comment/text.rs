//! The text of a comment and its author's name: NFC-normalized plain
//! text within configured limits.

use crate::FieldError;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// Longest commenter name, in characters.
pub const MAX_AUTHOR_NAME: usize = 80;

/// Limits a newsroom configures for comment text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLimits {
    /// Longest body, in characters (after normalization and trimming).
    pub max_body_chars: usize,
    /// Most links (`http://`, `https://`, `www.`) one body may carry.
    pub max_links: usize,
}

impl Default for TextLimits {
    fn default() -> Self {
        Self {
            max_body_chars: 2_000,
            max_links: 2,
        }
    }
}

/// Normalizes text as typed on any keyboard: NFC (a precomposed `ệ` and
/// `e` + two combining marks become the same string), CR LF and CR as LF,
/// trimmed. Control characters other than LF and tab, and the bidi
/// overrides that make text display other than it reads, are refused.
fn normalized(field: &str, raw: &str, allow_newlines: bool) -> Result<String, FieldError> {
    let text: String = raw
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .nfc()
        .collect();
    let text = text.trim();
    let refused = |c: char| {
        (c.is_control() && !(allow_newlines && (c == '\n' || c == '\t')))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if text.chars().any(refused) {
        return Err(FieldError::new(
            field,
            "invalid_characters",
            "control characters are not allowed",
        ));
    }
    Ok(text.to_owned())
}

fn bounded(field: &str, text: String, max: usize) -> Result<String, FieldError> {
    let len = text.chars().count();
    if len == 0 {
        return Err(FieldError::new(field, "required", "must not be empty"));
    }
    if len > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("at most {max} characters"),
        ));
    }
    Ok(text)
}

/// A commenter's shown name: 1 to 80 characters on one line, NFC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorName(String);

impl AuthorName {
    /// Normalizes and checks a name.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let text = normalized("author_name", raw, false)?;
        bounded("author_name", text, MAX_AUTHOR_NAME).map(Self)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A comment's text: plain text (markup is kept as typed, never
/// interpreted), NFC, within the configured length and link limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentBody(String);

impl CommentBody {
    /// Normalizes and checks a body.
    pub fn parse(raw: &str, limits: &TextLimits) -> Result<Self, FieldError> {
        let text = normalized("body", raw, true)?;
        let text = bounded("body", text, limits.max_body_chars)?;
        let links = count_links(&text);
        if links > limits.max_links {
            return Err(FieldError::new(
                "body",
                "too_many_links",
                format!("at most {} links", limits.max_links),
            ));
        }
        Ok(Self(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// A hash of the text with case and spacing differences removed, so a
    /// repost with other capitals or line breaks is recognized.
    pub fn fingerprint(&self) -> String {
        let canonical: Vec<String> = self.0.split_whitespace().map(str::to_lowercase).collect();
        Sha256::digest(canonical.join(" ").as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Links in a text: each `http://` or `https://`, and each word starting
/// with `www.` that has no scheme.
pub fn count_links(text: &str) -> usize {
    let lower = text.to_lowercase();
    let schemed = lower.matches("http://").count() + lower.matches("https://").count();
    let bare = lower
        .split_whitespace()
        .filter(|w| w.starts_with("www.") && !w.contains("://"))
        .count();
    schemed + bare
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_words_typed_on_two_keyboards_are_equal() {
        // Precomposed (Unikey, NFC) and decomposed (macOS, NFD) "Nguyễn Việt".
        let nfc = AuthorName::parse("Nguy\u{1ec5}n Vi\u{1ec7}t").unwrap();
        let nfd = AuthorName::parse("Nguye\u{302}\u{303}n Vie\u{323}\u{302}t").unwrap();
        assert_eq!(nfc, nfd);
        let limits = TextLimits::default();
        let a = CommentBody::parse("Bài vi\u{1ebf}t hay", &limits).unwrap();
        let b = CommentBody::parse("Bài vie\u{302}\u{301}t hay", &limits).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.fingerprint(), b.fingerprint());
    }

    #[test]
    fn a_repost_with_other_case_and_spacing_has_the_same_fingerprint() {
        let limits = TextLimits::default();
        let a = CommentBody::parse("Rất hay!\nCảm ơn tòa soạn", &limits).unwrap();
        let b = CommentBody::parse("  RẤT HAY!   cảm ơn\r\n\r\nTÒA SOẠN ", &limits).unwrap();
        let c = CommentBody::parse("Rất hay! Cảm ơn tác giả", &limits).unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.fingerprint(), c.fingerprint());
    }

    #[test]
    fn bodies_keep_markup_as_text_and_line_breaks() {
        let body = CommentBody::parse(
            "<script>alert(1)</script>\r\ndòng hai\tcột",
            &TextLimits::default(),
        )
        .unwrap();
        assert_eq!(body.as_str(), "<script>alert(1)</script>\ndòng hai\tcột");
    }

    #[test]
    fn bad_bodies_are_refused_with_a_code() {
        let limits = TextLimits {
            max_body_chars: 10,
            max_links: 1,
        };
        let code = |raw: &str| CommentBody::parse(raw, &limits).unwrap_err().code;
        assert_eq!(code("  \n\t "), "required");
        assert_eq!(code("ắắắắắắắắắắắ"), "too_long");
        assert_eq!(code("a\u{0}b"), "invalid_characters");
        assert_eq!(code("a\u{1b}[2J"), "invalid_characters");
        assert_eq!(code("a\u{202e}b"), "invalid_characters");
        let roomy = TextLimits {
            max_body_chars: 100,
            max_links: 1,
        };
        assert!(CommentBody::parse("www.a.vn", &roomy).is_ok());
        assert_eq!(
            CommentBody::parse("www.a.vn https://b.vn", &roomy)
                .unwrap_err()
                .code,
            "too_many_links"
        );
        // Ten characters exactly, counted after NFC: e + two marks is one.
        assert!(CommentBody::parse("ệệệệệệệệệe\u{302}\u{323}", &limits).is_ok());
    }

    #[test]
    fn names_are_one_line() {
        assert_eq!(
            AuthorName::parse("An\nBình").unwrap_err().code,
            "invalid_characters"
        );
        assert_eq!(AuthorName::parse("   ").unwrap_err().code, "required");
        assert_eq!(
            AuthorName::parse(&"a".repeat(81)).unwrap_err().code,
            "too_long"
        );
        assert_eq!(
            AuthorName::parse(" Lê Thị Như Thủy ").unwrap().as_str(),
            "Lê Thị Như Thủy"
        );
    }

    #[test]
    fn links_are_counted_by_scheme_and_www() {
        assert_eq!(count_links("xem https://a.vn và http://b.vn"), 2);
        assert_eq!(count_links("WWW.A.VN, https://www.b.vn"), 2);
        assert_eq!(count_links("không có liên kết. www"), 0);
    }
}
