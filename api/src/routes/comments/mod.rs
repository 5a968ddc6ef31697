//! Reader comments: posting and the public threads (`public`), moderation,
//! staff tools and per-article comment modes (`moderation`), and bulk
//! moderation (`bulk`).
//!
//! Comment text is plain text. Every comment response is JSON with `<`,
//! `>` and `&` written as `\u003c`, `\u003e`, `\u0026`: clients read the
//! same strings, but no byte sequence of a response can be taken for live
//! HTML, whatever a reader typed. `body_html` is the text escaped for
//! insertion into a page as it is.

pub mod bulk;
pub mod moderation;
pub mod public;

// Globs, so the endpoint table sees the handlers' OpenAPI descriptions too.
use bulk::*;
use moderation::*;
use public::*;

use crate::error::{ApiError, Code};
use crate::http_cache::{Audience, respond_bytes};
use crate::pagination::{PageMeta, next_link};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toasoan_domain::comment::{CommentMode, CommentStatus};
use toasoan_domain::text::escape_html;
use utoipa::ToSchema;

crate::endpoints![
    create_comment,
    list_article_comments,
    set_comment_mode,
    list_comments,
    moderate_comments,
    get_comment,
    update_comment,
    delete_comment,
];

/// Whether an article takes and shows comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommentModeView {
    /// Readers post; approved comments are shown.
    Open,
    /// Approved comments are shown; new ones are refused (`comments_closed`).
    Closed,
    /// Nothing is shown and new comments are refused.
    Hidden,
}

impl From<CommentMode> for CommentModeView {
    fn from(mode: CommentMode) -> Self {
        match mode {
            CommentMode::Open => Self::Open,
            CommentMode::Closed => Self::Closed,
            CommentMode::Hidden => Self::Hidden,
        }
    }
}

impl From<CommentModeView> for CommentMode {
    fn from(mode: CommentModeView) -> Self {
        match mode {
            CommentModeView::Open => Self::Open,
            CommentModeView::Closed => Self::Closed,
            CommentModeView::Hidden => Self::Hidden,
        }
    }
}

/// A comment's moderation state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommentStatusView {
    /// Waiting for an editor.
    Pending,
    /// Shown to readers and counted in the article's `comment_count`.
    Approved,
    /// Hidden by an editor.
    Rejected,
    /// Hidden as spam.
    Spam,
}

impl From<CommentStatus> for CommentStatusView {
    fn from(status: CommentStatus) -> Self {
        match status {
            CommentStatus::Pending => Self::Pending,
            CommentStatus::Approved => Self::Approved,
            CommentStatus::Rejected => Self::Rejected,
            CommentStatus::Spam => Self::Spam,
        }
    }
}

impl From<CommentStatusView> for CommentStatus {
    fn from(status: CommentStatusView) -> Self {
        match status {
            CommentStatusView::Pending => Self::Pending,
            CommentStatusView::Approved => Self::Approved,
            CommentStatusView::Rejected => Self::Rejected,
            CommentStatusView::Spam => Self::Spam,
        }
    }
}

/// A page of comments, with the article's comment mode.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentPage<T> {
    /// The items, in list order.
    pub data: Vec<T>,
    /// Where the list goes on.
    pub meta: CommentPageMeta,
}

/// Paging information of a comment list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentPageMeta {
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// The page size used.
    #[schema(example = 20)]
    pub limit: i64,
    /// The article's comment mode (public threads only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment_mode: Option<CommentModeView>,
}

impl CommentPageMeta {
    fn from_page(meta: PageMeta, comment_mode: Option<CommentModeView>) -> Self {
        Self {
            next_cursor: meta.next_cursor,
            limit: meta.limit,
            comment_mode,
        }
    }
}

/// Plain text as HTML: escaped, line breaks as `<br>`.
pub(crate) fn text_html(text: &str) -> String {
    escape_html(text).replace('\n', "<br>")
}

fn comment_not_found() -> ApiError {
    Code::CommentNotFound.err("no such comment")
}

/// JSON in which `<`, `>` and `&` only appear escaped. Outside strings JSON
/// never has these bytes, and no byte of a multi-byte UTF-8 character is
/// below 0x80, so replacing them byte by byte keeps the document equal.
fn html_safe_json<T: Serialize>(value: &T) -> Result<Vec<u8>, ApiError> {
    let raw = serde_json::to_vec(value).map_err(ApiError::internal)?;
    let mut out = Vec::with_capacity(raw.len() + 16);
    for byte in raw {
        match byte {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            other => out.push(other),
        }
    }
    Ok(out)
}

/// Sends a comment response with its ETag, HTML-safe.
fn respond_safe<T: Serialize>(
    req: &HttpRequest,
    value: &T,
    audience: Audience,
) -> Result<HttpResponse, ApiError> {
    respond_bytes(
        req,
        html_safe_json(value)?,
        "application/json",
        "",
        audience,
    )
}

/// Sends a comment page with its ETag and `Link: rel="next"`, HTML-safe.
fn respond_safe_page<T: Serialize>(
    req: &HttpRequest,
    page: &CommentPage<T>,
    audience: Audience,
) -> Result<HttpResponse, ApiError> {
    let mut response = respond_safe(req, page, audience)?;
    if let Some(next) = &page.meta.next_cursor
        && let Ok(value) = header::HeaderValue::from_str(&next_link(req, next))
    {
        response.headers_mut().insert(header::LINK, value);
    }
    Ok(response)
}

/// A stored instant for clients.
fn at(stored: chrono::NaiveDateTime) -> DateTime<Utc> {
    toasoan_persistence::time::from_db(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_json_reads_back_the_same_and_holds_no_markup() {
        let text = "<script>alert('x')</script> & Đà Nẵng <b>";
        let bytes = html_safe_json(&serde_json::json!({ "body": text })).unwrap();
        let raw = String::from_utf8(bytes.clone()).unwrap();
        assert!(!raw.contains('<') && !raw.contains('>') && !raw.contains('&'));
        let back: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back["body"], text);
    }

    #[test]
    fn text_becomes_inert_html() {
        assert_eq!(
            text_html("<i>a</i>\n\"b\" & c"),
            "&lt;i&gt;a&lt;/i&gt;<br>&quot;b&quot; &amp; c"
        );
    }
}
