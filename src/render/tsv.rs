//! TSV as `cut`, `awk` and `sort` read it: one line per row, cells tab-separated, the
//! characters that would break a row escaped.

use std::io::{self, Write};

use super::cell::{guarded, RowOptions};
use super::guard;

pub fn write(
    out: &mut dyn Write,
    header: &[String],
    rows: &[Vec<String>],
    opts: RowOptions,
) -> io::Result<()> {
    let cell = |i: usize, c: &str| guarded(header, opts, i, c);
    let line = |cells: &[String]| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| tsv_escape(&cell(i, c)))
            .collect::<Vec<_>>()
            .join("\t")
    };
    if opts.header {
        writeln!(out, "{}", line(header))?;
    }
    for row in rows {
        writeln!(out, "{}", line(row))?;
    }
    Ok(())
}

/// TSV escapes the characters that would break its rows: `\t`, `\n`, `\r`, `\\`; and
/// other control characters as `\xNN` (see [`guard::printable`]).
pub fn tsv_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    match guard::printable(&out) {
        std::borrow::Cow::Borrowed(_) => out,
        std::borrow::Cow::Owned(shown) => shown,
    }
}

/// Undoes [`tsv_escape`]: `\\`, `\t`, `\n`, `\r`, `\xNN` and `\u{…}`; a backslash before
/// anything else is kept as it is.
pub fn tsv_unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (c, used) = match after.as_bytes().first() {
            Some(b'\\') => (Some('\\'), 1),
            Some(b't') => (Some('\t'), 1),
            Some(b'n') => (Some('\n'), 1),
            Some(b'r') => (Some('\r'), 1),
            Some(b'x') => (
                after
                    .get(1..3)
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32),
                3,
            ),
            Some(b'u') => after
                .strip_prefix("u{")
                .and_then(|r| r.find('}').map(|end| (&r[..end], end)))
                .and_then(|(h, end)| {
                    u32::from_str_radix(h, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .map(|c| (Some(c), end + 3))
                })
                .unwrap_or((None, 0)),
            _ => (None, 0),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('\\');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_escapes_read_back() {
        for text in [
            "a\tb\nc\\d\re",
            "\u{1b}[2J\u{202e}",
            "C:\\new\\x",
            "\\x1b literally",
            "plain",
        ] {
            assert_eq!(tsv_unescape(&tsv_escape(text)), text, "{text:?}");
        }
        assert_eq!(tsv_unescape("a\\qb"), "a\\qb");
    }
}
