//! The audit log: every successful write through the API (POST, PUT,
//! PATCH, DELETE under `/api/`, bar token refreshes) is recorded with who
//! made it, what it asked, what it created, when and from where, before
//! the answer leaves: a write the client saw succeed is in the log. The
//! entry is its own small transaction after the write's (one more commit
//! per write); a crash between the two loses the entry, never the write.
//! Admins read the log (`GET /api/v1/audit`); nothing changes it.

use crate::auth::{client_address, user_agent};
use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use toasoan_domain::user::Role;
use toasoan_persistence::queries::audit::{self, AuditRow};
use tracing_actix_web::RequestId;

/// Who made the request: set by authentication (and by a login once it
/// knows the account), read when the write is recorded.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Account id.
    pub id: String,
    /// Its role.
    pub role: Role,
    /// The API key the request came with, if it did.
    pub api_key_id: Option<String>,
}

fn is_write(req: &ServiceRequest) -> bool {
    matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    ) && req.path().starts_with("/api/")
        // A refresh only rotates a token; logins and logouts are recorded.
        && req.path() != "/api/v1/auth/refresh"
}

/// Middleware: records each successful write before answering.
pub async fn record_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let write = is_write(&req);
    let res = next.call(req).await?;
    let status = res.status();
    if !write || !(status.is_success() || status.is_redirection()) {
        return Ok(res);
    }
    let Some(state) = res.request().app_data::<web::Data<AppState>>().cloned() else {
        return Ok(res);
    };
    let row = entry(&res, &state);
    if let Err(cause) = state
        .write_unseen(move |conn| Ok(audit::record(conn, &row)?))
        .await
    {
        // The write itself is committed: answering an error would lie.
        tracing::error!(%cause, "audit entry not recorded");
    }
    Ok(res)
}

fn entry<B>(res: &ServiceResponse<B>, state: &AppState) -> AuditRow {
    let req = res.request();
    let actor = req.extensions().get::<Actor>().cloned();
    let address = client_address(req, &state.config.proxies);
    // Staff are named with their address; a reader's is kept only hashed.
    let address = match actor {
        Some(_) => address,
        None => format!("hash:{}", state.client_key.hash(&address)),
    };
    AuditRow {
        id: uuid::Uuid::now_v7().to_string(),
        at: toasoan_persistence::time::now(),
        actor_id: actor.as_ref().map(|a| a.id.clone()),
        actor_role: actor.as_ref().map(|a| a.role.as_str().to_owned()),
        method: req.method().to_string(),
        route: req.match_pattern().unwrap_or_else(|| req.path().to_owned()),
        path: req.path().to_owned(),
        status: i32::from(res.status().as_u16()),
        // Locations are built by handlers from ids and slugs: ASCII.
        resource: res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        address,
        user_agent: user_agent(req),
        request_id: req
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default(),
        api_key_id: actor.and_then(|a| a.api_key_id),
    }
}
