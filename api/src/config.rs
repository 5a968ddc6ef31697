//! Configuration: a typed struct built once at start from environment
//! variables (documented in README.md) and passed in; nothing else reads the
//! environment.

use crate::auth::Argon2Cost;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toasoan_domain::comment::TextLimits;
use toasoan_domain::comment::screening::{Blocklist, Policy};

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (`TOASOAN_LISTEN`, default `127.0.0.1:8080`).
    pub listen: String,
    /// Data directory for the SQLite file, uploads and the generated JWT
    /// secret (`TOASOAN_DATA_DIR`, default `./data`).
    pub data_dir: PathBuf,
    /// Database URL (`DATABASE_URL`, default the SQLite file in the data directory).
    pub database_url: String,
    /// HMAC secret for access tokens (`TOASOAN_JWT_SECRET`); generated once
    /// and kept in the data directory when unset.
    pub jwt_secret: Option<Secret>,
    /// Access token lifetime (`TOASOAN_ACCESS_TOKEN_TTL` seconds, default 900).
    pub access_ttl: Duration,
    /// Refresh token lifetime (`TOASOAN_REFRESH_TOKEN_TTL` seconds, default 30 days).
    pub refresh_ttl: Duration,
    /// Absolute lifetime of a login, however often it is refreshed
    /// (`TOASOAN_SESSION_MAX_AGE` seconds, default 90 days).
    pub session_max_age: Duration,
    /// How long a client that retries a refresh (its answer lost on the
    /// way) gets the same refresh token back instead of being logged out
    /// (`TOASOAN_REFRESH_GRACE_SECS`, default 30; 0 turns it off).
    pub refresh_grace: Duration,
    /// How often ended sessions and expired refresh tokens are deleted
    /// (`TOASOAN_PRUNE_INTERVAL_SECS`, default 600).
    pub prune_interval: Duration,
    /// Preview link lifetime (`TOASOAN_PREVIEW_TTL_SECS`, default 3 600).
    pub preview_ttl: Duration,
    /// Origins allowed by CORS (`TOASOAN_CORS_ORIGINS`, comma separated; `*` for any).
    pub cors_origins: Vec<String>,
    /// First admin, created at start when no account exists.
    pub admin: Option<(String, Secret)>,
    /// Database connections per process (`TOASOAN_DB_POOL_SIZE`, default 16).
    pub pool_size: u32,
    /// HTTP worker threads (`TOASOAN_WORKERS`, default: one per core).
    pub workers: Option<usize>,
    /// `max-age` of public responses (`TOASOAN_CACHE_MAX_AGE` seconds, default 60).
    pub cache_max_age: u32,
    /// Longest life of an entry of the in-process cache of public reads
    /// (`TOASOAN_READ_CACHE_MS`, default 1 000; 0 turns the cache off): how
    /// late this instance may show another instance's writes, a scheduled
    /// publication in a list, or a list's expired article. Writes this
    /// instance commits are seen at once whatever it is.
    pub read_cache: Duration,
    /// Bytes the cache of public reads may hold, bodies and keys
    /// (`TOASOAN_READ_CACHE_BYTES`, default 64 MiB).
    pub read_cache_bytes: u64,
    /// Bytes of a SQLite database file its inline readers map into memory
    /// (`PRAGMA mmap_size`; 0: read with system calls).
    pub sqlite_mmap_bytes: u64,
    /// How often counted article views are written
    /// (`TOASOAN_VIEWS_FLUSH_SECS`, default 10).
    pub views_flush: Duration,
    /// How often this instance turns due scheduled publications and
    /// expiries into events (`TOASOAN_DUE_WORK_INTERVAL_MS`, default 1 000).
    pub due_work_interval: Duration,
    /// Failed logins allowed per account and address in the login window
    /// (`TOASOAN_LOGIN_MAX_FAILURES`, default 10).
    pub login_max_failures: i64,
    /// Failed logins allowed per address (an IPv6 /64) across all
    /// accounts in the window, against password spraying
    /// (`TOASOAN_LOGIN_MAX_FAILURES_PER_ADDRESS`, default 30).
    pub login_max_failures_per_address: i64,
    /// Failed logins allowed per account from all addresses in the window;
    /// past it only addresses the account logged in from before may try
    /// (`TOASOAN_LOGIN_MAX_FAILURES_PER_ACCOUNT`, default 50).
    pub login_max_failures_per_account: i64,
    /// The window failed logins are counted in
    /// (`TOASOAN_LOGIN_WINDOW_SECS`, default 900).
    pub login_window: Duration,
    /// How long a login refused by the throttle (429) is held before it is
    /// answered, so a flood of refused guesses costs the server little
    /// (`TOASOAN_LOGIN_TARPIT_MS`, default 250; 0 answers at once).
    pub login_tarpit: Duration,
    /// How often this instance writes the failed logins on unknown
    /// accounts it holds in memory (`TOASOAN_LOGIN_FLUSH_MS`, default
    /// 1 000): other instances count them that much later.
    pub login_flush: Duration,
    /// How long audit entries are kept
    /// (`TOASOAN_AUDIT_RETENTION_DAYS`, default 365).
    pub audit_retention: Duration,
    /// Limits on public reads (GET and HEAD) per client, shared by every
    /// instance on one database (`read_limit`).
    pub read_limits: ReadLimits,
    /// Password checks allowed to wait for a free slot; more get 503
    /// (`TOASOAN_PASSWORD_QUEUE`, default 64).
    pub password_queue: usize,
    /// Which proxies may name the client (`TOASOAN_TRUST_PROXY=true`
    /// trusts any peer; `TOASOAN_TRUSTED_PROXIES` lists addresses and
    /// CIDR ranges).
    pub proxies: crate::auth::TrustedProxies,
    /// argon2id's cost for new password hashes (`TOASOAN_ARGON2_MEMORY_KIB`,
    /// `TOASOAN_ARGON2_ITERATIONS`, `TOASOAN_ARGON2_PARALLELISM`).
    pub argon2: Argon2Cost,
    /// Logs as JSON lines (`TOASOAN_LOG_FORMAT=json`) rather than text.
    pub json_logs: bool,
    /// Reader comments: moderation, limits and abuse protection.
    pub comments: CommentConfig,
    /// Image uploads, processing and storage.
    pub media: MediaConfig,
    /// Newest revisions a never-published article keeps besides its first
    /// (`TOASOAN_DRAFT_REVISIONS_KEPT`, default 50).
    pub draft_revisions_kept: u32,
    /// Most "Nổi bật" (featured) slots (`TOASOAN_FEATURED_MAX`, default 20).
    pub featured_max: usize,
    /// Webhook deliveries: safety, timeouts and retries.
    pub webhooks: WebhookConfig,
}

