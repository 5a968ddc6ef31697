//! What the search index holds for one article: folded words per weighted
//! field, and every word as written for the exact-mark bonus.

use super::{exact_text, fold_text};
use crate::block::Block;

/// The indexed text of one article. Folded fields hold lowercase ASCII
/// words separated by spaces; `exact` holds the lowercased words as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Folded title (weighs most).
    pub title: String,
    /// Folded sapo (the lead paragraph).
    pub sapo: String,
    /// Folded body text.
    pub body: String,
    /// Folded author and tag names.
    pub names: String,
    /// Every word of all the above as written, lowercased, marks kept.
    pub exact: String,
}

impl Document {
    /// The document of an article from its parts; `names` are the byline's
    /// and the tags' names.
    pub fn new(title: &str, sapo: Option<&str>, body: &[Block], names: &[&str]) -> Self {
        let body_text = body_text(body);
        let names = names.join(" ");
        let sapo = sapo.unwrap_or_default();
        let all = [title, sapo, body_text.as_str(), names.as_str()].join(" ");
        Self {
            title: fold_text(title),
            sapo: fold_text(sapo),
            body: fold_text(&body_text),
            names: fold_text(&names),
            exact: exact_text(&all),
        }
    }
}

/// The readable text of a body: paragraphs, headings, quotes, list items
/// and captions, with inline markup removed, one block a line.
pub fn body_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    let mut line = |text: &str| {
        if !text.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(text);
        }
    };
    for block in blocks {
        match block {
            Block::Paragraph { text } => line(&plain_text_of_html(text)),
            Block::Heading { text, .. } => line(text),
            Block::Image { caption, .. } => line(caption.as_deref().unwrap_or_default()),
            Block::Quote { text, cite } => {
                line(&plain_text_of_html(text));
                line(cite.as_deref().unwrap_or_default());
            }
            Block::List { items, .. } => items.iter().for_each(|i| line(&plain_text_of_html(i))),
            Block::Embed { caption, .. } => line(caption.as_deref().unwrap_or_default()),
        }
    }
    out
}

/// The text of sanitized inline HTML: tags dropped (`<br>` becomes a
/// space), entities decoded.
pub fn plain_text_of_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            if rest[..end].starts_with("<br") {
                out.push(' ');
            }
            rest = &rest[end..];
        } else {
            let end = rest.find(';').filter(|&e| e <= 10);
            match end.and_then(|e| entity(&rest[1..e])) {
                Some(c) => {
                    out.push(c);
                    rest = &rest[end.unwrap_or(0) + 1..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    out
}

/// One named or numeric character reference, without `&` and `;`.
fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let code = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok()
            } else {
                name.strip_prefix('#').and_then(|d| d.parse().ok())
            };
            code.and_then(char::from_u32)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markup_and_entities_become_plain_text() {
        assert_eq!(
            plain_text_of_html(
                "<b>Đậm</b> &amp; <a href=\"x\">nhạt</a><br>dòng &#39;2&#x27; &bogus"
            ),
            "Đậm & nhạt dòng '2' &bogus"
        );
    }

    #[test]
    fn a_document_folds_each_field_and_keeps_the_marks_apart() {
        let body = vec![
            Block::Paragraph {
                text: "Theo đó, <i>học tập</i>".into(),
            },
            Block::Heading {
                level: 2,
                text: "Đổi mới".into(),
            },
        ];
        let doc = Document::new(
            "Làm theo Bác",
            Some("(QNO) - Quảng Nam"),
            &body,
            &["Lê Thị Như Thủy", "Thời sự"],
        );
        assert_eq!(doc.title, "lam theo bac");
        assert_eq!(doc.sapo, "qno quang nam");
        assert_eq!(doc.body, "theo do hoc tap doi moi");
        assert_eq!(doc.names, "le thi nhu thuy thoi su");
        assert!(
            doc.exact
                .starts_with("làm theo bác qno quảng nam theo đó học tập")
        );
    }
}
