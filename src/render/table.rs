//! Aligned tables for a person at a terminal (comfy-table), and the width text around
//! them is wrapped to.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

use super::guard;

/// Writes rows as a table; cells show terminal control characters as escapes.
pub fn write(out: &mut dyn Write, header: &[String], rows: &[Vec<String>]) -> io::Result<()> {
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
}