/// How webhooks are delivered (`TOASOAN_WEBHOOK_*`, see README).
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Take `http` URLs as well as `https` (`TOASOAN_WEBHOOK_ALLOW_HTTP=true`;
    /// development and tests).
    pub allow_http: bool,
    /// Let URLs reach loopback, private, link-local and other internal
    /// addresses (`TOASOAN_WEBHOOK_ALLOW_PRIVATE=true`; development and tests).
    pub allow_private: bool,
    /// Longest wait for a receiver's answer (`TOASOAN_WEBHOOK_TIMEOUT_MS`, default 10 000).
    pub timeout: Duration,
    /// Delay before the first retry; each next one is 3.5 times longer
    /// (`TOASOAN_WEBHOOK_RETRY_BASE_MS`, default 30 000).
    pub retry_base: Duration,
    /// Attempts before a delivery is marked failed (`TOASOAN_WEBHOOK_MAX_ATTEMPTS`, default 8).
    pub max_attempts: u32,
    /// How often this instance looks for due deliveries (`TOASOAN_WEBHOOK_INTERVAL_MS`, default 1 000).
    pub interval: Duration,
    /// A subscription whose every attempt failed for this long is disabled
    /// (`TOASOAN_WEBHOOK_DISABLE_AFTER_SECS`, default 259 200: three days).
    pub disable_after: Duration,
    /// Deliveries one instance sends at once (`TOASOAN_WEBHOOK_CONCURRENCY`, default 16).
    pub concurrency: usize,
}

impl WebhookConfig {
    fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            allow_http: flag(get, "TOASOAN_WEBHOOK_ALLOW_HTTP")?,
            allow_private: flag(get, "TOASOAN_WEBHOOK_ALLOW_PRIVATE")?,
            timeout: Duration::from_millis(number(
                get,
                "TOASOAN_WEBHOOK_TIMEOUT_MS",
                10_000,
                100..=300_000,
            )?),
            retry_base: Duration::from_millis(number(
                get,
                "TOASOAN_WEBHOOK_RETRY_BASE_MS",
                30_000,
                1..=86_400_000,
            )?),
            max_attempts: u32::try_from(number(get, "TOASOAN_WEBHOOK_MAX_ATTEMPTS", 8, 1..=50)?)
                .unwrap_or(8),
            interval: Duration::from_millis(number(
                get,
                "TOASOAN_WEBHOOK_INTERVAL_MS",
                1_000,
                10..=600_000,
            )?),
            disable_after: Duration::from_secs(number(
                get,
                "TOASOAN_WEBHOOK_DISABLE_AFTER_SECS",
                3 * 86_400,
                0..=365 * 86_400,
            )?),
            concurrency: usize::try_from(number(get, "TOASOAN_WEBHOOK_CONCURRENCY", 16, 1..=256)?)
                .unwrap_or(16),
        })
    }
}

