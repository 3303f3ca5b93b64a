//! Rows of text cells, the one row model every row format writes: the header, the
//! cells, and how they are written ([`RowOptions`]).

use std::io::{self, Write};

pub use super::cell::RowOptions;
use super::{csv, markdown, table, tsv, Format};

/// Writes rows in a row format. Table cells show terminal control characters as escapes,
/// markdown cells show markup as text, csv and tsv cells are guarded against formulas
/// unless raw; json and jsonl write each row as an object keyed by the header, ids the
/// first column.
pub fn write_rows(
    out: &mut dyn Write,
    header: &[String],
    rows: &[Vec<String>],
    format: Format,
    opts: RowOptions,
) -> io::Result<()> {
    match format {
        Format::Csv => csv::write(out, header, rows, opts),
        Format::Tsv => tsv::write(out, header, rows, opts),
        Format::Markdown => markdown::write(out, header, rows),
        Format::Table => table::write(out, header, rows),
        Format::Json | Format::Jsonl => keyed(out, header, rows, format),
        Format::Ids => {
            for r in rows {
                writeln!(out, "{}", r.first().map_or("", String::as_str))?;
            }
            Ok(())
        }
        Format::Yaml
        | Format::Text
        | Format::Github
        | Format::Html
        | Format::Ics
        | Format::Vcf
        | Format::Sqlite
        | Format::Parquet => Err(io::Error::other(format!(
            "rows are not written as {format}"
        ))),
    }
}

/// Rows whose JSON keys differ from the header people read (the agenda's `due` is
/// headed "due"; its `record` is headed "record"): json and jsonl keyed by `keys`, ids
/// the column keyed `id` or `record` (else the first), the rest headed by `labels`.
pub fn write_labelled(
    out: &mut dyn Write,
    keys: &[&str],
    labels: &[&str],
    rows: &[Vec<String>],
    format: Format,
) -> io::Result<()> {
    match format {
        Format::Json | Format::Jsonl => {
            let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
            keyed(out, &keys, rows, format)
        }
        Format::Ids => {
            let id = keys
                .iter()
                .position(|k| *k == "id" || *k == "record")
                .unwrap_or(0);
            for r in rows {
                writeln!(out, "{}", r.get(id).map_or("", String::as_str))?;
            }
            Ok(())
        }
        Format::Table
        | Format::Csv
        | Format::Tsv
        | Format::Markdown
        | Format::Yaml
        | Format::Text
        | Format::Github
        | Format::Html
        | Format::Ics
        | Format::Vcf
        | Format::Sqlite
        | Format::Parquet => {
            let header: Vec<String> = labels.iter().map(|s| s.to_string()).collect();
            write_rows(out, &header, rows, format, RowOptions::HUMAN)
        }
    }
}

/// Rows as JSON objects (an array) or JSON Lines, keyed by the header.
fn keyed(
    out: &mut dyn Write,
    keys: &[String],
    rows: &[Vec<String>],
    format: Format,
) -> io::Result<()> {
    let objs = rows.iter().map(|r| {
        serde_json::Value::Object(
            keys.iter()
                .zip(r)
                .map(|(k, v)| (k.clone(), v.clone().into()))
                .collect(),
        )
    });
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, &objs.collect::<Vec<_>>())?;
        writeln!(out)
    } else {
        for o in objs {
            serde_json::to_writer(&mut *out, &o)?;
            writeln!(out)?;
        }
        Ok(())
    }
}
