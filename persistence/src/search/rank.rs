//! `toasoan_bm25`, an FTS5 ranking function registered on every SQLite
//! connection: FTS5's own `bm25` (same formula, same constants, same
//! column weights), except that each phrase's document frequency comes from
//! a cache shared by the connections instead of being counted again by every search.
//!
//! FTS5 stores no document frequencies: `bm25` counts them on its first row
//! by walking every match of each phrase in the whole table
//! (`xQueryPhrase`). For the common words of a two-word query at 100 000
//! articles that walk was nearly all of a search's cost (15–20 ms of it),
//! however few rows the search then ranks. A frequency is a slowly moving
//! statistic of the corpus, so a counted one is reused, by every connection
//! of the process to the same database file, while it is fresh:
//! for `FRESH` and while the table's row count stays within 1 % of the
//! count it was taken at (any change at all in a small table). Rankings can
//! therefore differ from `bm25`'s only by the articles written in the
//! meantime, as they would between two searches anyway.
//!
//! SQL: `toasoan_bm25(article_search, w0, .., w4, key0, .., keyN)`: the five
//! column weights, then one text per phrase of the MATCH expression, in
//! order, naming it for the cache (`engine::fts5_phrase_keys`). Like `bm25`
//! it returns the score negated (lower is better).

use libsqlite3_sys as ffi;
use std::collections::HashMap;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::ptr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex, Once};
use std::time::{Duration, Instant};

/// How long a counted document frequency is reused.
const FRESH: Duration = Duration::from_secs(60);
/// Most frequencies kept in the process; the cache empties when full.
const CAPACITY: usize = 50_000;
/// Column weights the function reads before the phrase keys.
pub(crate) const COLUMNS: usize = 5;
/// bm25 constants, as FTS5's own.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// A phrase's document frequency, when and at which table size it was counted.
struct Counted {
    hits: i64,
    rows: i64,
    at: Instant,
}

/// The frequencies counted in this process, by database and phrase key
/// (`scope` of the connection, then the key). One for every connection:
/// with a cache per connection, each of the pool's connections counted
/// every word again, and concurrent searches, each on its own connection,
/// mostly met cold caches.
static CACHE: LazyLock<Mutex<HashMap<Vec<u8>, Counted>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// What a connection's frequencies are filed under: its database file's
/// path, or for a database without one (in memory, temporary) a name of
/// its own.
struct Scope(Vec<u8>);

/// Numbers the connections to databases without a file.
static UNNAMED: AtomicU64 = AtomicU64::new(0);

/// What one statement's ranking needs for every row: computed on its first.
struct Statement {
    idf: Vec<f64>,
    avgdl: f64,
}

static REGISTER: Once = Once::new();

/// Makes every SQLite connection opened from now on carry `toasoan_bm25`.
pub(crate) fn register() {
    REGISTER.call_once(|| {
        // SAFETY: `init` has the signature SQLite calls auto extensions with.
        unsafe {
            ffi::sqlite3_auto_extension(Some(init));
        }
    });
}

/// Registers the function on a new connection `db`.
unsafe extern "C" fn init(
    db: *mut ffi::sqlite3,
    _error: *mut *mut c_char,
    _api: *const ffi::sqlite3_api_routines,
) -> c_int {
    // SAFETY: `db` is the connection being opened; the statement is
    // prepared, stepped and finalized on it, and the pointer FTS5 writes
    // is the local `api`, read only after the step.
    unsafe {
        let mut api: *mut ffi::fts5_api = ptr::null_mut();
        let mut stmt = ptr::null_mut();
        let rc = ffi::sqlite3_prepare_v2(
            db,
            c"SELECT fts5(?1)".as_ptr(),
            -1,
            &raw mut stmt,
            ptr::null_mut(),
        );
        if rc != ffi::SQLITE_OK {
            return rc;
        }
        ffi::sqlite3_bind_pointer(
            stmt,
            1,
            (&raw mut api).cast(),
            c"fts5_api_ptr".as_ptr(),
            None,
        );
        ffi::sqlite3_step(stmt);
        ffi::sqlite3_finalize(stmt);
        let Some(create) = api.as_ref().and_then(|a| a.xCreateFunction) else {
            return ffi::SQLITE_ERROR;
        };
        let file = ffi::sqlite3_db_filename(db, c"main".as_ptr());
        let mut scope = if file.is_null() {
            Vec::new()
        } else {
            CStr::from_ptr(file).to_bytes().to_vec()
        };
        if scope.is_empty() {
            scope = format!(":unnamed:{}", UNNAMED.fetch_add(1, Ordering::Relaxed)).into_bytes();
        }
        scope.push(0);
        let scope: *mut Scope = Box::into_raw(Box::new(Scope(scope)));
        let rc = create(
            api,
            c"toasoan_bm25".as_ptr(),
            scope.cast(),
            Some(rank),
            Some(drop_scope),
        );
        if rc != ffi::SQLITE_OK {
            drop(Box::from_raw(scope));
        }
        rc
    }
}