/// A true/false variable, false when unset.
fn flag(get: &impl Fn(&str) -> Option<String>, name: &'static str) -> Result<bool, ConfigError> {
    match get(name).as_deref().map(str::trim) {
        None | Some("0" | "false" | "no") => Ok(false),
        Some("1" | "true" | "yes") => Ok(true),
        Some(other) => Err(ConfigError {
            name,
            message: format!("expected true or false, got {other:?}"),
        }),
    }
}

/// How reader comments are taken (`TOASOAN_COMMENTS_*`, see README).
#[derive(Debug, Clone)]
pub struct CommentConfig {
    /// Premoderation (`TOASOAN_COMMENTS_PREMODERATE`, default true) and the
    /// blocklist (`TOASOAN_COMMENTS_BLOCKLIST`, comma separated words or phrases).
    pub policy: Policy,
    /// Body length (`TOASOAN_COMMENTS_MAX_LENGTH`, default 2 000 characters)
    /// and links per body (`TOASOAN_COMMENTS_MAX_LINKS`, default 2).
    pub text: TextLimits,
    /// Nesting levels, top-level comments included
    /// (`TOASOAN_COMMENTS_MAX_DEPTH`, default 2: comments and their replies).
    pub max_depth: u8,
    /// Comments from one address (`TOASOAN_COMMENTS_RATE_PER_ADDRESS`, `count/seconds`, default `5/60`).
    pub per_address: Rate,
    /// Comments on one article (`TOASOAN_COMMENTS_RATE_PER_ARTICLE`, default `60/60`).
    pub per_article: Rate,
    /// How long the same text counts as a duplicate, on the same article
    /// or from the same address (`TOASOAN_COMMENTS_DUPLICATE_WINDOW` seconds,
    /// default 86 400; 0 turns the check off).
    pub duplicate_window: Duration,
    /// Key for hashing client addresses (`TOASOAN_CLIENT_HASH_KEY`); derived
    /// from the JWT secret when unset.
    pub client_hash_key: Option<Secret>,
}

/// At most `max` actions per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Actions allowed per window.
    pub max: u32,
    /// The window.
    pub window: Duration,
}

/// Image uploads: limits, renditions and where files are stored.
#[derive(Debug, Clone)]
pub struct MediaConfig {
    /// Largest upload in bytes (`TOASOAN_MEDIA_MAX_BYTES`, default 20 MB).
    pub max_bytes: u64,
    /// Most pixels an image may declare (`TOASOAN_MEDIA_MAX_PIXELS`, default 50 000 000).
    pub max_pixels: u64,
    /// Rendition widths (`TOASOAN_MEDIA_WIDTHS`, comma separated, default `320,640,1024,1600`).
    pub widths: Vec<u32>,
    /// Keep the untouched upload, never served (`TOASOAN_MEDIA_KEEP_ORIGINALS=true`).
    pub keep_originals: bool,
    /// Uploads processed at once per process (`TOASOAN_MEDIA_CONCURRENCY`,
    /// default: one per core); bounds memory, since a decoded photo takes
    /// width × height × 3 bytes.
    pub concurrency: usize,
    /// Where files go.
    pub storage: MediaStorage,
}

/// Where image files are stored (`TOASOAN_MEDIA_STORAGE=local|s3`).
#[derive(Debug, Clone)]
pub enum MediaStorage {
    /// A directory (`TOASOAN_MEDIA_DIR`, default `<data dir>/media`).
    Local(PathBuf),
    /// An S3-compatible bucket: `TOASOAN_S3_BUCKET`, `TOASOAN_S3_REGION`
    /// (default `us-east-1`), `TOASOAN_S3_ENDPOINT` (for non-AWS servers),
    /// `TOASOAN_S3_ACCESS_KEY_ID`, `TOASOAN_S3_SECRET_ACCESS_KEY`,
    /// `TOASOAN_S3_PREFIX` (default `media`).
    S3 {
        /// Endpoint URL, `None` for AWS.
        endpoint: Option<String>,
        /// Bucket.
        bucket: String,
        /// Region.
        region: String,
        /// Access key id.
        access_key_id: String,
        /// Secret access key.
        secret_access_key: Secret,
        /// Key prefix.
        prefix: String,
    },
}

