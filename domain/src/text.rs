//! Text rules: plain-text fields, the inline HTML subset allowed in body
//! blocks, HTML escaping, and Vietnamese folding and alphabetical order.

use crate::FieldError;
use std::collections::HashSet;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

/// A trimmed plain-text field of bounded length (in characters), in
/// Unicode NFC so text typed with combining marks is stored like the rest.
pub fn plain(field: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let normalized: String = raw.trim().nfc().collect();
    let text = normalized.as_str();
    let len = text.chars().count();
    if len < min {
        let message = if min == 1 {
            "must not be empty".to_owned()
        } else {
            format!("needs at least {min} characters")
        };
        return Err(FieldError::new(
            field,
            if min == 1 { "required" } else { "too_short" },
            message,
        ));
    }
    // The document's `maxLength` counts the string as sent, spaces around it
    // included: refuse what it refuses. (Marks typed as combining characters
    // still count as the letters they compose, as stored.)
    if len > max || raw.nfc().count() > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("at most {max} characters"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(FieldError::new(
            field,
            "invalid_characters",
            "control characters are not allowed",
        ));
    }
    Ok(text.to_owned())
}

/// An optional plain-text field: blank becomes `None`.
pub fn optional_plain(
    field: &str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => plain(field, text, 1, max).map(Some),
    }
}

static INLINE: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .add_tags(["b", "strong", "i", "em", "a", "br"])
        .add_tag_attributes("a", ["href"])
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"));
    builder
});

/// Sanitizes inline rich text to the allowed subset (`b strong i em a[href] br`);
/// everything else is dropped or escaped, so the result is safe to embed.
/// The text is stored in Unicode NFC.
pub fn sanitize_inline(raw: &str) -> String {
    let mut text: String = raw.trim().nfc().collect();
    // Dropping an element can leave a blank edge ("a <script>..</script>"
    // gives "a ") or put a combining mark after a letter it composes with
    // ("g<svg></svg>\u{301}" gives "g\u{301}", not NFC): trim and normalize
    // again until nothing changes, so sanitizing stored text is a no-op.
    for _ in 0..4 {
        let clean = INLINE.clean(&text).to_string();
        let clean = clean.trim();
        if unicode_normalization::is_nfc(clean) {
            return clean.to_owned();
        }
        text = clean.nfc().collect();
    }
    INLINE.clean(&text).to_string().trim().to_owned()
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Lowercase ASCII fold of Vietnamese text for matching without diacritics
/// (`Đà Nẵng` → `da nang`); SQLite's own `remove_diacritics` misses `đ`.
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text).to_lowercase()
}

/// Vietnamese alphabet order, with f j w z placed where Latin puts them.
const ALPHABET: [&str; 33] = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
    "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
];

/// Tone marks in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
const TONES: [char; 5] = ['\u{300}', '\u{309}', '\u{303}', '\u{301}', '\u{323}'];

/// A key whose byte order is Vietnamese alphabetical order (a ă â b c d đ e ê
/// ...), letters first and tones as a tie-break, so the database can sort
/// names with a plain binary comparison.
pub fn vietnamese_sort_key(text: &str) -> String {
    let mut primary = String::new();
    let mut tones = String::new();
    for c in text.trim().to_lowercase().chars() {
        let mut base = String::new();
        let mut tone = 0u8;
        for d in c.to_string().nfd() {
            match TONES.iter().position(|&t| t == d) {
                Some(i) => tone = u8::try_from(i + 1).unwrap_or(0),
                None => base.push(d),
            }
        }
        let base: String = base.nfc().collect();
        let rank = if let Some(i) = ALPHABET.iter().position(|&l| l == base) {
            Some(11 + i)
        } else if let Some(digit) = base.chars().next().filter(char::is_ascii_digit) {
            Some(1 + (digit as usize - '0' as usize))
        } else if base.chars().all(char::is_whitespace) {
            Some(0)
        } else {
            None
        };
        match rank {
            // Offsets keep every key byte printable ASCII.
            Some(r) => primary.push(char::from(b'0' + u8::try_from(r).unwrap_or(0))),
            // Anything else sorts after the alphabet, by its folded form.
            None => primary.push_str(&format!("~{}", fold(&base))),
        }
        tones.push(char::from(b'0' + tone));
    }
    format!("{primary} {tones}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_html_keeps_the_allowed_subset_only() {
        let dirty = r#"<b>Đậm</b> <script>alert(1)</script><a href="javascript:x()" onclick="y">a</a> <a href="https://baoquangnam.vn">b</a><img src=x onerror=alert(1)>"#;
        let clean = sanitize_inline(dirty);
        assert!(clean.contains("<b>Đậm</b>"));
        assert!(!clean.contains("script"));
        assert!(!clean.contains("javascript"));
        assert!(!clean.contains("onclick"));
        assert!(!clean.contains("<img"));
        assert!(clean.contains(r#"href="https://baoquangnam.vn""#));
    }

    #[test]
    fn fold_drops_tones_and_strokes() {
        assert_eq!(fold("Đà Nẵng đường Bác"), "da nang duong bac");
    }

    #[test]
    fn names_sort_in_vietnamese_alphabetical_order() {
        let mut names = vec![
            "Đặng", "Dương", "Bùi", "Âu", "Ánh", "An", "Ân", "Ông", "Ơn", "Ong", "Ăn",
        ];
        names.sort_by_key(|n| vietnamese_sort_key(n));
        assert_eq!(
            names,
            vec![
                "An", "Ánh", "Ăn", "Ân", "Âu", "Bùi", "Dương", "Đặng", "Ong", "Ông", "Ơn"
            ]
        );
    }

    #[test]
    fn tones_break_ties_in_dictionary_order() {
        let mut words = vec!["bạc", "bác", "bắc", "bác", "bac", "bà"];
        words.sort_by_key(|n| vietnamese_sort_key(n));
        assert_eq!(words, vec!["bà", "bac", "bác", "bác", "bạc", "bắc"]);
    }

    #[test]
    fn text_is_stored_in_nfc() {
        let combining = "Ba\u{301}c Ho\u{302}\u{300}";
        assert_eq!(plain("title", combining, 1, 10).unwrap(), "Bác Hồ");
        assert_eq!(sanitize_inline(combining), "Bác Hồ");
    }

    #[test]
    fn plain_text_length_counts_the_spaces_sent_but_not_combining_marks() {
        let padded = format!(" {} ", "a".repeat(80));
        assert_eq!(plain("name", &padded, 1, 80).unwrap_err().code, "too_long");
        assert_eq!(plain("name", &"a".repeat(80), 1, 80).unwrap().len(), 80);
        let decomposed = "a\u{301}".repeat(80);
        assert_eq!(
            plain("name", &decomposed, 1, 80).unwrap().chars().count(),
            80
        );
    }

    #[test]
    fn plain_text_is_trimmed_and_bounded() {
        assert_eq!(plain("title", "  Tin  ", 1, 10).unwrap(), "Tin");
        assert_eq!(plain("title", "   ", 1, 10).unwrap_err().code, "required");
        assert_eq!(
            plain("title", "abcdefghijk", 1, 10).unwrap_err().code,
            "too_long"
        );
        assert_eq!(
            plain("title", "a\u{0}b", 1, 10).unwrap_err().code,
            "invalid_characters"
        );
    }
}
