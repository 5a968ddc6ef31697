//! Highlight snippets: a short passage around the best match, with the
//! matched words in `<mark>`, escaped so it is safe to insert as HTML.

use super::query::SearchQuery;
use super::{fold_word, nfc, words};
use crate::text::escape_html;

/// Words a snippet shows at most.
pub const SNIPPET_WORDS: usize = 30;
/// Words of context a snippet keeps before its first match.
const LEAD_WORDS: usize = 4;

/// One word of a source: its byte range and which terms it matches (a bit
/// per term; queries have at most `MAX_TERMS` terms).
struct Word {
    start: usize,
    end: usize,
    matches: u32,
}

/// Which of the query's terms a word of the text matches.
fn matches(terms: &[(String, bool)], word: &str) -> u32 {
    // Most words are ASCII or Vietnamese: fold them char by char, without
    // the allocations of `fold_word` (NFC is done once per source).
    let tokens = if word
        .chars()
        .all(|c| c.is_ascii() || deunicode::deunicode_char(c).is_some_and(|a| a.len() == 1))
    {
        let mut folded = String::with_capacity(word.len());
        for c in word.chars() {
            if c.is_ascii() {
                folded.push(c.to_ascii_lowercase());
            } else if let Some(a) = deunicode::deunicode_char(c) {
                folded.extend(a.chars().map(|x| x.to_ascii_lowercase()));
            }
        }
        vec![folded]
    } else {
        fold_word(word)
    };
    let mut bits = 0;
    for (i, (term, prefix)) in terms.iter().enumerate().take(32) {
        let hit = tokens
            .iter()
            .any(|t| t == term || (*prefix && t.starts_with(term.as_str())));
        if hit {
            bits |= 1 << i;
        }
    }
    bits
}

/// A snippet of the best passage among `sources` (tried in order; an
/// earlier source wins a tie): the one matching the most distinct terms,
/// then the most words. Without any match, the start of the first
/// non-empty source.
pub fn highlight(query: &SearchQuery, sources: &[&str]) -> String {
    let terms: Vec<(String, bool)> = query
        .terms()
        .map(|(t, prefix)| (t.folded.clone(), prefix))
        .collect();
    let texts: Vec<String> = sources.iter().map(|s| nfc(s)).collect();
    let mut best: Option<((u32, usize), usize, usize)> = None;
    let mut tokenized = Vec::with_capacity(texts.len());
    for (s, text) in texts.iter().enumerate() {
        let list: Vec<Word> = words(text)
            .map(|(start, w)| Word {
                start,
                end: start + w.len(),
                matches: matches(&terms, w),
            })
            .collect();
        for (m, _) in list.iter().enumerate().filter(|(_, w)| w.matches != 0) {
            let from = m.saturating_sub(LEAD_WORDS);
            let window = &list[from..list.len().min(from + SNIPPET_WORDS)];
            let distinct = window.iter().fold(0, |acc, w| acc | w.matches).count_ones();
            let hits = window.iter().filter(|w| w.matches != 0).count();
            if best.is_none_or(|(score, _, _)| (distinct, hits) > score) {
                best = Some(((distinct, hits), s, from));
            }
        }
        tokenized.push(list);
    }
    let (source, from) = match best {
        Some((_, s, from)) => (s, from),
        None => match tokenized.iter().position(|l| !l.is_empty()) {
            Some(s) => (s, 0),
            None => return String::new(),
        },
    };
    render(&texts[source], &tokenized[source], from)
}

/// The escaped passage of `text` from word `from`, matches marked.
fn render(text: &str, list: &[Word], from: usize) -> String {
    let to = list.len().min(from + SNIPPET_WORDS);
    let mut out = String::new();
    if from > 0 {
        out.push_str("… ");
    }
    // From the very start of the text when nothing is cut off before.
    let mut at = if from == 0 { 0 } else { list[from].start };
    for word in &list[from..to] {
        out.push_str(&escape_html(&text[at..word.start]));
        let escaped = escape_html(&text[word.start..word.end]);
        if word.matches != 0 {
            out.push_str("<mark>");
            out.push_str(&escaped);
            out.push_str("</mark>");
        } else {
            out.push_str(&escaped);
        }
        at = word.end;
    }
    if to < list.len() {
        out.push_str(" …");
    } else {
        // Closing punctuation of the source ("Bác.") belongs to the passage.
        out.push_str(&escape_html(&text[at..]));
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snippet(q: &str, sources: &[&str]) -> String {
        highlight(&SearchQuery::parse(q).unwrap(), sources)
    }

    #[test]
    fn matched_words_are_marked_with_or_without_marks_typed() {
        let text = "Kế hoạch học tập và làm theo Bác.";
        let want = "Kế hoạch <mark>học</mark> <mark>tập</mark> và làm theo <mark>Bác</mark>.";
        assert_eq!(snippet("hoc tap bac", &[text]), want);
        assert_eq!(snippet("học tập Bác", &[text]), want);
    }

    #[test]
    fn the_last_word_is_marked_as_a_prefix() {
        assert_eq!(
            snippet("làm th", &["làm theo Bác"]),
            "<mark>làm</mark> <mark>theo</mark> Bác"
        );
    }

    #[test]
    fn everything_else_is_escaped() {
        let text = "<script>alert('bac')</script> & \"bác\"";
        let got = snippet("bac ", &[text]);
        assert_eq!(
            got,
            "&lt;script&gt;alert(&#39;<mark>bac</mark>&#39;)&lt;/script&gt; &amp; &quot;<mark>bác</mark>&quot;"
        );
        assert!(
            !got.replace("<mark>", "")
                .replace("</mark>", "")
                .contains('<')
        );
    }

    #[test]
    fn a_long_text_is_cut_around_the_best_passage() {
        let filler = "một hai ba bốn năm sáu bảy tám chín mười ".repeat(10);
        let text = format!("{filler}Quảng Nam {filler}");
        let got = snippet("quang nam ", &["không khớp", &text]);
        assert!(got.starts_with("… "), "{got}");
        assert!(got.ends_with(" …"), "{got}");
        assert!(got.contains("<mark>Quảng</mark> <mark>Nam</mark>"), "{got}");
        assert!(got.split_whitespace().count() <= SNIPPET_WORDS + 2);
    }

    #[test]
    fn the_passage_with_more_distinct_terms_wins() {
        let got = snippet("bac nam ", &["Bác Hồ", "Bác ở Quảng Nam"]);
        assert_eq!(got, "<mark>Bác</mark> ở Quảng <mark>Nam</mark>");
    }

    #[test]
    fn without_a_match_the_snippet_is_the_start_of_the_text() {
        assert_eq!(
            snippet("xyz ", &["", "Tin <b>mới</b>"]),
            "Tin &lt;b&gt;mới&lt;/b&gt;"
        );
        assert_eq!(snippet("xyz ", &[]), "");
    }
}
