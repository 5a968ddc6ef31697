//! The registry of stable error codes: every `code` a problem document can
//! carry, with its HTTP status and what it means. Clients switch on these
//! strings; renaming one is a breaking change.

use actix_web::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

macro_rules! registry {
    ($($(#[doc = $doc:literal])+ $variant:ident = ($status:literal, $name:literal),)+) => {
        /// A stable, machine-readable error code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum Code {
            $($(#[doc = $doc])+ $variant,)+
        }

        impl Code {
            /// Every registered code.
            pub const ALL: &[Code] = &[$(Code::$variant,)+];

            /// The code as clients see it.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)+ }
            }

            /// The HTTP status every response with this code has.
            pub fn status(self) -> StatusCode {
                let status = match self { $(Code::$variant => $status,)+ };
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }

            /// What the code means, for documentation.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => concat!($($doc),+).trim_ascii(),)+ }
            }
        }
    };
}

registry! {
    /// The request cannot be read by the HTTP layer.
    BadRequest = (400, "bad_request"),
    /// The body is not valid JSON.
    MalformedJson = (400, "malformed_json"),
    /// The query string has an unknown parameter or a value of the wrong type.
    InvalidQuery = (400, "invalid_query"),
    /// A path segment has the wrong form.
    InvalidPath = (400, "invalid_path"),
    /// The multipart body cannot be read (malformed, or the client went away).
    MalformedMultipart = (400, "malformed_multipart"),
    /// `limit` is outside 1 to 100.
    InvalidLimit = (400, "invalid_limit"),
    /// `cursor` is not one this list gave out.
    InvalidCursor = (400, "invalid_cursor"),
    /// The search query `q` is empty or only whitespace.
    SearchQueryEmpty = (400, "search_query_empty"),
    /// The search query `q` is longer than 200 characters.
    SearchQueryTooLong = (400, "search_query_too_long"),
    /// The search query `q` contains control characters.
    SearchQueryInvalidCharacters = (400, "search_query_invalid_characters"),
    /// The search query `q` opens a quoted phrase and does not close it.
    SearchQueryUnbalancedQuotes = (400, "search_query_unbalanced_quotes"),
    /// The search query `q` has no word to look for, only punctuation or operators.
    SearchQueryNoWords = (400, "search_query_no_words"),
    /// The search query `q` has more than 16 words.
    SearchQueryTooManyWords = (400, "search_query_too_many_words"),
    /// `fields=` names a field articles do not have.
    UnknownField = (400, "unknown_field"),
    /// `include=` names a relation lists cannot include.
    UnknownInclude = (400, "unknown_include"),
    /// `published_after` is not before `published_before`, or either falls
    /// outside the years 1900 to 9999.
    InvalidDateRange = (400, "invalid_date_range"),
    /// `ids=` names more than 100 articles.
    TooManyIds = (400, "too_many_ids"),
    /// `If-Match` is not an ETag this API sent.
    InvalidIfMatch = (400, "invalid_if_match"),
    /// `If-Match` and the body's `version` name different versions.
    VersionMismatch = (400, "version_mismatch"),
    /// The request has characters that cannot be stored (a NUL byte).
    InvalidInput = (400, "invalid_input"),
    /// The request needs an access token and came without one.
    TokenMissing = (401, "token_missing"),
    /// The access token is malformed, forged or signed with another key.
    TokenInvalid = (401, "token_invalid"),
    /// The access token has expired; refresh it.
    TokenExpired = (401, "token_expired"),
    /// The login behind the token has ended, or the account is disabled.
    SessionRevoked = (401, "session_revoked"),
    /// The refresh token was already used: the whole login is ended.
    TokenReused = (401, "token_reused"),
    /// The login is older than `TOASOAN_SESSION_MAX_AGE`: log in again.
    SessionExpired = (401, "session_expired"),
    /// The e-mail or password is wrong.
    InvalidCredentials = (401, "invalid_credentials"),
    /// The API key is not one this API made (or was mistyped).
    ApiKeyInvalid = (401, "api_key_invalid"),
    /// The API key was revoked, or its account is disabled.
    ApiKeyRevoked = (401, "api_key_revoked"),
    /// The API key is past its `expires_at`.
    ApiKeyExpired = (401, "api_key_expired"),
    /// The caller's role may not do this.
    Forbidden = (403, "forbidden"),
    /// The API key's scope does not cover this: a `read` key only reads what
    /// the public reads, a `preview` key only reads, and no key manages
    /// logins, passwords or API keys.
    ApiKeyScope = (403, "api_key_scope"),
    /// `current_password` is not the account's password; nothing was changed.
    WrongPassword = (403, "wrong_password"),
    /// An admin's own password changes through `POST /api/v1/auth/password`,
    /// which asks for the current one, not through `/users/{id}`.
    UsePasswordEndpoint = (403, "use_password_endpoint"),
    /// The article takes no new comments (its comments are closed or hidden).
    CommentsClosed = (403, "comments_closed"),
    /// The preview token is not one this API minted for this article: garbage, tampered, or for another article.
    PreviewInvalid = (403, "preview_invalid"),
    /// The preview token has expired; ask for a new preview link.
    PreviewExpired = (403, "preview_expired"),
    /// No such resource.
    NotFound = (404, "not_found"),
    /// No route has this path.
    RouteNotFound = (404, "route_not_found"),
    /// No such article, or not visible to the caller.
    ArticleNotFound = (404, "article_not_found"),
    /// No such category.
    CategoryNotFound = (404, "category_not_found"),
    /// No such author.
    AuthorNotFound = (404, "author_not_found"),
    /// No such tag.
    TagNotFound = (404, "tag_not_found"),
    /// No such API key.
    ApiKeyNotFound = (404, "api_key_not_found"),
    /// The caller has no open session with this id.
    SessionNotFound = (404, "session_not_found"),
    /// No such account.
    UserNotFound = (404, "user_not_found"),
    /// No such image in the media library.
    ImageNotFound = (404, "image_not_found"),
    /// No such file under `/media`.
    FileNotFound = (404, "file_not_found"),
    /// No sitemap has this name.
    SitemapNotFound = (404, "sitemap_not_found"),
    /// No such comment.
    CommentNotFound = (404, "comment_not_found"),
    /// The article has no revision with this number.
    RevisionNotFound = (404, "revision_not_found"),
    /// No such webhook subscription.
    WebhookNotFound = (404, "webhook_not_found"),
    /// The subscription has no delivery with this id.
    DeliveryNotFound = (404, "delivery_not_found"),
    /// The path exists but not with this method; `Allow` lists the methods.
    MethodNotAllowed = (405, "method_not_allowed"),
    /// No representation matches the request's `Accept*` headers.
    NotAcceptable = (406, "not_acceptable"),
    /// The slug is already in use.
    SlugTaken = (409, "slug_taken"),
    /// An account has this e-mail.
    EmailTaken = (409, "email_taken"),
    /// That account is linked to another author.
    AccountLinked = (409, "account_linked"),
    /// The write clashes with existing data.
    Conflict = (409, "conflict"),
    /// A referenced item does not exist, or the item is still referenced.
    ReferenceViolated = (409, "reference_violated"),
    /// Only an article readers can see now (published, its time come) takes a correction.
    NotPublished = (409, "not_published"),
    /// The workflow does not allow this action from the article's status.
    InvalidTransition = (409, "invalid_transition"),
    /// The category still has articles or sub-categories.
    CategoryInUse = (409, "category_in_use"),
    /// The author is still in a byline.
    AuthorInUse = (409, "author_in_use"),
    /// The same text was posted recently, on this article or from this address.
    DuplicateComment = (409, "duplicate_comment"),
    /// Articles use the image as cover or in their body; `used_by` lists them.
    ImageInUse = (409, "image_in_use"),
    /// The subscription is disabled; enable it (`PATCH` with `active: true`) first.
    WebhookInactive = (409, "webhook_inactive"),
    /// The delivery is still pending; its next attempt comes on its own.
    DeliveryPending = (409, "delivery_pending"),
    /// The change would leave no active admin.
    LastAdmin = (409, "last_admin"),
    /// An admin cannot demote or disable their own account.
    CannotDemoteSelf = (409, "cannot_demote_self"),
    /// The resource changed since the version named; reload it and reapply the change.
    StaleVersion = (412, "stale_version"),
    /// The body is larger than allowed.
    PayloadTooLarge = (413, "payload_too_large"),
    /// The body is not `application/json` (or `multipart/form-data` for uploads).
    UnsupportedMediaType = (415, "unsupported_media_type"),
    /// The uploaded file is not a JPEG, PNG, WebP or GIF image by its content.
    UnsupportedImage = (415, "unsupported_image"),
    /// The `Range` asks for bytes outside the file.
    RangeNotSatisfiable = (416, "range_not_satisfiable"),
    /// The body is JSON but breaks field rules; `errors` lists each field.
    ValidationFailed = (422, "validation_failed"),
    /// An article's `unpublish_at` does not come after its publication instant.
    UnpublishBeforePublish = (422, "unpublish_before_publish"),
    /// The image declares more pixels than allowed (a decompression bomb guard).
    TooManyPixels = (422, "too_many_pixels"),
    /// The image is truncated or corrupt and does not decode.
    ImageCorrupt = (422, "image_corrupt"),
    /// The write needs `If-Match` or a `version` field.
    PreconditionRequired = (428, "precondition_required"),
    /// Too many attempts; `Retry-After` (and `RateLimit-Reset`) says when
    /// to try again. Any read can answer it when the server limits public
    /// reads (`TOASOAN_READ_RATE_LIMIT`); limited answers carry
    /// `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`.
    TooManyRequests = (429, "too_many_requests"),
    /// A failure on the server; details are logged, never sent.
    InternalError = (500, "internal_error"),
    /// The database is unreachable; try again shortly.
    ServiceUnavailable = (503, "service_unavailable"),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_snake_case_and_serialize_as_themselves() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{} twice", code.as_str());
            assert!(
                code.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_')
            );
            let json = serde_json::to_string(code).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert!(!code.description().is_empty());
        }
    }
}
