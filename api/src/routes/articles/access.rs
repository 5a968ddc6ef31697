//! Who may write which article: loading an article for a write with the
//! caller's rights checked, and telling a lost race from a deleted article.

use super::view::{self, ArticleView};
use super::{find, not_found};
use crate::caller::AuthUser;
use crate::error::{ApiError, Code};
use crate::http_cache::Precondition;
use toasoan_domain::article::{self, Action};
use toasoan_domain::user::Role;
use toasoan_persistence::DbConn;
use toasoan_persistence::models::article::{ArticleChanges, ArticleRow};
use toasoan_persistence::queries::{articles, events};
use toasoan_persistence::time;

/// Loads an article for a write and checks the caller may do `action`.
pub(crate) fn load_for(
    conn: &mut DbConn,
    key: &str,
    user: &AuthUser,
    action: Action,
) -> Result<ArticleRow, ApiError> {
    let row = find(conn, key)?.ok_or_else(not_found)?;
    let own = row.created_by.as_deref() == Some(user.id.as_str());
    if !article::may(user.role, action, own, row.status) {
        // Authors must not learn of others' unpublished work.
        let visible = own || row.is_public(chrono::Utc::now());
        if !visible && !user.role.at_least(Role::Editor) {
            return Err(not_found());
        }
        return Err(Code::Forbidden.err(format!(
            "your role may not {} this article",
            action.as_str()
        )));
    }
    Ok(row)
}

/// Why a conditional write touched no row: the article is gone (404) or
/// changed since `version` (412).
pub(crate) fn lost_race(conn: &mut DbConn, id: &str, version: i32) -> ApiError {
    match articles::find(conn, id) {
        Ok(None) => not_found(),
        Ok(Some(_)) => ApiError::StaleVersion(version),
        Err(e) => e.into(),
    }
}

/// Checks `If-Match` strongly: it must be the ETag a read of the article
/// sends now (the version and the representation), not only its version.
pub(crate) fn check_if_match(
    conn: &mut DbConn,
    if_match: &Precondition,
    row: &ArticleRow,
) -> Result<(), ApiError> {
    if_match.check(|| {
        let current = view::full(conn, row.clone())?;
        view::etag(&current)
    })
}

/// Saves `changes` to `current` if it is still at `version` (412 or 404
/// otherwise), records the event readers would notice, and returns the
/// article as staff read it (review notes included). Every write of an
/// existing article ends here, inside its transaction.
pub(crate) fn save(
    conn: &mut DbConn,
    action: Action,
    current: &ArticleRow,
    version: i32,
    changes: &ArticleChanges,
    actor: &str,
) -> Result<ArticleView, ApiError> {
    if !articles::update(conn, &current.id, version, changes)? {
        return Err(lost_race(conn, &current.id, version));
    }
    let row = articles::find(conn, &current.id)?.ok_or_else(not_found)?;
    let now = changes.updated_at.unwrap_or_else(time::now);
    events::article_written(conn, action, Some(current), Some(&row), Some(actor), now)?;
    let mut article = view::full(conn, row)?;
    super::review::attach(conn, &mut article)?;
    Ok(article)
}