/// A secret value: usable through `expose`, printed as `<redacted>`, so
/// `{:?}` of the configuration never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A variable that is set but does not parse.
#[derive(Debug, thiserror::Error)]
#[error("{name}: {message}")]
pub struct ConfigError {
    name: &'static str,
    message: String,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Reads the configuration through `get` (the environment, or a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let data_dir =
            PathBuf::from(get("TOASOAN_DATA_DIR").unwrap_or_else(|| "./data".to_owned()));
        let database_url = get("DATABASE_URL")
            .unwrap_or_else(|| data_dir.join("toasoan.db").to_string_lossy().into_owned());
        let media = media(&get, &data_dir)?;
        let admin = match (get("TOASOAN_ADMIN_EMAIL"), get("TOASOAN_ADMIN_PASSWORD")) {
            (Some(email), Some(password)) => Some((email, password)),
            (None, None) => None,
            _ => {
                return Err(ConfigError {
                    name: "TOASOAN_ADMIN_EMAIL",
                    message: "set both TOASOAN_ADMIN_EMAIL and TOASOAN_ADMIN_PASSWORD, or neither"
                        .into(),
                });
            }
        };
        Ok(Self {
            listen: get("TOASOAN_LISTEN").unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            data_dir,
            database_url,
            jwt_secret: get("TOASOAN_JWT_SECRET").map(Secret::new),
            access_ttl: Duration::from_secs(number(
                &get,
                "TOASOAN_ACCESS_TOKEN_TTL",
                900,
                10..=86_400,
            )?),
            refresh_ttl: Duration::from_secs(number(
                &get,
                "TOASOAN_REFRESH_TOKEN_TTL",
                30 * 86_400,
                60..=365 * 86_400,
            )?),
            session_max_age: Duration::from_secs(number(
                &get,
                "TOASOAN_SESSION_MAX_AGE",
                90 * 86_400,
                60..=3_650 * 86_400,
            )?),
            refresh_grace: Duration::from_secs(number(
                &get,
                "TOASOAN_REFRESH_GRACE_SECS",
                30,
                0..=600,
            )?),
            prune_interval: Duration::from_secs(number(
                &get,
                "TOASOAN_PRUNE_INTERVAL_SECS",
                600,
                1..=86_400,
            )?),
            preview_ttl: Duration::from_secs(number(
                &get,
                "TOASOAN_PREVIEW_TTL_SECS",
                3_600,
                1..=7 * 86_400,
            )?),
            cors_origins: get("TOASOAN_CORS_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            admin: admin.map(|(email, password)| (email, Secret::new(password))),
            pool_size: u32::try_from(number(&get, "TOASOAN_DB_POOL_SIZE", 16, 1..=512)?)
                .unwrap_or(16),
            workers: get("TOASOAN_WORKERS")
                .map(|_| number(&get, "TOASOAN_WORKERS", 1, 1..=256).map(|n| n as usize))
                .transpose()?,
            cache_max_age: u32::try_from(number(&get, "TOASOAN_CACHE_MAX_AGE", 60, 0..=86_400)?)
                .unwrap_or(60),
            read_cache: Duration::from_millis(number(
                &get,
                "TOASOAN_READ_CACHE_MS",
                1_000,
                0..=3_600_000,
            )?),
            read_cache_bytes: number(&get, "TOASOAN_READ_CACHE_BYTES", 64 << 20, 0..=1 << 40)?,
            sqlite_mmap_bytes: number(&get, "TOASOAN_SQLITE_MMAP_BYTES", 0, 0..=1 << 40)?,
            views_flush: Duration::from_secs(number(
                &get,
                "TOASOAN_VIEWS_FLUSH_SECS",
                10,
                1..=3_600,
            )?),
            due_work_interval: Duration::from_millis(number(
                &get,
                "TOASOAN_DUE_WORK_INTERVAL_MS",
                1_000,
                10..=600_000,
            )?),
            login_max_failures: i64::try_from(number(
                &get,
                "TOASOAN_LOGIN_MAX_FAILURES",
                10,
                1..=10_000,
            )?)
            .unwrap_or(10),
            login_max_failures_per_address: i64::try_from(number(
                &get,
                "TOASOAN_LOGIN_MAX_FAILURES_PER_ADDRESS",
                30,
                1..=100_000,
            )?)
            .unwrap_or(30),
            login_max_failures_per_account: i64::try_from(number(
                &get,
                "TOASOAN_LOGIN_MAX_FAILURES_PER_ACCOUNT",
                50,
                1..=100_000,
            )?)
            .unwrap_or(50),
            login_window: Duration::from_secs(number(
                &get,
                "TOASOAN_LOGIN_WINDOW_SECS",
                900,
                1..=86_400,
            )?),
            login_tarpit: Duration::from_millis(number(
                &get,
                "TOASOAN_LOGIN_TARPIT_MS",
                250,
                0..=10_000,
            )?),
            login_flush: Duration::from_millis(number(
                &get,
                "TOASOAN_LOGIN_FLUSH_MS",
                1_000,
                10..=60_000,
            )?),
            audit_retention: Duration::from_secs(
                86_400 * number(&get, "TOASOAN_AUDIT_RETENTION_DAYS", 365, 1..=36_500)?,
            ),
            read_limits: ReadLimits {
                per_address: number(&get, "TOASOAN_READ_RATE_LIMIT", 0, 0..=100_000_000)?,
                per_key: number(&get, "TOASOAN_READ_RATE_LIMIT_PER_KEY", 0, 0..=100_000_000)?,
                window: Duration::from_secs(number(
                    &get,
                    "TOASOAN_READ_RATE_WINDOW_SECS",
                    60,
                    1..=86_400,
                )?),
                sync: Duration::from_millis(number(
                    &get,
                    "TOASOAN_READ_RATE_SYNC_MS",
                    1000,
                    50..=60_000,
                )?),
            },
            password_queue: usize::try_from(number(
                &get,
                "TOASOAN_PASSWORD_QUEUE",
                64,
                0..=100_000,
            )?)
            .unwrap_or(64),
            proxies: crate::auth::TrustedProxies::parse(
                get("TOASOAN_TRUST_PROXY")
                    .is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes")),
                &get("TOASOAN_TRUSTED_PROXIES").unwrap_or_default(),
            )
            .map_err(|message| ConfigError {
                name: "TOASOAN_TRUSTED_PROXIES",
                message,
            })?,
            argon2: argon2_cost(&get)?,
            json_logs: get("TOASOAN_LOG_FORMAT").is_some_and(|f| f.eq_ignore_ascii_case("json")),
            comments: CommentConfig::from_lookup(&get)?,
            media,
            draft_revisions_kept: u32::try_from(number(
                &get,
                "TOASOAN_DRAFT_REVISIONS_KEPT",
                u64::from(toasoan_domain::revision::DEFAULT_DRAFTS_KEPT),
                1..=100_000,
            )?)
            .unwrap_or(toasoan_domain::revision::DEFAULT_DRAFTS_KEPT),
            featured_max: usize::try_from(number(
                &get,
                "TOASOAN_FEATURED_MAX",
                toasoan_domain::placement::DEFAULT_FEATURED_MAX as u64,
                1..=100,
            )?)
            .unwrap_or(toasoan_domain::placement::DEFAULT_FEATURED_MAX),
            webhooks: WebhookConfig::from_lookup(&get)?,
        })
    }
}

impl CommentConfig {
    fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let premoderate = match get("TOASOAN_COMMENTS_PREMODERATE").as_deref() {
            None | Some("1" | "true" | "yes") => true,
            Some("0" | "false" | "no") => false,
            Some(other) => {
                return Err(ConfigError {
                    name: "TOASOAN_COMMENTS_PREMODERATE",
                    message: format!("expected true or false, got {other:?}"),
                });
            }
        };
        let blocklist = get("TOASOAN_COMMENTS_BLOCKLIST").unwrap_or_default();
        let small = |name, default, range| {
            number(get, name, default, range).map(|n| usize::try_from(n).unwrap_or(usize::MAX))
        };
        Ok(Self {
            policy: Policy {
                premoderate,
                blocklist: Blocklist::new(blocklist.split(',')),
            },
            text: TextLimits {
                max_body_chars: small("TOASOAN_COMMENTS_MAX_LENGTH", 2_000, 1..=20_000)?,
                max_links: small("TOASOAN_COMMENTS_MAX_LINKS", 2, 0..=100)?,
            },
            max_depth: u8::try_from(number(get, "TOASOAN_COMMENTS_MAX_DEPTH", 2, 1..=10)?)
                .unwrap_or(2),
            per_address: rate(get, "TOASOAN_COMMENTS_RATE_PER_ADDRESS", (5, 60))?,
            per_article: rate(get, "TOASOAN_COMMENTS_RATE_PER_ARTICLE", (60, 60))?,
            duplicate_window: Duration::from_secs(number(
                get,
                "TOASOAN_COMMENTS_DUPLICATE_WINDOW",
                86_400,
                0..=30 * 86_400,
            )?),
            client_hash_key: get("TOASOAN_CLIENT_HASH_KEY").map(Secret::new),
        })
    }
}

