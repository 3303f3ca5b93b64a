//! Stage 3 of reading a type: the files the cache does not vouch for, read (never
//! through a link, never more than [`MAX_RECORD_BYTES`]), parsed, checked to be a record
//! and encoded; a file that cannot be used becomes its [`LoadIssue`], with its line.

use std::path::Path;

use serde_yaml::Value;

use super::files::Listed;
use super::snapshot::Fresh;
use crate::error::LoadIssue;
use crate::model::{Record, RecordType};
use crate::store::cache::Stat;
use crate::store::encoding::encode;
use crate::store::load::id_of;

/// The largest record file crm reads: a record is a few kilobytes; a bigger file is a
/// mistake (or an attack) and is reported instead of parsed.
pub const MAX_RECORD_BYTES: u64 = 1 << 20;

/// Reads a record file without following a symbolic link (which could lead out of the
/// folder) and without reading more than [`MAX_RECORD_BYTES`].
pub fn read_record(root: &Path, rel: &Path) -> Result<Vec<u8>, LoadIssue> {
    use std::io::Read;
    let issue = |message: String| LoadIssue {
        path: rel.to_path_buf(),
        line: None,
        column: None,
        message,
    };
    let abs = root.join(rel);
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    // The open fails on a link (O_NOFOLLOW): only then is the path looked at again.
    let file = options.open(&abs).map_err(|e| {
        match std::fs::read_link(&abs) {
            Ok(target) => issue(format!(
                "is a symbolic link (to {}); crm does not follow links, so nothing outside the folder is read or written",
                target.display()
            )),
            Err(_) => issue(format!("cannot read: {e}")),
        }
    })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > MAX_RECORD_BYTES {
        return Err(issue(too_big(size)));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_RECORD_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| issue(format!("cannot read: {e}")))?;
    // It may have grown since the stat.
    if bytes.len() as u64 > MAX_RECORD_BYTES {
        return Err(issue(too_big(bytes.len() as u64)));
    }
    Ok(bytes)
}

/// Why `text`, about to be written as `record`'s file, is one reads would refuse (over
/// [`MAX_RECORD_BYTES`]), naming the field that takes most of it: (that field, the
/// message). None when it fits.
pub fn oversize(record: &crate::model::Record, text: &str) -> Option<(String, String)> {
    if text.len() as u64 <= MAX_RECORD_BYTES {
        return None;
    }
    let biggest = record
        .fields
        .iter()
        .map(|(k, v)| {
            let size = serde_yaml::to_string(v).map(|t| t.len()).unwrap_or(0);
            (
                size,
                crate::model::value::scalar_text(k).unwrap_or_default(),
            )
        })
        .max();
    let field = biggest
        .as_ref()
        .map(|(size, k)| format!(", {size} of them in field `{k}`"))
        .unwrap_or_default();
    let message = format!(
        "{} {} would be {} bytes{field}, more than a record file may be ({MAX_RECORD_BYTES} bytes, \
         the most crm reads); nothing was written (keep long text in a file of its own)",
        record.ty,
        record.id,
        text.len()
    );
    Some((biggest.map(|b| b.1).unwrap_or_default(), message))
}

fn too_big(size: u64) -> String {
    format!("is {size} bytes, more than a record file may be ({MAX_RECORD_BYTES} bytes); not read")
}

/// Line and column (1-based, counting characters) of byte offset `at`; column 1 when the
/// line before it is not UTF-8.
fn line_col(text: &[u8], at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let column = std::str::from_utf8(&before[start..]).map_or(1, |s| s.chars().count() + 1);
    (line, column)
}

