//! `toasoan reindex`: rebuilds the search index and the stored public
//! documents from the stored articles, and measures their bodies again (word count, reading time), for upgrades
//! (articles written before search or those measures existed) and repairs.
//! Start-up never does this on its own.

use indicatif::{ProgressBar, ProgressStyle};
use toasoan_persistence::queries::articles;
use toasoan_persistence::{DbError, Pool, search, write_tx};

/// Reindexes every article in one transaction (searches see the old index
/// until it commits), drawing a progress bar on a terminal; returns how
/// many articles were indexed.
pub fn run(pool: &Pool) -> Result<u64, DbError> {
    let mut conn = pool.get()?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} articles  {per_sec}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let done = write_tx(&mut conn, |c| {
        // Word counts and reading times of articles stored before they were.
        articles::remeasure_all(c)?;
        // Stored public documents, rendered again before this commits
        // (databases from before they existed have none).
        toasoan_persistence::queries::documents::stale_all(c)?;
        search::reindex_all(c, &mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
    })?;
    bar.finish_and_clear();
    Ok(done)
}
