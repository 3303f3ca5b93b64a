//! The records a type was read into (see [`super::read`] for how).
//!
//! A file that does not parse, or that is not a record, becomes a [`LoadIssue`] and the
//! rest load as usual: one broken file never stops a command that does not need it.

use std::path::{Path, PathBuf};

use crate::model::Record;

/// A record as read from disk (or from the cache of what was on disk).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub record: Record,
    /// Relative to the crm folder, e.g. `customers/toko-maju-k7q2.yaml`.
    pub path: PathBuf,
}

pub use crate::error::LoadIssue;

/// Everything of one type: the records, sorted by path, and the files that could not be read.
#[derive(Debug, Default)]
pub struct TypeData {
    pub entries: Vec<Loaded>,
    pub issues: Vec<LoadIssue>,
    /// Position in `entries` by id; where two files share an id, the first by path.
    pub by_id: std::collections::HashMap<String, usize>,
}

impl TypeData {
    pub fn get(&self, id: &str) -> Option<&Loaded> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    /// The problem of a file of this id that exists but could not be read as a record
    /// (a merge conflict left in it, say): the id is taken, the record unreadable.
    pub fn unreadable(&self, id: &str) -> Option<&LoadIssue> {
        self.issues
            .iter()
            .find(|i| is_record_file(&i.path) && id_of(&i.path) == id)
    }

    /// Builds `by_id` (the first file by path wins an id).
    pub fn index(&mut self) {
        for (i, l) in self.entries.iter().enumerate() {
            self.by_id.entry(l.record.id.clone()).or_insert(i);
        }
    }
}

/// Whether a file is a record file: `.yaml` or `.yml`, not a dot-file.
pub fn is_record_file(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'));
    let ext = path.extension().and_then(|e| e.to_str());
    !hidden && matches!(ext, Some("yaml" | "yml"))
}

/// The id a file holds: its stem.
pub fn id_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
