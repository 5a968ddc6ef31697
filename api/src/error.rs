//! One error type for every handler, rendered as RFC 9457
//! `application/problem+json` with a stable machine-readable `code`.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use toasoan_domain::{FieldError, ValidationErrors};
use toasoan_persistence::DbError;
use utoipa::ToSchema;

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://toasoan.dev/problems/validation_failed",
    "title": "Unprocessable Entity",
    "status": 422,
    "detail": "the request has invalid fields",
    "code": "validation_failed",
    "errors": [{"field": "title", "code": "required", "message": "must not be empty"}]
}))]
pub struct Problem {
    /// URI naming the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the status.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// What went wrong in this request.
    pub detail: String,
    /// Stable code clients can switch on, e.g. `article_not_found`, `stale_version`, `token_expired`.
    pub code: String,
    /// Invalid fields, for validation failures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

/// One invalid field of a request.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// JSON path of the field.
    #[schema(example = "body[2].text")]
    pub field: String,
    /// Stable code of the rule broken.
    #[schema(example = "too_long")]
    pub code: String,
    /// Human readable explanation.
    pub message: String,
}

/// Failures any endpoint that reads a JSON body can answer, besides 422.
#[derive(utoipa::IntoResponses)]
pub enum JsonBodyErrors {
    /// The body is not valid JSON (`malformed_json`).
    #[response(status = 400, content_type = "application/problem+json")]
    Malformed(Problem),
    /// The body is over 1 MiB (`payload_too_large`).
    #[response(status = 413, content_type = "application/problem+json")]
    TooLarge(Problem),
    /// The body is not `application/json` (`unsupported_media_type`).
    #[response(status = 415, content_type = "application/problem+json")]
    NotJson(Problem),
}

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request cannot be read (malformed JSON, bad query string, bad cursor).
    #[error("{1}")]
    BadRequest(&'static str, String),
    /// 401: no usable credentials.
    #[error("{1}")]
    Unauthorized(&'static str, String),
    /// 403: authenticated, but not allowed.
    #[error("{1}")]
    Forbidden(&'static str, String),
    /// 404: no such resource (or not visible to the caller).
    #[error("{1}")]
    NotFound(&'static str, String),
    /// 405: the path exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 409: the write clashes with existing data.
    #[error("{1}")]
    Conflict(&'static str, String),
    /// 412: `If-Match` or `version` names a version that is no longer current.
    #[error("the resource changed since version {0}; reload it and reapply your change")]
    StaleVersion(i32),
    /// 413: the body is larger than allowed.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: the body is not JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: the body is JSON but breaks field rules.
    #[error("the request has invalid fields")]
    Validation(ValidationErrors),
    /// 428: a write that needs `If-Match` or `version` came without either.
    #[error(
        "send If-Match with the article's ETag, or the `version` field, so concurrent edits are not lost"
    )]
    PreconditionRequired,
    /// 429: too many attempts.
    #[error("{1}")]
    TooManyRequests(u64, String),
    /// 503: the database is unreachable.
    #[error("the service is temporarily unavailable")]
    Unavailable,
    /// 500: a bug or an unexpected failure; details go to the log only.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// A 422 for one field.
    pub fn field(error: FieldError) -> Self {
        ApiError::Validation(error.into())
    }

    /// An unexpected failure, logged once here with its cause.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError::Internal(cause.to_string())
    }

    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(code, _)
            | ApiError::Unauthorized(code, _)
            | ApiError::Forbidden(code, _)
            | ApiError::NotFound(code, _)
            | ApiError::Conflict(code, _) => code,
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::StaleVersion(_) => "stale_version",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::Validation(_) => "validation_failed",
            ApiError::PreconditionRequired => "precondition_required",
            ApiError::TooManyRequests(..) => "too_many_requests",
            ApiError::Unavailable => "service_unavailable",
            ApiError::Internal(_) => "internal_error",
        }
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound => ApiError::NotFound("not_found", "no such resource".into()),
            // Constraint names are internal: clients get a stable code only.
            DbError::Conflict { constraint } => {
                let (code, detail) = if constraint.contains("slug") {
                    ("slug_taken", "the slug is already in use")
                } else if constraint.contains("email") {
                    ("email_taken", "an account has this e-mail")
                } else if constraint.contains("user_id") {
                    ("account_linked", "that account is linked to another author")
                } else {
                    ("conflict", "the write clashes with existing data")
                };
                ApiError::Conflict(code, detail.into())
            }
            DbError::Reference(_) => ApiError::Conflict(
                "reference_violated",
                "a referenced item does not exist, or the item is still referenced".into(),
            ),
            DbError::InvalidInput(_) => ApiError::BadRequest(
                "invalid_input",
                "the request contains characters that cannot be stored".into(),
            ),
            DbError::Unavailable(cause) => {
                tracing::error!(%cause, "database unavailable");
                ApiError::Unavailable
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        ApiError::Validation(errors)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(..) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(..) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(..) => StatusCode::FORBIDDEN,
            ApiError::NotFound(..) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(..) => StatusCode::CONFLICT,
            ApiError::StaleVersion(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::TooManyRequests(..) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            tracing::error!(%cause, "request failed");
        }
        let errors = match self {
            ApiError::Validation(errors) => errors
                .0
                .iter()
                .map(|e| ProblemField {
                    field: e.field.clone(),
                    code: e.code.to_owned(),
                    message: e.message.clone(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut response =
            problem_response(self.status_code(), self.code(), &self.to_string(), errors);
        let headers = response.headers_mut();
        match self {
            ApiError::Unauthorized(code, _) => {
                let value = format!(
                    r#"Bearer realm="toasoan", error="invalid_token", error_description="{code}""#
                );
                if let Ok(value) = header::HeaderValue::from_str(&value) {
                    headers.insert(header::WWW_AUTHENTICATE, value);
                }
            }
            ApiError::TooManyRequests(retry_after, _) => {
                headers.insert(header::RETRY_AFTER, header::HeaderValue::from(*retry_after));
            }
            _ => {}
        }
        response
    }
}

/// Builds a problem+json response.
pub fn problem_response(
    status: StatusCode,
    code: &str,
    detail: &str,
    errors: Vec<ProblemField>,
) -> HttpResponse {
    let problem = Problem {
        kind: format!("https://toasoan.dev/problems/{code}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail: detail.to_owned(),
        code: code.to_owned(),
        errors,
    };
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(serde_json::to_string(&problem).unwrap_or_default())
}
