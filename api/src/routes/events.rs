//! Transition events for admins: what readers saw change (published,
//! updated, unpublished, expired, archived, deleted; a comment approved),
//! newest first. Later
//! webhooks and CDN purges read the same table.

use crate::caller::Admin;
use crate::error::{ApiError, Code};
use crate::pagination::{self, Page};
use crate::responses::*;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toasoan_domain::event::EventType;
use toasoan_persistence::models::event::EventRow;
use toasoan_persistence::queries::events::{self, EventQuery};
use toasoan_persistence::queries::is_id;
use toasoan_persistence::time;
use utoipa::{IntoParams, ToSchema};

crate::endpoints![list_events];

/// Something readers saw change, recorded once.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    /// UUIDv7, in the order events were recorded.
    #[schema(format = Uuid, example = "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5a")]
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// When readers saw it: the publication instant of a scheduled
    /// article, the expiry of an expired one, else the time of the write.
    #[schema(example = "2024-04-20T02:54:00Z")]
    pub occurred_at: DateTime<Utc>,
    /// The account that made the change; null for a scheduled publication
    /// or an expiry.
    #[schema(format = Uuid)]
    pub actor_id: Option<String>,
    /// The article then: `{"article": {"id", "slug", "title", "status",
    /// "published_at", "unpublish_at", "category_id", "version"}}`;
    /// `comment.approved` adds `"comment": {"id", "parent_id",
    /// "author_name", "body", "is_staff", "created_at"}`.
    #[schema(value_type = Object, example = json!({"article": {"id": "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5b", "slug": "mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac", "title": "Mặt trận các cấp triển khai kế hoạch học tập và làm theo Bác", "status": "published", "published_at": "2024-04-20T02:54:00Z", "unpublish_at": null, "category_id": null, "version": 3}}))]
    pub data: serde_json::Value,
}

/// Filters and paging of the event list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventListQuery {
    /// Only events of this type.
    #[serde(rename = "type")]
    #[param(rename = "type", inline)]
    pub event_type: Option<EventType>,
    /// Only events of this article (its id; deleted articles keep theirs).
    #[param(example = "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5b")]
    pub article: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<i64>,
    /// `meta.next_cursor` of the previous page; empty means the first page.
    #[serde(default, deserialize_with = "crate::pagination::blank_is_none")]
    pub cursor: Option<String>,
}

fn view(row: EventRow) -> Result<EventView, ApiError> {
    let data = match row.data.as_deref() {
        Some(raw) => serde_json::from_str(raw).map_err(ApiError::internal)?,
        None => serde_json::json!({"article": {"id": row.article_id, "slug": row.article_slug}}),
    };
    Ok(EventView {
        id: row.id,
        event_type: row.event_type,
        occurred_at: time::from_db(row.occurred_at),
        actor_id: row.actor_id,
        data,
    })
}

/// Transition events, newest first (admins).
///
/// Each change readers would notice is recorded once, even with several
/// instances on one database: `article.published` (now, back-dated, or a
/// scheduled publication when its time comes), `article.updated` (a
/// public article changed), `article.unpublished`, `article.expired` (its
/// `unpublish_at` came), `article.archived` and `article.deleted` (of a
/// public article), and `comment.approved` (a comment became visible:
/// approved by a moderator, or shown at once when posted, on a public
/// article that shows comments). Scheduled publications and expiries are recorded by
/// each instance's due-work loop, within `TOASOAN_DUE_WORK_INTERVAL_MS`.
#[utoipa::path(get, path = "/api/v1/events", operation_id = "list_events", tag = "events",
    security(("bearer" = [])),
    params(EventListQuery),
    responses(
        (status = 200, description = "A page of events", body = Page<EventView>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when there is a next page"))),
        (status = 400, description = "An unknown `type` or parameter (`invalid_query`), an `article` that is not an id (`invalid_query`), `limit` out of range (`invalid_limit`), or a cursor this list did not give out (`invalid_cursor`)", body = crate::error::Problem, content_type = "application/problem+json"),
        AdminOnly,
    ))]
pub async fn list_events(
    state: web::Data<AppState>,
    req: HttpRequest,
    _admin: Admin,
    query: web::Query<EventListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let article_id = match query.article {
        Some(raw) => {
            let id = raw.trim().to_ascii_lowercase();
            if !is_id(&id) {
                return Err(Code::InvalidQuery.err("article: give the article's id"));
            }
            Some(id)
        }
        None => None,
    };
    let after = match &query.cursor {
        Some(cursor) => Some(pagination::decode_cursor(cursor, "e", 1)?.remove(0)),
        None => None,
    };
    let q = EventQuery {
        event_type: query.event_type,
        article_id,
        after,
        limit: limit + 1,
    };
    let rows = state.db(move |conn| Ok(events::list(conn, &q)?)).await?;
    let items = rows.into_iter().map(view).collect::<Result<Vec<_>, _>>()?;
    let page = Page::new(items, limit, |e| pagination::encode_cursor("e", &[&e.id]));
    let mut response = HttpResponse::Ok();
    response.insert_header(("Cache-Control", "private, no-store"));
    if let Some(next) = &page.meta.next_cursor {
        response.insert_header(("Link", pagination::next_link(&req, next)));
    }
    Ok(response.json(page))
}
