//! One error type for every handler, rendered as RFC 9457
//! `application/problem+json` with a stable code from the registry.

mod codes;
mod problem;

pub use codes::Code;
pub use problem::{PROBLEM_JSON, Problem, ProblemField, UsedBy, problem_body, problem_response};

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use toasoan_domain::{FieldError, ValidationErrors};
use toasoan_persistence::{DbError, Unique};

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A refusal named by a registered code, which decides the status.
    #[error("{1}")]
    Refused(Code, String),
    /// 412: `If-Match` or `version` names a version that is no longer current.
    #[error("the resource changed since version {0}; reload it and reapply your change")]
    StaleVersion(i32),
    /// 422: the body is JSON but breaks field rules.
    #[error("the request has invalid fields")]
    Validation(ValidationErrors),
    /// 429: too many attempts; retry after this many seconds; the limit
    /// per window, when there is one to name.
    #[error("{2}")]
    TooManyRequests(u64, Option<u64>, String),
    /// 405: the path exists, the method does not; the methods it has.
    #[error("this path answers {0} only")]
    MethodNotAllowed(String),
    /// 409: articles use the image; they are listed in `used_by`.
    #[error("articles use this image; remove it from them first")]
    ImageInUse(Vec<UsedBy>),
    /// 416: the range is outside the file of this size.
    #[error("the range is outside the file")]
    RangeNotSatisfiable(u64),
    /// 503: the database is unreachable.
    #[error("the service is temporarily unavailable")]
    Unavailable,
    /// 503: too much work is queued already; retry in a second.
    #[error("{0}")]
    Overloaded(String),
    /// 500: a bug or an unexpected failure; the cause goes to the log only.
    #[error("internal error")]
    Internal(String),
}

impl Code {
    /// An error with this code and a sentence saying what went wrong.
    pub fn err(self, detail: impl Into<String>) -> ApiError {
        ApiError::Refused(self, detail.into())
    }
}

impl ApiError {
    /// A 422 for one field.
    pub fn field(error: FieldError) -> Self {
        ApiError::Validation(error.into())
    }

    /// An unexpected failure; its cause is kept for the log, never sent.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError::Internal(cause.to_string())
    }

    /// An unexpected failure with a chain of causes, all kept for the log.
    pub fn chain(cause: &(dyn std::error::Error + 'static)) -> Self {
        let mut chain = cause.to_string();
        let mut source = cause.source();
        while let Some(inner) = source {
            chain.push_str(": ");
            chain.push_str(&inner.to_string());
            source = inner.source();
        }
        ApiError::Internal(chain)
    }

    /// A broken invariant, described in words.
    pub fn bug(what: &str) -> Self {
        ApiError::Internal(what.to_owned())
    }

    /// The stable code of this error.
    pub fn code(&self) -> Code {
        match self {
            ApiError::Refused(code, _) => *code,
            ApiError::StaleVersion(_) => Code::StaleVersion,
            ApiError::Validation(_) => Code::ValidationFailed,
            ApiError::TooManyRequests(..) => Code::TooManyRequests,
            ApiError::MethodNotAllowed(_) => Code::MethodNotAllowed,
            ApiError::ImageInUse(_) => Code::ImageInUse,
            ApiError::RangeNotSatisfiable(_) => Code::RangeNotSatisfiable,
            ApiError::Unavailable | ApiError::Overloaded(_) => Code::ServiceUnavailable,
            ApiError::Internal(_) => Code::InternalError,
        }
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound => Code::NotFound.err("no such resource"),
            DbError::Conflict(unique) => match unique {
                Unique::Slug => Code::SlugTaken.err("the slug is already in use"),
                Unique::Email => Code::EmailTaken.err("an account has this e-mail"),
                Unique::AuthorAccount => {
                    Code::AccountLinked.err("that account is linked to another author")
                }
                Unique::Other(_) => Code::Conflict.err("the write clashes with existing data"),
            },
            DbError::Reference(_) => Code::ReferenceViolated
                .err("a referenced item does not exist, or the item is still referenced"),
            DbError::InvalidInput(_) => {
                Code::InvalidInput.err("the request contains characters that cannot be stored")
            }
            DbError::Unavailable(cause) => {
                tracing::error!(%cause, "database unavailable");
                ApiError::Unavailable
            }
            other => ApiError::chain(&other),
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
        self.code().status()
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
        let code = self.code();
        let mut response = match self {
            ApiError::ImageInUse(used_by) => problem_body(
                code.status(),
                &Problem {
                    kind: format!("https://toasoan.dev/problems/{}", code.as_str()),
                    title: "Conflict".to_owned(),
                    status: code.status().as_u16(),
                    detail: self.to_string(),
                    code,
                    errors,
                    used_by: used_by.clone(),
                },
            ),
            _ => problem_response(code.status(), code, &self.to_string(), errors),
        };
        let headers = response.headers_mut();
        match self {
            ApiError::TooManyRequests(retry_after, limit, _) => {
                headers.insert(header::RETRY_AFTER, header::HeaderValue::from(*retry_after));
                match limit {
                    Some(limit) => rate_limit_headers(headers, *limit, 0, *retry_after),
                    None => {
                        headers.insert(
                            header::HeaderName::from_static("ratelimit-remaining"),
                            header::HeaderValue::from(0u32),
                        );
                        headers.insert(
                            header::HeaderName::from_static("ratelimit-reset"),
                            header::HeaderValue::from(*retry_after),
                        );
                    }
                }
            }
            ApiError::MethodNotAllowed(allow) => {
                if let Ok(value) = header::HeaderValue::from_str(allow) {
                    headers.insert(header::ALLOW, value);
                }
            }
            ApiError::Unavailable => {
                headers.insert(header::RETRY_AFTER, header::HeaderValue::from(5u32));
            }
            ApiError::Overloaded(_) => {
                headers.insert(header::RETRY_AFTER, header::HeaderValue::from(1u32));
            }
            ApiError::RangeNotSatisfiable(size) => {
                if let Ok(value) = header::HeaderValue::from_str(&format!("bytes */{size}")) {
                    headers.insert(header::CONTENT_RANGE, value);
                }
            }
            _ if code.status() == StatusCode::UNAUTHORIZED => {
                let value = format!(
                    r#"Bearer realm="toasoan", error="invalid_token", error_description="{}""#,
                    code.as_str()
                );
                if let Ok(value) = header::HeaderValue::from_str(&value) {
                    headers.insert(header::WWW_AUTHENTICATE, value);
                }
            }
            _ => {}
        }
        response
    }
}

/// `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds
/// until the budget refills; draft-ietf-httpapi-ratelimit-headers) on an
/// answer.
pub fn rate_limit_headers(
    headers: &mut actix_web::http::header::HeaderMap,
    limit: u64,
    remaining: u64,
    reset: u64,
) {
    for (name, value) in [
        ("ratelimit-limit", limit),
        ("ratelimit-remaining", remaining),
        ("ratelimit-reset", reset),
    ] {
        headers.insert(
            header::HeaderName::from_static(name),
            header::HeaderValue::from(value),
        );
    }
}
