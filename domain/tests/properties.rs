//! Property tests of the input rules every write and read goes through: the
//! slug maker, the body-block sanitizer and the search query parser. Each
//! runs a few hundred generated cases (kept small so the suite stays quick).

use proptest::prelude::*;
use std::collections::HashMap;
use toasoan_domain::block::{Block, Body};
use toasoan_domain::search::SearchQuery;
use toasoan_domain::search::query::{MAX_TERMS, MIN_PREFIX_CHARS};
use toasoan_domain::slug::{MAX_SLUG_LEN, Slug};
use toasoan_domain::text::sanitize_inline;

/// Titles as newsrooms write them, and worse: Vietnamese letters in both
/// precomposed and combining forms, punctuation, digits, emoji, other
/// scripts, long runs; plus any Unicode at all.
fn title() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[a-zA-Z0-9]{1,12}",
        4 => "[àáạảãăằắặẳẵâầấậẩẫđĐèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹ]{1,8}",
        2 => "[ \\-_.,:;!?'\"“”()/&%#@]{1,4}",
        1 => "[\u{300}\u{301}\u{303}\u{309}\u{323}]{1,3}",
        1 => "[🎉😀北京ДаЖ]{1,4}",
        1 => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        1 => any::<String>(),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

fn is_slug_shaped(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SLUG_LEN
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_slug_made_from_any_title_is_a_valid_slug(raw in title()) {
        if let Some(slug) = Slug::from_title(&raw) {
            let s = slug.as_str();
            prop_assert!(is_slug_shaped(s), "{s:?} from {raw:?}");
            let parsed = Slug::parse(s).map(Slug::into_string).ok();
            prop_assert_eq!(parsed.as_deref(), Some(s));
            // Making a slug of a slug changes nothing.
            let again = Slug::from_title(s).map(Slug::into_string);
            prop_assert_eq!(again.as_deref(), Some(s));
        } else {
            // Nothing sluggable: no ASCII letter or digit could be made of it.
            prop_assert!(!raw.chars().any(|c| c.is_ascii_alphanumeric()), "{raw:?}");
        }
    }

    #[test]
    fn clash_suffixes_keep_slugs_valid(raw in title(), n in 2u32..100_000) {
        if let Some(slug) = Slug::from_title(&raw) {
            let suffixed = slug.with_suffix(n);
            let s = suffixed.as_str();
            prop_assert!(is_slug_shaped(s), "{s:?}");
            prop_assert!(Slug::parse(s).is_ok(), "{s:?}");
            let ends_with_suffix = s.ends_with(&format!("-{n}"));
            prop_assert!(ends_with_suffix, "{s:?}");
        }
    }

    #[test]
    fn slug_parse_takes_only_slug_shaped_text(raw in title()) {
        if let Ok(slug) = Slug::parse(&raw) {
            prop_assert!(is_slug_shaped(slug.as_str()));
        }
    }
}

/// Inline HTML soup: the allowed tags, hostile tags and attributes, URL
/// schemes with the tricks browsers forgive, entities and broken markup.
fn html_soup() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        prop::sample::select(vec![
            "<script>alert(1)</script>",
            "<script>",
            "</script>",
            "<SCRIPT SRC=//x.js>",
            "<svg><script>alert(1)</script></svg>",
            "<svg onload=alert(1)>",
            "<img src=x onerror=alert(1)>",
            "<b onclick=\"alert(1)\">",
            "<a href=\"javascript:alert(1)\">",
            "<a href=\"JaVaScRiPt:alert(1)\">",
            "<a href=\"java\tscript:alert(1)\">",
            "<a href=\" javascript:alert(1)\">",
            "<a href=\"javascript&#58;alert(1)\">",
            "<a href=\"&#106;avascript:alert(1)\">",
            "<a href=\"vbscript:x\">",
            "<a href=\"data:text/html,<script>alert(1)</script>\">",
            "<a href=\"https://baoquangnam.vn/a?b=1&c=2\" onmouseover=x>",
            "<a href=\"mailto:toasoan@baoquangnam.vn\">",
            "<a href=/relative>",
            "<a href=\"https://x.vn\" target=_blank rel=opener>",
            "</a>",
            "<b>",
            "</b>",
            "<strong>",
            "</strong>",
            "<i>",
            "</i>",
            "<em>",
            "</em>",
            "<br>",
            "<br/>",
            "<p>",
            "</p>",
            "<iframe src=//x>",
            "<style>body{}</style>",
            "<math><mi xlink:href=javascript:x>",
            "<!--",
            "-->",
            "<![CDATA[",
            "]]>",
            "<",
            ">",
            "&",
            "&amp;",
            "&lt;script&gt;",
            "&#x3C;script&#x3E;",
            "\"",
            "'",
            "=",
            " ",
            "\n",
            "\u{301}",
            "Đà Nẵng",
            "học tập",
            "on",
            "onerror=",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Zàáạđ ]{1,10}",
        any::<String>(),
    ];
    prop::collection::vec(fragment, 0..16).prop_map(|fragments| fragments.concat())
}

/// Every `<...>` tag in sanitized HTML (text `<` is always escaped there).
fn tags(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..]
            .find('>')
            .map_or(rest.len(), |e| start + e + 1);
        out.push(rest[start..end].to_owned());
        rest = &rest[end..];
    }
    out
}

