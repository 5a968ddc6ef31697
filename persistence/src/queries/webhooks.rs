//! Webhook subscriptions and their deliveries. A delivery is made for
//! every active subscription that takes an event, in the transaction that
//! records the event ([`fan_out`], called by `events::record`), so none is
//! lost when a process dies and none is made twice. Each instance's
//! delivery loop then [`claim`]s due deliveries (`FOR UPDATE SKIP LOCKED`
//! on PostgreSQL, inside `BEGIN IMMEDIATE` on SQLite) for a lease, sends
//! them, and records the outcome with [`finish`], which only the holder of
//! the claim can do.

use super::{categories, optional, site};
use crate::models::event::EventRow;
use crate::models::stored::Stored;
use crate::models::webhook::{DeliveryRow, WebhookChanges, WebhookRow};
use crate::schema::{webhook_deliveries, webhooks};
use crate::{DbConn, DbError, time, write_tx};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use toasoan_domain::site::Site;
use toasoan_domain::webhook::{DeliveryStatus, EventFilter, PING};

/// Stores a new subscription.
pub fn insert(conn: &mut DbConn, row: &WebhookRow) -> Result<WebhookRow, DbError> {
    Ok(diesel::insert_into(webhooks::table)
        .values(row.clone())
        .get_result(conn)?)
}

/// Every subscription, oldest first (a newsroom has a handful).
pub fn list(conn: &mut DbConn) -> Result<Vec<WebhookRow>, DbError> {
    Ok(webhooks::table
        .select(WebhookRow::as_select())
        .order(webhooks::id)
        .load(conn)?)
}

/// One subscription.
pub fn find(conn: &mut DbConn, id: &str) -> Result<Option<WebhookRow>, DbError> {
    optional(
        webhooks::table
            .find(id)
            .select(WebhookRow::as_select())
            .first(conn),
    )
}

/// Changes a subscription; `None` when there is no such one.
pub fn update(
    conn: &mut DbConn,
    id: &str,
    changes: &WebhookChanges,
) -> Result<Option<WebhookRow>, DbError> {
    optional(
        diesel::update(webhooks::table.find(id))
            .set(changes.clone())
            .get_result(conn),
    )
}

/// Deletes a subscription and its deliveries; false when there was none.
pub fn delete(conn: &mut DbConn, id: &str) -> Result<bool, DbError> {
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(id)))
        .execute(conn)?;
    Ok(diesel::delete(webhooks::table.find(id)).execute(conn)? == 1)
}

/// Makes one pending delivery of `event` for every active subscription
/// that takes its type. Call it in the event's transaction.
pub fn fan_out(conn: &mut DbConn, event: &EventRow) -> Result<usize, DbError> {
    let active: Vec<(String, String)> = webhooks::table
        .filter(webhooks::active.eq(true))
        .select((webhooks::id, webhooks::events))
        .load(conn)?;
    let targets: Vec<String> = active
        .into_iter()
        .filter(|(_, events)| {
            EventFilter::from_stored(events).is_ok_and(|f| f.matches(event.event_type))
        })
        .map(|(id, _)| id)
        .collect();
    if targets.is_empty() {
        return Ok(0);
    }
    let payload = event_payload(conn, event)?;
    for webhook_id in &targets {
        insert_delivery(
            conn,
            webhook_id,
            &event.id,
            event.event_type.as_str(),
            &payload,
        )?;
    }
    Ok(targets.len())
}

