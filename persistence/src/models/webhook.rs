//! `webhooks` rows (admins' subscriptions, with the signing secret) and
//! `webhook_deliveries` rows (one event for one subscription, with the
//! outcome of its last attempt).

use super::stored::Stored;
use crate::schema::{webhook_deliveries, webhooks};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use toasoan_domain::webhook::DeliveryStatus;

/// A subscription.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhooks)]
pub struct WebhookRow {
    /// UUIDv7.
    pub id: String,
    /// Where deliveries are posted.
    pub url: String,
    /// A note for admins.
    pub description: Option<String>,
    /// `*` or comma-separated event types (see `EventFilter`).
    pub events: String,
    /// The HMAC key deliveries are signed with (`whsec_...`).
    pub secret: String,
    /// False once disabled by an admin or by failing deliveries.
    pub active: bool,
    /// First failed attempt since the last success.
    pub failing_since: Option<NaiveDateTime>,
    /// Why the server disabled it.
    pub disabled_reason: Option<String>,
    /// When the server disabled it.
    pub disabled_at: Option<NaiveDateTime>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
}

/// Changes to a subscription; `None` leaves a field alone.
#[derive(Debug, Default, Clone, AsChangeset)]
#[diesel(table_name = webhooks)]
pub struct WebhookChanges {
    /// New URL.
    pub url: Option<String>,
    /// New note (`Some(None)` clears it).
    pub description: Option<Option<String>>,
    /// New event list, stored form.
    pub events: Option<String>,
    /// New secret.
    pub secret: Option<String>,
    /// Enabled or disabled.
    pub active: Option<bool>,
    /// Failure streak start (`Some(None)` clears it).
    pub failing_since: Option<Option<NaiveDateTime>>,
    /// Why it was disabled (`Some(None)` clears it).
    pub disabled_reason: Option<Option<String>>,
    /// When it was disabled (`Some(None)` clears it).
    pub disabled_at: Option<Option<NaiveDateTime>>,
    /// When.
    pub updated_at: Option<NaiveDateTime>,
}

/// One event (or ping) for one subscription.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, QueryableByName)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    /// UUIDv7: the `Toasoan-Delivery` header, the same on every attempt.
    pub id: String,
    /// The subscription.
    pub webhook_id: String,
    /// The event delivered (a fresh id for a ping).
    pub event_id: String,
    /// `article.published`, ... or `ping`.
    pub event_type: String,
    /// The JSON body, fixed when the delivery is made.
    pub payload: String,
    /// Pending, succeeded or failed.
    #[diesel(deserialize_as = Stored<DeliveryStatus>, serialize_as = Stored<DeliveryStatus>)]
    pub status: DeliveryStatus,
    /// Attempts made (of this attempt sequence, see redelivery).
    pub attempts: i32,
    /// When the next attempt is due, or an in-flight claim expires.
    pub next_attempt_at: NaiveDateTime,
    /// The claim of the attempt in flight, if any.
    pub claim_token: Option<String>,
    /// When the last attempt started.
    pub last_attempt_at: Option<NaiveDateTime>,
    /// HTTP status of the last answer.
    pub last_status_code: Option<i32>,
    /// Why the last attempt failed without an answer (timeout, refused).
    pub last_error: Option<String>,
    /// The first 1 KB of the last answer's body.
    pub last_response_body: Option<String>,
    /// How long the last attempt took, milliseconds.
    pub last_duration_ms: Option<i32>,
    /// Made (in the event's transaction).
    pub created_at: NaiveDateTime,
    /// Succeeded or failed for good.
    pub completed_at: Option<NaiveDateTime>,
    /// Last time an admin asked for it again.
    pub redelivered_at: Option<NaiveDateTime>,
}
