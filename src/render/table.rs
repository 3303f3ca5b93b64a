//! Row formats: aligned table, CSV, TSV, Markdown.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

use super::{guard, Format};

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

/// How rows are written besides their format.
#[derive(Debug, Clone, Copy)]
pub struct RowOptions {
    /// A header row in csv and tsv (table and markdown always have one).
    pub header: bool,
    /// Cells of csv and tsv as they are, formula-like ones included (`--raw`); else
    /// such a cell gets a leading `'` (see [`guard::neutralise`]).
    pub raw: bool,
}

impl RowOptions {
    /// A header, and formulas guarded.
    pub const HUMAN: RowOptions = RowOptions {
        header: true,
        raw: false,
    };
}

/// Writes rows. Table cells show terminal control characters as escapes, markdown cells
/// show markup as text, csv and tsv cells are guarded against formulas unless raw.
pub fn write_rows(
    out: &mut dyn Write,
    header: &[String],
    rows: &[Vec<String>],
    format: Format,
    opts: RowOptions,
) -> io::Result<()> {
    let cell = |i: usize, c: &str| {
        if opts.raw {
            c.to_string()
        } else {
            guard::neutralise_in(header.get(i).map_or("", String::as_str), c)
        }
    };
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            if opts.header {
                w.write_record(header)?;
            }
            for row in rows {
                w.write_record(row.iter().enumerate().map(|(i, c)| cell(i, c)))?;
            }
            w.flush()
        }
        Format::Tsv => {
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
        Format::Markdown => {
            let line = |cells: &[String]| {
                format!(
                    "| {} |",
                    cells
                        .iter()
                        .map(|c| guard::markdown_text(c))
                        .collect::<Vec<_>>()
                        .join(" | ")
                )
            };
            writeln!(out, "{}", line(header))?;
            writeln!(out, "|{}|", vec!["---"; header.len()].join("|"))?;
            for row in rows {
                writeln!(out, "{}", line(row))?;
            }
            Ok(())
        }
        _ => {
            let mut t = Table::new();
            t.load_style(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_header(header.iter().map(|h| guard::printable(h)));
            for row in rows {
                t.add_row(row.iter().map(|c| guard::printable(c)));
            }
            writeln!(out, "{t}")
        }
    }
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