/// argon2id's cost, each number in its range, and the three together one
/// argon2 takes (at least 8 KiB of memory per lane).
fn argon2_cost(get: &impl Fn(&str) -> Option<String>) -> Result<Argon2Cost, ConfigError> {
    let default = Argon2Cost::default();
    let small = |name, default: u32, range| {
        number(get, name, u64::from(default), range).map(|n| u32::try_from(n).unwrap_or(default))
    };
    let cost = Argon2Cost {
        memory_kib: small(
            "TOASOAN_ARGON2_MEMORY_KIB",
            default.memory_kib,
            8..=4 * 1024 * 1024,
        )?,
        iterations: small("TOASOAN_ARGON2_ITERATIONS", default.iterations, 1..=100)?,
        parallelism: small("TOASOAN_ARGON2_PARALLELISM", default.parallelism, 1..=64)?,
    };
    cost.params().map_err(|message| ConfigError {
        name: "TOASOAN_ARGON2_MEMORY_KIB",
        message,
    })?;
    Ok(cost)
}

/// Reads `count/seconds`, e.g. `5/60`.
fn rate(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: (u32, u64),
) -> Result<Rate, ConfigError> {
    let Some(raw) = get(name) else {
        return Ok(Rate {
            max: default.0,
            window: Duration::from_secs(default.1),
        });
    };
    let parsed = raw.split_once('/').and_then(|(max, secs)| {
        let max = max.trim().parse::<u32>().ok()?;
        let secs = secs.trim().parse::<u64>().ok()?;
        (max >= 1 && (1..=86_400).contains(&secs)).then_some(Rate {
            max,
            window: Duration::from_secs(secs),
        })
    });
    parsed.ok_or_else(|| ConfigError {
        name,
        message: format!(
            "expected count/seconds such as 5/60 (count at least 1, at most 86400 seconds), got {raw:?}"
        ),
    })
}

