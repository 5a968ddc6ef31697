//! Word count and reading time of an article body, computed on write and
//! stored beside it so lists can show them without reading bodies.

use crate::block::Block;
use crate::search::document::body_text;

/// Reading speed assumed for Vietnamese news text, in words (space-separated
/// syllables) per minute.
pub const WORDS_PER_MINUTE: u32 = 200;

/// How long a body is to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    /// Words of the body's readable text (paragraphs, headings, quotes,
    /// list items, captions); a token without a letter or digit ("-", "–")
    /// is not a word.
    pub words: u32,
    /// Minutes at `WORDS_PER_MINUTE`, rounded up; at least 1.
    pub minutes: u32,
}

impl Reading {
    /// Measures a body.
    pub fn of(blocks: &[Block]) -> Self {
        let text = body_text(blocks);
        let words = text
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
        let words = u32::try_from(words).unwrap_or(u32::MAX);
        Self {
            words,
            minutes: words.div_ceil(WORDS_PER_MINUTE).max(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraph(text: &str) -> Block {
        Block::Paragraph { text: text.into() }
    }

    #[test]
    fn words_are_counted_in_the_readable_text_only() {
        let body = [
            paragraph("Theo đó, <b>tiếp tục</b> tổ chức - quán triệt"),
            Block::Heading {
                level: 2,
                text: "Nêu gương".into(),
            },
            Block::Embed {
                url: "https://example.com/a b c".into(),
                caption: None,
            },
        ];
        assert_eq!(
            Reading::of(&body),
            Reading {
                words: 10,
                minutes: 1
            }
        );
    }

    #[test]
    fn minutes_round_up_and_are_at_least_one() {
        let words = |n: usize| vec![paragraph(&vec!["chữ"; n].join(" "))];
        assert_eq!(Reading::of(&[]).minutes, 1);
        assert_eq!(Reading::of(&words(200)).minutes, 1);
        assert_eq!(Reading::of(&words(201)).minutes, 2);
        assert_eq!(Reading::of(&words(1000)).minutes, 5);
    }
}
