//! The library's error type. Every variant is a failure of the command (exit 1) except
//! [`Error::Usage`], which is a mistake in how crm was called (exit 2).

//!
//! It sits below `store`: the error types of the store's parts (paths, writes, references)
//! and of imports live here, so every layer from `store` up can return [`Error`] and the
//! error type depends on no operation.

mod import;
mod path;
mod resolve;
mod write;

use std::path::PathBuf;

pub use import::{ImportErrors, RowError, MAX_LISTED};
pub use path::PathError;
pub use resolve::ResolveError;
pub use write::WriteError;

use crate::config::ConfigError;
use crate::model::value::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not inside a crm folder (no crm.toml in {0} or any folder above it); run `crm init` or pass -C DIR")]
    NoRoot(PathBuf),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    Write(#[from] WriteError),
    /// A record that would be invalid; nothing was written.
    #[error("{context}:{}", join(.errors))]
    Invalid {
        context: String,
        errors: Vec<FieldError>,
    },
    #[error("{0}")]
    Failed(String),
    /// Bad rows in an import; nothing was written.
    #[error(transparent)]
    Import(ImportErrors),
    #[error("{0}")]
    Usage(String),
    /// A malformed `--where` expression (a usage error).
    #[error(transparent)]
    Query(#[from] crate::query::QueryError),
    /// Comments a rewrite could not keep; nothing was written.
    #[error("{}", comments_lost(.path, .lost))]
    Comments {
        path: PathBuf,
        lost: Vec<crate::model::comments::Comment>,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// One problem on the same line, several one per line.
fn join(errors: &[FieldError]) -> String {
    match errors {
        [one] => format!(" {one}"),
        many => many.iter().map(|e| format!("\n  {e}")).collect(),
    }
}

fn comments_lost(path: &std::path::Path, lost: &[crate::model::comments::Comment]) -> String {
    let mut s = format!(
        "{}: this change would drop {} that crm cannot keep; nothing was written:",
        path.display(),
        if lost.len() == 1 {
            "a comment"
        } else {
            "comments"
        }
    );
    for c in lost {
        let why = match c.field() {
            Some(f) => format!("on `{f}`, which the change removes"),
            None => "crm cannot tell which field it belongs to".to_string(),
        };
        s.push_str(&format!("\n  line {}: {} ({why})", c.line, c.shown()));
    }
    s.push_str("\nmove or delete the comment in the file, or run again with --drop-comments to write without it");
    s
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn is_usage(&self) -> bool {
        matches!(self, Error::Usage(_) | Error::Query(_))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
