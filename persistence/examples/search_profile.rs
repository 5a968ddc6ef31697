//! Search timing without HTTP: `search_profile DATABASE_URL PATHS [PASSES] [THREADS]`.
//! Runs every query of PATHS (the `search-paths.txt` `.ci/bench` writes:
//! one `/api/v1/articles?...&q=...` a line) through `search::search` and
//! `search::highlights` as a reader's first page, THREADS at a time (each
//! its own pooled connection, the queries shared out in turn), PASSES
//! times; prints p50/p90/p99/max per pass, in ms.

#![expect(
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a benchmark tool stops at the first failure and prints its figures"
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use toasoan_domain::search::SearchQuery;
use toasoan_persistence::queries::articles::ListQuery;
use toasoan_persistence::{search, time};

fn query_of(line: &str) -> Option<String> {
    let q = line.split_once("q=")?.1;
    let q = q.split('&').next()?;
    let bytes = q.replace('+', " ");
    let mut out = Vec::new();
    let mut it = bytes.bytes();
    while let Some(b) = it.next() {
        if b == b'%' {
            let h: String = [it.next()?, it.next()?]
                .iter()
                .map(|&c| c as char)
                .collect();
            out.push(u8::from_str_radix(&h, 16).ok()?);
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).ok()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = &args[1];
    let queries: Vec<SearchQuery> = std::fs::read_to_string(&args[2])
        .expect("paths")
        .lines()
        .filter_map(query_of)
        .map(|q| SearchQuery::parse(&q).expect("query"))
        .collect();
    let passes: usize = args.get(3).map_or(3, |a| a.parse().expect("passes"));
    let threads: usize = args.get(4).map_or(1, |a| a.parse().expect("threads"));
    let pool =
        toasoan_persistence::connect(url, u32::try_from(threads).expect("threads")).expect("pool");
    let queries = Arc::new(queries);
    for pass in 1..=passes {
        let next = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (pool, queries, next) = (pool.clone(), queries.clone(), next.clone());
                std::thread::spawn(move || {
                    let mut times = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(query) = queries.get(i) else { break };
                        let t0 = Instant::now();
                        let mut conn = pool.get().expect("conn");
                        let filters = ListQuery::public(time::now(), 21);
                        let hits =
                            search::search(&mut conn, query, &filters, None).expect("search");
                        let ids: Vec<String> = hits.iter().map(|h| h.row.id.clone()).collect();
                        search::highlights(&mut conn, query, &ids).expect("highlights");
                        times.push(t0.elapsed().as_secs_f64() * 1000.0);
                    }
                    times
                })
            })
            .collect();
        let mut times: Vec<f64> = handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect();
        let wall = started.elapsed().as_secs_f64();
        times.sort_by(f64::total_cmp);
        let q = |f: f64| times[((times.len() as f64 * f) as usize).min(times.len() - 1)];
        println!(
            "pass {pass}: n {} {:.0}/s p50 {:.1} p90 {:.1} p99 {:.1} max {:.1} ms",
            times.len(),
            times.len() as f64 / wall,
            q(0.5),
            q(0.9),
            q(0.99),
            times[times.len() - 1]
        );
    }
}
