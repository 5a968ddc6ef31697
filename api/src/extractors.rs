//! How actix's own extractors fail: every JSON, query-string and path error
//! becomes a problem+json with a specific code instead of a plain-text 400.

use crate::error::{ApiError, Code};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::web;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Body size limit for JSON requests.
pub const JSON_LIMIT: usize = 1024 * 1024;

/// JSON bodies: size limit, content type, syntax and shape errors.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT)
        .error_handler(|error, _req| json_error(error).into())
}

/// Query strings: wrong types and unknown values.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _req| {
        let QueryPayloadError::Deserialize(cause) = error else {
            return Code::InvalidQuery
                .err("the query string cannot be read")
                .into();
        };
        Code::InvalidQuery
            .err(format!("invalid query string: {cause}"))
            .into()
    })
}

/// Path segments.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|error, _req| {
        let PathError::Deserialize(cause) = error else {
            return Code::InvalidPath.err("the path cannot be read").into();
        };
        Code::InvalidPath
            .err(format!("invalid path: {cause}"))
            .into()
    })
}

fn json_error(error: JsonPayloadError) -> ApiError {
    match error {
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => {
            Code::PayloadTooLarge.err(format!("the body is larger than {limit} bytes"))
        }
        JsonPayloadError::ContentType => Code::UnsupportedMediaType
            .err("send the body as JSON with `Content-Type: application/json`"),
        JsonPayloadError::Deserialize(cause) => serde_error(&cause),
        other => Code::MalformedJson.err(format!("the body cannot be read: {other}")),
    }
}

/// Classifies a serde_json failure: broken JSON is a 400, JSON of the wrong
/// shape (missing field, wrong type, unknown field) is a 422.
pub fn serde_error(cause: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    match cause.classify() {
        Category::Data => ApiError::Validation(
            toasoan_domain::FieldError::new(
                "body",
                "invalid_body",
                format!("the body does not fit the schema: {cause}"),
            )
            .into(),
        ),
        Category::Syntax | Category::Eof | Category::Io => {
            Code::MalformedJson.err(format!("the body is not valid JSON: {cause}"))
        }
    }
}

/// A JSON request body, which must be an object. serde reads a struct from
/// an array of its fields' values too (`[null, null]` for a patch of two
/// optional fields), a shape no request body in the document allows, so
/// anything but an object is refused like any other body of the wrong
/// shape (422 `invalid_body`). Size, content type and syntax errors are
/// those of `web::Json` (`json_config`).
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> actix_web::FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(
        req: &actix_web::HttpRequest,
        payload: &mut actix_web::dev::Payload,
    ) -> Self::Future {
        let value =
            <web::Json<serde_json::Value> as actix_web::FromRequest>::from_request(req, payload);
        Box::pin(async move {
            let web::Json(value) = value.await?;
            Ok(Json(object_body(value)?))
        })
    }
}

/// Reads a JSON object into `T`, refusing any other JSON value.
fn object_body<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    if !value.is_object() {
        return Err(ApiError::Validation(
            toasoan_domain::FieldError::new(
                "body",
                "invalid_body",
                "the body does not fit the schema: a JSON object is expected",
            )
            .into(),
        ));
    }
    serde_json::from_value(value).map_err(|e| serde_error(&e))
}

/// Reads an optional JSON body: empty or `null` means the type's default.
pub fn optional_json<T: DeserializeOwned + Default>(
    req: &actix_web::HttpRequest,
    body: &[u8],
) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let is_json = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"));
    if !is_json {
        return Err(Code::UnsupportedMediaType
            .err("send the body as JSON with `Content-Type: application/json`"));
    }
    match serde_json::from_slice::<serde_json::Value>(body).map_err(|e| serde_error(&e))? {
        serde_json::Value::Null => Ok(T::default()),
        value => object_body(value),
    }
}

/// Applies `resolve` to the value of a patch field, keeping "absent"
/// (`None`) and "clear it" (`Some(None)`) as they are.
pub fn resolve_patch<T, U, E>(
    field: &Option<Option<T>>,
    resolve: impl FnOnce(&T) -> Result<U, E>,
) -> Result<Option<Option<U>>, E> {
    field
        .as_ref()
        .map(|value| value.as_ref().map(resolve).transpose())
        .transpose()
}

/// Deserializes a field that may be absent (outer `None`: leave alone),
/// `null` (`Some(None)`: clear it) or a value.
pub fn nullable<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