/// An attribute value as a browser reads it: entities decoded, and the
/// whitespace and control characters it ignores in a URL scheme removed.
fn as_browser_reads(value: &str) -> String {
    let mut decoded = String::new();
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        decoded.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').filter(|&i| i <= 10);
        let entity = semi.map(|i| &after[..i]);
        let ch = match entity {
            Some("amp") => Some('&'),
            Some("quot") => Some('"'),
            Some("lt") => Some('<'),
            Some("gt") => Some('>'),
            Some("colon") => Some(':'),
            Some(e) if e.starts_with("#x") || e.starts_with("#X") => {
                u32::from_str_radix(&e[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            Some(e) if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match (ch, semi) {
            (Some(c), Some(i)) => {
                decoded.push(c);
                rest = &after[i + 1..];
            }
            _ => {
                decoded.push('&');
                rest = after;
            }
        }
    }
    decoded.push_str(rest);
    decoded
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_lowercase()
}

/// Asserts sanitized HTML holds only the allowed tags and attributes, and
/// no link a browser would run as script.
fn assert_safe(html: &str) -> Result<(), TestCaseError> {
    for tag in tags(html) {
        let inner = tag.trim_start_matches('<').trim_end_matches('>');
        let inner = inner.trim_start_matches('/').trim_end_matches('/');
        let name: String = inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        prop_assert!(
            ["b", "strong", "i", "em", "a", "br"].contains(&name.as_str()),
            "tag {tag:?} in {html:?}"
        );
        let lower = tag.to_lowercase();
        prop_assert!(!lower.contains(" on"), "event attribute in {tag:?}");
        let attrs = &inner[name.len()..];
        for attr in attrs.split("\" ").map(str::trim).filter(|a| !a.is_empty()) {
            let (key, value) = attr.split_once('=').unwrap_or((attr, ""));
            prop_assert!(
                (name == "a" && (key == "href" || key == "rel")),
                "attribute {key:?} in {tag:?}"
            );
            if key == "href" {
                let url = as_browser_reads(value.trim_matches('"'));
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    prop_assert!(!url.starts_with(scheme), "{tag:?} in {html:?}");
                }
            }
        }
    }
    Ok(())
}

fn paragraph_texts(body: &Body) -> Vec<String> {
    body.blocks()
        .iter()
        .flat_map(|b| match b {
            Block::Paragraph { text } | Block::Quote { text, .. } => vec![text.clone()],
            Block::List { items, .. } => items.clone(),
            _ => vec![],
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sanitized_inline_html_is_safe_and_stable(raw in html_soup()) {
        let clean = sanitize_inline(&raw);
        assert_safe(&clean)?;
        prop_assert_eq!(sanitize_inline(&clean), clean.clone(), "from {:?}", raw);
    }

    #[test]
    fn sanitized_bodies_render_safe_html_and_sanitize_to_themselves(
        texts in prop::collection::vec(html_soup(), 1..5),
        list in prop::collection::vec(html_soup(), 0..4),
    ) {
        let mut blocks: Vec<Block> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| if i % 2 == 0 {
                Block::Paragraph { text: text.clone() }
            } else {
                Block::Quote { text: text.clone(), cite: Some(text.clone()) }
            })
            .collect();
        if !list.is_empty() {
            blocks.push(Block::List { ordered: false, items: list });
        }
        // Bodies with an empty or over-long text are refused, not sanitized.
        if let Ok(body) = Body::parse(blocks) {
            for text in paragraph_texts(&body) {
                assert_safe(&text)?;
            }
            let html = body.render_html(&HashMap::new());
            let lower = html.to_lowercase();
            prop_assert!(!lower.contains("<script"), "{html:?}");
            prop_assert!(!lower.contains("<img"), "{html:?}");
            let again = Body::parse(body.blocks().to_vec());
            prop_assert_eq!(again.ok(), Some(body));
        }
    }
}

/// What readers type into a search box: words with and without marks,
/// quotes of every kind, engine operators and SQL.
fn query_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => "[a-zA-Z0-9]{1,8}",
        3 => "[àáạảãăằắặđĐèéêềếìíòóôồơờùúưừỳý]{1,6}",
        2 => prop::sample::select(vec![
            " ", "  ", "\"", "“", "”", "„", "*", "-", ":", "(", ")", "'", ";", "^", "+",
            "AND", "OR", "NOT", "NEAR", "NEAR(", "&", "|", "!", "<->", ":*", "\\", "''",
            "' OR 1=1 --", "title:", "{title}", "%", "_", "\u{301}", "\u{0}", "\t",
        ]).prop_map(str::to_owned),
        1 => "[北京Да🎉]{1,3}",
        1 => any::<String>(),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsed_queries_hold_only_words(raw in query_text()) {
        let Ok(query) = SearchQuery::parse(&raw) else { return Ok(()) };
        let terms: Vec<_> = query.terms().collect();
        prop_assert!(!terms.is_empty() && terms.len() <= MAX_TERMS);
        for (term, _) in &terms {
            prop_assert!(
                !term.folded.is_empty()
                    && term.folded.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
                "folded term {:?} from {raw:?}", term.folded
            );
            if let Some(marked) = &term.marked {
                prop_assert!(
                    marked.chars().all(|c| c.is_alphanumeric()
                        || unicode_normalization::char::is_combining_mark(c)),
                    "marked term {marked:?} from {raw:?}"
                );
            }
        }
        // Only the last term may be a prefix, and only a long enough one.
        for (i, (term, prefix)) in terms.iter().enumerate() {
            if *prefix {
                prop_assert!(i + 1 == terms.len() && term.folded.len() >= MIN_PREFIX_CHARS);
            }
        }
        // The canonical line is a pure function of the parse.
        let again = SearchQuery::parse(&raw).map(|q| q.fingerprint());
        prop_assert_eq!(again, Ok(query.fingerprint()));
    }
}
