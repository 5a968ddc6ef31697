//! Article body blocks: what editors may write, and how it renders to HTML.

use crate::text::{escape_html, optional_plain, plain, sanitize_inline};
use crate::{FieldError, ValidationErrors};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// Most blocks one article body may hold.
pub const MAX_BLOCKS: usize = 500;
/// Longest paragraph or quote, in characters (after sanitizing).
pub const MAX_TEXT: usize = 20_000;
/// Longest heading, caption or short field, in characters.
pub const MAX_SHORT: usize = 1_000;
/// Most items in one list block.
pub const MAX_LIST_ITEMS: usize = 200;
/// Longest embed URL.
pub const MAX_URL: usize = 2_000;

/// One block of an article body, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Block {
    /// A paragraph of inline rich text (`b strong i em a[href] br`).
    Paragraph {
        /// Inline HTML, sanitized on write.
        text: String,
    },
    /// A section heading, level 2 to 4 (the title is level 1).
    Heading {
        /// 2, 3 or 4.
        #[cfg_attr(feature = "openapi", schema(minimum = 2, maximum = 4))]
        #[serde(deserialize_with = "crate::number::integer")]
        level: u8,
        /// Plain text.
        text: String,
    },
    /// An uploaded image with its caption and credit.
    Image {
        /// The image's id.
        image_id: Uuid,
        /// Caption under the photo, plain text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
        /// Photo credit ("N.T"), plain text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        credit: Option<String>,
        /// Alternative text; defaults to the image's own.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        alt: Option<String>,
    },
    /// A quotation with an optional source.
    Quote {
        /// Inline HTML, sanitized on write.
        text: String,
        /// Who said it, plain text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cite: Option<String>,
    },
    /// A bulleted or numbered list of inline rich text items.
    List {
        /// Numbered when true.
        #[serde(default)]
        ordered: bool,
        /// Inline HTML items, sanitized on write.
        items: Vec<String>,
    },
    /// A link to external media (video, social post), rendered as a link.
    Embed {
        /// An https URL.
        url: String,
        /// Caption, plain text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
    },
}

/// A validated, sanitized article body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Body(Vec<Block>);

impl Body {
    /// Validates and sanitizes raw blocks; reports every bad field at once.
    pub fn parse(raw: Vec<Block>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if raw.len() > MAX_BLOCKS {
            errors.push(FieldError::new(
                "body",
                "too_many_blocks",
                format!("at most {MAX_BLOCKS} blocks"),
            ));
            return Err(errors);
        }
        let mut blocks = Vec::with_capacity(raw.len());
        for (i, block) in raw.into_iter().enumerate() {
            match clean_block(block) {
                Ok(block) => blocks.push(block),
                Err(e) => errors.push(e.under(&format!("body[{i}]"))),
            }
        }
        errors.finish(|| Self(blocks))
    }

    /// Trusts blocks that were validated before (read back from storage).
    pub fn from_stored(blocks: Vec<Block>) -> Self {
        Self(blocks)
    }

    /// The blocks.
    pub fn blocks(&self) -> &[Block] {
        &self.0
    }

    /// Ids of every image the body shows, in order, without repeats.
    pub fn image_ids(&self) -> Vec<Uuid> {
        let mut ids = Vec::new();
        for block in &self.0 {
            if let Block::Image { image_id, .. } = block
                && !ids.contains(image_id)
            {
                ids.push(*image_id);
            }
        }
        ids
    }

    /// Renders the body to HTML that is safe to insert into a page as is.
    pub fn render_html(&self, images: &HashMap<Uuid, ImageSource>) -> String {
        let mut html = String::new();
        for block in &self.0 {
            render_block(block, images, &mut html);
        }
        html
    }
}

/// What the renderer needs to know of an uploaded image.
#[derive(Debug, Clone)]
pub struct ImageSource {
    /// Public URL of the file.
    pub url: String,
    /// Pixel width.
    pub width: i32,
    /// Pixel height.
    pub height: i32,
    /// The image's own alternative text.
    pub alt: Option<String>,
    /// The image's own caption, shown when the block has none.
    pub caption: Option<String>,
    /// The image's own credit, shown when the block has none.
    pub credit: Option<String>,
    /// Renditions in the original format (URL, width), narrowest first.
    pub srcset: Vec<(String, u32)>,
    /// WebP renditions (URL, width), narrowest first.
    pub webp_srcset: Vec<(String, u32)>,
}

