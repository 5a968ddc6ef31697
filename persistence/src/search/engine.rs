//! A parsed query written in each engine's own query language. Every term
//! is quoted, so nothing a reader typed is ever read as an operator; terms
//! hold only letters, digits and marks anyway (the parser keeps nothing else).

use toasoan_domain::search::SearchQuery;

/// FTS5 string literal: `"..."` with inner quotes doubled.
fn fts5_quote(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

/// tsquery lexeme: `'...'` with quotes and backslashes escaped.
fn ts_quote(word: &str) -> String {
    format!("'{}'", word.replace('\\', "\\\\").replace('\'', "''"))
}

/// The folded columns a query matches in.
const FOLDED_COLUMNS: &str = "{title sapo body names}";

/// The FTS5 phrases of a query over the folded columns, in order: a group
/// as a phrase, the last word also as a prefix.
fn fts5_phrases(query: &SearchQuery) -> Vec<String> {
    let mut terms = query.terms();
    query
        .groups()
        .iter()
        .map(|group| {
            let words: Vec<(String, bool)> = terms
                .by_ref()
                .take(group.terms.len())
                .map(|(t, prefix)| (t.folded.clone(), prefix))
                .collect();
            let phrase = words
                .iter()
                .map(|(w, _)| w.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let prefix = words.last().is_some_and(|(_, p)| *p);
            format!("{}{}", fts5_quote(&phrase), if prefix { "*" } else { "" })
        })
        .collect()
}

/// The FTS5 expression over the folded columns: every group must match;
/// a phrase as a phrase; the last word also as a prefix.
pub(crate) fn fts5_match(query: &SearchQuery) -> String {
    format!("{FOLDED_COLUMNS} : ({})", fts5_phrases(query).join(" AND "))
}

/// One key per phrase of `fts5_match`, in order: what `toasoan_bm25`
/// caches each phrase's document frequency under.
pub(crate) fn fts5_phrase_keys(query: &SearchQuery) -> Vec<String> {
    fts5_phrases(query)
        .into_iter()
        .map(|phrase| format!("{FOLDED_COLUMNS} : {phrase}"))
        .collect()
}

/// The FTS5 expression that earns the exact-mark bonus: every word typed
/// with marks, as written, in the `exact` column. `None` without marks.
pub(crate) fn fts5_exact(query: &SearchQuery) -> Option<String> {
    let marked = query.marked_terms();
    if marked.is_empty() {
        return None;
    }
    let words: Vec<String> = marked
        .iter()
        .map(|(w, prefix)| format!("{}{}", fts5_quote(w), if *prefix { "*" } else { "" }))
        .collect();
    Some(format!("{{exact}} : ({})", words.join(" AND ")))
}

/// The tsquery over the folded document, same rules as `fts5_match`.
pub(crate) fn tsquery(query: &SearchQuery) -> String {
    let mut terms = query.terms();
    let groups: Vec<String> = query
        .groups()
        .iter()
        .map(|group| {
            let words: Vec<String> = terms
                .by_ref()
                .take(group.terms.len())
                .map(|(t, prefix)| {
                    format!("{}{}", ts_quote(&t.folded), if prefix { ":*" } else { "" })
                })
                .collect();
            if words.len() == 1 {
                words.join("")
            } else {
                format!("({})", words.join(" <-> "))
            }
        })
        .collect();
    groups.join(" & ")
}

/// The tsquery over the words without positions (`article_search.words`):
/// every word of every group, phrases as plain words (a stripped vector
/// matches no phrase; `has_phrase` says when `tsquery` must check them).
pub(crate) fn tsquery_words(query: &SearchQuery) -> String {
    query
        .terms()
        .map(|(t, prefix)| format!("{}{}", ts_quote(&t.folded), if prefix { ":*" } else { "" }))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// True when the query holds a phrase of two words or more.
pub(crate) fn has_phrase(query: &SearchQuery) -> bool {
    query.groups().iter().any(|g| g.terms.len() > 1)
}

/// The tsquery that earns the exact-mark bonus; `None` without marks.
pub(crate) fn tsquery_exact(query: &SearchQuery) -> Option<String> {
    let marked = query.marked_terms();
    if marked.is_empty() {
        return None;
    }
    let words: Vec<String> = marked
        .iter()
        .map(|(w, prefix)| format!("{}{}", ts_quote(w), if *prefix { ":*" } else { "" }))
        .collect();
    Some(words.join(" & "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(raw: &str) -> SearchQuery {
        SearchQuery::parse(raw).unwrap()
    }

    #[test]
    fn fts5_expressions_quote_every_term() {
        assert_eq!(
            fts5_match(&q("\"học tập\" làm th")),
            "{title sapo body names} : (\"hoc tap\" AND \"lam\" AND \"th\"*)"
        );
        assert_eq!(
            fts5_exact(&q("\"học tập\" làm th")).as_deref(),
            Some("{exact} : (\"học\" AND \"tập\" AND \"làm\")")
        );
        assert_eq!(
            fts5_phrase_keys(&q("\"học tập\" làm th")),
            [
                "{title sapo body names} : \"hoc tap\"",
                "{title sapo body names} : \"lam\"",
                "{title sapo body names} : \"th\"*"
            ]
        );
        assert_eq!(fts5_exact(&q("hoc tap")), None);
        assert_eq!(
            fts5_match(&q("' OR 1=1 -- NEAR(")),
            "{title sapo body names} : (\"or\" AND \"1\" AND \"1\" AND \"near\")"
        );
    }

    #[test]
    fn tsqueries_quote_every_term() {
        assert_eq!(
            tsquery(&q("\"học tập\" làm th")),
            "('hoc' <-> 'tap') & 'lam' & 'th':*"
        );
        assert_eq!(
            tsquery_words(&q("\"học tập\" làm th")),
            "'hoc' & 'tap' & 'lam' & 'th':*"
        );
        assert!(has_phrase(&q("\"học tập\" làm")));
        assert!(!has_phrase(&q("học tập")));
        assert_eq!(tsquery_exact(&q("Bạc")).as_deref(), Some("'bạc':*"));
        assert_eq!(tsquery_exact(&q("bac")), None);
    }

    /// The string literals of an expression, and the text outside them.
    fn split_literals(expr: &str, quote: char) -> (Vec<String>, String) {
        let mut literals = Vec::new();
        let mut outside = String::new();
        let mut chars = expr.chars().peekable();
        while let Some(c) = chars.next() {
            if c != quote {
                outside.push(c);
                continue;
            }
            let mut literal = String::new();
            loop {
                match chars.next() {
                    Some(c) if c == quote && chars.peek() == Some(&quote) => {
                        chars.next();
                        literal.push(quote);
                    }
                    Some(c) if c == quote => break,
                    Some(c) => literal.push(c),
                    None => panic!("unterminated literal in {expr:?}"),
                }
            }
            literals.push(literal);
            outside.push('L');
        }
        (literals, outside)
    }

    /// One whole word by the search rules: letters, digits and marks.
    fn is_word(w: &str) -> bool {
        let found: Vec<_> = toasoan_domain::search::words(w).collect();
        found == [(0, w)]
    }

    /// What readers type, operators and quotes of both engines included.
    fn typed() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            3 => "[a-zA-Z0-9]{1,6}",
            3 => "[àáạđĐèéêềếòóôơờùúưừ]{1,5}",
            3 => "[ \"“”*:()'\\\\&|!<>{}^+-]{1,3}",
            1 => prop::sample::select(vec!["AND", "OR", "NOT", "NEAR", "<->", ":*", "{exact}"])
                .prop_map(str::to_owned),
            1 => any::<String>(),
        ];
        prop::collection::vec(piece, 1..20).prop_map(|p| p.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Whatever a reader types, each engine gets quoted words only:
        /// outside the literals, just the operators this module writes.
        #[test]
        fn engine_expressions_never_carry_the_readers_syntax(raw in typed()) {
            let Ok(query) = SearchQuery::parse(&raw) else { return Ok(()) };

            let fts = fts5_match(&query);
            let inner = fts
                .strip_prefix("{title sapo body names} : (")
                .and_then(|r| r.strip_suffix(')'));
            proptest::prop_assert!(inner.is_some(), "{fts:?}");
            let (literals, outside) = split_literals(inner.unwrap_or_default(), '"');
            for phrase in &literals {
                proptest::prop_assert!(
                    !phrase.is_empty() && phrase.split(' ').all(is_word),
                    "phrase {phrase:?} in {fts:?}"
                );
            }
            let skeleton = outside.replace("L*", "L").replace(" AND ", "");
            proptest::prop_assert!(skeleton.chars().all(|c| c == 'L'), "{fts:?}");

            if let Some(exact) = fts5_exact(&query) {
                let inner = exact.strip_prefix("{exact} : (").and_then(|r| r.strip_suffix(')'));
                proptest::prop_assert!(inner.is_some(), "{exact:?}");
                let (literals, outside) = split_literals(inner.unwrap_or_default(), '"');
                proptest::prop_assert!(literals.iter().all(|w| is_word(w)), "{exact:?}");
                let skeleton = outside.replace("L*", "L").replace(" AND ", "");
                proptest::prop_assert!(skeleton.chars().all(|c| c == 'L'), "{exact:?}");
            }

            let mut ts = vec![tsquery(&query), tsquery_words(&query)];
            ts.extend(tsquery_exact(&query));
            for expr in ts {
                let (literals, outside) = split_literals(&expr, '\'');
                proptest::prop_assert!(literals.iter().all(|w| is_word(w)), "{expr:?}");
                let skeleton = outside
                    .replace("L:*", "L")
                    .replace(" <-> ", "")
                    .replace(" & ", "")
                    .replace(['(', ')'], "");
                proptest::prop_assert!(skeleton.chars().all(|c| c == 'L'), "{expr:?}");
            }
        }
    }
}
