//! Row formats: aligned table, CSV, TSV, Markdown.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

use super::Format;

/// TSV escapes the characters that would break its rows: `\t`, `\n`, `\r`, `\\`.
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
    out
}

fn md_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', "<br>")
}

/// Writes rows; the header is always shown in table and markdown, and in csv and tsv
/// when `with_header`.
pub fn write_rows(
    out: &mut dyn Write,
    header: &[String],
    rows: &[Vec<String>],
    format: Format,
    with_header: bool,
) -> io::Result<()> {
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            if with_header {
                w.write_record(header)?;
            }
            for row in rows {
                w.write_record(row)?;
            }
            w.flush()
        }
        Format::Tsv => {
            let line = |cells: &[String]| {
                cells
                    .iter()
                    .map(|c| tsv_escape(c))
                    .collect::<Vec<_>>()
                    .join("\t")
            };
            if with_header {
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
                        .map(|c| md_escape(c))
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
                .set_header(header);
            for row in rows {
                t.add_row(row);
            }
            writeln!(out, "{t}")
        }
    }
}
