//! The newsroom's settings: name, public URL, language, time zone, logo and
//! the article URL template that feeds and sitemaps use.

use crate::caller::Admin;
use crate::error::ApiError;
use crate::extractors::nullable;
use crate::http_cache::respond;
use crate::responses::*;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toasoan_domain::ValidationErrors;
use toasoan_domain::site::{self, Site};
use toasoan_persistence::models::site::{SiteChanges, SiteRow};
use toasoan_persistence::queries::site as settings;
use toasoan_persistence::time;
use utoipa::ToSchema;

crate::endpoints![get_site, update_site];

/// The newsroom's settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteView {
    /// The publication's name.
    #[schema(example = "Báo Quảng Nam")]
    pub name: String,
    /// The frontend's public origin; article URLs start here.
    #[schema(example = "https://baoquangnam.vn")]
    pub url: String,
    /// Language of the content (BCP 47).
    #[schema(example = "vi")]
    pub language: String,
    /// IANA time zone of the newsroom.
    #[schema(example = "Asia/Ho_Chi_Minh")]
    pub time_zone: String,
    /// The zone's current offset from UTC.
    #[schema(example = "+07:00")]
    pub utc_offset: String,
    /// Logo URL, if set.
    pub logo_url: Option<String>,
    /// Template of article URLs in feeds and sitemaps.
    #[schema(example = "{site}/{category}/{slug}")]
    pub article_path: String,
    /// When the settings last changed.
    pub updated_at: DateTime<Utc>,
}

fn view(row: SiteRow) -> Result<SiteView, ApiError> {
    let updated_at = time::from_db(row.updated_at);
    let site = Site::try_from(row)?;
    let utc_offset = site.local(Utc::now()).format("%:z").to_string();
    Ok(SiteView {
        name: site.name,
        url: site.url,
        language: site.language,
        time_zone: site.time_zone.name().to_owned(),
        utc_offset,
        logo_url: site.logo_url,
        article_path: site.article_path,
        updated_at,
    })
}

/// Changes to the settings; absent fields stay, `null` clears the logo.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSite {
    /// 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200, example = "Báo Quảng Nam")]
    pub name: Option<String>,
    /// An absolute http(s) URL.
    #[schema(example = "https://baoquangnam.vn")]
    pub url: Option<String>,
    /// A BCP 47 tag.
    #[schema(example = "vi")]
    pub language: Option<String>,
    /// An IANA time zone.
    #[schema(example = "Asia/Ho_Chi_Minh")]
    pub time_zone: Option<String>,
    /// An absolute http(s) URL, or null.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub logo_url: Option<Option<String>>,
    /// Starts with `{site}`, has `{slug}` once, may have `{category}`.
    #[schema(example = "{site}/{category}/{slug}")]
    pub article_path: Option<String>,
}

/// The newsroom's settings.
#[utoipa::path(get, path = "/api/v1/site", operation_id = "get_site", tag = "site",
    responses(
        (status = 200, description = "The settings", body = SiteView,
            headers(("ETag" = String), ("Cache-Control" = String))),
        NotModified,
    ))]
pub async fn get_site(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let row = state.db(|conn| Ok(settings::get(conn)?)).await?;
    respond(&req, &view(row)?, "", state.audience(false))
}

/// Changes the newsroom's settings (admins).
#[utoipa::path(patch, path = "/api/v1/site", operation_id = "update_site", tag = "site",
    security(("bearer" = [])), request_body = UpdateSite,
    responses(
        (status = 200, description = "The new settings", body = SiteView),
        AdminOnly,
        JsonBody,
    ))]
pub async fn update_site(
    state: web::Data<AppState>,
    _admin: Admin,
    input: crate::extractors::Json<UpdateSite>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();
    let mut errors = ValidationErrors::default();
    let changes = SiteChanges {
        name: input
            .name
            .as_deref()
            .and_then(|n| errors.check(site::name(n))),
        url: input
            .url
            .as_deref()
            .and_then(|u| errors.check(site::public_url("url", u))),
        language: input
            .language
            .as_deref()
            .and_then(|l| errors.check(site::language(l))),
        time_zone: input
            .time_zone
            .as_deref()
            .and_then(|z| errors.check(site::time_zone(z)))
            .map(|z| z.name().to_owned()),
        logo_url: match &input.logo_url {
            None => None,
            Some(None) => Some(None),
            Some(Some(u)) => errors.check(site::public_url("logo_url", u)).map(Some),
        },
        article_path: input
            .article_path
            .as_deref()
            .and_then(|p| errors.check(site::article_path(p))),
        updated_at: Some(time::now()),
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let row = state
        .write(move |conn| {
            settings::update(conn, &changes)?;
            Ok(settings::get(conn)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(row)?))
}