/// Parses one record file. The id is the file stem.
#[expect(
    clippy::too_many_lines,
    reason = "the loader's checks of one file, in the order a file is read"
)]
pub fn parse_record(ty: RecordType, rel: &Path, bytes: &[u8]) -> Result<Record, LoadIssue> {
    let issue = |line, column, message: String| LoadIssue {
        path: rel.to_path_buf(),
        line,
        column,
        message,
    };
    if bytes.len() as u64 > MAX_RECORD_BYTES {
        return Err(issue(None, None, too_big(bytes.len() as u64)));
    }
    // Plain checks first, for messages that say what the file is.
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        let (line, column) = line_col(bytes, at);
        return Err(issue(
            Some(line),
            Some(column),
            "is binary (it holds a NUL byte), not a YAML text file".into(),
        ));
    }
    // Windows editors save "UTF-8 with BOM": the mark is not part of the text.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let at = e.valid_up_to();
        let (line, column) = line_col(bytes, at);
        return Err(issue(
            Some(line),
            Some(column),
            format!(
                "is not UTF-8 text (byte 0x{:02X} cannot start a character); save it as UTF-8",
                bytes[at]
            ),
        ));
    }
    if let Some(line) = conflict_marker(bytes) {
        return Err(issue(
            Some(line),
            Some(1),
            "has an unresolved merge conflict (<<<<<<< … >>>>>>>); resolve it, then `git add` the file".into(),
        ));
    }
    if let Some((line, column)) = crate::model::nesting::too_deep(bytes) {
        return Err(issue(
            Some(line),
            Some(column),
            crate::model::nesting::too_deep_message(),
        ));
    }
    if let Some(refused) = crate::store::scan::refused(bytes) {
        let (line, column) = refused.at();
        return Err(issue(Some(line), Some(column), refused.message()));
    }
    let value: Value = serde_yaml::from_slice(bytes).map_err(|e| {
        let loc = e.location();
        let msg = strip_location(&e.to_string());
        let text = String::from_utf8_lossy(bytes);
        // The parser gives no place for these two; find it.
        let (line, column, msg) = if let Some(key) = msg
            .strip_prefix("duplicate entry with key \"")
            .and_then(|k| k.strip_suffix('"'))
        {
            let (l, c) = second_key(&text, key).unwrap_or((1, 1));
            (
                Some(l),
                Some(c),
                format!("the key `{key}` is written twice"),
            )
        } else if msg.contains("tab character") {
            (
                loc.as_ref().map(|l| l.line()),
                loc.as_ref().map(|l| l.column()),
                "a tab is used for indentation; YAML indents with spaces".to_string(),
            )
        } else if msg.starts_with("repetition limit exceeded") {
            let at = text.find('*').map(|i| line_col(bytes, i));
            (
                at.map(|a| a.0),
                at.map(|a| a.1),
                "its aliases (*name) expand to too much data (an alias bomb?)".to_string(),
            )
        } else {
            (
                loc.as_ref().map(|l| l.line()),
                loc.as_ref().map(|l| l.column()),
                msg,
            )
        };
        issue(line, column, format!("does not parse as YAML: {msg}"))
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

/// The line of the first `<<<<<<<` conflict marker that a `>>>>>>>` marker closes.
fn conflict_marker(text: &[u8]) -> Option<usize> {
    let is = |line: &[u8], mark: &[u8]| {
        line.strip_prefix(mark)
            .is_some_and(|rest| rest.is_empty() || rest[0] == b' ' || rest[0] == b'\r')
    };
    let mut open = None;
    for (i, line) in text.split(|b| *b == b'\n').enumerate() {
        if open.is_none() && is(line, b"<<<<<<<") {
            open = Some(i + 1);
        } else if open.is_some() && is(line, b">>>>>>>") {
            return open;
        }
    }
    None
}

/// Where a top-level key is written the second time.
fn second_key(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            l.strip_prefix(key)
                .or_else(|| l.strip_prefix(&format!("\"{key}\"")))
                .or_else(|| l.strip_prefix(&format!("'{key}'")))
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .nth(1)
        .map(|(i, _)| (i + 1, 1))
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
        if let Some(rest) = bare.filter(|rest| rest.starts_with(':')) {
            found = Some((i + 1, indent + 1));
            match want.next() {
                Some(next) => {
                    key = next;
                    depth_indent = Some(indent);
                }
                None => {
                    // The value's own column when it is on the key's line (`value: lots`
                    // at column 8), else the key's (a block below it).
                    let after = &rest[1..];
                    let value = after.trim_start();
                    if value.is_empty() || value.starts_with('#') {
                        return found;
                    }
                    let col = line.len() - value.len();
                    return Some((i + 1, line[..col].chars().count() + 1));
                }
            }
        }
    }
    found
}

/// Reads, parses and encodes the files, on all cores, in their order.
pub(super) fn fresh(root: &Path, ty: RecordType, files: Vec<Listed>) -> Vec<Fresh> {
    use rayon::prelude::*;
    files
        .into_par_iter()
        .map(|(rel, stat)| one(root, ty, &rel, stat))
        .collect()
}

/// Reads and encodes one file, keeping its stat (none when the cache is off).
fn one(root: &Path, ty: RecordType, rel: &Path, stat: Option<Stat>) -> Fresh {
    let body = read_record(root, rel)
        .and_then(|b| parse_record(ty, rel, &b))
        .map(|record| encode(&record.fields));
    Fresh {
        path: rel.to_string_lossy().into_owned(),
        stat,
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_nested_fields() {
        let text = "# c\nname: A\npreferences:\n  channel: email\n  consent: maybe\nvalue: x\n";
        // The value's column when it is on the key's line; the key's for a block.
        assert_eq!(locate_field(text, "name"), Some((2, 7)));
        assert_eq!(locate_field(text, "preferences.consent"), Some((5, 12)));
        assert_eq!(locate_field(text, "preferences"), Some((3, 1)));
        assert_eq!(locate_field(text, "value"), Some((6, 8)));
        assert_eq!(locate_field("é: ü\n", "é"), Some((1, 4)));
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