/// The body receivers get: `{id, type, occurred_at, data: {article:
/// {id, slug, title, status, published_at, unpublish_at, version, url,
/// category: {id, slug, name} | null}}}`, the article as it was then;
/// `comment.approved` adds `data.comment` (`{id, parent_id, author_name,
/// body, is_staff, created_at}`, never the e-mail address).
fn event_payload(conn: &mut DbConn, event: &EventRow) -> Result<String, DbError> {
    let mut data = match event.data.as_deref() {
        Some(raw) => serde_json::from_str::<serde_json::Value>(raw)
            .map_err(|e| DbError::Corrupt(format!("event data: {e}")))?,
        None => serde_json::Value::Null,
    };
    let comment = data.get_mut("comment").map(serde_json::Value::take);
    let mut article = match data.get_mut("article") {
        Some(article) => article.take(),
        None => serde_json::json!({"id": event.article_id, "slug": event.article_slug}),
    };
    let category_id = article
        .get("category_id")
        .and_then(|c| c.as_str())
        .map(str::to_owned);
    let category = match category_id {
        Some(id) => categories::find_many(conn, &[id])?
            .into_iter()
            .flatten()
            .next(),
        None => None,
    };
    let site = Site::try_from(site::get(conn)?)?;
    let url = site.article_url(
        category.as_ref().map(|c| c.slug.as_str()),
        &event.article_slug,
    );
    if let Some(fields) = article.as_object_mut() {
        fields.remove("category_id");
        fields.insert("url".into(), url.into());
        fields.insert(
            "category".into(),
            category.map_or(
                serde_json::Value::Null,
                |c| serde_json::json!({"id": c.id, "slug": c.slug, "name": c.name}),
            ),
        );
    }
    let mut data = serde_json::json!({"article": article});
    if let Some(comment) = comment {
        data["comment"] = comment;
    }
    Ok(serde_json::json!({
        "id": event.id,
        "type": event.event_type.as_str(),
        "occurred_at": time::from_db(event.occurred_at),
        "data": data,
    })
    .to_string())
}

fn insert_delivery(
    conn: &mut DbConn,
    webhook_id: &str,
    event_id: &str,
    event_type: &str,
    payload: &str,
) -> Result<DeliveryRow, DbError> {
    let now = time::now();
    let row = DeliveryRow {
        id: uuid::Uuid::now_v7().to_string(),
        webhook_id: webhook_id.to_owned(),
        event_id: event_id.to_owned(),
        event_type: event_type.to_owned(),
        payload: payload.to_owned(),
        status: DeliveryStatus::Pending,
        attempts: 0,
        next_attempt_at: now,
        claim_token: None,
        last_attempt_at: None,
        last_status_code: None,
        last_error: None,
        last_response_body: None,
        last_duration_ms: None,
        created_at: now,
        completed_at: None,
        redelivered_at: None,
    };
    diesel::insert_into(webhook_deliveries::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(row)
}

/// Makes a test delivery (`type: "ping"`) for a subscription.
pub fn ping(
    conn: &mut DbConn,
    webhook_id: &str,
    now: NaiveDateTime,
) -> Result<DeliveryRow, DbError> {
    let event_id = uuid::Uuid::now_v7().to_string();
    let payload = serde_json::json!({
        "id": event_id,
        "type": PING,
        "occurred_at": time::from_db(now),
        "data": {"webhook": {"id": webhook_id}},
    })
    .to_string();
    insert_delivery(conn, webhook_id, &event_id, PING, &payload)
}

/// A page request of a subscription's delivery log, newest first.
#[derive(Debug, Clone)]
pub struct DeliveryQuery {
    /// The subscription.
    pub webhook_id: String,
    /// Only deliveries in this state.
    pub status: Option<DeliveryStatus>,
    /// Continue after this delivery id.
    pub after: Option<String>,
    /// Rows to return.
    pub limit: i64,
}

/// One page of a subscription's deliveries, newest first, by id (UUIDv7)
/// on the `webhook_deliveries_log` index.
pub fn deliveries(conn: &mut DbConn, q: &DeliveryQuery) -> Result<Vec<DeliveryRow>, DbError> {
    let mut query = webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(&q.webhook_id))
        .select(DeliveryRow::as_select())
        .into_boxed();
    if let Some(status) = q.status {
        query = query.filter(webhook_deliveries::status.eq(Stored(status)));
    }
    if let Some(after) = &q.after {
        query = query.filter(webhook_deliveries::id.lt(after.clone()));
    }
    Ok(query
        .order(webhook_deliveries::id.desc())
        .limit(q.limit)
        .load(conn)?)
}

