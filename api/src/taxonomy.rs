//! The handler steps categories, authors and tags share: find one by id or
//! slug (an old slug answers 301), choose or change its slug, store it and
//! answer 201 with `Location` and `ETag`, update it or delete it under
//! `If-Match` (412 on a stale version), list it alphabetically. Each
//! resource's module keeps its own rules (the category tree, the account
//! link, what keeps it in use) and passes them in.
//!
//! The ETag is `"v{version}-{hash}"`, the hash over the representation sent
//! (live article counts included, so a 304 is never stale). `If-Match`
//! compares the version it names, not the hash: an article published in a
//! category changes its count, not the category, and must not make an
//! editor's rename stale.

use crate::error::{ApiError, Code};
use crate::http_cache::{
    Audience, Precondition, expected_version, respond, respond_page, version_prefix,
};
use crate::pagination::{AlphabeticalQuery, Page, alphabetical_cursor};
use crate::slugs;
use crate::state::AppState;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use toasoan_domain::{FieldError, ValidationErrors};
use toasoan_persistence::DbConn;
use toasoan_persistence::queries::slugged::{Alphabetical, Slugged};

/// The `If-Match` of a taxonomy edit, as the OpenAPI document describes it.
pub const IF_MATCH: &str = "The ETag of the version edited, as a read sent it (or send `version`; one of the two is required, as for articles). Only the version it names is compared: the article counts in the representation are not the resource's own state, so a publication elsewhere never makes an edit stale. A weak tag never matches; `*` matches whatever the version.";

/// The `If-Match` of a taxonomy delete.
pub const IF_MATCH_DELETE: &str =
    "Delete only if still at the version this ETag names (`*`: whatever the version).";

/// A named, slugged resource served under its own collection.
pub trait Taxon: Slugged {
    /// The collection's path, e.g. `/api/v1/authors`.
    const COLLECTION: &'static str;
    /// The slug base when a name leaves nothing sluggable.
    const FALLBACK_SLUG: &'static str;
    /// The error when a key names none.
    const NOT_FOUND: Code;
    /// Its name in messages, e.g. `author`.
    const NOUN: &'static str;
}

/// The rules of a resource's name and of its one optional text (an
/// author's bio, a category's description), from `toasoan_domain`.
pub struct TextRules {
    /// The name's rule.
    pub name: fn(&str) -> Result<String, FieldError>,
    /// The text's rule.
    pub text: fn(Option<&str>) -> Result<Option<String>, FieldError>,
}

impl TextRules {
    /// A new resource's name and text, or every error at once.
    pub fn new_values(
        &self,
        name: &str,
        text: Option<&str>,
    ) -> Result<(String, Option<String>), ApiError> {
        let mut errors = ValidationErrors::default();
        let name = errors.check((self.name)(name));
        let text = errors.check((self.text)(text));
        match (name, text) {
            (Some(name), Some(text)) => Ok((name, text)),
            _ => Err(errors.into()),
        }
    }

    /// A patch's new name and text (`Some(None)` clears the text), or
    /// every error at once.
    pub fn changed_values(
        &self,
        name: Option<&str>,
        text: Option<Option<&str>>,
    ) -> Result<(Option<String>, Option<Option<String>>), ApiError> {
        let mut errors = ValidationErrors::default();
        let name = name.map(self.name).and_then(|r| errors.check(r));
        let text = text.map(self.text).and_then(|r| errors.check(r));
        if !errors.is_empty() {
            return Err(errors.into());
        }
        Ok((name, text))
    }
}

/// The 404 for a key that names no `R`.
pub fn not_found<R: Taxon>() -> ApiError {
    R::NOT_FOUND.err(format!("no such {}", R::NOUN))
}

/// The `R` an id or slug names, or its 404.
pub fn fetch<R: Taxon>(conn: &mut DbConn, key: &str) -> Result<R, ApiError> {
    R::find(conn, key)?.ok_or_else(not_found::<R>)
}

/// What a write expects of the current version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// `If-Match: *`: the resource exists, whatever its version.
    Any,
    /// This version (from `If-Match` or the body's `version`).
    Version(i32),
}

/// The expectation `If-Match` and the body's `version` state, if any.
/// A weak tag never matches (RFC 9110's strong comparison): 412.
pub fn expectation(
    req: &HttpRequest,
    body_version: Option<i32>,
) -> Result<Option<Expect>, ApiError> {
    if let Some(value) = req.headers().get(header::IF_MATCH)
        && value.as_bytes().trim_ascii().starts_with(b"W/")
    {
        return Err(Code::StaleVersion.err(
            "If-Match compares strongly and a weak ETag never matches; send the ETag as a read sent it",
        ));
    }
    Ok(match expected_version(req, body_version)? {
        Some(version) => Some(Expect::Version(version)),
        None if Precondition::of(req).is_any() => Some(Expect::Any),
        None => None,
    })
}

