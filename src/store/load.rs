//! Reading a type's folder: every `.yaml`/`.yml` file below it, dot-files and other files ignored.
//!
//! A file that does not parse, or that is not a record, becomes a [`LoadIssue`] and the
//! rest load as usual: one broken file never stops a command that does not need it.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_yaml::Value;

use crate::model::{Record, RecordType};

/// A record as read from disk (or from the cache of what was on disk).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub record: Record,
    /// Relative to the crm folder, e.g. `customers/toko-maju-k7q2.yaml`.
    pub path: PathBuf,
}

/// A file that could not be used, with where in it the problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadIssue {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for LoadIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

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

    /// Builds `by_id` (the first file by path wins an id).
    pub fn index(&mut self) {
        for (i, l) in self.entries.iter().enumerate() {
            self.by_id.entry(l.record.id.clone()).or_insert(i);
        }
    }
}

pub fn is_record_file(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'));
    let ext = path.extension().and_then(|e| e.to_str());
    !hidden && matches!(ext, Some("yaml" | "yml"))
}

/// The record files below a type's folder, relative to the crm folder, sorted by path.
pub fn record_files(root: &Path, ty: RecordType) -> Vec<PathBuf> {
    record_files_with(root, ty, false)
        .into_iter()
        .map(|(p, _)| p)
        .collect()
}

/// A record file and, when asked for, its metadata.
pub type Listed = (PathBuf, Option<std::fs::Metadata>);

/// Like [`record_files`], with each file's metadata when `stat` (read through its
/// folder's handle, which spares the kernel walking the whole path again).
pub fn record_files_with(root: &Path, ty: RecordType, stat: bool) -> Vec<Listed> {
    let mut out = Vec::new();
    collect(root, Path::new(ty.dir()), stat, &mut out);
    out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Dot-files and dot-folders are skipped; only `.yaml`/`.yml` files are records.
/// Subfolders (interactions' months) are listed in parallel.
fn collect(root: &Path, rel: &Path, stat: bool, out: &mut Vec<Listed>) {
    use rayon::prelude::*;
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    let mut dirs = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name();
        if name.to_str().is_some_and(|n| n.starts_with('.')) {
            continue;
        }
        let path = rel.join(&name);
        match e.file_type() {
            Ok(t) if t.is_dir() => dirs.push(path),
            Ok(t) if t.is_file() && is_record_file(&path) => {
                let meta = if stat { e.metadata().ok() } else { None };
                out.push((path, meta));
            }
            _ => {}
        }
    }
    let nested: Vec<Vec<Listed>> = dirs
        .par_iter()
        .map(|d| {
            let mut v = Vec::new();
            collect(root, d, stat, &mut v);
            v
        })
        .collect();
    out.extend(nested.into_iter().flatten());
}

pub fn load_type(root: &Path, ty: RecordType) -> TypeData {
    let mut data = TypeData::default();
    for rel in record_files(root, ty) {
        match std::fs::read(root.join(&rel)) {
            Ok(bytes) => match parse_record(ty, &rel, &bytes) {
                Ok(record) => data.entries.push(Loaded { record, path: rel }),
                Err(issue) => data.issues.push(issue),
            },
            Err(e) => data.issues.push(LoadIssue {
                path: rel,
                line: None,
                column: None,
                message: format!("cannot read: {e}"),
            }),
        }
    }
    data.index();
    data
}

/// The id a file holds: its stem.
pub fn id_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Parses one record file. The id is the file stem.
pub fn parse_record(ty: RecordType, rel: &Path, bytes: &[u8]) -> Result<Record, LoadIssue> {
    let issue = |line, column, message: String| LoadIssue {
        path: rel.to_path_buf(),
        line,
        column,
        message,
    };
    let value: Value = serde_yaml::from_slice(bytes).map_err(|e| {
        let loc = e.location();
        let msg = strip_location(&e.to_string());
        issue(
            loc.as_ref().map(|l| l.line()),
            loc.as_ref().map(|l| l.column()),
            format!("does not parse as YAML: {msg}"),
        )
    })?;
    match value {
        Value::Mapping(fields) => Ok(Record {
            ty,
            id: id_of(rel),
            fields,
        }),
        Value::Null => Err(issue(None, None, format!("is empty, not a {ty} record"))),
        other => {
            let what = match other {
                Value::Sequence(_) => "a list",
                _ => "a single value",
            };
            Err(issue(
                Some(1),
                Some(1),
                format!("is {what}, not a {ty} record (a record is a mapping of fields)"),
            ))
        }
    }
}

/// Removes the parser's own " at line N column M" (the location is reported in front).
fn strip_location(msg: &str) -> String {
    let Some(start) = msg.find(" at line ") else {
        return msg.to_string();
    };
    let rest = &msg[start + " at line ".len()..];
    let after_line = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    let Some(after_col) = after_line.strip_prefix(" column ") else {
        return msg.to_string();
    };
    let tail = after_col.trim_start_matches(|c: char| c.is_ascii_digit());
    format!("{}{}", &msg[..start], tail)
}

/// Where a field (a dotted path; `history[2].at` counts as `history`) is written in a
/// file's text, as a 1-based line and column. Finds block-style keys, which is how crm
/// writes and how people write YAML by hand; `None` when the key is not found.
pub fn locate_field(text: &str, path: &str) -> Option<(usize, usize)> {
    let mut want = path
        .split('.')
        .map(|p| p.split('[').next().unwrap_or(p))
        .peekable();
    let mut depth_indent: Option<usize> = None; // indent of the parent key found so far
    let mut found = None;
    let mut key = want.next()?;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if let Some(parent) = depth_indent {
            if indent <= parent {
                // Left the parent's block without finding the child.
                return found;
            }
        } else if indent != 0 {
            continue;
        }
        let k = trimmed.trim_start_matches("- ");
        let bare = k
            .strip_prefix(key)
            .or_else(|| k.strip_prefix(&format!("\"{key}\"")))
            .or_else(|| k.strip_prefix(&format!("'{key}'")));
        if bare.is_some_and(|rest| rest.starts_with(':')) {
            found = Some((i + 1, indent + 1));
            match want.next() {
                Some(next) => {
                    key = next;
                    depth_indent = Some(indent);
                }
                None => return found,
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_nested_fields() {
        let text = "# c\nname: A\npreferences:\n  channel: email\n  consent: maybe\nvalue: x\n";
        assert_eq!(locate_field(text, "name"), Some((2, 1)));
        assert_eq!(locate_field(text, "preferences.consent"), Some((5, 3)));
        assert_eq!(locate_field(text, "value"), Some((6, 1)));
        assert_eq!(locate_field(text, "preferences.frequency"), Some((3, 1)));
        assert_eq!(locate_field(text, "missing"), None);
    }

    #[test]
    fn parse_errors_have_line_and_column() {
        let e = parse_record(
            RecordType::Customer,
            Path::new("customers/b.yaml"),
            b"name: A\n  bad: : x\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.to_string().starts_with("customers/b.yaml:2:"), "{e}");
        let e = parse_record(
            RecordType::Customer,
            Path::new("customers/l.yaml"),
            b"- a\n- b\n",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "customers/l.yaml:1:1: is a list, not a customer record (a record is a mapping of fields)"
        );
    }
}
