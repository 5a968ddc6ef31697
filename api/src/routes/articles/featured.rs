//! "Nổi bật": the ordered featured list. Editors replace it whole in one
//! call; readers get, in slot order, the entries whose article they may
//! see now and whose slot has not expired, so unpublished, archived,
//! expired or scheduled entries drop out by themselves. The list is apart
//! from each article's `featured` flag (the `featured=true` list filter):
//! setting slots does not change the flag, nor the flag the slots.

use super::view::{self, ArticleSummary};
use crate::caller::{Editor, Viewer};
use crate::error::{ApiError, Problem};
use crate::http_cache::{Audience, Precondition, etag_of, respond_tagged};
use crate::pagination::Page;
use crate::responses::*;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toasoan_domain::placement;
use toasoan_domain::{FieldError, ValidationErrors};
use toasoan_persistence::queries::{articles, featured};
use toasoan_persistence::{DbConn, time};
use utoipa::ToSchema;

/// A featured article: as lists show it, with its slot's expiry.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeaturedArticle {
    /// The article, as in `GET /api/v1/articles`.
    #[serde(flatten)]
    pub article: ArticleSummary,
    /// When its slot stops showing (UTC); null: until the list changes.
    #[schema(example = "2024-04-21T17:00:00Z")]
    pub featured_until: Option<DateTime<Utc>>,
}

/// The new featured list, in order: either `article_ids` (slots that do
/// not expire) or `slots` (each with an optional expiry), not both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"article_ids": ["mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac", "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5a"]}))]
pub struct ReplaceFeatured {
    /// Article ids or slugs, in order; `[]` empties the list.
    #[schema(example = json!(["mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac"]))]
    pub article_ids: Option<Vec<String>>,
    /// The slots, in order, each with an optional expiry.
    #[schema(example = json!([{"article_id": "mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac", "expires_at": "2024-04-21T17:00:00Z"}, {"article_id": "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5a"}]))]
    pub slots: Option<Vec<SlotInput>>,
}

/// One slot of the featured list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotInput {
    /// Article id or slug.
    #[schema(example = "mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac")]
    pub article_id: String,
    /// When the slot stops showing (RFC 3339, in the future); absent or
    /// null: it shows until the list changes.
    #[schema(example = "2024-04-21T17:00:00Z")]
    pub expires_at: Option<DateTime<Utc>>,
}

/// One requested slot, with the JSON path of its article key for errors.
struct Wanted {
    key: String,
    field: String,
    expires_at: Option<DateTime<Utc>>,
}

impl ReplaceFeatured {
    /// The slots asked for, their expiries checked against `now`, or why
    /// the body is refused (both forms, neither, over `max`, a past expiry).
    fn wanted(self, max: usize, now: DateTime<Utc>) -> Result<Vec<Wanted>, ApiError> {
        let mut errors = ValidationErrors::default();
        let (field, wanted) = match (self.article_ids, self.slots) {
            (Some(_), Some(_)) => {
                return Err(ApiError::field(FieldError::new(
                    "slots",
                    "conflict",
                    "send article_ids or slots, not both",
                )));
            }
            (None, None) => {
                return Err(ApiError::field(FieldError::new(
                    "article_ids",
                    "required",
                    "send article_ids or slots",
                )));
            }
            (Some(ids), None) => (
                "article_ids",
                ids.into_iter()
                    .enumerate()
                    .map(|(i, key)| Wanted {
                        key,
                        field: format!("article_ids[{i}]"),
                        expires_at: None,
                    })
                    .collect::<Vec<_>>(),
            ),
            (None, Some(slots)) => {
                let mut wanted = Vec::new();
                for (i, slot) in slots.into_iter().enumerate() {
                    let expiry = placement::slot_expiry(
                        &format!("slots[{i}].expires_at"),
                        slot.expires_at,
                        now,
                    );
                    wanted.push(Wanted {
                        key: slot.article_id,
                        field: format!("slots[{i}].article_id"),
                        expires_at: errors.check(expiry).flatten(),
                    });
                }
                ("slots", wanted)
            }
        };
        if wanted.len() > max {
            errors.push(FieldError::new(
                field,
                "too_many",
                format!("at most {max} featured articles (TOASOAN_FEATURED_MAX)"),
            ));
        }
        errors.finish(|| wanted).map_err(ApiError::from)
    }
}

/// The list readers see at `now`: one query for the slots and one per
/// relation of their articles, whatever the number of slots.
pub(crate) fn showing(
    conn: &mut DbConn,
    now: DateTime<Utc>,
) -> Result<Page<FeaturedArticle>, ApiError> {
    let (rows, expiries): (Vec<_>, Vec<_>) = featured::showing(conn, time::to_db(now))?
        .into_iter()
        .unzip();
    let summaries = view::summaries(conn, rows, now)?;
    Ok(Page::all(
        summaries
            .into_iter()
            .zip(expiries)
            .map(|(article, until)| FeaturedArticle {
                article,
                featured_until: until.map(time::from_db),
            })
            .collect(),
    ))
}

