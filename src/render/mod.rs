//! Output formats. Data goes to the writer given; nothing here prints messages.

pub mod cell;
pub mod csv;
pub mod flat;
pub mod guard;
pub mod html;
pub mod ics;
pub mod markdown;
pub mod report;
pub mod rows;
pub mod table;
pub mod tsv;
pub mod vcf;

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use crate::model::canonical;
use crate::model::Record;
use crate::query::{FieldRef, Records};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Jsonl,
    Yaml,
    Csv,
    Tsv,
    Ids,
    Markdown,
    /// Lines for people (`crm check`).
    Text,
    /// GitHub workflow annotations (`crm check`).
    Github,
    /// A self-contained HTML page (reports).
    Html,
    /// An iCalendar file, RFC 5545 (the agenda).
    Ics,
    /// vCard 4.0, RFC 6350 (customers, for phones and address books).
    Vcf,
    /// A SQLite database of every table (`crm export all`).
    Sqlite,
    /// A folder of Parquet files, one per table (`crm export all`).
    Parquet,
}

impl Format {
    /// Every format, in the order help lists them (record lists' first).
    pub const ALL: [Format; 15] = [
        Format::Table,
        Format::Json,
        Format::Jsonl,
        Format::Yaml,
        Format::Csv,
        Format::Tsv,
        Format::Ids,
        Format::Markdown,
        Format::Text,
        Format::Github,
        Format::Html,
        Format::Ics,
        Format::Vcf,
        Format::Sqlite,
        Format::Parquet,
    ];

    /// The formats data is exported in and imported from (vCard: customers only).
    pub const DATA: [Format; 5] = [
        Format::Csv,
        Format::Tsv,
        Format::Json,
        Format::Jsonl,
        Format::Vcf,
    ];

    /// A data format by its name or a file extension's (`tab`, `ndjson` too).
    pub fn parse_data(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "vcf" | "vcard" => Some(Format::Vcf),
            "sqlite" | "db" | "sqlite3" => Some(Format::Sqlite),
            "parquet" => Some(Format::Parquet),
            _ => None,
        }
    }

    /// The data format a file name's extension names.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(|e| Format::parse_data(&e.to_ascii_lowercase()))
    }

    /// Formats read by people, where amounts are grouped (`12,000,000`); the others keep
    /// them exact for programs.
    pub fn for_people(self) -> bool {
        match self {
            Format::Table | Format::Markdown | Format::Text | Format::Html => true,
            Format::Json
            | Format::Jsonl
            | Format::Yaml
            | Format::Csv
            | Format::Tsv
            | Format::Ids
            | Format::Github
            | Format::Ics
            | Format::Vcf
            | Format::Sqlite
            | Format::Parquet => false,
        }
    }

    /// The formats of record lists: the first eight of [`Format::ALL`].
    pub const RECORDS: &[Format] = Format::ALL.split_at(8).0;

    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Yaml => "yaml",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Ids => "ids",
            Format::Markdown => "markdown",
            Format::Text => "text",
            Format::Github => "github",
            Format::Html => "html",
            Format::Ics => "ics",
            Format::Vcf => "vcf",
            Format::Sqlite => "sqlite",
            Format::Parquet => "parquet",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| format!("unknown format {s:?}"))
    }
}

/// A record as JSON: `id` first, then its fields with the YAML's names and nesting.
pub fn record_json(record: &Record) -> serde_json::Value {
    let mut obj = serde_json::Map::new();
    obj.insert("id".into(), record.id.clone().into());
    let fields = canonical::canonical_fields(record.ty.spec(), &record.fields);
    for (k, v) in &fields {
        let key = crate::model::value::scalar_text(k).unwrap_or_default();
        obj.insert(key, yaml_to_json(v));
    }
    serde_json::Value::Object(obj)
}

