//! A reader's search query, parsed: words that must all match, quoted
//! phrases, and the last word also matched as a prefix (search as you
//! type). Only words survive parsing, so no operator, quote or SQL the
//! reader typed can reach an engine as syntax.

use super::{fold_word, marked_form, nfc, words};
use crate::FieldError;

/// Longest query, in characters after trimming.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most words one query may hold (each costs an index lookup).
pub const MAX_TERMS: usize = 16;
/// Shortest last word that is also matched as a prefix: one letter would
/// match nearly every article and cost the most.
pub const MIN_PREFIX_CHARS: usize = 2;

/// Why a query cannot be searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Nothing but whitespace.
    #[error("the search query is empty")]
    Empty,
    /// Longer than `MAX_QUERY_CHARS`.
    #[error("the search query has more than {MAX_QUERY_CHARS} characters")]
    TooLong,
    /// A control character (tab, newline, NUL, ...).
    #[error("the search query contains control characters")]
    ControlCharacter,
    /// An opening quote without its closing one.
    #[error("a quoted phrase in the search query is not closed")]
    UnbalancedQuotes,
    /// Only punctuation or operators, no word to look for.
    #[error("the search query has no words to look for")]
    NoWords,
    /// More than `MAX_TERMS` words.
    #[error("the search query has more than {MAX_TERMS} words")]
    TooManyWords,
}

impl QueryError {
    /// Stable machine-readable code clients can switch on.
    pub fn code(self) -> &'static str {
        match self {
            Self::Empty => "search_query_empty",
            Self::TooLong => "search_query_too_long",
            Self::ControlCharacter => "search_query_invalid_characters",
            Self::UnbalancedQuotes => "search_query_unbalanced_quotes",
            Self::NoWords => "search_query_no_words",
            Self::TooManyWords => "search_query_too_many_words",
        }
    }
}

impl From<QueryError> for FieldError {
    fn from(error: QueryError) -> Self {
        FieldError::new("q", error.code(), error.to_string())
    }
}

/// One word to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Lowercase ASCII form, matched against folded text.
    pub folded: String,
    /// The word as typed, lowercased, when it carries marks; a match that
    /// keeps them ranks first.
    pub marked: Option<String>,
}

/// Words that match on their own (one term) or as a phrase (several, in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The words, in order.
    pub terms: Vec<Term>,
    /// Written in quotes by the reader.
    pub quoted: bool,
}

/// A parsed search query: every group must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    groups: Vec<Group>,
    prefix: bool,
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„')
}

