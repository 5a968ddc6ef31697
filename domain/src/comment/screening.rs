//! The decision taken on a new comment before it is stored: published,
//! held for an editor, or filed as spam. Pure: what needs the database
//! (rate limits, duplicates) is checked by the caller.

use super::{AuthorName, CommentBody, CommentStatus};
use crate::text::fold;

/// Words and phrases that send a comment to spam.
///
/// An entry written with diacritics matches only those diacritics (`bạc`
/// does not catch `bác`); an entry written without them matches with or
/// without (`co bac` catches `cờ bạc` and `co bac`). Matching is by whole
/// words, case-insensitive, after NFC normalization.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blocklist {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    words: Vec<String>,
    folded: bool,
}

fn words(text: &str) -> Vec<String> {
    use unicode_normalization::UnicodeNormalization;
    let text: String = text.nfc().collect::<String>().to_lowercase();
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Blocklist {
    /// A blocklist from entries (blank ones are skipped).
    pub fn new<'a>(entries: impl IntoIterator<Item = &'a str>) -> Self {
        let entries = entries
            .into_iter()
            .map(|e| Entry {
                words: words(e),
                folded: e.is_ascii(),
            })
            .filter(|e| !e.words.is_empty())
            .collect();
        Self { entries }
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// True when any entry occurs in `text` as whole words.
    pub fn matches(&self, text: &str) -> bool {
        if self.entries.is_empty() {
            return false;
        }
        let exact = words(text);
        let folded: Vec<String> = exact.iter().map(|w| fold(w)).collect();
        self.entries.iter().any(|entry| {
            let haystack = if entry.folded { &folded } else { &exact };
            haystack
                .windows(entry.words.len())
                .any(|window| window == entry.words.as_slice())
        })
    }
}

/// The newsroom's policy for new comments.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Hold reader comments for an editor (the default) or publish them at once.
    pub premoderate: bool,
    /// Words that send a comment to spam.
    pub blocklist: Blocklist,
}

/// Why a comment was filed as spam.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpamReason {
    /// The hidden form field, invisible to people, was filled in.
    Honeypot,
    /// A blocklisted word in the name or the text.
    Blocklist,
}

impl SpamReason {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SpamReason::Honeypot => "honeypot",
            SpamReason::Blocklist => "blocklist",
        }
    }
}

/// What happens to a new comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Shown at once.
    Publish,
    /// Held for an editor.
    Hold,
    /// Filed as spam; the poster is told nothing different.
    Spam(SpamReason),
}

impl Verdict {
    /// The status the comment is stored with.
    pub fn status(self) -> CommentStatus {
        match self {
            Verdict::Publish => CommentStatus::Approved,
            Verdict::Hold => CommentStatus::Pending,
            Verdict::Spam(_) => CommentStatus::Spam,
        }
    }
}

/// A new comment as the screening sees it.
#[derive(Debug, Clone, Copy)]
pub struct Submission<'a> {
    /// The shown name.
    pub author_name: &'a AuthorName,
    /// The text.
    pub body: &'a CommentBody,
    /// The honeypot field as sent (people leave it empty).
    pub honeypot: Option<&'a str>,
    /// Written by a newsroom account.
    pub by_staff: bool,
}

/// Decides a new comment's fate. Staff replies are published; a filled
/// honeypot or a blocklisted word files it as spam; otherwise it waits for
/// an editor unless premoderation is off.
pub fn screen(submission: &Submission<'_>, policy: &Policy) -> Verdict {
    if submission.by_staff {
        return Verdict::Publish;
    }
    if submission.honeypot.is_some_and(|h| !h.trim().is_empty()) {
        return Verdict::Spam(SpamReason::Honeypot);
    }
    if policy.blocklist.matches(submission.body.as_str())
        || policy.blocklist.matches(submission.author_name.as_str())
    {
        return Verdict::Spam(SpamReason::Blocklist);
    }
    if policy.premoderate {
        Verdict::Hold
    } else {
        Verdict::Publish
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comment::TextLimits;

    fn verdict(name: &str, body: &str, honeypot: Option<&str>, policy: &Policy) -> Verdict {
        let name = AuthorName::parse(name).unwrap();
        let body = CommentBody::parse(body, &TextLimits::default()).unwrap();
        screen(
            &Submission {
                author_name: &name,
                body: &body,
                honeypot,
                by_staff: false,
            },
            policy,
        )
    }

    fn policy(premoderate: bool, words: &[&str]) -> Policy {
        Policy {
            premoderate,
            blocklist: Blocklist::new(words.iter().copied()),
        }
    }

    #[test]
    fn reader_comments_wait_unless_premoderation_is_off() {
        assert_eq!(
            verdict("An", "Hay", None, &policy(true, &[])),
            Verdict::Hold
        );
        assert_eq!(
            verdict("An", "Hay", Some(" "), &policy(false, &[])),
            Verdict::Publish
        );
    }

    #[test]
    fn a_filled_honeypot_is_spam() {
        assert_eq!(
            verdict("An", "Hay", Some("http://x"), &policy(false, &[])),
            Verdict::Spam(SpamReason::Honeypot)
        );
    }

    #[test]
    fn blocklisted_words_are_spam_in_the_name_or_the_text() {
        let p = policy(true, &["co bac", "Lừa đảo", ""]);
        let spam = Verdict::Spam(SpamReason::Blocklist);
        assert_eq!(verdict("An", "Chơi CỜ BẠC online", None, &p), spam);
        assert_eq!(verdict("An", "choi co-bac online", None, &p), spam);
        assert_eq!(verdict("lừa đảo", "Hay", None, &p), spam);
        // Whole words only, and written diacritics are kept.
        assert_eq!(verdict("An", "cobac", None, &p), Verdict::Hold);
        assert_eq!(verdict("An", "lua dao", None, &p), Verdict::Hold);
        // Decomposed input matches a precomposed entry.
        assert_eq!(
            verdict("An", "lu\u{31b}\u{300}a đa\u{309}o", None, &p),
            spam
        );
    }

    #[test]
    fn staff_replies_are_published() {
        let name = AuthorName::parse("Ban biên tập").unwrap();
        let body = CommentBody::parse("cờ bạc", &TextLimits::default()).unwrap();
        let s = Submission {
            author_name: &name,
            body: &body,
            honeypot: None,
            by_staff: true,
        };
        assert_eq!(screen(&s, &policy(true, &["co bac"])), Verdict::Publish);
    }
}
