//! Runs SQL statements against a SQLite database through the bundled
//! SQLite (the system `sqlite3` may be too old for the search table's
//! options), timing each: `sql_time DB 'STATEMENT' ['STATEMENT' ...]`.
//! Statements that return rows print up to 20 of them, columns joined by |.

#![expect(
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a measuring tool stops at the first failure and prints its figures"
)]

use libsqlite3_sys as ffi;
use std::ffi::{CStr, CString};
use std::ptr;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = CString::new(args[1].clone()).expect("path");
    let mut db = ptr::null_mut();
    // SAFETY: plain use of the SQLite C API on one connection.
    unsafe {
        assert_eq!(
            ffi::sqlite3_open(path.as_ptr(), &raw mut db),
            ffi::SQLITE_OK
        );
        for statement in &args[2..] {
            let text = CString::new(statement.clone()).expect("sql");
            let mut rest = text.as_ptr();
            while !rest.is_null() && *rest != 0 {
                let mut stmt = ptr::null_mut();
                let t0 = Instant::now();
                let rc = ffi::sqlite3_prepare_v2(db, rest, -1, &raw mut stmt, &raw mut rest);
                if rc != ffi::SQLITE_OK {
                    println!(
                        "error: {}",
                        CStr::from_ptr(ffi::sqlite3_errmsg(db)).to_string_lossy()
                    );
                    return;
                }
                if stmt.is_null() {
                    continue;
                }
                let mut rows = 0;
                loop {
                    let rc = ffi::sqlite3_step(stmt);
                    if rc == ffi::SQLITE_ROW {
                        if rows < 20 {
                            let n = ffi::sqlite3_column_count(stmt);
                            let cols: Vec<String> = (0..n)
                                .map(|i| {
                                    let t = ffi::sqlite3_column_text(stmt, i);
                                    if t.is_null() {
                                        "NULL".to_owned()
                                    } else {
                                        CStr::from_ptr(t.cast()).to_string_lossy().into_owned()
                                    }
                                })
                                .collect();
                            println!("{}", cols.join("|"));
                        }
                        rows += 1;
                    } else if rc == ffi::SQLITE_DONE {
                        break;
                    } else {
                        println!(
                            "error: {}",
                            CStr::from_ptr(ffi::sqlite3_errmsg(db)).to_string_lossy()
                        );
                        break;
                    }
                }
                ffi::sqlite3_finalize(stmt);
                println!(
                    "-- {rows} rows, {:.1} ms",
                    t0.elapsed().as_secs_f64() * 1000.0
                );
            }
        }
        ffi::sqlite3_close(db);
    }
}
