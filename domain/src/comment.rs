//! Reader comments: what a comment is, the rules its fields obey, its
//! moderation states, per-article comment modes and reply nesting. Spam
//! screening lives in [`screening`].

pub mod screening;

use crate::FieldError;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

/// Longest commenter name, in characters.
pub const MAX_AUTHOR_NAME: usize = 80;

/// A reader's (or a staff member's) comment on an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// UUIDv7; orders comments by arrival.
    pub id: Uuid,
    /// The article commented on.
    pub article_id: Uuid,
    /// The comment replied to, if a reply.
    pub parent_id: Option<Uuid>,
    /// Nesting level: 1 for a comment on the article, 2 for a reply to it, ...
    pub depth: u8,
    /// The commenter's shown name.
    pub author_name: String,
    /// The commenter's e-mail address: for the newsroom only, never public.
    pub email: Option<String>,
    /// The text, plain (never HTML).
    pub body: String,
    /// Moderation state; only approved comments are public and counted.
    pub status: CommentStatus,
    /// Written by a newsroom account and marked as such.
    pub is_staff: bool,
    /// The staff account that wrote it.
    pub user_id: Option<Uuid>,
    /// When posted.
    pub created_at: DateTime<Utc>,
    /// When last edited or moderated.
    pub updated_at: DateTime<Utc>,
}

/// Moderation state of a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommentStatus {
    /// Waiting for an editor.
    Pending,
    /// Shown under the article and counted in `comment_count`.
    Approved,
    /// Hidden by an editor.
    Rejected,
    /// Hidden as spam (honeypot, blocklist, or an editor's call).
    Spam,
}

impl CommentStatus {
    /// Every status, in the order moderators see them.
    pub const ALL: [CommentStatus; 4] = [
        CommentStatus::Pending,
        CommentStatus::Approved,
        CommentStatus::Rejected,
        CommentStatus::Spam,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Pending => "pending",
            CommentStatus::Approved => "approved",
            CommentStatus::Rejected => "rejected",
            CommentStatus::Spam => "spam",
        }
    }

    /// Reads a stored or requested name.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| {
                FieldError::new(
                    "status",
                    "invalid_status",
                    "status is pending, approved, rejected or spam",
                )
            })
    }

    /// True when readers see it (and `comment_count` counts it).
    pub fn is_public(self) -> bool {
        self == CommentStatus::Approved
    }

    /// How the article's `comment_count` changes when a comment moves
    /// from `self` to `to`: +1, -1 or 0.
    pub fn count_delta(self, to: CommentStatus) -> i32 {
        i32::from(to.is_public()) - i32::from(self.is_public())
    }
}

/// Whether an article takes and shows comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CommentMode {
    /// Readers post; approved comments are shown.
    #[default]
    Open,
    /// Approved comments are still shown; new ones are refused.
    Closed,
    /// Nothing is shown and new comments are refused.
    Hidden,
}

impl CommentMode {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentMode::Open => "open",
            CommentMode::Closed => "closed",
            CommentMode::Hidden => "hidden",
        }
    }

    /// Reads a stored or requested name.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw {
            "open" => Ok(CommentMode::Open),
            "closed" => Ok(CommentMode::Closed),
            "hidden" => Ok(CommentMode::Hidden),
            _ => Err(FieldError::new(
                "comment_mode",
                "invalid_comment_mode",
                "comment_mode is open, closed or hidden",
            )),
        }
    }

    /// True when new comments are taken.
    pub fn accepts_new(self) -> bool {
        self == CommentMode::Open
    }

    /// True when approved comments are shown to readers.
    pub fn shows(self) -> bool {
        self != CommentMode::Hidden
    }
}

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

/// The nesting level of a new comment: 1 on the article, the parent's
/// level + 1 for a reply, refused past `max_depth` levels.
pub fn reply_depth(parent_depth: Option<u8>, max_depth: u8) -> Result<u8, FieldError> {
    let depth = match parent_depth {
        None => Some(1),
        Some(d) => d.checked_add(1),
    };
    let Some(depth) = depth.filter(|&d| d <= max_depth.max(1)) else {
        return Err(FieldError::new(
            "parent_id",
            "reply_too_deep",
            format!("replies nest at most {max_depth} levels deep"),
        ));
    };
    Ok(depth)
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

    #[test]
    fn replies_nest_up_to_the_limit() {
        assert_eq!(reply_depth(None, 2), Ok(1));
        assert_eq!(reply_depth(Some(1), 2), Ok(2));
        assert_eq!(reply_depth(Some(2), 2).unwrap_err().code, "reply_too_deep");
        assert_eq!(reply_depth(Some(1), 1).unwrap_err().code, "reply_too_deep");
        assert_eq!(
            reply_depth(Some(255), 255).unwrap_err().code,
            "reply_too_deep"
        );
    }

    #[test]
    fn only_approval_changes_the_count() {
        use CommentStatus::*;
        assert_eq!(Pending.count_delta(Approved), 1);
        assert_eq!(Approved.count_delta(Spam), -1);
        assert_eq!(Approved.count_delta(Approved), 0);
        assert_eq!(Rejected.count_delta(Spam), 0);
        for s in CommentStatus::ALL {
            assert_eq!(CommentStatus::parse(s.as_str()), Ok(s));
        }
        assert!(CommentStatus::parse("deleted").is_err());
    }

    #[test]
    fn modes_decide_what_is_taken_and_shown() {
        assert!(CommentMode::Open.accepts_new() && CommentMode::Open.shows());
        assert!(!CommentMode::Closed.accepts_new() && CommentMode::Closed.shows());
        assert!(!CommentMode::Hidden.accepts_new() && !CommentMode::Hidden.shows());
        assert_eq!(CommentMode::parse("closed"), Ok(CommentMode::Closed));
        assert!(CommentMode::parse("Open").is_err());
    }
}
