//! A subscription's delivery log (keyset paged, newest first),
//! redelivery, and test pings. Each only writes rows; the delivery loop
//! sends them.

use super::{webhook_id, webhook_not_found};
use crate::caller::Admin;
use crate::error::{ApiError, Code, Problem};
use crate::pagination::{self, Page};
use crate::responses::*;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toasoan_domain::webhook::DeliveryStatus;
use toasoan_persistence::models::webhook::DeliveryRow;
use toasoan_persistence::queries::is_id;
use toasoan_persistence::queries::webhooks::{self, DeliveryQuery, Redelivery};
use toasoan_persistence::time;
use utoipa::{IntoParams, ToSchema};

/// One event (or ping) for one subscription, with its last attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    /// UUIDv7; the `Toasoan-Delivery` header, the same on every attempt
    /// and redelivery, for receivers to de-duplicate.
    #[schema(format = Uuid, example = "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b70")]
    pub id: String,
    /// The event delivered (see `GET /api/v1/events`), or the ping's own id.
    #[schema(format = Uuid, example = "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5a")]
    pub event_id: String,
    /// The event type (`Toasoan-Event`), or `ping`.
    #[schema(example = "article.published")]
    pub event_type: String,
    /// `pending` (an attempt is due or in flight), `succeeded` or `failed`
    /// (every attempt failed).
    pub status: DeliveryStatus,
    /// Attempts made since the delivery was made or last redelivered.
    #[schema(example = 3)]
    pub attempts: i32,
    /// When the next attempt is due (or an attempt in flight gives up its
    /// claim); null once succeeded or failed.
    #[schema(example = json!(null))]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the last attempt started.
    #[schema(example = "2024-04-20T02:54:31Z")]
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The HTTP status of the last answer; null when there was none.
    #[schema(example = 200)]
    pub last_status_code: Option<i32>,
    /// Why the last attempt got no answer (timeout, refused connection,
    /// address not allowed); null when it got one.
    #[schema(example = json!(null))]
    pub last_error: Option<String>,
    /// The first 1 KB of the last answer's body.
    #[schema(example = "ok")]
    pub last_response_body: Option<String>,
    /// How long the last attempt took, milliseconds.
    #[schema(example = 42)]
    pub last_duration_ms: Option<i32>,
    /// When the delivery was made (with its event).
    #[schema(example = "2024-04-20T02:54:00Z")]
    pub created_at: DateTime<Utc>,
    /// When it succeeded or finally failed.
    #[schema(example = "2024-04-20T02:54:31Z")]
    pub completed_at: Option<DateTime<Utc>>,
    /// When an admin last asked for it again.
    #[schema(example = json!(null))]
    pub redelivered_at: Option<DateTime<Utc>>,
}

fn delivery_view(row: DeliveryRow) -> DeliveryView {
    let pending = row.status == DeliveryStatus::Pending;
    DeliveryView {
        id: row.id,
        event_id: row.event_id,
        event_type: row.event_type,
        status: row.status,
        attempts: row.attempts,
        next_attempt_at: pending.then(|| time::from_db(row.next_attempt_at)),
        last_attempt_at: row.last_attempt_at.map(time::from_db),
        last_status_code: row.last_status_code,
        last_error: row.last_error,
        last_response_body: row.last_response_body,
        last_duration_ms: row.last_duration_ms,
        created_at: time::from_db(row.created_at),
        completed_at: row.completed_at.map(time::from_db),
        redelivered_at: row.redelivered_at.map(time::from_db),
    }
}

/// Filters and paging of a delivery log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryListQuery {
    /// Only deliveries in this state.
    #[param(inline)]
    pub status: Option<DeliveryStatus>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<i64>,
    /// `meta.next_cursor` of the previous page; empty means the first page.
    #[serde(default, deserialize_with = "crate::pagination::blank_is_none")]
    pub cursor: Option<String>,
}