/// The list's ETag: a hash of what is shown, without the live view
/// counters, so readers' views never make an editor's `If-Match` stale.
fn etag(page: &Page<FeaturedArticle>) -> Result<String, ApiError> {
    let mut value = serde_json::to_value(page).map_err(ApiError::internal)?;
    if let Some(items) = value.get_mut("data").and_then(|d| d.as_array_mut()) {
        for item in items.iter_mut().filter_map(|i| i.as_object_mut()) {
            item.remove("view_count");
        }
    }
    etag_of(&value, "featured-")
}

fn respond(
    req: &HttpRequest,
    page: &Page<FeaturedArticle>,
    audience: Audience,
) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(page).map_err(ApiError::internal)?;
    respond_tagged(req, body, "application/json", etag(page)?, audience)
}

/// The "Nổi bật" (featured) list, in slot order.
///
/// Only what readers may see now: an entry drops out when its article is
/// unpublished, archived, scheduled or expired, or when its slot expires.
#[utoipa::path(get, path = "/api/v1/featured", operation_id = "list_featured", tag = "featured",
    responses(
        (status = 200, description = "The featured articles, in slot order", body = Page<FeaturedArticle>,
            headers(("ETag" = String, description = "Send it back as If-None-Match (304) or, to replace the list only if unchanged, as If-Match"))),
        NotModified,
        OptionalAuth,
    ))]
pub async fn list_featured(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, ApiError> {
    let staff = viewer.is_staff();
    let page = state.db(|conn| showing(conn, Utc::now())).await?;
    respond(&req, &page, state.audience(staff))
}

/// Replaces the "Nổi bật" (featured) list.
///
/// The whole list in one call, in order, in one transaction: any bad entry
/// refuses the request and changes nothing. Each article must be visible
/// to readers now. `If-Match` (the list's ETag) is optional.
#[utoipa::path(put, path = "/api/v1/featured", operation_id = "replace_featured", tag = "featured",
    security(("bearer" = [])), request_body = ReplaceFeatured,
    params(
        ("If-Match" = Option<String>, Header, description = "Replace only if the list is still the one with this ETag (`*`: whatever it is)"),
    ),
    responses(
        (status = 200, description = "The new list, as readers get it", body = Page<FeaturedArticle>,
            headers(("ETag" = String, description = "The new list's"))),
        EditorOnly,
        (status = 400, description = "The body is not valid JSON (`malformed_json`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` does not name the current list (`stale_version`); nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is over 1 MiB (`payload_too_large`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not `application/json` (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Nothing was written (`validation_failed`); `errors` names each bad entry by its path (`article_ids[2]`, `slots[0].expires_at`) with a code: `not_found` (no such article), `duplicate` (listed twice), `not_public` (readers cannot see it now: a draft, in review, scheduled, archived or expired), `in_the_past` (an expiry already past), `out_of_range` (an expiry outside the years 1900 to 9999), `too_many` (over `TOASOAN_FEATURED_MAX`, default 20), `required` (neither `article_ids` nor `slots`), `conflict` (both)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn replace_featured(
    state: web::Data<AppState>,
    req: HttpRequest,
    editor: Editor,
    input: crate::extractors::Json<ReplaceFeatured>,
) -> Result<HttpResponse, ApiError> {
    let now = Utc::now();
    let wanted = input.into_inner().wanted(state.config.featured_max, now)?;
    let if_match = Precondition::of(&req);
    let user = editor.0;
    let page = state
        .write(move |conn| {
            if_match.check(|| etag(&showing(conn, now)?))?;
            let keys: Vec<String> = wanted.iter().map(|w| w.key.clone()).collect();
            let found = articles::find_many(conn, &keys, time::to_db(now))?;
            let mut errors = ValidationErrors::default();
            let mut slots: Vec<featured::NewSlot> = Vec::new();
            for (want, article) in wanted.into_iter().zip(found) {
                let problem = match article {
                    None => Some(("not_found", "no such article")),
                    Some(a) if slots.iter().any(|s| s.article_id == a.id) => {
                        Some(("duplicate", "listed twice"))
                    }
                    Some(a) if !a.public => Some((
                        "not_public",
                        "readers cannot see this article now (not published, scheduled, archived or expired)",
                    )),
                    Some(a) => {
                        slots.push(featured::NewSlot {
                            article_id: a.id,
                            expires_at: want.expires_at.map(time::to_db),
                        });
                        None
                    }
                };
                if let Some((code, message)) = problem {
                    errors.push(FieldError::new(want.field, code, message));
                }
            }
            if !errors.is_empty() {
                return Err(errors.into());
            }
            featured::replace(conn, &slots, &user.id, time::to_db(now))?;
            showing(conn, now)
        })
        .await?;
    respond(&req, &page, Audience::Private)
}
