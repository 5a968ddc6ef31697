//! The RFC 9457 problem document every error response carries.

use super::codes::Code;
use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use serde::Serialize;
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
    /// Stable code clients can switch on.
    pub code: Code,
    /// Invalid fields, for validation failures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// The articles that still use an image (`image_in_use`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub used_by: Vec<UsedBy>,
}

/// An article that uses the resource a request wanted to delete.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UsedBy {
    /// Article id.
    pub id: String,
    /// Article slug.
    pub slug: String,
    /// Article title.
    pub title: String,
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

/// Builds a problem+json response. `status` is the code's own, except for
/// errors of the HTTP layer that keep the status actix chose.
pub fn problem_response(
    status: StatusCode,
    code: Code,
    detail: &str,
    errors: Vec<ProblemField>,
) -> HttpResponse {
    let problem = Problem {
        kind: format!("https://toasoan.dev/problems/{}", code.as_str()),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail: detail.to_owned(),
        code,
        errors,
        used_by: Vec::new(),
    };
    problem_body(status, &problem)
}

/// A problem document as a response.
pub fn problem_body(status: StatusCode, problem: &Problem) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(serde_json::to_string(problem).unwrap_or_default())
}
