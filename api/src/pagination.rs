//! One pagination helper: `limit` checks, opaque keyset cursors, and the
//! `{"data", "meta"}` envelope with its `Link: rel="next"` header.

use crate::error::{ApiError, Code};
use actix_web::HttpRequest;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{IntoParams, PartialSchema, ToSchema};

/// Default page size.
pub const DEFAULT_LIMIT: i64 = 20;
/// Largest page size.
pub const MAX_LIMIT: i64 = 100;

/// Checks a requested page size; out of range is an error, not clamped.
pub fn limit(requested: Option<i64>) -> Result<i64, ApiError> {
    match requested {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(n) => Err(Code::InvalidLimit.err(format!("limit must be 1 to {MAX_LIMIT}, got {n}"))),
    }
}

/// Reads an optional query value, taking an empty one (`cursor=`) as absent.
pub fn blank_is_none<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    let value = <Option<String> as serde::Deserialize>::deserialize(deserializer)?;
    Ok(value.filter(|v| !v.trim().is_empty()))
}

/// Wraps a keyset position (parts joined by `\n`) into an opaque cursor.
pub fn encode_cursor(kind: &str, parts: &[&str]) -> String {
    let mut raw = kind.to_owned();
    for part in parts {
        raw.push('\n');
        raw.push_str(part);
    }
    URL_SAFE_NO_PAD.encode(raw)
}

/// Opens a cursor made by `encode_cursor` with the same `kind`.
pub fn decode_cursor(cursor: &str, kind: &str, parts: usize) -> Result<Vec<String>, ApiError> {
    let invalid = || Code::InvalidCursor.err("the cursor is not one this list gave out");
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| invalid())?;
    let raw = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut fields = raw.split('\n');
    if fields.next() != Some(kind) {
        return Err(invalid());
    }
    let values: Vec<String> = fields.map(str::to_owned).collect();
    let bad = |v: &String| v.is_empty() || v.chars().any(char::is_control);
    if values.len() != parts || values.iter().any(bad) {
        return Err(invalid());
    }
    Ok(values)
}

/// A page of results.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    /// The items, in list order.
    pub data: Vec<T>,
    /// Where the list goes on.
    pub meta: PageMeta,
}

/// Paging information.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageMeta {
    /// Pass as `cursor` to get the next page; null on the last page.
    #[schema(example = "cAoyMDI0LTA0LTIwVDAyOjU0OjAwWgowMTkwZjFjMi0uLi4")]
    pub next_cursor: Option<String>,
    /// The page size used.
    #[schema(example = 20)]
    pub limit: i64,
    /// With `count=exact`: how many items the whole list has.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 1342)]
    pub total: Option<i64>,
}

impl<T> Page<T> {
    /// A page of `limit` items; `cursor_of` makes the cursor from the last
    /// item when the page is full (one extra row was fetched to know).
    pub fn new(mut rows: Vec<T>, limit: i64, cursor_of: impl Fn(&T) -> String) -> Self {
        let full = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next_cursor = if full {
            rows.last().map(cursor_of)
        } else {
            None
        };
        Self {
            data: rows,
            meta: PageMeta {
                next_cursor,
                limit,
                total: None,
            },
        }
    }

    /// A whole list in one page (short lists such as categories).
    pub fn all(rows: Vec<T>) -> Self {
        let limit = i64::try_from(rows.len()).unwrap_or(i64::MAX);
        Self {
            data: rows,
            meta: PageMeta {
                next_cursor: None,
                limit,
                total: None,
            },
        }
    }

    /// Maps the items with a fallible function, keeping the paging.
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        Ok(Page {
            data: self.data.into_iter().map(f).collect::<Result<_, E>>()?,
            meta: self.meta,
        })
    }
}

/// `Page_<Item>` refers to its item schema by `$ref` (utoipa's derive would
/// copy the item schema inline), so generated clients share one item type.
/// (`PartialSchema` comes from utoipa's blanket impl over `ComposeSchema`.)
impl<T: ToSchema> utoipa::__dev::ComposeSchema for Page<T> {
    fn compose(_inlined_items: Vec<RefOr<Schema>>) -> RefOr<Schema> {
        let items = ArrayBuilder::new()
            .items(Ref::from_schema_name(T::name()))
            .description(Some("The items, in list order."));
        let mut meta = Ref::from_schema_name(PageMeta::name());
        meta.description = "Where the list goes on.".to_owned();
        ObjectBuilder::new()
            .description(Some("A page of results."))
            .property("data", items)
            .required("data")
            .property("meta", meta)
            .required("meta")
            .into()
    }
}