impl SearchQuery {
    /// Parses what a reader typed, or says why it cannot be searched.
    pub fn parse(raw: &str) -> Result<Self, QueryError> {
        if raw.chars().any(char::is_control) {
            return Err(QueryError::ControlCharacter);
        }
        let text = nfc(raw);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(QueryError::Empty);
        }
        if trimmed.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong);
        }
        if trimmed.chars().filter(|&c| is_quote(c)).count() % 2 == 1 {
            return Err(QueryError::UnbalancedQuotes);
        }
        let mut groups = Vec::new();
        for (i, segment) in trimmed.split(is_quote).enumerate() {
            let quoted = i % 2 == 1;
            let mut phrase = Vec::new();
            for (_, word) in words(segment) {
                let tokens = fold_word(word);
                let marked = marked_form(word).filter(|_| tokens.len() == 1);
                let terms: Vec<Term> = tokens
                    .into_iter()
                    .map(|folded| Term {
                        folded,
                        marked: marked.clone(),
                    })
                    .collect();
                if quoted {
                    phrase.extend(terms);
                } else if !terms.is_empty() {
                    groups.push(Group {
                        terms,
                        quoted: false,
                    });
                }
            }
            if !phrase.is_empty() {
                groups.push(Group {
                    terms: phrase,
                    quoted: true,
                });
            }
        }
        let count: usize = groups.iter().map(|g| g.terms.len()).sum();
        if count == 0 {
            return Err(QueryError::NoWords);
        }
        if count > MAX_TERMS {
            return Err(QueryError::TooManyWords);
        }
        // A word still being typed: the text ends inside it, not after a
        // space or a closing quote.
        let typing = text.chars().last().is_some_and(|c| c.is_alphanumeric());
        let prefix = typing
            && groups.last().is_some_and(|g| {
                !g.quoted
                    && g.terms
                        .last()
                        .is_some_and(|t| t.folded.len() >= MIN_PREFIX_CHARS)
            });
        Ok(Self { groups, prefix })
    }

    /// The groups, every one of which must match.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// True when the last term of the last group also matches as a prefix.
    pub fn last_is_prefix(&self) -> bool {
        self.prefix
    }

    /// Every term in order, each with whether it matches as a prefix.
    pub fn terms(&self) -> impl Iterator<Item = (&Term, bool)> {
        let total: usize = self.groups.iter().map(|g| g.terms.len()).sum();
        self.groups
            .iter()
            .flat_map(|g| g.terms.iter())
            .enumerate()
            .map(move |(i, t)| (t, self.prefix && i + 1 == total))
    }

    /// The terms typed with marks (their marked form), each with whether it
    /// matches as a prefix: an article containing all of them as written
    /// gets the exact-mark bonus. Empty when the reader typed no marks.
    pub fn marked_terms(&self) -> Vec<(&str, bool)> {
        self.terms()
            .filter_map(|(t, prefix)| t.marked.as_deref().map(|m| (m, prefix)))
            .collect()
    }

    /// The query in one canonical line (`"hoc tap" bác th*`): two texts
    /// that search the same way give the same line.
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        let mut terms = self.terms();
        for group in &self.groups {
            if !out.is_empty() {
                out.push(' ');
            }
            let words: Vec<String> = terms
                .by_ref()
                .take(group.terms.len())
                .map(|(t, prefix)| {
                    let word = t.marked.as_deref().unwrap_or(&t.folded);
                    if prefix {
                        format!("{word}*")
                    } else {
                        word.to_owned()
                    }
                })
                .collect();
            if group.quoted {
                out.push_str(&format!("\"{}\"", words.join(" ")));
            } else {
                out.push_str(&words.join(" "));
            }
        }
        out
    }

    /// A stable 64-bit fingerprint of `canonical` (FNV-1a, the same in every
    /// process and release), for binding a page cursor to its query.
    pub fn fingerprint(&self) -> u64 {
        self.canonical()
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(raw: &str) -> String {
        SearchQuery::parse(raw).unwrap().canonical()
    }

    #[test]
    fn words_fold_and_keep_what_was_typed_with_marks() {
        assert_eq!(canonical("học tập làm theo Bác"), "học tập làm theo bác*");
        assert_eq!(canonical("hoc tap lam theo bac"), "hoc tap lam theo bac*");
        assert_eq!(canonical("QUẢNG NAM "), "quảng nam");
    }

    #[test]
    fn the_last_word_is_a_prefix_only_while_being_typed() {
        let q = SearchQuery::parse("làm th").unwrap();
        assert!(q.last_is_prefix());
        assert!(!SearchQuery::parse("làm th ").unwrap().last_is_prefix());
        assert!(!SearchQuery::parse("làm t").unwrap().last_is_prefix());
        assert!(!SearchQuery::parse("\"làm theo\"").unwrap().last_is_prefix());
        assert_eq!(q.marked_terms(), vec![("làm", false)]);
    }

    #[test]
    fn quotes_make_phrases_and_curly_quotes_count() {
        let q = SearchQuery::parse("\"học tập\" “làm theo” Bác").unwrap();
        let shapes: Vec<(usize, bool)> = q
            .groups()
            .iter()
            .map(|g| (g.terms.len(), g.quoted))
            .collect();
        assert_eq!(shapes, [(2, true), (2, true), (1, false)]);
        assert_eq!(q.canonical(), "\"học tập\" \"làm theo\" bác*");
    }

    #[test]
    fn combining_marks_parse_like_precomposed_letters() {
        assert_eq!(canonical("ba\u{301}c"), canonical("bác"));
        assert_eq!(
            SearchQuery::parse("Ba\u{301}c").unwrap().fingerprint(),
            SearchQuery::parse("bác").unwrap().fingerprint()
        );
    }

    #[test]
    fn operators_and_sql_are_only_words() {
        assert_eq!(canonical("' OR 1=1 --"), "or 1 1");
        assert_eq!(canonical("NEAR(a b) title:x -y"), "near a b title x y");
        assert_eq!(canonical("\"\" bac"), "bac*");
    }

    #[test]
    fn bad_queries_get_typed_errors() {
        let long = "a".repeat(MAX_QUERY_CHARS + 1);
        let many = "ab ".repeat(MAX_TERMS + 1);
        let cases = [
            ("", QueryError::Empty),
            ("   ", QueryError::Empty),
            (long.as_str(), QueryError::TooLong),
            ("bac\u{0}", QueryError::ControlCharacter),
            ("bac\nbac", QueryError::ControlCharacter),
            ("\"bac", QueryError::UnbalancedQuotes),
            ("“bac", QueryError::UnbalancedQuotes),
            ("*", QueryError::NoWords),
            ("- : ( ) \"\"", QueryError::NoWords),
            (many.as_str(), QueryError::TooManyWords),
        ];
        for (raw, expected) in cases {
            assert_eq!(SearchQuery::parse(raw), Err(expected), "{raw:?}");
        }
        let padded = format!("  {}  ", "a".repeat(MAX_QUERY_CHARS));
        assert!(SearchQuery::parse(&padded).is_ok());
    }

    #[test]
    fn errors_carry_stable_codes_under_the_q_field() {
        let e = FieldError::from(QueryError::UnbalancedQuotes);
        assert_eq!(
            (e.field.as_str(), e.code),
            ("q", "search_query_unbalanced_quotes")
        );
    }
}