/// Like `expectation`, for a write that must say what it expects (428).
pub fn required_expectation(
    req: &HttpRequest,
    body_version: Option<i32>,
) -> Result<Expect, ApiError> {
    expectation(req, body_version)?.ok_or_else(|| {
        Code::PreconditionRequired.err(
            "send If-Match with the ETag a read sent, or the `version` field, so concurrent edits are not lost",
        )
    })
}

/// Refuses with 412 when `current` is not at the version expected.
fn check<R: Taxon>(current: &R, expect: Option<Expect>) -> Result<(), ApiError> {
    match expect {
        Some(Expect::Version(v)) if v != current.version() => Err(ApiError::StaleVersion(v)),
        _ => Ok(()),
    }
}

/// Why a conditional write touched no row: the `R` is gone (404) or
/// changed since `version` (412).
fn lost_race<R: Taxon>(conn: &mut DbConn, id: &str, version: i32) -> ApiError {
    match R::find(conn, id) {
        Ok(None) => not_found::<R>(),
        Ok(Some(_)) => ApiError::StaleVersion(version),
        Err(e) => e.into(),
    }
}

/// The 301 an old slug answers: `Location` names the current one.
fn moved<R: Taxon>(slug: &str, audience: Audience) -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, format!("{}/{slug}", R::COLLECTION)))
        .insert_header((header::CACHE_CONTROL, audience.cache_control()))
        .insert_header((header::VARY, "Authorization"))
        .finish()
}

/// Sends an `R`'s view with its version ETag (304 when the client's is current).
pub fn respond_versioned(
    req: &HttpRequest,
    version: i32,
    view: &impl Serialize,
    audience: Audience,
) -> Result<HttpResponse, ApiError> {
    respond(req, view, &version_prefix(version), audience)
}

/// The 200 after a change: the view and the new version's ETag.
pub fn updated<R: Taxon>(
    req: &HttpRequest,
    row: &R,
    view: &impl Serialize,
) -> Result<HttpResponse, ApiError> {
    respond_versioned(req, row.version(), view, Audience::Private)
}

/// The slug of a new `R`: the one asked for if free, else one made from
/// its name.
pub fn new_slug<R: Taxon>(
    conn: &mut DbConn,
    requested: Option<&str>,
    name: &str,
) -> Result<String, ApiError> {
    slugs::choose(requested, name, R::FALLBACK_SLUG, |base| {
        Ok(R::taken_slugs(conn, base)?)
    })
}

/// Answers a read of one `R` with its ETag (304 when the client's is current).
pub async fn get<R: Taxon, V: Serialize>(
    state: &AppState,
    req: &HttpRequest,
    key: String,
    audience: Audience,
    view: impl FnOnce(R) -> Result<V, ApiError>,
) -> Result<HttpResponse, ApiError> {
    get_with(
        state,
        req,
        key,
        audience,
        |_, _| Ok(()),
        |row, ()| view(row),
    )
    .await
}

/// Like `get`, with facts read in the same database call (`extra`, such
/// as counts) handed to the view. An old slug answers 301 to the current.
pub async fn get_with<R: Taxon, X: Send + 'static, V: Serialize>(
    state: &AppState,
    req: &HttpRequest,
    key: String,
    audience: Audience,
    extra: impl FnOnce(&mut DbConn, &R) -> Result<X, ApiError> + Send + 'static,
    view: impl FnOnce(R, X) -> Result<V, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let found = state
        .db(move |conn| {
            let Some(row) = R::find(conn, &key)? else {
                let renamed = R::renamed(conn, &key)?.ok_or_else(not_found::<R>)?;
                return Ok(Err(renamed.slug().to_owned()));
            };
            let facts = extra(conn, &row)?;
            Ok(Ok((row, facts)))
        })
        .await?;
    match found {
        Ok((row, facts)) => {
            let version = row.version();
            respond_versioned(req, version, &view(row, facts)?, audience)
        }
        Err(slug) => Ok(moved::<R>(&slug, audience)),
    }
}

/// Answers a page of an alphabetical list.
pub async fn list<R: Taxon + Alphabetical, V: Serialize>(
    state: &AppState,
    req: &HttpRequest,
    query: &AlphabeticalQuery,
    audience: Audience,
    mut view: impl FnMut(R) -> Result<V, ApiError>,
) -> Result<HttpResponse, ApiError> {
    list_with(
        state,
        req,
        query,
        audience,
        |_, _| Ok(()),
        |row, _: &()| view(row),
    )
    .await
}