fn srcset(candidates: &[(String, u32)]) -> String {
    candidates
        .iter()
        .map(|(url, w)| format!("{} {w}w", escape_html(url)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn inline(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let clean = sanitize_inline(raw);
    plain(field, &clean, 1, max)
}

fn clean_block(block: Block) -> Result<Block, FieldError> {
    Ok(match block {
        Block::Paragraph { text } => Block::Paragraph {
            text: inline("text", &text, MAX_TEXT)?,
        },
        Block::Heading { level, text } => {
            if !(2..=4).contains(&level) {
                return Err(FieldError::new(
                    "level",
                    "out_of_range",
                    "heading level is 2, 3 or 4",
                ));
            }
            Block::Heading {
                level,
                text: plain("text", &text, 1, MAX_SHORT)?,
            }
        }
        Block::Image {
            image_id,
            caption,
            credit,
            alt,
        } => Block::Image {
            image_id,
            caption: optional_plain("caption", caption.as_deref(), MAX_SHORT)?,
            credit: optional_plain("credit", credit.as_deref(), 200)?,
            alt: optional_plain("alt", alt.as_deref(), MAX_SHORT)?,
        },
        Block::Quote { text, cite } => Block::Quote {
            text: inline("text", &text, MAX_TEXT)?,
            cite: optional_plain("cite", cite.as_deref(), MAX_SHORT)?,
        },
        Block::List { ordered, items } => {
            if items.is_empty() || items.len() > MAX_LIST_ITEMS {
                return Err(FieldError::new(
                    "items",
                    "invalid_length",
                    format!("1 to {MAX_LIST_ITEMS} items"),
                ));
            }
            let items = items
                .iter()
                .enumerate()
                .map(|(i, item)| inline(&format!("items[{i}]"), item, MAX_TEXT))
                .collect::<Result<Vec<_>, _>>()?;
            Block::List { ordered, items }
        }
        Block::Embed { url, caption } => {
            let url = url.trim().to_owned();
            let host_ok = url.strip_prefix("https://").is_some_and(|rest| {
                rest.split(['/', '?', '#'])
                    .next()
                    .is_some_and(|host| !host.is_empty())
            });
            if url.len() > MAX_URL
                || !host_ok
                || url.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                return Err(FieldError::new(
                    "url",
                    "invalid_url",
                    "an embed is an https:// URL",
                ));
            }
            Block::Embed {
                url,
                caption: optional_plain("caption", caption.as_deref(), MAX_SHORT)?,
            }
        }
    })
}

fn render_block(block: &Block, images: &HashMap<Uuid, ImageSource>, html: &mut String) {
    match block {
        Block::Paragraph { text } => html.push_str(&format!("<p>{text}</p>")),
        Block::Heading { level, text } => {
            html.push_str(&format!("<h{level}>{}</h{level}>", escape_html(text)))
        }
        Block::Quote { text, cite } => {
            html.push_str(&format!("<blockquote><p>{text}</p>"));
            if let Some(cite) = cite {
                html.push_str(&format!("<cite>{}</cite>", escape_html(cite)));
            }
            html.push_str("</blockquote>");
        }
        Block::List { ordered, items } => {
            let tag = if *ordered { "ol" } else { "ul" };
            html.push_str(&format!("<{tag}>"));
            for item in items {
                html.push_str(&format!("<li>{item}</li>"));
            }
            html.push_str(&format!("</{tag}>"));
        }
        Block::Image {
            image_id,
            caption,
            credit,
            alt,
        } => {
            // An image deleted since the article was written is left out.
            let Some(image) = images.get(image_id) else {
                return;
            };
            let alt = alt
                .as_ref()
                .or(image.alt.as_ref())
                .map(String::as_str)
                .unwrap_or("");
            html.push_str(r#"<figure class="image">"#);
            if !image.webp_srcset.is_empty() {
                html.push_str(&format!(
                    r#"<picture><source type="image/webp" srcset="{}" sizes="100vw">"#,
                    srcset(&image.webp_srcset)
                ));
            }
            html.push_str(&format!(
                r#"<img src="{}" alt="{}" width="{}" height="{}""#,
                escape_html(&image.url),
                escape_html(alt),
                image.width,
                image.height
            ));
            if !image.srcset.is_empty() {
                html.push_str(&format!(
                    r#" srcset="{}" sizes="100vw""#,
                    srcset(&image.srcset)
                ));
            }
            html.push_str(r#" loading="lazy">"#);
            if !image.webp_srcset.is_empty() {
                html.push_str("</picture>");
            }
            figcaption(
                caption.as_deref().or(image.caption.as_deref()),
                credit.as_deref().or(image.credit.as_deref()),
                html,
            );
            html.push_str("</figure>");
        }
        Block::Embed { url, caption } => {
            let url = escape_html(url);
            html.push_str(&format!(
                r#"<figure class="embed"><a href="{url}" rel="noopener noreferrer nofollow">{url}</a>"#
            ));
            figcaption(caption.as_deref(), None, html);
            html.push_str("</figure>");
        }
    }
}

fn figcaption(caption: Option<&str>, credit: Option<&str>, html: &mut String) {
    if caption.is_none() && credit.is_none() {
        return;
    }
    html.push_str("<figcaption>");
    if let Some(caption) = caption {
        html.push_str(&escape_html(caption));
    }
    if let Some(credit) = credit {
        if caption.is_some() {
            html.push(' ');
        }
        html.push_str(&format!(
            r#"<span class="credit">Ảnh: {}</span>"#,
            escape_html(credit)
        ));
    }
    html.push_str("</figcaption>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: serde_json::Value) -> Result<Body, ValidationErrors> {
        Body::parse(serde_json::from_value(json).unwrap())
    }

    #[test]
    fn paragraphs_are_sanitized_and_headings_escaped() {
        let body = parse(serde_json::json!([
            {"type": "paragraph", "text": "Theo đó, <b>tiếp tục</b><script>x</script>"},
            {"type": "heading", "level": 2, "text": "<i>Học</i> & làm"}
        ]))
        .unwrap();
        let html = body.render_html(&HashMap::new());
        assert_eq!(
            html,
            "<p>Theo đó, <b>tiếp tục</b></p><h2>&lt;i&gt;Học&lt;/i&gt; &amp; làm</h2>"
        );
    }

    #[test]
    fn images_render_as_figures_with_caption_and_credit() {
        let id = Uuid::now_v7();
        let body = parse(serde_json::json!([
            {"type": "image", "image_id": id, "caption": "Quang cảnh đại hội", "credit": "N.T"}
        ]))
        .unwrap();
        let images = HashMap::from([(
            id,
            ImageSource {
                url: "/media/a.jpg".into(),
                width: 1200,
                height: 800,
                alt: Some("Đại hội".into()),
                caption: Some("Chú thích của ảnh".into()),
                credit: None,
                srcset: Vec::new(),
                webp_srcset: Vec::new(),
            },
        )]);
        let html = body.render_html(&images);
        assert_eq!(
            html,
            r#"<figure class="image"><img src="/media/a.jpg" alt="Đại hội" width="1200" height="800" loading="lazy"><figcaption>Quang cảnh đại hội <span class="credit">Ảnh: N.T</span></figcaption></figure>"#
        );
        assert_eq!(body.image_ids(), vec![id]);
    }

    #[test]
    fn images_with_renditions_render_a_picture_with_srcsets_and_their_own_caption() {
        let id = Uuid::now_v7();
        let body = parse(serde_json::json!([{"type": "image", "image_id": id}])).unwrap();
        let images = HashMap::from([(
            id,
            ImageSource {
                url: "/media/a.jpg".into(),
                width: 1200,
                height: 800,
                alt: None,
                caption: Some("Đại hội".into()),
                credit: Some("N.T".into()),
                srcset: vec![
                    ("/media/a-320w.jpg".into(), 320),
                    ("/media/a.jpg".into(), 1200),
                ],
                webp_srcset: vec![
                    ("/media/a-320w.webp".into(), 320),
                    ("/media/a.webp".into(), 1200),
                ],
            },
        )]);
        assert_eq!(
            body.render_html(&images),
            concat!(
                r#"<figure class="image"><picture><source type="image/webp" srcset="/media/a-320w.webp 320w, /media/a.webp 1200w" sizes="100vw">"#,
                r#"<img src="/media/a.jpg" alt="" width="1200" height="800" srcset="/media/a-320w.jpg 320w, /media/a.jpg 1200w" sizes="100vw" loading="lazy"></picture>"#,
                r#"<figcaption>Đại hội <span class="credit">Ảnh: N.T</span></figcaption></figure>"#
            )
        );
    }

    #[test]
    fn every_bad_block_is_reported_with_its_path() {
        let err = parse(serde_json::json!([
            {"type": "paragraph", "text": "ok"},
            {"type": "heading", "level": 1, "text": "x"},
            {"type": "paragraph", "text": "<script>only</script>"},
            {"type": "embed", "url": "javascript:alert(1)"},
            {"type": "list", "items": []}
        ]))
        .unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            vec![
                ("body[1].level", "out_of_range"),
                ("body[2].text", "required"),
                ("body[3].url", "invalid_url"),
                ("body[4].items", "invalid_length"),
            ]
        );
    }

    #[test]
    fn unknown_block_types_do_not_deserialize() {
        let raw: Result<Vec<Block>, _> =
            serde_json::from_value(serde_json::json!([{"type": "iframe", "src": "x"}]));
        assert!(raw.is_err());
    }
}
