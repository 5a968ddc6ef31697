//! Webhook subscriptions for admins (`mod.rs`: create, list, change,
//! delete, rotate the secret) and their delivery log, redelivery and test
//! pings (`deliveries`). Deliveries themselves are sent in the background
//! by `crate::webhooks`, never while a request waits.

pub mod deliveries;

// Globs, so the endpoint table sees the handlers' OpenAPI descriptions too.
use deliveries::*;

use crate::caller::Admin;
use crate::error::{ApiError, Code};
use crate::pagination::Page;
use crate::responses::*;
use crate::state::AppState;
use crate::webhooks::{guard, sign};
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toasoan_domain::webhook::{EventFilter, WebhookUrl};
use toasoan_domain::{FieldError, ValidationErrors};
use toasoan_persistence::models::webhook::{WebhookChanges, WebhookRow};
use toasoan_persistence::queries::{is_id, webhooks};
use toasoan_persistence::time;
use utoipa::ToSchema;

crate::endpoints![
    list_webhooks,
    create_webhook,
    get_webhook,
    update_webhook,
    delete_webhook,
    rotate_webhook_secret,
    ping_webhook,
    list_webhook_deliveries,
    redeliver_webhook_delivery,
];

/// Longest description, in characters.
const MAX_DESCRIPTION: usize = 500;

/// A subscription, as admins see it (never with its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    /// UUIDv7.
    #[schema(format = Uuid, example = "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b60")]
    pub id: String,
    /// Where deliveries are posted.
    #[schema(example = "https://hooks.baoquangnam.vn/toasoan")]
    pub url: String,
    /// A note for admins.
    #[schema(example = "Rebuild the static site")]
    pub description: Option<String>,
    /// Event types delivered, or `["*"]` for all.
    #[schema(example = json!(["article.published", "article.updated"]))]
    pub events: Vec<String>,
    /// False when disabled, by an admin or because every delivery failed
    /// for `TOASOAN_WEBHOOK_DISABLE_AFTER_SECS`.
    #[schema(example = true)]
    pub active: bool,
    /// Why it was disabled; null while active.
    #[schema(example = json!(null))]
    pub disabled_reason: Option<String>,
    /// When it was disabled; null while active.
    #[schema(example = json!(null))]
    pub disabled_at: Option<DateTime<Utc>>,
    /// First failed attempt since the last success; null when not failing.
    #[schema(example = json!(null))]
    pub failing_since: Option<DateTime<Utc>>,
    /// Created.
    #[schema(example = "2024-04-20T02:54:00Z")]
    pub created_at: DateTime<Utc>,
    /// Last changed.
    #[schema(example = "2024-04-20T02:54:00Z")]
    pub updated_at: DateTime<Utc>,
}

/// A subscription with its signing secret: only in the answers that
/// create the secret (creation and rotation).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    /// The subscription.
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// The key of every delivery's `Toasoan-Signature`; shown only now.
    #[schema(example = "whsec_q3Xv0y7c1Jm9nS2eL5tR8uW4zB6dF0gH3kP7aQ1sV9x")]
    pub secret: String,
}

/// A new subscription.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// An absolute `https` URL (`http` only when the server allows it)
    /// whose host does not resolve to an internal address.
    #[schema(example = "https://hooks.baoquangnam.vn/toasoan", max_length = 2000)]
    pub url: String,
    /// Event types to deliver (`article.published`, `article.updated`,
    /// `article.unpublished`, `article.expired`, `article.archived`,
    /// `article.deleted`, `comment.approved`), or `"*"` for all.
    #[schema(example = json!(["article.published", "article.updated"]), min_items = 1)]
    pub events: Vec<String>,
    /// A note for admins, up to 500 characters.
    #[schema(example = "Rebuild the static site", max_length = 500)]
    pub description: Option<String>,
}

/// Changes to a subscription; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhook {
    /// New URL, checked as on creation.
    #[schema(example = "https://hooks.baoquangnam.vn/v2", max_length = 2000)]
    pub url: Option<String>,
    /// New event types, or `"*"`.
    #[schema(example = json!(["*"]), min_items = 1)]
    pub events: Option<Vec<String>>,
    /// New note; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "CDN purge", max_length = 500)]
    pub description: Option<Option<String>>,
    /// `false` stops deliveries; `true` resumes them (pending deliveries
    /// go out again) and clears `disabled_reason`.
    #[schema(example = true)]
    pub active: Option<bool>,
}

/// A field that is present: `null` becomes `Some(None)`.
fn present<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