/// Like `list`, with facts about the page's rows read in the same
/// database call (`extra`, one batched query) handed to the view.
pub async fn list_with<R: Taxon + Alphabetical, X: Send + 'static, V: Serialize>(
    state: &AppState,
    req: &HttpRequest,
    query: &AlphabeticalQuery,
    audience: Audience,
    extra: impl FnOnce(&mut DbConn, &[R]) -> Result<X, ApiError> + Send + 'static,
    mut view: impl FnMut(R, &X) -> Result<V, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = query.parse()?;
    let (rows, facts) = state
        .db(move |conn| {
            let rows = R::page(conn, after, limit + 1)?;
            let facts = extra(conn, &rows)?;
            Ok((rows, facts))
        })
        .await?;
    let page = Page::new(rows, limit, |r| alphabetical_cursor(r.sort_key(), r.id()));
    respond_page(req, &page.try_map(|row| view(row, &facts))?, audience)
}

/// Stores the `R` that `build` makes after checking its own rules (and
/// choosing its slug with `new_slug`), in one write transaction.
/// `requested` says the caller asked for a slug by name: a clash with it
/// is a 409, while a slug made from the name is chosen again when a
/// concurrent create took it first (on PostgreSQL two transactions can
/// read the same slug as free; the insert that loses picks again).
pub async fn create<R: Taxon>(
    state: &AppState,
    requested: bool,
    build: impl Fn(&mut DbConn) -> Result<R, ApiError> + Clone + Send + 'static,
) -> Result<R, ApiError> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let build = build.clone();
        let created = state
            .write(move |conn| {
                let row = build(conn)?;
                R::insert(conn, &row)?;
                Ok(row)
            })
            .await;
        match created {
            Err(e) if slugs::retry(requested, &e, attempts) => {}
            other => return other,
        }
    }
}

/// The 201 for a new `R`: its view, `Location` and `ETag` (the one a read
/// by staff sends).
pub fn created<R: Taxon>(
    req: &HttpRequest,
    row: &R,
    view: &impl Serialize,
) -> Result<HttpResponse, ApiError> {
    let mut response = respond_versioned(req, row.version(), view, Audience::Private)?;
    *response.status_mut() = StatusCode::CREATED;
    let location = format!("{}/{}", R::COLLECTION, row.id());
    let location = header::HeaderValue::from_str(&location).map_err(ApiError::internal)?;
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}

/// Updates the `R` a key names if it is at the version `expect` names:
/// `changes` checks its own rules against the current row; then the slug
/// asked for, if it differs, must be free (the old one keeps redirecting).
/// The update is conditional on the version read, so of two editors who
/// read the same version only the first succeeds. Returns the row as stored.
/// `asked` is false when the patch names no field besides `slug`: with no
/// slug either, nothing is written and the row comes back as it is.
pub async fn update<R: Taxon>(
    state: &AppState,
    key: String,
    expect: Expect,
    slug: Option<String>,
    asked: bool,
    changes: impl FnOnce(&mut DbConn, &R) -> Result<R::Changes, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    state
        .write(move |conn| {
            let current = fetch::<R>(conn, &key)?;
            check(&current, Some(expect))?;
            if !asked && slug.is_none() {
                // A patch naming no field changes nothing: same version, same ETag.
                return Ok(current);
            }
            let mut changes = changes(conn, &current)?;
            let slug = slugs::change(current.slug(), slug.as_deref(), |base| {
                Ok(R::taken_slugs(conn, base)?)
            })?;
            if let Some(slug) = slug {
                R::set_slug(&mut changes, slug);
            }
            if !R::update(conn, &current, &changes)? {
                return Err(lost_race::<R>(conn, current.id(), current.version()));
            }
            fetch::<R>(conn, current.id())
        })
        .await
}

/// Deletes the `R` a key names once `may_delete` (its in-use rule) agrees,
/// and only at the version `expect` names when it names one.
pub async fn delete<R: Taxon>(
    state: &AppState,
    key: String,
    expect: Option<Expect>,
    may_delete: impl FnOnce(&mut DbConn, &R) -> Result<(), ApiError> + Send + 'static,
) -> Result<HttpResponse, ApiError> {
    state
        .write(move |conn| {
            let current = fetch::<R>(conn, &key)?;
            check(&current, expect)?;
            may_delete(conn, &current)?;
            let version = matches!(expect, Some(Expect::Version(_))).then(|| current.version());
            if !R::delete(conn, current.id(), version)? {
                return Err(lost_race::<R>(conn, current.id(), current.version()));
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