/// A subscription's deliveries, newest first (admins).
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", operation_id = "list_webhook_deliveries", tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Subscription id"), DeliveryListQuery),
    responses(
        (status = 200, description = "A page of deliveries", body = Page<DeliveryView>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when there is a next page"))),
        ListErrors,
        AdminOnly,
        WebhookNotFound,
    ))]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    req: HttpRequest,
    _admin: Admin,
    id: web::Path<String>,
    query: web::Query<DeliveryListQuery>,
) -> Result<HttpResponse, ApiError> {
    let webhook_id = webhook_id(&id)?;
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = match &query.cursor {
        Some(cursor) => Some(pagination::decode_cursor(cursor, "d", 1)?.remove(0)),
        None => None,
    };
    let q = DeliveryQuery {
        webhook_id,
        status: query.status,
        after,
        limit: limit + 1,
    };
    let rows = state
        .db(move |conn| {
            webhooks::find(conn, &q.webhook_id)?.ok_or_else(webhook_not_found)?;
            Ok(webhooks::deliveries(conn, &q)?)
        })
        .await?;
    let items = rows.into_iter().map(delivery_view).collect();
    let page = Page::new(items, limit, |d: &DeliveryView| {
        pagination::encode_cursor("d", &[&d.id])
    });
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CACHE_CONTROL, "private, no-store"));
    if let Some(next) = &page.meta.next_cursor {
        response.insert_header(("Link", pagination::next_link(&req, next)));
    }
    Ok(response.json(page))
}

/// Sends a delivery again (admins).
///
/// A new sequence of attempts, counted from one, under the same delivery id and with the same body (signed
/// afresh, with the current secret). Only a delivery that succeeded or
/// failed can be sent again; a pending one retries on its own.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", operation_id = "redeliver_webhook_delivery", tag = "webhooks",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Subscription id"),
        ("delivery_id" = String, Path, format = Uuid, description = "Delivery id (of this subscription)"),
    ),
    responses(
        (status = 202, description = "Queued; the delivery loop sends it within `TOASOAN_WEBHOOK_INTERVAL_MS`", body = DeliveryView),
        AdminOnly,
        (status = 404, description = "No such subscription (`webhook_not_found`), or it has no such delivery (`delivery_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The subscription is disabled (`webhook_inactive`), or the delivery is still pending (`delivery_pending`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn redeliver_webhook_delivery(
    state: web::Data<AppState>,
    _admin: Admin,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery) = path.into_inner();
    let id = webhook_id(&id)?;
    let delivery = delivery.trim().to_ascii_lowercase();
    let row = state
        .write(move |conn| {
            let hook = webhooks::find(conn, &id)?.ok_or_else(webhook_not_found)?;
            if !is_id(&delivery) {
                return Err(delivery_not_found());
            }
            if !hook.active {
                return Err(inactive());
            }
            match webhooks::redeliver(conn, &id, &delivery, time::now())? {
                Redelivery::NotFound => Err(delivery_not_found()),
                Redelivery::StillPending(_) => Err(Code::DeliveryPending
                    .err("this delivery is still pending; its next attempt comes on its own")),
                Redelivery::Scheduled(row) => Ok(row),
            }
        })
        .await?;
    Ok(HttpResponse::Accepted().json(delivery_view(row)))
}

/// Sends a test event (admins).
///
/// A delivery of type `ping` with `data: {webhook: {id}}`, signed like
/// any other, logged with the rest.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/ping", operation_id = "ping_webhook", tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Subscription id")),
    responses(
        (status = 202, description = "Queued; the delivery loop sends it within `TOASOAN_WEBHOOK_INTERVAL_MS`", body = DeliveryView),
        AdminOnly,
        WebhookNotFound,
        (status = 409, description = "The subscription is disabled (`webhook_inactive`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn ping_webhook(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = webhook_id(&id)?;
    let row = state
        .write(move |conn| {
            let hook = webhooks::find(conn, &id)?.ok_or_else(webhook_not_found)?;
            if !hook.active {
                return Err(inactive());
            }
            Ok(webhooks::ping(conn, &id, time::now())?)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(delivery_view(row)))
}

fn delivery_not_found() -> ApiError {
    Code::DeliveryNotFound.err("this subscription has no such delivery")
}

fn inactive() -> ApiError {
    Code::WebhookInactive
        .err("the subscription is disabled; enable it with PATCH {\"active\": true} first")
}