/// What a redelivery request found.
#[derive(Debug)]
pub enum Redelivery {
    /// The subscription has no such delivery.
    NotFound,
    /// It is still pending: its next attempt comes on its own.
    StillPending(DeliveryRow),
    /// A new attempt sequence starts now, under the same delivery id.
    Scheduled(DeliveryRow),
}

/// Starts a new attempt sequence of a finished delivery (same id, same
/// body, attempts counted from zero again).
pub fn redeliver(
    conn: &mut DbConn,
    webhook_id: &str,
    delivery_id: &str,
    now: NaiveDateTime,
) -> Result<Redelivery, DbError> {
    let found = optional(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(delivery_id))
            .filter(webhook_deliveries::webhook_id.eq(webhook_id))
            .select(DeliveryRow::as_select())
            .first(conn),
    )?;
    let Some(row) = found else {
        return Ok(Redelivery::NotFound);
    };
    if row.status == DeliveryStatus::Pending {
        return Ok(Redelivery::StillPending(row));
    }
    let row = diesel::update(webhook_deliveries::table.find(delivery_id))
        .set((
            webhook_deliveries::status.eq(Stored(DeliveryStatus::Pending)),
            webhook_deliveries::attempts.eq(0),
            webhook_deliveries::next_attempt_at.eq(now),
            webhook_deliveries::claim_token.eq(None::<String>),
            webhook_deliveries::completed_at.eq(None::<NaiveDateTime>),
            webhook_deliveries::redelivered_at.eq(Some(now)),
        ))
        .get_result(conn)?;
    Ok(Redelivery::Scheduled(row))
}

/// A claimed delivery with what sending it needs.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The delivery, `attempts` already counting this one.
    pub delivery: DeliveryRow,
    /// The token [`finish`] must present.
    pub claim_token: String,
    /// Where to send it.
    pub url: String,
    /// What to sign it with.
    pub secret: String,
}

#[derive(QueryableByName)]
struct DueId {
    #[diesel(sql_type = Text)]
    id: String,
}

/// Claims up to `batch` due deliveries of active subscriptions until
/// `now + lease`: no other instance takes them before the lease ends, and
/// a crashed instance's claim simply expires. A cheap read first, so an
/// idle instance takes no write lock.
pub fn claim(
    conn: &mut DbConn,
    now: NaiveDateTime,
    lease: chrono::Duration,
    batch: i64,
) -> Result<Vec<Claimed>, DbError> {
    let any: Option<String> = optional(
        webhook_deliveries::table
            .filter(webhook_deliveries::status.eq(Stored(DeliveryStatus::Pending)))
            .filter(webhook_deliveries::next_attempt_at.le(now))
            .select(webhook_deliveries::id)
            .first(conn),
    )?;
    if any.is_none() {
        return Ok(Vec::new());
    }
    write_tx(conn, |conn| {
        let sql = match conn {
            DbConn::Sqlite(_) => {
                "SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
                 WHERE d.status = ? AND d.next_attempt_at <= ? AND w.active \
                 ORDER BY d.next_attempt_at LIMIT ?"
            }
            DbConn::Pg(_) => {
                "SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
                 WHERE d.status = $1 AND d.next_attempt_at <= $2 AND w.active \
                 ORDER BY d.next_attempt_at LIMIT $3 FOR UPDATE OF d SKIP LOCKED"
            }
        };
        let due: Vec<DueId> = diesel::sql_query(sql)
            .bind::<Text, _>(DeliveryStatus::Pending.as_str())
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(batch)
            .load(conn)?;
        let until = now + lease;
        let mut claimed = Vec::with_capacity(due.len());
        for DueId { id } in due {
            let token = uuid::Uuid::now_v7().to_string();
            let delivery: DeliveryRow = diesel::update(webhook_deliveries::table.find(&id))
                .set((
                    webhook_deliveries::claim_token.eq(Some(&token)),
                    webhook_deliveries::next_attempt_at.eq(until),
                    webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
                    webhook_deliveries::last_attempt_at.eq(Some(now)),
                ))
                .get_result(conn)?;
            let (url, secret): (String, String) = webhooks::table
                .find(&delivery.webhook_id)
                .select((webhooks::url, webhooks::secret))
                .first(conn)?;
            claimed.push(Claimed {
                delivery,
                claim_token: token,
                url,
                secret,
            });
        }
        Ok(claimed)
    })
}

