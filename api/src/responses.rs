//! Named sets of error responses for `#[utoipa::path(responses(...))]`, so
//! an annotation says what can go wrong in one word and the document still
//! lists every status with its codes. Every body is a `Problem`.

use crate::error::Problem;
use utoipa::IntoResponses;

macro_rules! response_set {
    ($(#[doc = $doc:literal])+ $name:ident { $($(#[doc = $vdoc:literal])+ $variant:ident = $status:literal,)+ }) => {
        $(#[doc = $doc])+
        #[derive(IntoResponses)]
        pub enum $name {
            $(
                $(#[doc = $vdoc])+
                #[response(status = $status, content_type = "application/problem+json")]
                $variant(Problem),
            )+
        }
    };
}

/// A cacheable read.
#[derive(IntoResponses)]
pub enum NotModified {
    /// Not modified: the `If-None-Match` sent names the current `ETag`.
    #[response(status = 304)]
    NotModified,
}

response_set! {
    /// An operation that needs an access token.
    AuthRequired {
        /// No usable access token: none sent (`token_missing`), forged or malformed (`token_invalid`), expired (`token_expired`), or its login ended (`session_revoked`), or an API key that is not usable (`api_key_invalid`, `api_key_revoked`, `api_key_expired`).
        Unauthorized = 401,
        /// An API key whose scope does not cover this (`api_key_scope`).
        Forbidden = 403,
    }
}

response_set! {
    /// A public read that also takes an optional access token.
    OptionalAuth {
        /// An access token or API key was sent but is not usable (`token_invalid`, `token_expired`, `session_revoked`, `api_key_invalid`, `api_key_revoked`, `api_key_expired`); send none to read as the public.
        Unauthorized = 401,
    }
}

response_set! {
    /// An operation for editors and admins.
    EditorOnly {
        /// No usable access token (`token_missing`, `token_invalid`, `token_expired`, `session_revoked`), or an API key that is not usable (`api_key_invalid`, `api_key_revoked`, `api_key_expired`).
        Unauthorized = 401,
        /// The caller is an author, not an editor (`forbidden`), or an API key whose scope does not cover this (`api_key_scope`).
        Forbidden = 403,
    }
}

response_set! {
    /// An operation for admins.
    AdminOnly {
        /// No usable access token (`token_missing`, `token_invalid`, `token_expired`, `session_revoked`), or an API key that is not usable (`api_key_invalid`, `api_key_revoked`, `api_key_expired`).
        Unauthorized = 401,
        /// The caller is not an admin (`forbidden`), or an API key whose scope does not cover this (`api_key_scope`).
        Forbidden = 403,
    }
}

response_set! {
    /// An operation for admins logged in as a person (no API key).
    KeyAdminOnly {
        /// No usable credential (`token_missing`, `token_invalid`, `token_expired`, `session_revoked`, `api_key_invalid`, `api_key_revoked`, `api_key_expired`).
        Unauthorized = 401,
        /// The caller is not an admin (`forbidden`), or came with an API key (`api_key_scope`).
        Forbidden = 403,
    }
}

response_set! {
    /// No such API key.
    ApiKeyNotFound {
        /// No such API key (`api_key_not_found`).
        NotFound = 404,
    }
}

response_set! {
    /// An operation whose role rules depend on the article (authors act on their own drafts).
    ArticleAccess {
        /// No usable access token (`token_missing`, `token_invalid`, `token_expired`, `session_revoked`), or an API key that is not usable (`api_key_invalid`, `api_key_revoked`, `api_key_expired`).
        Unauthorized = 401,
        /// The caller's role may not do this to this article (`forbidden`), or an API key whose scope does not cover this (`api_key_scope`).
        Forbidden = 403,
        /// No such article, or not visible to the caller (`article_not_found`).
        NotFound = 404,
    }
}

response_set! {
    /// A list with keyset paging.
    ListErrors {
        /// `limit` outside 1 to 100 (`invalid_limit`), a `cursor` this list did not give out (`invalid_cursor`), or an unknown or mistyped parameter (`invalid_query`).
        BadRequest = 400,
    }
}

response_set! {
    /// A read whose query string is checked (unknown or mistyped parameters are refused).
    QueryErrors {
        /// An unknown or mistyped parameter, or one given twice (`invalid_query`).
        BadRequest = 400,
    }
}

response_set! {
    /// The article list, which also searches (`q`).
    SearchListErrors {
        /// `limit` outside 1 to 100 (`invalid_limit`), a `cursor` this list or search did not give out (`invalid_cursor`), an unknown or mistyped parameter or a combination the list does not take (`invalid_query`), `published_after` not before `published_before` or either outside the years 1900 to 9999 (`invalid_date_range`), more than 100 `ids` (`too_many_ids`), a `fields` name articles do not have (`unknown_field`), an `include` lists cannot take (`unknown_include`), or a search query `q` that is empty (`search_query_empty`), over 200 characters (`search_query_too_long`), with control characters (`search_query_invalid_characters`), with an unclosed quote (`search_query_unbalanced_quotes`), without any word (`search_query_no_words`) or with more than 16 words (`search_query_too_many_words`).
        BadRequest = 400,
    }
}

response_set! {
    /// An operation with a JSON request body.
    JsonBody {
        /// The body is not valid JSON (`malformed_json`).
        Malformed = 400,
        /// The body is over 1 MiB (`payload_too_large`).
        TooLarge = 413,
        /// The body is not `application/json` (`unsupported_media_type`).
        NotJson = 415,
        /// The body breaks field rules, each listed in `errors` (`validation_failed`).
        Invalid = 422,
    }
}

response_set! {
    /// A write with a JSON body that is conditional on the version edited.
    VersionedJsonBody {
        /// The body is not valid JSON (`malformed_json`), `If-Match` is not an ETag this API sent (`invalid_if_match`), or it names another version than `version` (`version_mismatch`).
        BadRequest = 400,
        /// Someone changed it since that version (`stale_version`); nothing was written.
        Stale = 412,
        /// The body is over 1 MiB (`payload_too_large`).
        TooLarge = 413,
        /// The body is not `application/json` (`unsupported_media_type`).
        NotJson = 415,
        /// The body breaks field rules, each listed in `errors` (`validation_failed`).
        Invalid = 422,
        /// Neither `If-Match` nor `version` was sent (`precondition_required`).
        PreconditionRequired = 428,
    }
}

response_set! {
    /// A write of an article's publication or expiry instants (name it
    /// after `JsonBody`/`VersionedJsonBody`: it replaces their 422).
    ArticleDates {
        /// The body breaks field rules, each listed in `errors` (`validation_failed`; `unpublish_at` outside the years 1900 to 9999 is `out_of_range`), or `unpublish_at` does not come after the article's publication instant (`unpublish_before_publish`). Nothing was written.
        Invalid = 422,
    }
}

response_set! {
    /// A write that may name the version it expects in `If-Match`.
    IfMatch {
        /// `If-Match` is not an ETag this API sent (`invalid_if_match`).
        BadRequest = 400,
        /// Changed since that version (`stale_version`); nothing was written.
        Stale = 412,
    }
}

response_set! {
    /// A read or write of one article.
    ArticleNotFound {
        /// No such article, or not visible to the caller (`article_not_found`).
        NotFound = 404,
    }
}

response_set! {
    /// A read or write of one category.
    CategoryNotFound {
        /// No such category (`category_not_found`).
        NotFound = 404,
    }
}

response_set! {
    /// A read or write of one author.
    AuthorNotFound {
        /// No such author (`author_not_found`).
        NotFound = 404,
    }
}

response_set! {
    /// A read or write of one tag.
    TagNotFound {
        /// No such tag (`tag_not_found`).
        NotFound = 404,
    }
}

response_set! {
    /// A read or write of one account.
    UserNotFound {
        /// No such account (`user_not_found`).
        NotFound = 404,
    }
}

response_set! {
    /// A write that sets a slug.
    SlugTaken {
        /// The slug is already in use (`slug_taken`).
        Conflict = 409,
    }
}

response_set! {
    /// A read or write of one webhook subscription.
    WebhookNotFound {
        /// No such subscription (`webhook_not_found`).
        NotFound = 404,
    }
}

response_set! {
    /// A read or write of one image.
    ImageNotFound {
        /// No such image (`image_not_found`).
        NotFound = 404,
    }
}
