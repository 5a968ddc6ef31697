//! Rebuilds the crate when a migration changes: `embed_migrations!` reads
//! the `migrations` folder at compile time, which cargo does not watch.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