fn media(
    get: &impl Fn(&str) -> Option<String>,
    data_dir: &Path,
) -> Result<MediaConfig, ConfigError> {
    use toasoan_domain::image_file::{
        DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_RENDITION_WIDTHS,
    };
    let widths = match get("TOASOAN_MEDIA_WIDTHS") {
        None => DEFAULT_RENDITION_WIDTHS.to_vec(),
        Some(raw) => raw
            .split(',')
            .map(|w| {
                w.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|w| (16..=8192).contains(w))
            })
            .collect::<Option<Vec<u32>>>()
            .ok_or_else(|| ConfigError {
                name: "TOASOAN_MEDIA_WIDTHS",
                message: format!(
                    "expected widths from 16 to 8192 separated by commas, got {raw:?}"
                ),
            })?,
    };
    let storage = match get("TOASOAN_MEDIA_STORAGE").as_deref() {
        None | Some("local") => MediaStorage::Local(
            get("TOASOAN_MEDIA_DIR").map_or_else(|| data_dir.join("media"), PathBuf::from),
        ),
        Some("s3") => {
            let required = |name: &'static str| {
                get(name).ok_or_else(|| ConfigError {
                    name,
                    message: "required when TOASOAN_MEDIA_STORAGE=s3".into(),
                })
            };
            MediaStorage::S3 {
                endpoint: get("TOASOAN_S3_ENDPOINT"),
                bucket: required("TOASOAN_S3_BUCKET")?,
                region: get("TOASOAN_S3_REGION").unwrap_or_else(|| "us-east-1".to_owned()),
                access_key_id: required("TOASOAN_S3_ACCESS_KEY_ID")?,
                secret_access_key: Secret::new(required("TOASOAN_S3_SECRET_ACCESS_KEY")?),
                prefix: get("TOASOAN_S3_PREFIX").unwrap_or_else(|| "media".to_owned()),
            }
        }
        Some(other) => {
            return Err(ConfigError {
                name: "TOASOAN_MEDIA_STORAGE",
                message: format!("expected local or s3, got {other:?}"),
            });
        }
    };
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Ok(MediaConfig {
        max_bytes: number(
            get,
            "TOASOAN_MEDIA_MAX_BYTES",
            DEFAULT_MAX_BYTES,
            1024..=1 << 30,
        )?,
        max_pixels: number(
            get,
            "TOASOAN_MEDIA_MAX_PIXELS",
            DEFAULT_MAX_PIXELS,
            1..=500_000_000,
        )?,
        widths,
        keep_originals: get("TOASOAN_MEDIA_KEEP_ORIGINALS")
            .is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes")),
        concurrency: usize::try_from(number(
            get,
            "TOASOAN_MEDIA_CONCURRENCY",
            cores as u64,
            1..=64,
        )?)
        .unwrap_or(cores),
        storage,
    })
}

