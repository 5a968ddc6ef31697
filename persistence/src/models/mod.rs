//! Row types, one module per table: what is read (`*Row`), what is
//! inserted (`New*`) and what a partial update sets (`*Changes`, where
//! `Option<Option<T>>` means leave alone / set NULL / set a value).

pub mod article;
pub mod author;
pub mod category;
pub mod image;
pub mod session;
pub mod tag;
pub mod user;