unsafe extern "C" fn drop_scope(scope: *mut c_void) {
    // SAFETY: the pointer is the `Box<Scope>` given to xCreateFunction,
    // which SQLite hands back once, when the function goes.
    unsafe { drop(Box::from_raw(scope.cast::<Scope>())) }
}

unsafe extern "C" fn free_statement(p: *mut c_void) {
    // SAFETY: the pointer is the `Box<Statement>` given to xSetAuxdata.
    unsafe { drop(Box::from_raw(p.cast::<Statement>())) }
}

unsafe extern "C" fn count_row(
    _api: *const ffi::Fts5ExtensionApi,
    _fts: *mut ffi::Fts5Context,
    hits: *mut c_void,
) -> c_int {
    // SAFETY: `hits` is the `i64` `document_frequency` passes.
    unsafe { *hits.cast::<i64>() += 1 };
    ffi::SQLITE_OK
}

/// The function FTS5 calls for each row.
unsafe extern "C" fn rank(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    n: c_int,
    args: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: FTS5 calls this with its API, the row's context and `n`
    // arguments; every call below is to that API for this row.
    unsafe {
        // No arguments may come as a null pointer, which no slice may hold.
        let args = match usize::try_from(n) {
            Ok(len) if len > 0 && !args.is_null() => std::slice::from_raw_parts(args, len),
            _ => &[],
        };
        match score(&*api, fts, args) {
            Ok(score) => ffi::sqlite3_result_double(ctx, -score),
            Err(message) => {
                ffi::sqlite3_result_error(ctx, message.as_ptr(), -1);
            }
        }
    }
}

/// Unwraps an FTS5 API entry (all exist from the API version FTS5 has had
/// for years; checked anyway).
macro_rules! call {
    ($api:expr, $f:ident) => {
        $api.$f.ok_or(c"toasoan_bm25: FTS5 API entry missing")?
    };
}

/// The row's bm25 score (positive, higher is better).
unsafe fn score(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    args: &[*mut ffi::sqlite3_value],
) -> Result<f64, &'static CStr> {
    // SAFETY: as in `rank`.
    unsafe {
        let phrases = usize::try_from(call!(api, xPhraseCount)(fts)).unwrap_or(0);
        if args.len() != COLUMNS + phrases {
            return Err(c"toasoan_bm25: five weights and one key per phrase expected");
        }
        let mut statement = call!(api, xGetAuxdata)(fts, 0).cast::<Statement>();
        if statement.is_null() {
            let fresh = Box::into_raw(Box::new(statistics(api, fts, &args[COLUMNS..])?));
            if call!(api, xSetAuxdata)(fts, fresh.cast(), Some(free_statement)) != ffi::SQLITE_OK {
                return Err(c"toasoan_bm25: no memory");
            }
            statement = fresh;
        }
        let statement = &*statement;
        let mut freq = vec![0.0_f64; phrases];
        let mut count = 0;
        if call!(api, xInstCount)(fts, &raw mut count) != ffi::SQLITE_OK {
            return Err(c"toasoan_bm25: xInstCount failed");
        }
        for i in 0..count {
            let (mut phrase, mut column, mut offset) = (0, 0, 0);
            if call!(api, xInst)(fts, i, &raw mut phrase, &raw mut column, &raw mut offset)
                != ffi::SQLITE_OK
            {
                return Err(c"toasoan_bm25: xInst failed");
            }
            let weight = usize::try_from(column)
                .ok()
                .filter(|c| *c < COLUMNS)
                .map_or(1.0, |c| ffi::sqlite3_value_double(args[c]));
            if let Some(f) = usize::try_from(phrase).ok().and_then(|p| freq.get_mut(p)) {
                *f += weight;
            }
        }
        let mut tokens = 0;
        if call!(api, xColumnSize)(fts, -1, &raw mut tokens) != ffi::SQLITE_OK {
            return Err(c"toasoan_bm25: xColumnSize failed");
        }
        let norm = K1 * (1.0 - B + B * f64::from(tokens) / statement.avgdl);
        Ok(statement
            .idf
            .iter()
            .zip(&freq)
            .map(|(idf, f)| idf * (f * (K1 + 1.0)) / (f + norm))
            .sum())
    }
}

