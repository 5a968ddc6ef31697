//! The newsroom's plain types and rules: articles and their body blocks,
//! authors, categories, tags, comments, images, accounts and roles, slugs and
//! Vietnamese text handling and search rules. Nothing here does IO: no diesel, no actix, no
//! clock reads beyond what callers pass in. Values with rules are newtypes
//! whose `parse` is the only way in, so an invalid value cannot exist.

pub mod article;
pub mod author;
pub mod block;
pub mod byline;
pub mod category;
pub mod comment;
pub mod error;
pub mod event;
pub mod image;
pub mod image_file;
pub mod number;
pub mod placement;
pub mod reading;
pub mod revision;
pub mod search;
pub mod site;
pub mod slug;
pub mod tag;
pub mod text;
pub mod user;
pub mod webhook;

pub use error::{FieldError, ValidationErrors};
