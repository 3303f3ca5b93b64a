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

/// The width a table is drawn for. On a terminal, its width, unless it reports none or
/// a silly one (a CI pseudo-terminal or `script -qc` says 0×0, which shrank every column
/// to one letter): then `$COLUMNS`, else 80. Off a terminal, `$COLUMNS`, else 100.
fn width(t: &Table) -> u16 {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|w| *w >= MIN_WIDTH);
    if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        match t.width() {
            Some(w) if w >= MIN_WIDTH => w,
            _ => columns.unwrap_or(80),
        }
    } else {
        columns.unwrap_or(100)
    }
}

/// The width text around tables is wrapped to: the tables' own.
pub fn page_width() -> usize {
    usize::from(width(&Table::new()))
}

/// Breaks prose into lines of at most `width` characters at spaces (a longer word keeps
/// its own line), each line after the first indented by `indent`.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let body = text.trim_start_matches(' ');
    let mut out = String::new();
    let mut line = text[..text.len() - body.len()].to_string();
    let mut prefix = line.chars().count();
    for word in body.split(' ') {
        let len = line.chars().count();
        if len > prefix && len + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = indent.to_string();
            prefix = indent.chars().count();
        } else if len > prefix {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out
}

/// Narrower than this, a terminal's reported width is taken for a mistake.
const MIN_WIDTH: u16 = 20;

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
            let w = width(&t);
            t.set_width(w);
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
    fn wraps_at_spaces() {
        assert_eq!(wrap("aa bb cc dd", 5, "  "), "aa bb\n  cc\n  dd");
        assert_eq!(wrap("short", 80, ""), "short");
        assert_eq!(wrap("  aa bb cc", 7, "    "), "  aa bb\n    cc");
        assert_eq!(wrap("a verylongword b", 4, ""), "a\nverylongword\nb");
    }

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
