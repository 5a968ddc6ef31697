//! The audit log, for admins: every successful write through the API,
//! newest first. Nothing in the API changes it.

use crate::caller::Admin;
use crate::error::{ApiError, Code};
use crate::pagination::{self, Page};
use crate::responses::*;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toasoan_persistence::queries::audit::{self, AuditRow};
use toasoan_persistence::queries::is_id;
use toasoan_persistence::time;
use utoipa::{IntoParams, ToSchema};

crate::endpoints![list_audit_entries];

/// One write: who, what, when, from where.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    /// UUIDv7, in the order entries were recorded.
    #[schema(format = Uuid, example = "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5a")]
    pub id: String,
    /// When the write was answered.
    #[schema(example = "2024-04-20T02:54:00Z")]
    pub at: DateTime<Utc>,
    /// The account that made it; null for a reader (a comment).
    #[schema(format = Uuid)]
    pub actor_id: Option<String>,
    /// That account's role at the time.
    #[schema(example = "editor")]
    pub actor_role: Option<String>,
    /// HTTP method.
    #[schema(example = "POST")]
    pub method: String,
    /// The route's pattern.
    #[schema(example = "/api/v1/articles/{id_or_slug}/publish")]
    pub route: String,
    /// The path asked for.
    #[schema(
        example = "/api/v1/articles/mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac/publish"
    )]
    pub path: String,
    /// The status answered.
    #[schema(example = 200)]
    pub status: i32,
    /// What the write created (its `Location`), if anything.
    #[schema(example = "/api/v1/articles/0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5b")]
    pub resource: Option<String>,
    /// Where from: a staff member's address (as the login throttle sees
    /// it, see `TOASOAN_TRUSTED_PROXIES`), or `hash:` and a keyed hash of a
    /// reader's.
    #[schema(example = "203.0.113.10")]
    pub address: String,
    /// The client's `User-Agent`, up to 256 characters.
    pub user_agent: Option<String>,
    /// The request id in the server's log lines.
    pub request_id: String,
    /// The API key the write was made with (its id), if it was.
    #[schema(format = Uuid)]
    pub api_key_id: Option<String>,
}

fn view(row: AuditRow) -> AuditEntryView {
    AuditEntryView {
        id: row.id,
        at: time::from_db(row.at),
        actor_id: row.actor_id,
        actor_role: row.actor_role,
        method: row.method,
        route: row.route,
        path: row.path,
        status: row.status,
        resource: row.resource,
        address: row.address,
        user_agent: row.user_agent,
        request_id: row.request_id,
        api_key_id: row.api_key_id,
    }
}

/// Filters and paging of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only the writes of this account (its id).
    #[param(example = "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5c")]
    pub actor: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<i64>,
    /// `meta.next_cursor` of the previous page; empty means the first page.
    #[serde(default, deserialize_with = "crate::pagination::blank_is_none")]
    pub cursor: Option<String>,
}

/// The audit log, newest first (admins).
///
/// Every successful write through the API (POST, PUT, PATCH, DELETE,
/// including logins and logouts, bar token refreshes) is recorded before
/// it is answered, with the account, the route, what it created, the
/// client's address and `User-Agent`. Entries are kept
/// `TOASOAN_AUDIT_RETENTION_DAYS` (365) and never changed.
#[utoipa::path(get, path = "/api/v1/audit", operation_id = "list_audit_entries", tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of entries", body = Page<AuditEntryView>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when there is a next page"))),
        (status = 400, description = "An unknown parameter or an `actor` that is not an id (`invalid_query`), `limit` out of range (`invalid_limit`), or a cursor this list did not give out (`invalid_cursor`)", body = crate::error::Problem, content_type = "application/problem+json"),
        AdminOnly,
    ))]
pub async fn list_audit_entries(
    state: web::Data<AppState>,
    req: HttpRequest,
    _admin: Admin,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let actor = match query.actor {
        Some(raw) => {
            let id = raw.trim().to_ascii_lowercase();
            if !is_id(&id) {
                return Err(Code::InvalidQuery.err("actor: give the account's id"));
            }
            Some(id)
        }
        None => None,
    };
    let before = match &query.cursor {
        Some(cursor) => Some(pagination::decode_cursor(cursor, "audit", 1)?.remove(0)),
        None => None,
    };
    let rows = state
        .db(move |conn| {
            Ok(audit::list(
                conn,
                actor.as_deref(),
                before.as_deref(),
                limit + 1,
            )?)
        })
        .await?;
    let items = rows.into_iter().map(view).collect();
    let page = Page::new(items, limit, |e| {
        pagination::encode_cursor("audit", &[&e.id])
    });
    let mut response = HttpResponse::Ok();
    response.insert_header(("Cache-Control", "private, no-store"));
    if let Some(next) = &page.meta.next_cursor {
        response.insert_header(("Link", pagination::next_link(&req, next)));
    }
    Ok(response.json(page))
}