/// Converts a YAML value to JSON; amounts stay numbers, tags are dropped.
pub fn yaml_to_json(v: &serde_yaml::Value) -> serde_json::Value {
    use serde_yaml::Value as Y;
    match v {
        Y::Null => serde_json::Value::Null,
        Y::Bool(b) => (*b).into(),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into()
            } else if let Some(u) = n.as_u64() {
                u.into()
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(serde_json::Value::Number)
                    .unwrap_or(serde_json::Value::Null)
            }
        }
        Y::String(s) => s.clone().into(),
        Y::Sequence(items) => items.iter().map(yaml_to_json).collect(),
        Y::Mapping(m) => serde_json::Value::Object(
            m.iter()
                .map(|(k, v)| {
                    (
                        crate::model::value::scalar_text(k).unwrap_or_default(),
                        yaml_to_json(v),
                    )
                })
                .collect(),
        ),
        Y::Tagged(t) => yaml_to_json(&t.value),
    }
}

/// What to write for a list of records.
pub struct Columns<'a> {
    /// The columns of row formats, and of JSON/YAML when `chosen`.
    pub fields: &'a [FieldRef],
    /// True when the user chose the columns (`--fields`): JSON and YAML then hold just
    /// those (keyed by the path as given, plus `id`), else whole records.
    pub chosen: bool,
    /// A header row in csv and tsv.
    pub header: bool,
    /// Formula-like cells of csv and tsv as they are (`--raw`).
    pub raw: bool,
    /// How tables and markdown write amounts (`value`, `budget`): None leaves them exact.
    pub money: Option<&'a crate::model::money::MoneyStyle>,
}

fn projected(record: &Record, cols: &Columns, db: &dyn Records) -> serde_json::Value {
    if !cols.chosen {
        return record_json(record);
    }
    let mut obj = serde_json::Map::new();
    obj.insert("id".into(), record.id.clone().into());
    for f in cols.fields {
        let v = f
            .value(record, db)
            .map(|v| yaml_to_json(&v))
            .unwrap_or(serde_json::Value::Null);
        obj.insert(f.path.clone(), v);
    }
    serde_json::Value::Object(obj)
}

/// Writes records in `format`.
pub fn write_records(
    out: &mut dyn Write,
    records: &[&Record],
    cols: &Columns,
    format: Format,
    db: &dyn Records,
) -> io::Result<()> {
    match format {
        Format::Json => {
            let all: Vec<serde_json::Value> =
                records.iter().map(|r| projected(r, cols, db)).collect();
            serde_json::to_writer_pretty(&mut *out, &all)?;
            writeln!(out)
        }
        Format::Jsonl => {
            for r in records {
                serde_json::to_writer(&mut *out, &projected(r, cols, db))?;
                writeln!(out)?;
            }
            Ok(())
        }
        Format::Yaml => {
            // A YAML stream: one document per record.
            for r in records {
                writeln!(out, "---")?;
                if cols.chosen {
                    let doc =
                        serde_yaml::to_string(&projected(r, cols, db)).map_err(io::Error::other)?;
                    out.write_all(doc.as_bytes())?;
                } else {
                    writeln!(out, "id: {}", r.id)?;
                    out.write_all(canonical::to_yaml(r).as_bytes())?;
                }
            }
            Ok(())
        }
        Format::Ids => {
            for r in records {
                writeln!(out, "{}", r.id)?;
            }
            Ok(())
        }
        Format::Csv
        | Format::Tsv
        | Format::Table
        | Format::Markdown
        | Format::Text
        | Format::Github
        | Format::Html
        | Format::Ics
        | Format::Vcf
        | Format::Sqlite
        | Format::Parquet => {
            let header: Vec<String> = cols.fields.iter().map(|f| f.path.clone()).collect();
            let rows: Vec<Vec<String>> = records
                .iter()
                .map(|r| {
                    cols.fields
                        .iter()
                        .map(|f| {
                            let v = f.value(r, db);
                            let grouped = match (&v, cols.money) {
                                (Some(v), Some(m)) if f.money && format.for_people() => {
                                    crate::model::value::as_decimal(v).map(|d| m.number(d))
                                }
                                // A computed score: one decimal for people, exact for
                                // programs.
                                (Some(v), _) if f.computed && format.for_people() => {
                                    v.as_f64().map(|x| format!("{x:.1}"))
                                }
                                _ => None,
                            };
                            grouped
                                .or_else(|| v.map(|v| flat::value_cell(&v)))
                                .unwrap_or_default()
                        })
                        .collect()
                })
                .collect();
            rows::write_rows(
                out,
                &header,
                &rows,
                format,
                rows::RowOptions {
                    header: cols.header,
                    raw: cols.raw,
                },
            )
        }
    }
}
