//! The handler steps categories, authors and tags share: find one by id or
//! slug, choose or change its slug, store it and answer 201 with `Location`
//! and `ETag`, update it, delete it, list it alphabetically. Each resource's
//! module keeps its own rules (the category tree, the account link, what
//! keeps it in use) and passes them in; what all three gain later (versions,
//! old-slug redirects) is written here once.

use crate::error::{ApiError, Code};
use crate::http_cache::{Audience, respond, respond_page};
use crate::pagination::{AlphabeticalQuery, Page, alphabetical_cursor};
use crate::slugs;
use crate::state::AppState;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use toasoan_domain::{FieldError, ValidationErrors};
use toasoan_persistence::DbConn;
use toasoan_persistence::queries::slugged::{Alphabetical, Slugged};

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
/// as counts) handed to the view.
pub async fn get_with<R: Taxon, X: Send + 'static, V: Serialize>(
    state: &AppState,
    req: &HttpRequest,
    key: String,
    audience: Audience,
    extra: impl FnOnce(&mut DbConn, &R) -> Result<X, ApiError> + Send + 'static,
    view: impl FnOnce(R, X) -> Result<V, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let (row, facts) = state
        .db(move |conn| {
            let row = fetch::<R>(conn, &key)?;
            let facts = extra(conn, &row)?;
            Ok((row, facts))
        })
        .await?;
    respond(req, &view(row, facts)?, "", audience)
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
pub async fn create<R: Taxon>(
    state: &AppState,
    build: impl FnOnce(&mut DbConn) -> Result<R, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    state
        .write(move |conn| {
            let row = build(conn)?;
            R::insert(conn, &row)?;
            Ok(row)
        })
        .await
}

/// The 201 for a new `R`: its view, `Location` and `ETag` (the one a read
/// by staff sends).
pub fn created<R: Taxon>(
    req: &HttpRequest,
    row: &R,
    view: &impl Serialize,
) -> Result<HttpResponse, ApiError> {
    let mut response = respond(req, view, "", Audience::Private)?;
    *response.status_mut() = StatusCode::CREATED;
    let location = format!("{}/{}", R::COLLECTION, row.id());
    let location = header::HeaderValue::from_str(&location).map_err(ApiError::internal)?;
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}

/// Updates the `R` a key names: `changes` checks its own rules against the
/// current row; then the slug asked for, if it differs, must be free.
/// Returns the row as stored.
pub async fn update<R: Taxon>(
    state: &AppState,
    key: String,
    slug: Option<String>,
    changes: impl FnOnce(&mut DbConn, &R) -> Result<R::Changes, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    state
        .write(move |conn| {
            let current = fetch::<R>(conn, &key)?;
            let mut changes = changes(conn, &current)?;
            let slug = slugs::change(current.slug(), slug.as_deref(), |base| {
                Ok(R::taken_slugs(conn, base)?)
            })?;
            if let Some(slug) = slug {
                R::set_slug(&mut changes, slug);
            }
            R::update(conn, current.id(), &changes)?;
            fetch::<R>(conn, current.id())
        })
        .await
}

/// Deletes the `R` a key names once `may_delete` (its in-use rule) agrees.
pub async fn delete<R: Taxon>(
    state: &AppState,
    key: String,
    may_delete: impl FnOnce(&mut DbConn, &R) -> Result<(), ApiError> + Send + 'static,
) -> Result<HttpResponse, ApiError> {
    state
        .write(move |conn| {
            let current = fetch::<R>(conn, &key)?;
            may_delete(conn, &current)?;
            R::delete(conn, current.id())?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