/// The statement's IDFs and average document length, as `bm25` computes
/// them, with document frequencies from the process's cache.
unsafe fn statistics(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    keys: &[*mut ffi::sqlite3_value],
) -> Result<Statement, &'static CStr> {
    // SAFETY: as in `rank`; the user data is the connection's `Scope`.
    unsafe {
        let (mut rows, mut tokens) = (0_i64, 0_i64);
        if call!(api, xRowCount)(fts, &raw mut rows) != ffi::SQLITE_OK
            || call!(api, xColumnTotalSize)(fts, -1, &raw mut tokens) != ffi::SQLITE_OK
        {
            return Err(c"toasoan_bm25: table statistics unavailable");
        }
        let avgdl = if rows > 0 {
            tokens as f64 / rows as f64
        } else {
            1.0
        };
        let scope = &*call!(api, xUserData)(fts).cast::<Scope>();
        let mut idf = Vec::with_capacity(keys.len());
        for (i, key) in keys.iter().enumerate() {
            let mut key = value_bytes(*key);
            key.splice(0..0, scope.0.iter().copied());
            let cached = CACHE
                .lock()
                .ok()
                .and_then(|c| c.get(&key).filter(|k| fresh(k, rows)).map(|k| k.hits));
            let hits = match cached {
                Some(hits) => hits,
                None => {
                    let phrase = c_int::try_from(i).unwrap_or(c_int::MAX);
                    let hits = document_frequency(api, fts, phrase)?;
                    if let Ok(mut c) = CACHE.lock() {
                        if c.len() >= CAPACITY {
                            c.clear();
                        }
                        c.insert(
                            key,
                            Counted {
                                hits,
                                rows,
                                at: Instant::now(),
                            },
                        );
                    }
                    hits
                }
            };
            let value = ((rows - hits) as f64 + 0.5) / (hits as f64 + 0.5);
            let value = value.ln();
            idf.push(if value <= 0.0 { 1e-6 } else { value });
        }
        Ok(Statement { idf, avgdl })
    }
}

/// True while a counted frequency may stand for the table of `rows` rows.
fn fresh(counted: &Counted, rows: i64) -> bool {
    counted.at.elapsed() < FRESH && (rows - counted.rows).abs() * 100 <= counted.rows
}

/// Rows matching the statement's phrase `phrase`, counted over the table.
unsafe fn document_frequency(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    phrase: c_int,
) -> Result<i64, &'static CStr> {
    let mut hits = 0_i64;
    // SAFETY: as in `rank`; `count_row` adds to `hits`, alive for the call.
    let rc =
        unsafe { call!(api, xQueryPhrase)(fts, phrase, (&raw mut hits).cast(), Some(count_row)) };
    if rc == ffi::SQLITE_OK {
        Ok(hits)
    } else {
        Err(c"toasoan_bm25: counting a phrase failed")
    }
}

/// The bytes of a text (or any) argument.
unsafe fn value_bytes(value: *mut ffi::sqlite3_value) -> Vec<u8> {
    // SAFETY: `value` is a live argument; its text and length are read
    // before anything else touches it.
    unsafe {
        let text = ffi::sqlite3_value_text(value);
        let len = usize::try_from(ffi::sqlite3_value_bytes(value)).unwrap_or(0);
        if text.is_null() {
            Vec::new()
        } else {
            std::slice::from_raw_parts(text, len).to_vec()
        }
    }
}
