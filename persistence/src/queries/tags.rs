//! Tags: the shared slugged queries; deleting one removes its links to
//! articles (by the foreign key's cascade).

use super::slugged::{alphabetical, slugged};
use crate::models::tag::{TagChanges, TagRow};
use crate::schema::tags;
use diesel::prelude::*;

slugged!(tags, TagRow, TagChanges);
alphabetical!(tags, TagRow);
