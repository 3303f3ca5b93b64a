//! Markdown tables (GitHub's), cells with markup shown as text.

use std::io::{self, Write};

use super::guard;

pub fn write(out: &mut dyn Write, header: &[String], rows: &[Vec<String>]) -> io::Result<()> {
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