/// What one attempt got.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The answer's HTTP status, if there was an answer.
    pub status_code: Option<i32>,
    /// Why there was no usable answer (timeout, refused, address not allowed).
    pub error: Option<String>,
    /// The first 1 KB of the answer's body.
    pub body: Option<String>,
    /// How long it took.
    pub duration_ms: i32,
}

/// What happens after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The receiver took it.
    Succeeded,
    /// Try again at this instant.
    RetryAt(NaiveDateTime),
    /// That was the last attempt.
    Failed,
}

/// Records an attempt's outcome, if `claim_token` still holds the claim
/// (else another instance took the delivery over after the lease ran out:
/// its outcome counts, not this one). Keeps the subscription's failure
/// streak: a success ends it; a failure starts it, and disables the
/// subscription once it has lasted `disable_after`. Returns false when
/// the claim was lost.
pub fn finish(
    conn: &mut DbConn,
    claimed: &Claimed,
    attempt: &Attempt,
    next: Next,
    now: NaiveDateTime,
    disable_after: chrono::Duration,
) -> Result<bool, DbError> {
    let delivery = &claimed.delivery;
    write_tx(conn, |conn| {
        let (status, next_at, completed) = match next {
            Next::Succeeded => (DeliveryStatus::Succeeded, now, Some(now)),
            Next::RetryAt(at) => (DeliveryStatus::Pending, at, None),
            Next::Failed => (DeliveryStatus::Failed, now, Some(now)),
        };
        let updated = diesel::update(
            webhook_deliveries::table
                .filter(webhook_deliveries::id.eq(&delivery.id))
                .filter(webhook_deliveries::claim_token.eq(&claimed.claim_token)),
        )
        .set((
            webhook_deliveries::status.eq(Stored(status)),
            webhook_deliveries::next_attempt_at.eq(next_at),
            webhook_deliveries::claim_token.eq(None::<String>),
            webhook_deliveries::last_status_code.eq(attempt.status_code),
            webhook_deliveries::last_error.eq(&attempt.error),
            webhook_deliveries::last_response_body.eq(&attempt.body),
            webhook_deliveries::last_duration_ms.eq(Some(attempt.duration_ms)),
            webhook_deliveries::completed_at.eq(completed),
        ))
        .execute(conn)?;
        if updated != 1 {
            return Ok(false);
        }
        let Some(hook) = find(conn, &delivery.webhook_id)? else {
            return Ok(true);
        };
        let mut changes = WebhookChanges::default();
        if next == Next::Succeeded {
            if hook.failing_since.is_some() {
                changes.failing_since = Some(None);
            }
        } else {
            let attempted_at = delivery.last_attempt_at.unwrap_or(now);
            let since = hook.failing_since.unwrap_or(attempted_at);
            if hook.failing_since.is_none() {
                changes.failing_since = Some(Some(since));
            }
            if hook.active && now - since >= disable_after {
                changes.active = Some(false);
                changes.disabled_at = Some(Some(now));
                changes.disabled_reason = Some(Some(format!(
                    "every delivery attempt failed since {}; last: {}",
                    time::from_db(since).to_rfc3339(),
                    describe(attempt)
                )));
                changes.updated_at = Some(now);
            }
        }
        if changes.failing_since.is_some() || changes.active.is_some() {
            update(conn, &hook.id, &changes)?;
        }
        Ok(true)
    })
}

fn describe(attempt: &Attempt) -> String {
    match (attempt.status_code, &attempt.error) {
        (_, Some(error)) => error.clone(),
        (Some(code), None) => format!("HTTP {code}"),
        (None, None) => "no answer".to_owned(),
    }
}