impl<T: ToSchema> ToSchema for Page<T> {
    fn name() -> Cow<'static, str> {
        // `#[utoipa::path]` appends the item's name: `Page_AuthorView`.
        Cow::Borrowed("Page")
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((T::name().into_owned(), T::schema()));
        T::schemas(schemas);
        schemas.push((PageMeta::name().into_owned(), PageMeta::schema()));
    }
}

/// Paging of a list in alphabetical order (authors, tags).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AlphabeticalQuery {
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<i64>,
    /// `meta.next_cursor` of the previous page; empty means the first page.
    #[serde(default, deserialize_with = "crate::pagination::blank_is_none")]
    pub cursor: Option<String>,
}

impl AlphabeticalQuery {
    /// The checked limit and keyset position.
    pub fn parse(&self) -> Result<(i64, Option<(String, String)>), ApiError> {
        let limit = limit(self.limit)?;
        let after = match &self.cursor {
            Some(c) => {
                let mut parts = decode_cursor(c, "a", 2)?.into_iter();
                Some((
                    parts.next().unwrap_or_default(),
                    parts.next().unwrap_or_default(),
                ))
            }
            None => None,
        };
        Ok((limit, after))
    }
}

/// The cursor after a row of an alphabetical list.
pub fn alphabetical_cursor(sort_key: &str, id: &str) -> String {
    encode_cursor("a", &[sort_key, id])
}

/// The `Link` header value for the next page: the same request with `cursor` replaced.
pub fn next_link(req: &HttpRequest, next_cursor: &str) -> String {
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string()).unwrap_or_default();
    pairs.retain(|(k, _)| k != "cursor");
    pairs.push(("cursor".to_owned(), next_cursor.to_owned()));
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("<{}?{}>; rel=\"next\"", req.path(), query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_other_kinds() {
        let c = encode_cursor("p", &["2024-04-20T02:54:00Z", "0190"]);
        assert_eq!(
            decode_cursor(&c, "p", 2).unwrap(),
            vec!["2024-04-20T02:54:00Z", "0190"]
        );
        assert!(decode_cursor(&c, "i", 1).is_err());
        assert!(decode_cursor("not base64!", "p", 2).is_err());
    }

    #[test]
    fn limits_out_of_range_are_refused() {
        assert_eq!(limit(None).unwrap(), 20);
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(101)).is_err());
    }

    fn cursor_part() -> impl proptest::strategy::Strategy<Value = String> {
        // Anything but the separator and control characters, as the lists'
        // keyset values are (instants, ids, sort keys, numbers).
        "[^\\p{Cc}]{1,40}"
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any text given as a cursor is an error or a position, never a panic;
        /// a position is only ever read from the exact text this list gives out.
        #[test]
        fn any_text_decodes_to_an_error_or_its_own_position(
            raw in proptest::prop_oneof![
                proptest::prelude::any::<String>(),
                "[A-Za-z0-9_=+/-]{0,80}",
                proptest::strategy::Strategy::prop_map(
                    proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
                    |bytes| URL_SAFE_NO_PAD.encode(bytes),
                ),
                // Nearly a cursor: a known kind, any number of parts, some empty.
                proptest::strategy::Strategy::prop_map(
                    "(a|p|i|e|cm)(\\n[a-z0-9:. -]{0,6}){0,6}\\n?",
                    |raw| URL_SAFE_NO_PAD.encode(raw),
                ),
            ],
            kind in proptest::sample::select(vec!["a", "p", "i", "e", "cm"]),
            parts in 1usize..6,
        ) {
            match decode_cursor(&raw, kind, parts) {
                Ok(values) => {
                    proptest::prop_assert_eq!(values.len(), parts);
                    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
                    proptest::prop_assert_eq!(encode_cursor(kind, &refs), raw.trim());
                }
                Err(e) => proptest::prop_assert!(matches!(e, ApiError::Refused(Code::InvalidCursor, _))),
            }
        }

        /// What a list gives out reads back, and only as its own kind and shape.
        #[test]
        fn cursors_round_trip(
            kind in "[a-z]{1,2}",
            values in proptest::collection::vec(cursor_part(), 1..6),
        ) {
            let refs: Vec<&str> = values.iter().map(String::as_str).collect();
            let cursor = encode_cursor(&kind, &refs);
            proptest::prop_assert_eq!(decode_cursor(&cursor, &kind, values.len()).ok(), Some(values.clone()));
            proptest::prop_assert!(decode_cursor(&cursor, &kind, values.len() + 1).is_err());
            let other_kind = format!("{kind}x");
            proptest::prop_assert!(decode_cursor(&cursor, &other_kind, values.len()).is_err());
        }
    }
}
