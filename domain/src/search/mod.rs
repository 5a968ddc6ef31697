//! Vietnamese full-text search rules, the same for every storage engine:
//! how text splits into words, how words fold (`Bác` → `bac`, `Đà` → `da`),
//! what an index document holds, how a reader's query parses, and how a
//! highlight snippet is cut. Engines only ever see folded words and the
//! query's structure, never the reader's raw text.

pub mod document;
pub mod highlight;
pub mod query;

pub use document::{Document, plain_text_of_html};
pub use highlight::highlight;
pub use query::{Group, QueryError, SearchQuery, Term};

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Text in Unicode NFC, so precomposed and combining marks compare equal.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// True for a character that belongs to a word: letters, digits and the
/// combining marks that may follow them.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// The words of (NFC) text with their byte offsets: maximal runs of
/// letters, digits and combining marks. Everything else separates words,
/// so punctuation and operators never become part of a term.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while rest.peek().is_some_and(|&(_, c)| !is_word_char(c)) {
            rest.next();
        }
        let &(start, _) = rest.peek()?;
        let mut end = start;
        while let Some(&(i, c)) = rest.peek() {
            if !is_word_char(c) {
                break;
            }
            end = i + c.len_utf8();
            rest.next();
        }
        Some((start, &text[start..end]))
    })
}

/// The folded tokens of one word: lowercase ASCII letters and digits. A
/// Vietnamese word gives one (`Đường` → `duong`); a word in another script
/// may give several (`北京` → `bei`, `jing`) or none.
pub fn fold_word(word: &str) -> Vec<String> {
    let nfc_word = nfc(word);
    let ascii = deunicode::deunicode(&nfc_word).to_lowercase();
    ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The word as typed, lowercased, when it carries marks its folded form
/// drops (`Bác` → `bác`); `None` for a word typed without them.
pub fn marked_form(word: &str) -> Option<String> {
    let lower = nfc(&word.to_lowercase());
    let folded = fold_word(&lower);
    match folded.as_slice() {
        [one] if *one != lower && lower.chars().all(is_word_char) => Some(lower),
        _ => None,
    }
}

/// Folded tokens of a whole text, joined by single spaces.
pub fn fold_text(text: &str) -> String {
    let text = nfc(text);
    let mut out = String::with_capacity(text.len());
    for (_, word) in words(&text) {
        for token in fold_word(word) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&token);
        }
    }
    out
}

/// The lowercased words of a text as typed (marks kept), joined by spaces.
pub fn exact_text(text: &str) -> String {
    let text = nfc(&text.to_lowercase());
    let mut out = String::with_capacity(text.len());
    for (_, word) in words(&text) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_on_anything_but_letters_digits_and_marks() {
        let got: Vec<&str> = words("(QNO) - Ủy ban MTTQ, năm 2024: “Đổi mới”!")
            .map(|(_, w)| w)
            .collect();
        assert_eq!(
            got,
            ["QNO", "Ủy", "ban", "MTTQ", "năm", "2024", "Đổi", "mới"]
        );
    }

    #[test]
    fn word_offsets_point_into_the_text() {
        let text = "Học tập, làm theo";
        for (at, word) in words(text) {
            assert_eq!(&text[at..at + word.len()], word);
        }
    }

    #[test]
    fn folding_drops_tones_marks_and_the_stroke_of_d() {
        assert_eq!(
            fold_text("Đà Nẵng ĐƯỜNG Bác bạc bắc"),
            "da nang duong bac bac bac"
        );
        assert_eq!(fold_text("QUẢNG NAM"), "quang nam");
    }

    #[test]
    fn combining_marks_fold_like_precomposed_letters() {
        let combining = "Ba\u{301}c Qua\u{309}ng";
        assert_eq!(fold_text(combining), "bac quang");
        assert_eq!(exact_text(combining), "bác quảng");
    }

    #[test]
    fn marked_form_is_kept_only_when_typed_with_marks() {
        assert_eq!(marked_form("Bác").as_deref(), Some("bác"));
        assert_eq!(marked_form("BẠC").as_deref(), Some("bạc"));
        assert_eq!(marked_form("bac"), None);
        assert_eq!(marked_form("2024"), None);
    }

    #[test]
    fn other_scripts_fold_to_ascii_tokens() {
        assert_eq!(fold_word("北京"), ["bei", "jing"]);
        assert!(fold_word("").is_empty());
    }
}
