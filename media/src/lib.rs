//! Image files: decoding uploads safely (format by content, pixel limit
//! before decoding, EXIF orientation applied, metadata dropped), making
//! renditions, and storing files on a local directory or S3-compatible
//! object storage. No database and no HTTP here: the API streams uploads in
//! and records rows through `toasoan-persistence`.
//!
//! A crate of its own rather than a module of `persistence`, because the
//! codecs and the S3 client are large dependencies that have nothing to do
//! with diesel: keeping them apart keeps the database crate quick to build
//! and lets the storage contract be tested on its own.

pub mod process;
pub mod storage;

pub use process::{MediaError, ProcessSettings, Processed, StoredFile, content_hash, process};
pub use storage::{Fetched, S3Config, Storage, StorageError};
