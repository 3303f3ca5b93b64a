//! The library's errors: one typed error per part (settings, queries, paths, writes,
//! references, files, imports) and [`Error`], what an operation returns, with a variant
//! for each way it fails. Which exit code a failure gets is the binary's decision
//! (`main.rs`, by an exhaustive match), not the library's.
//!
//! A leaf: it depends on `model` only, so every layer above can return its types.

mod config;
mod import;
mod issue;
mod path;
mod query;
mod resolve;
mod write;

use std::path::PathBuf;

pub use config::ConfigError;
pub use import::{ImportErrors, RowError, MAX_LISTED};
pub use issue::LoadIssue;
pub use path::PathError;
pub use query::QueryError;
pub use resolve::ResolveError;
pub use write::WriteError;

use crate::model::record::PathError as FieldPathError;
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
    /// Bad rows in an import; nothing was written.
    #[error(transparent)]
    Import(ImportErrors),
    /// A value given on the command line (a flag's, a `KEY=VALUE` pair's, `-C`'s) is
    /// malformed or names nothing; nothing was read or written.
    #[error("{0}")]
    BadValue(String),
    /// A malformed `--where` expression.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// A campaign's audience is not a query crm can run.
    #[error("the audience of campaign {campaign}: {source}")]
    Audience {
        campaign: String,
        source: QueryError,
    },
    /// A record file that cannot be used (it does not parse, or is not a record).
    #[error(transparent)]
    Unreadable(#[from] LoadIssue),
    /// A record whose text would be larger than crm reads back.
    #[error("{0}")]
    TooLarge(String),
    /// A field path that runs through a value that is not a mapping.
    #[error(transparent)]
    FieldPath(#[from] FieldPathError),
    /// `id` is the file name, not a field.
    #[error("field `id`: the id is the file name and cannot be set")]
    IdField,
    #[error("{ty} {id} already exists")]
    Exists {
        ty: crate::model::RecordType,
        id: String,
    },
    #[error("could not find a free id for the new {ty} after {attempts} tries")]
    NoFreeId {
        ty: crate::model::RecordType,
        attempts: usize,
    },
    /// A record other records name, removed without `--force`.
    #[error("{record} is referred to by {} record{}; remove or change {} first, or pass --force:\n{}", .referrers.len(), if .referrers.len() == 1 { "" } else { "s" }, if .referrers.len() == 1 { "it" } else { "them" }, .referrers.join("\n"))]
    Referenced {
        record: String,
        referrers: Vec<String>,
    },
    #[error("{} already exists: this is a crm folder; nothing was changed", .0.display())]
    AlreadyInitialised(PathBuf),
    #[error("{} is not inside a git work tree (run `git init` first)", .0.display())]
    NotInGit(PathBuf),
    /// Running git failed (it is missing, or a command of it failed).
    #[error("{0}")]
    Git(String),
    /// A campaign in a state where the operation does not apply (e.g. completed, no channel).
    #[error("{0}")]
    Campaign(String),
    /// Amounts so large that a report's sums would overflow.
    #[error("amounts over the largest crm takes ({max}) would make the report's figures overflow; fix them (`crm check` lists them): {}", .over.join("; "))]
    Overflow { max: String, over: Vec<String> },
    /// An import that stopped part-way: what was written is whole, a rerun completes it.
    #[error("{cause}\nthe import stopped after writing {written} of {total} records; the rest were not written. Fix the cause (free some space?) and run the same import again: it matches the records already written and completes the import")]
    ImportStopped {
        cause: Box<Error>,
        written: usize,
        total: usize,
    },
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Comments a rewrite could not keep; nothing was written.
    #[error("{}", comments_lost(.path, .lost))]
    Comments {
        path: PathBuf,
        lost: Vec<crate::model::comments::Comment>,
    },
    /// The SQL database could not be built or read (`crm sql`, `crm export all`).
    #[error("sql: {0}")]
    Sql(String),
    /// A query SQLite does not take (a syntax error, a table or column it lacks).
    #[error("{0}")]
    SqlQuery(String),
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
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