pub(crate) fn view(row: WebhookRow) -> Result<WebhookView, ApiError> {
    let events = EventFilter::from_stored(&row.events)
        .map_err(|e| ApiError::internal(format!("stored webhook events: {e}")))?;
    Ok(WebhookView {
        id: row.id,
        url: row.url,
        description: row.description,
        events: events.names(),
        active: row.active,
        disabled_reason: row.disabled_reason,
        disabled_at: row.disabled_at.map(time::from_db),
        failing_since: row.failing_since.map(time::from_db),
        created_at: time::from_db(row.created_at),
        updated_at: time::from_db(row.updated_at),
    })
}

pub(crate) fn webhook_not_found() -> ApiError {
    Code::WebhookNotFound.err("no such webhook subscription")
}

/// The subscription id of a path, or 404 when it cannot be one.
pub(crate) fn webhook_id(raw: &str) -> Result<String, ApiError> {
    let id = raw.trim().to_ascii_lowercase();
    if is_id(&id) {
        Ok(id)
    } else {
        Err(webhook_not_found())
    }
}

/// A URL as the server's rules allow it, resolved and checked.
async fn checked_url(state: &AppState, raw: &str) -> Result<WebhookUrl, FieldError> {
    let rules = &state.config.webhooks;
    let url = WebhookUrl::parse(raw, rules.allow_http)?;
    guard::check(&url, rules.allow_private).await?;
    Ok(url)
}

fn description(raw: Option<String>) -> Result<Option<String>, FieldError> {
    let Some(text) = raw.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_DESCRIPTION || text.chars().any(char::is_control) {
        return Err(FieldError::new(
            "description",
            "invalid_description",
            format!("up to {MAX_DESCRIPTION} characters, no control characters"),
        ));
    }
    Ok(Some(text))
}

fn no_store(mut response: actix_web::HttpResponseBuilder) -> actix_web::HttpResponseBuilder {
    response.insert_header((header::CACHE_CONTROL, "private, no-store"));
    response
}

/// Every webhook subscription, oldest first (admins).
#[utoipa::path(get, path = "/api/v1/webhooks", operation_id = "list_webhooks", tag = "webhooks",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "All subscriptions", body = Page<WebhookView>),
        AdminOnly,
    ))]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    _admin: Admin,
) -> Result<HttpResponse, ApiError> {
    let rows = state.db(|conn| Ok(webhooks::list(conn)?)).await?;
    let items = rows.into_iter().map(view).collect::<Result<Vec<_>, _>>()?;
    Ok(no_store(HttpResponse::Ok()).json(Page::all(items)))
}

/// Subscribes a URL to events (admins).
///
/// Each event of a listed type is then `POST`ed to the URL as JSON
/// `{id, type, occurred_at, data: {article: {id, slug, title, status,
/// published_at, unpublish_at, version, url, category}}}` with the headers
/// `Toasoan-Event` (the type), `Toasoan-Delivery` (a stable id, the same
/// on every retry) and `Toasoan-Signature: t=<unix seconds>,v1=<hex
/// HMAC-SHA256 of "<t>.<raw body>" keyed with the secret>`. A non-2xx
/// answer, a timeout or a refused connection is retried with exponential
/// backoff. The answer carries the signing `secret`, shown only here and
/// on rotation. URLs must be `https` (unless the server allows `http`)
/// and must not resolve to loopback, private, link-local or metadata
/// addresses (checked again on every delivery).
#[utoipa::path(post, path = "/api/v1/webhooks", operation_id = "create_webhook", tag = "webhooks",
    security(("bearer" = [])), request_body = CreateWebhook,
    responses(
        (status = 201, description = "Subscribed; the secret is shown only now", body = WebhookWithSecret, headers(
            ("Location" = String, description = "The subscription's URL, `/api/v1/webhooks/{id}`"))),
        AdminOnly,
        JsonBody,
    ))]
pub async fn create_webhook(
    state: web::Data<AppState>,
    _admin: Admin,
    body: crate::extractors::Json<CreateWebhook>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = ValidationErrors::default();
    let url = errors.check(checked_url(&state, &body.url).await);
    let events = errors.check(EventFilter::parse(&body.events));
    let description = errors.check(description(body.description));
    let (Some(url), Some(events), Some(description)) = (url, events, description) else {
        return Err(errors.into());
    };
    let secret = sign::new_secret();
    let now = time::now();
    let new = WebhookRow {
        id: uuid::Uuid::now_v7().to_string(),
        url: url.as_str().to_owned(),
        description,
        events: events.to_stored(),
        secret: secret.clone(),
        active: true,
        failing_since: None,
        disabled_reason: None,
        disabled_at: None,
        created_at: now,
        updated_at: now,
    };
    let row = state
        .write(move |conn| Ok(webhooks::insert(conn, &new)?))
        .await?;
    let webhook = view(row)?;
    Ok(no_store(HttpResponse::Created())
        .insert_header((header::LOCATION, format!("/api/v1/webhooks/{}", webhook.id)))
        .json(WebhookWithSecret { webhook, secret }))
}

