//! Article revisions: what a revision keeps of an article (its snapshot),
//! and which revisions of a draft are pruned.

use crate::block::Block;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

/// Newest draft revisions kept by default (`TOASOAN_DRAFT_REVISIONS_KEPT`).
pub const DEFAULT_DRAFTS_KEPT: u32 = 50;

/// An article's content and metadata as one save left them, stored as
/// JSON. Fields added later must have a default, so older snapshots still
/// read; unknown fields of newer ones are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Snapshot {
    /// Headline.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Mặt trận các cấp triển khai kế hoạch học tập và làm theo Bác")
    )]
    pub title: String,
    /// URL slug.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac")
    )]
    pub slug: String,
    /// Lead paragraph.
    #[serde(default)]
    pub sapo: Option<String>,
    /// Body blocks.
    #[serde(default)]
    pub body: Vec<Block>,
    /// The body as rendered then.
    #[serde(default)]
    pub body_html: String,
    /// Workflow status as stored (`draft`, `in_review`, `published`, `archived`).
    #[cfg_attr(feature = "openapi", schema(example = "draft"))]
    pub status: String,
    /// Shown among featured articles.
    #[serde(default)]
    pub featured: bool,
    /// Publication instant.
    #[serde(default)]
    pub published_at: Option<DateTime<Utc>>,
    /// Category id.
    #[serde(default)]
    pub category_id: Option<String>,
    /// Cover image id.
    #[serde(default)]
    pub cover_image_id: Option<String>,
    /// Byline, in order.
    #[serde(default)]
    pub authors: Vec<BylineEntry>,
    /// Tag ids.
    #[serde(default)]
    pub tag_ids: Vec<String>,
    /// Related-article picks, in order.
    #[serde(default)]
    pub related_ids: Vec<String>,
    /// When readers stop seeing it (workflow: shown, not restored).
    #[serde(default)]
    pub unpublish_at: Option<DateTime<Utc>>,
    /// Comment mode (`open`, `closed`, `hidden`).
    #[serde(default)]
    pub comment_mode: Option<String>,
    /// Words of the body.
    #[serde(default)]
    pub word_count: i32,
    /// Minutes to read the body.
    #[serde(default)]
    pub reading_time_minutes: i32,
    /// Public corrections appended so far, oldest first.
    #[serde(default)]
    pub corrections: Vec<CorrectionEntry>,
}

/// One author in a snapshot's byline (an object, so a role can join it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BylineEntry {
    /// Author id.
    pub author_id: String,
    /// What they did (older snapshots: a writer).
    #[serde(default)]
    pub role: crate::byline::BylineRole,
}

/// One correction in a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorrectionEntry {
    /// The note readers see.
    pub text: String,
    /// When it was appended.
    pub at: DateTime<Utc>,
}

/// Which revisions of an article to delete once revision `latest` is
/// written. An article that has ever been published keeps all of them;
/// a draft keeps revision 1 and its newest `kept`, so the rest, numbered
/// `2..=latest - kept`, go (numbers are consecutive, pruning only removes
/// the oldest, so the newest `kept` are exactly those above `latest - kept`).
pub fn prunable(latest: i32, kept: u32, ever_published: bool) -> Option<RangeInclusive<i32>> {
    let last = latest.saturating_sub(i32::try_from(kept).unwrap_or(i32::MAX));
    (!ever_published && last >= 2).then_some(2..=last)
}

/// Longest correction, in characters.
pub const MAX_CORRECTION: usize = 2_000;

/// A correction's text: plain text, trimmed, 1 to `MAX_CORRECTION` characters.
pub fn correction_text(raw: &str) -> Result<String, crate::FieldError> {
    crate::text::plain("text", raw, 1, MAX_CORRECTION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_keep_their_first_and_newest_revisions() {
        assert_eq!(prunable(3, 2, false), None);
        assert_eq!(prunable(4, 2, false), Some(2..=2));
        assert_eq!(prunable(10, 3, false), Some(2..=7));
        assert_eq!(prunable(10, 3, true), None);
        assert_eq!(prunable(51, 50, false), None);
    }

    #[test]
    fn older_snapshots_read_with_defaults_for_later_fields() {
        let old: Snapshot =
            serde_json::from_str(r#"{"title":"Bài","slug":"bai","status":"draft","later":1}"#)
                .unwrap();
        assert_eq!(old.authors, vec![]);
        assert_eq!(old.word_count, 0);
    }

    #[test]
    fn correction_texts_are_trimmed_and_bounded() {
        assert_eq!(correction_text("  Sửa tên  ").unwrap(), "Sửa tên");
        assert!(correction_text("   ").is_err());
        assert!(correction_text(&"ă".repeat(MAX_CORRECTION + 1)).is_err());
    }
}
