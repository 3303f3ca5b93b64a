//! Where messages come from: mbox files, Maildir folders (`cur/` and `new/`), single
//! `.eml` files and standard input. Each message keeps the file and the line it starts
//! on, for the problems found in it.
//!
//! An mbox is split at its `From ` lines (a line starting `From ` at the start of the
//! file or after an empty line), as every mbox writer frames messages; a body line that
//! had to be escaped (`>From `, mboxrd's `>>From `) gets one `>` back. The messages
//! themselves are read by `mail-parser` (never by hand).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::error::LoadIssue;

/// The largest file read as a mailbox (an mbox of a few years is a few hundred MB).
pub const MAX_MAILBOX_BYTES: u64 = 2 << 30;

/// One message as found, not yet parsed.
#[derive(Debug, Clone)]
pub struct RawMessage {
    /// The file it came from (`-` for standard input).
    pub file: PathBuf,
    /// The 1-based line of the file it starts on.
    pub line: usize,
    pub bytes: Vec<u8>,
    /// The file's modification time: the message's time when its Date is missing.
    pub modified: Option<SystemTime>,
}

/// The messages of every path, in order (a Maildir's by file name), and the paths that
/// could not be read as mail. Each path is `(as the user gave it, where it is)`: messages
/// and problems name the first.
pub fn read_all(
    paths: &[(PathBuf, PathBuf)],
    stdin: &mut dyn std::io::Read,
) -> (Vec<RawMessage>, Vec<LoadIssue>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (shown, path) in paths {
        let found = if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            match stdin.read_to_end(&mut bytes) {
                Ok(_) => Ok(vec![RawMessage {
                    file: path.clone(),
                    line: 1,
                    bytes,
                    modified: None,
                }]),
                Err(e) => Err(problem(path, 1, format!("cannot read standard input: {e}"))),
            }
        } else if path.is_dir() {
            maildir(path)
        } else {
            file(path)
        };
        // Named as the user gave them.
        let shown_as = |p: &Path| match p.strip_prefix(path) {
            Ok(rest) if rest.as_os_str().is_empty() => shown.clone(),
            Ok(rest) => shown.join(rest),
            Err(_) => p.to_path_buf(),
        };
        match found {
            Ok(messages) => out.extend(messages.into_iter().map(|mut m| {
                m.file = shown_as(&m.file);
                m
            })),
            Err(mut p) => {
                p.path = shown_as(&p.path);
                problems.push(p);
            }
        }
    }
    (out, problems)
}

fn problem(path: &Path, line: usize, message: String) -> LoadIssue {
    LoadIssue {
        path: path.to_path_buf(),
        line: Some(line),
        column: None,
        message,
    }
}

fn read(path: &Path) -> Result<(Vec<u8>, Option<SystemTime>), LoadIssue> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| problem(path, 1, format!("cannot read: {e}")))?;
    let modified = f.metadata().ok().and_then(|m| m.modified().ok());
    let mut bytes = Vec::new();
    f.take(MAX_MAILBOX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| problem(path, 1, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_MAILBOX_BYTES {
        return Err(problem(
            path,
            1,
            format!("more than {MAX_MAILBOX_BYTES} bytes; not read"),
        ));
    }
    Ok((bytes, modified))
}

/// An mbox (its first line is a `From ` line) or a single message (`.eml`, or any file
/// that starts with headers).
fn file(path: &Path) -> Result<Vec<RawMessage>, LoadIssue> {
    let (bytes, modified) = read(path)?;
    if bytes.starts_with(b"From ") {
        return Ok(split_mbox(&bytes)
            .into_iter()
            .map(|(line, bytes)| RawMessage {
                file: path.to_path_buf(),
                line,
                bytes,
                modified,
            })
            .collect());
    }
    if !super::parse::looks_like_headers(&bytes) {
        return Err(problem(
            path,
            1,
            "not a mailbox: an mbox starts with a \"From \" line and a message with headers (\"From: …\")".into(),
        ));
    }
    Ok(vec![RawMessage {
        file: path.to_path_buf(),
        line: 1,
        bytes,
        modified,
    }])
}

/// The messages of an mbox with the line each starts on (its `From ` line's).
pub fn split_mbox(bytes: &[u8]) -> Vec<(usize, Vec<u8>)> {
    let mut out: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut previous_empty = true;
    for (i, line) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        let bare = line.strip_suffix(b"\n").unwrap_or(line);
        let bare = bare.strip_suffix(b"\r").unwrap_or(bare);
        if previous_empty && bare.starts_with(b"From ") {
            out.push((i + 1, Vec::new()));
        } else if let Some((_, body)) = out.last_mut() {
            let unescaped = match line.iter().position(|b| *b != b'>') {
                Some(n) if n > 0 && line[n..].starts_with(b"From ") => &line[1..],
                _ => line,
            };
            body.extend_from_slice(unescaped);
        }
        previous_empty = bare.is_empty();
    }
    // The empty line before the next `From ` belongs to the framing, not the message.
    for (_, body) in &mut out {
        if body.ends_with(b"\n\n") {
            body.pop();
        } else if body.ends_with(b"\r\n\r\n") {
            body.truncate(body.len() - 2);
        }
    }
    out
}

/// A Maildir: the files of `new/` and `cur/`, each one message, by name.
fn maildir(path: &Path) -> Result<Vec<RawMessage>, LoadIssue> {
    let mut files = Vec::new();
    let mut any = false;
    for sub in ["cur", "new"] {
        let dir = path.join(sub);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        any = true;
        for e in entries.flatten() {
            let name = e.file_name();
            if name.to_string_lossy().starts_with('.') || !e.path().is_file() {
                continue;
            }
            files.push(e.path());
        }
    }
    if !any {
        return Err(problem(
            path,
            1,
            "not a Maildir (no cur/ or new/ folder in it)".into(),
        ));
    }
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let (bytes, modified) = read(&f)?;
            Ok(RawMessage {
                file: f,
                line: 1,
                bytes,
                modified,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_mbox_splits_at_from_lines_and_unescapes_bodies() {
        let mbox = b"From a@x Mon Nov 30 09:00:00 2026\nFrom: a@x\n\nhello\n>From here\n>>From there\n\nFrom b@x Mon Nov 30 10:00:00 2026\nFrom: b@x\n\nbye\n";
        let got = split_mbox(mbox);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, 1);
        assert_eq!(
            String::from_utf8_lossy(&got[0].1),
            "From: a@x\n\nhello\nFrom here\n>From there\n"
        );
        assert_eq!(got[1].0, 8);
        assert_eq!(String::from_utf8_lossy(&got[1].1), "From: b@x\n\nbye\n");
    }

    #[test]
    fn a_from_line_inside_a_paragraph_does_not_split() {
        let mbox = b"From a@x Mon\nFrom: a@x\n\nline\nFrom the start\n";
        assert_eq!(split_mbox(mbox).len(), 1);
    }
}