/// One subscription (admins); never its secret.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}", operation_id = "get_webhook", tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Subscription id")),
    responses(
        (status = 200, description = "The subscription", body = WebhookView),
        AdminOnly,
        WebhookNotFound,
    ))]
pub async fn get_webhook(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = webhook_id(&id)?;
    let row = state
        .db(move |conn| Ok(webhooks::find(conn, &id)?))
        .await?
        .ok_or_else(webhook_not_found)?;
    Ok(no_store(HttpResponse::Ok()).json(view(row)?))
}

/// Changes a subscription's URL, events or description, or turns it on or off (admins).
///
/// Enabling a subscription the server disabled clears its
/// `disabled_reason`; its pending deliveries go out again.
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", operation_id = "update_webhook", tag = "webhooks",
    security(("bearer" = [])), request_body = UpdateWebhook,
    params(("id" = String, Path, format = Uuid, description = "Subscription id")),
    responses(
        (status = 200, description = "Changed", body = WebhookView),
        AdminOnly,
        WebhookNotFound,
        JsonBody,
    ))]
pub async fn update_webhook(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<String>,
    body: crate::extractors::Json<UpdateWebhook>,
) -> Result<HttpResponse, ApiError> {
    let id = webhook_id(&id)?;
    let body = body.into_inner();
    let mut errors = ValidationErrors::default();
    let url = match &body.url {
        Some(raw) => errors.check(checked_url(&state, raw).await).map(Some),
        None => Some(None),
    };
    let events = match &body.events {
        Some(names) => errors.check(EventFilter::parse(names)).map(Some),
        None => Some(None),
    };
    let description = match body.description {
        Some(raw) => errors.check(description(raw)).map(Some),
        None => Some(None),
    };
    let (Some(url), Some(events), Some(description)) = (url, events, description) else {
        return Err(errors.into());
    };
    let now = time::now();
    let mut changes = WebhookChanges {
        url: url.map(|u| u.as_str().to_owned()),
        description,
        events: events.map(|e| e.to_stored()),
        updated_at: Some(now),
        ..WebhookChanges::default()
    };
    match body.active {
        Some(true) => {
            changes.active = Some(true);
            changes.failing_since = Some(None);
            changes.disabled_reason = Some(None);
            changes.disabled_at = Some(None);
        }
        Some(false) => {
            changes.active = Some(false);
            changes.disabled_reason = Some(Some("disabled by an admin".to_owned()));
            changes.disabled_at = Some(Some(now));
        }
        None => {}
    }
    let row = state
        .write(move |conn| {
            let current = webhooks::find(conn, &id)?.ok_or_else(webhook_not_found)?;
            if body.active == Some(false) && !current.active {
                // Already off: keep the reason it was turned off for.
                changes.disabled_reason = None;
                changes.disabled_at = None;
            }
            webhooks::update(conn, &id, &changes)?.ok_or_else(webhook_not_found)
        })
        .await?;
    Ok(no_store(HttpResponse::Ok()).json(view(row)?))
}

/// Deletes a subscription and its delivery log (admins).
///
/// A delivery already in flight may still arrive once.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", operation_id = "delete_webhook", tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Subscription id")),
    responses(
        (status = 204, description = "Deleted"),
        AdminOnly,
        WebhookNotFound,
    ))]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = webhook_id(&id)?;
    let deleted = state
        .write(move |conn| Ok(webhooks::delete(conn, &id)?))
        .await?;
    if !deleted {
        return Err(webhook_not_found());
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Replaces a subscription's signing secret (admins).
///
/// Every delivery sent from now on, retries included, is signed with the
/// new secret, shown only in this answer. The old one stops working at once.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/rotate-secret", operation_id = "rotate_webhook_secret", tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Subscription id")),
    responses(
        (status = 200, description = "The subscription with its new secret, shown only now", body = WebhookWithSecret),
        AdminOnly,
        WebhookNotFound,
    ))]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = webhook_id(&id)?;
    let secret = sign::new_secret();
    let changes = WebhookChanges {
        secret: Some(secret.clone()),
        updated_at: Some(time::now()),
        ..WebhookChanges::default()
    };
    let row = state
        .write(move |conn| Ok(webhooks::update(conn, &id, &changes)?))
        .await?
        .ok_or_else(webhook_not_found)?;
    Ok(no_store(HttpResponse::Ok()).json(WebhookWithSecret {
        webhook: view(row)?,
        secret,
    }))
}