/// Limits on public reads per client (`read_limit`); 0 means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Reads per window from one address (an IPv6 client's /64)
    /// (`TOASOAN_READ_RATE_LIMIT`, default 0: no limit).
    pub per_address: u64,
    /// Reads per window with one API key, instead of its address's budget
    /// (`TOASOAN_READ_RATE_LIMIT_PER_KEY`, default 0: no limit).
    pub per_key: u64,
    /// The window, fixed and aligned to the clock
    /// (`TOASOAN_READ_RATE_WINDOW_SECS`, default 60).
    pub window: Duration,
    /// How often each instance shares its counts through the database
    /// (`TOASOAN_READ_RATE_SYNC_MS`, default 1000).
    pub sync: Duration,
}

impl ReadLimits {
    /// True when any limit is set.
    pub fn enabled(&self) -> bool {
        self.per_address > 0 || self.per_key > 0
    }
}

fn number(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, ConfigError> {
    let Some(raw) = get(name) else {
        return Ok(default);
    };
    match raw.trim().parse::<u64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(ConfigError {
            name,
            message: format!(
                "expected a whole number from {} to {}, got {raw:?}",
                range.start(),
                range.end()
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_serve_sqlite_in_the_data_directory() {
        let c = config(&[]).unwrap();
        assert_eq!(c.listen, "127.0.0.1:8080");
        assert!(c.database_url.ends_with("toasoan.db"));
        assert_eq!(c.access_ttl, Duration::from_secs(900));
        assert_eq!(c.preview_ttl, Duration::from_secs(3_600));
        assert_eq!(c.media.max_bytes, 20 * 1024 * 1024);
        assert_eq!(c.media.widths, [320, 640, 1024, 1600]);
        assert!(matches!(c.media.storage, MediaStorage::Local(ref d) if d.ends_with("media")));
    }

    #[test]
    fn s3_storage_needs_its_bucket_and_keys() {
        assert!(config(&[("TOASOAN_MEDIA_STORAGE", "s3")]).is_err());
        assert!(config(&[("TOASOAN_MEDIA_STORAGE", "ftp")]).is_err());
        assert!(config(&[("TOASOAN_MEDIA_WIDTHS", "320,abc")]).is_err());
        let c = config(&[
            ("TOASOAN_MEDIA_STORAGE", "s3"),
            ("TOASOAN_S3_BUCKET", "anh"),
            ("TOASOAN_S3_ACCESS_KEY_ID", "id"),
            ("TOASOAN_S3_SECRET_ACCESS_KEY", "khoa-bi-mat"),
        ])
        .unwrap();
        assert!(matches!(c.media.storage, MediaStorage::S3 { ref bucket, .. } if bucket == "anh"));
        assert!(!format!("{c:?}").contains("khoa-bi-mat"));
    }

    #[test]
    fn argon2_costs_default_to_the_crates_and_bad_ones_name_their_variable() {
        let c = config(&[]).unwrap();
        assert_eq!(
            (
                c.argon2.memory_kib,
                c.argon2.iterations,
                c.argon2.parallelism
            ),
            (19_456, 2, 1)
        );
        let c = config(&[
            ("TOASOAN_ARGON2_MEMORY_KIB", "65536"),
            ("TOASOAN_ARGON2_ITERATIONS", "3"),
            ("TOASOAN_ARGON2_PARALLELISM", "4"),
        ])
        .unwrap();
        assert_eq!(
            (
                c.argon2.memory_kib,
                c.argon2.iterations,
                c.argon2.parallelism
            ),
            (65_536, 3, 4)
        );
        for (name, value) in [
            ("TOASOAN_ARGON2_MEMORY_KIB", "lots"),
            ("TOASOAN_ARGON2_MEMORY_KIB", "4"),
            ("TOASOAN_ARGON2_ITERATIONS", "0"),
            ("TOASOAN_ARGON2_PARALLELISM", "65"),
        ] {
            let err = config(&[(name, value)]).unwrap_err().to_string();
            assert!(err.starts_with(name), "{name}={value}: {err}");
        }
        // Each in range, but too little memory for the lanes.
        let err = config(&[
            ("TOASOAN_ARGON2_MEMORY_KIB", "16"),
            ("TOASOAN_ARGON2_PARALLELISM", "4"),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("8 KiB per lane"), "{err}");
    }

    #[test]
    fn bad_numbers_name_the_variable() {
        let err = config(&[("TOASOAN_ACCESS_TOKEN_TTL", "soon")]).unwrap_err();
        assert!(err.to_string().starts_with("TOASOAN_ACCESS_TOKEN_TTL"));
        assert!(config(&[("TOASOAN_ADMIN_EMAIL", "a@b.vn")]).is_err());
    }

    #[test]
    fn debug_output_hides_the_secrets() {
        let c = config(&[
            (
                "TOASOAN_JWT_SECRET",
                "s3cret-s3cret-s3cret-s3cret-s3cret-42",
            ),
            ("TOASOAN_ADMIN_EMAIL", "a@b.vn"),
            ("TOASOAN_ADMIN_PASSWORD", "mat-khau-bi-mat"),
        ])
        .unwrap();
        let printed = format!("{c:?}");
        assert!(!printed.contains("s3cret"), "{printed}");
        assert!(!printed.contains("mat-khau-bi-mat"), "{printed}");
        assert!(printed.contains("<redacted>") && printed.contains("a@b.vn"));
    }

    #[test]
    fn comment_settings_have_newsroom_defaults_and_parse() {
        let c = config(&[]).unwrap().comments;
        assert!(c.policy.premoderate && c.policy.blocklist.is_empty());
        assert_eq!((c.per_address.max, c.per_address.window.as_secs()), (5, 60));
        assert_eq!(c.max_depth, 2);
        let c = config(&[
            ("TOASOAN_COMMENTS_PREMODERATE", "false"),
            ("TOASOAN_COMMENTS_BLOCKLIST", "co bac, lừa đảo"),
            ("TOASOAN_COMMENTS_RATE_PER_ADDRESS", "2/10"),
            ("TOASOAN_CLIENT_HASH_KEY", "bi-mat"),
        ])
        .unwrap()
        .comments;
        assert!(!c.policy.premoderate);
        assert!(c.policy.blocklist.matches("Cờ bạc"));
        assert_eq!((c.per_address.max, c.per_address.window.as_secs()), (2, 10));
        assert!(!format!("{c:?}").contains("bi-mat"));
        for (name, value) in [
            ("TOASOAN_COMMENTS_RATE_PER_ADDRESS", "5"),
            ("TOASOAN_COMMENTS_RATE_PER_ARTICLE", "0/60"),
            ("TOASOAN_COMMENTS_PREMODERATE", "maybe"),
            ("TOASOAN_COMMENTS_MAX_DEPTH", "0"),
        ] {
            let err = config(&[(name, value)]).unwrap_err();
            assert!(err.to_string().starts_with(name), "{err}");
        }
    }

    #[test]
    fn webhook_settings_are_safe_by_default_and_parse() {
        let w = config(&[]).unwrap().webhooks;
        assert!(!w.allow_http && !w.allow_private);
        assert_eq!(w.timeout, Duration::from_secs(10));
        assert_eq!(w.retry_base, Duration::from_secs(30));
        assert_eq!(w.max_attempts, 8);
        assert_eq!(w.disable_after, Duration::from_secs(3 * 86_400));
        let w = config(&[
            ("TOASOAN_WEBHOOK_ALLOW_HTTP", "true"),
            ("TOASOAN_WEBHOOK_ALLOW_PRIVATE", "1"),
            ("TOASOAN_WEBHOOK_RETRY_BASE_MS", "50"),
        ])
        .unwrap()
        .webhooks;
        assert!(w.allow_http && w.allow_private);
        assert_eq!(w.retry_base, Duration::from_millis(50));
        for (name, value) in [
            ("TOASOAN_WEBHOOK_ALLOW_PRIVATE", "perhaps"),
            ("TOASOAN_WEBHOOK_MAX_ATTEMPTS", "0"),
            ("TOASOAN_WEBHOOK_TIMEOUT_MS", "10"),
        ] {
            let err = config(&[(name, value)]).unwrap_err();
            assert!(err.to_string().starts_with(name), "{err}");
        }
    }
}
