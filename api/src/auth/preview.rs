//! Preview tokens: signed, short-lived links that let a frontend with no
//! account read one unpublished article. Their audience keeps them apart
//! from access tokens: an access token is never a preview token (it has no
//! audience) and a preview token is never an access token (access tokens
//! refuse any audience).

use super::TokenKeys;
use crate::error::{ApiError, Code};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, Header, Validation, errors::ErrorKind};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The audience of every preview token, and only of them.
const AUDIENCE: &str = "toasoan:preview";

/// What a preview token says.
#[derive(Debug, Serialize, Deserialize)]
struct PreviewClaims {
    /// The article id: the one article the token opens.
    sub: String,
    /// Always [`AUDIENCE`].
    aud: String,
    /// Issued at, Unix seconds.
    iat: i64,
    /// Expires at, Unix seconds.
    exp: i64,
}

/// A minted preview token.
#[derive(Debug)]
pub struct Preview {
    /// The signed token.
    pub token: String,
    /// When it stops opening the article.
    pub expires_at: DateTime<Utc>,
}

impl TokenKeys {
    /// A preview token for one article, valid for `ttl`.
    pub fn issue_preview(&self, article_id: &str, ttl: Duration) -> Result<Preview, ApiError> {
        let now = Utc::now().timestamp();
        let exp = now.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2));
        let claims = PreviewClaims {
            sub: article_id.to_owned(),
            aud: AUDIENCE.to_owned(),
            iat: now,
            exp,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)?;
        let expires_at = DateTime::from_timestamp(exp, 0)
            .ok_or_else(|| ApiError::internal("preview expiry out of range"))?;
        Ok(Preview { token, expires_at })
    }

    /// The article id a preview token opens: refused when expired
    /// (`preview_expired`) and when not a preview token this API signed
    /// (`preview_invalid`).
    pub fn verify_preview(&self, token: &str) -> Result<String, ApiError> {
        let mut validation = Validation::new(Algorithm::HS256);
        // A preview ends at its `expires_at`, to the second.
        validation.leeway = 0;
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "aud", "sub"]);
        let expired =
            || Code::PreviewExpired.err("the preview link has expired; ask for a new one");
        let claims = jsonwebtoken::decode::<PreviewClaims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => expired(),
                _ => Code::PreviewInvalid.err("the preview token is not valid"),
            })?;
        if claims.exp <= Utc::now().timestamp() {
            return Err(expired());
        }
        Ok(claims.sub)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(
            b"preview-test-secret-preview-test-secret",
            Duration::from_secs(900),
            Duration::from_secs(3_600),
        )
    }

    fn code(result: Result<impl std::fmt::Debug, ApiError>) -> Option<Code> {
        result.err().map(|e| e.code())
    }

    #[test]
    fn a_preview_token_opens_its_article_and_is_no_access_token() {
        let keys = keys();
        let preview = keys
            .issue_preview(
                "0190f1c2-0000-7000-8000-000000000001",
                Duration::from_secs(60),
            )
            .unwrap();
        assert_eq!(
            keys.verify_preview(&preview.token).ok().as_deref(),
            Some("0190f1c2-0000-7000-8000-000000000001")
        );
        assert_eq!(code(keys.verify(&preview.token)), Some(Code::TokenInvalid));
    }

    #[test]
    fn an_access_token_is_no_preview_token() {
        let keys = keys();
        let access = keys
            .issue(
                "0190f1c2-0000-7000-8000-000000000001",
                "s",
                toasoan_domain::user::Role::Admin,
            )
            .unwrap();
        assert_eq!(
            code(keys.verify_preview(&access)),
            Some(Code::PreviewInvalid)
        );
    }

    #[test]
    fn a_preview_with_no_lifetime_left_is_expired() {
        let keys = keys();
        let preview = keys.issue_preview("a", Duration::ZERO).unwrap();
        assert_eq!(
            code(keys.verify_preview(&preview.token)),
            Some(Code::PreviewExpired)
        );
        assert_eq!(
            code(keys.verify_preview("garbage")),
            Some(Code::PreviewInvalid)
        );
    }
}
