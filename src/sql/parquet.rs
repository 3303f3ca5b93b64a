//! The tables as Parquet files (`crm export all --format parquet -o DIR`): one file per
//! table, typed columns (dates DATE, moments TIMESTAMP in UTC, amounts DECIMAL(28, s)
//! beside their currency column, booleans BOOLEAN, whole numbers INT64), and a README
//! listing them. Written with the `parquet` crate alone (no Arrow), uncompressed.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use parquet::data_type::{
    BoolType, ByteArray, ByteArrayType, DoubleType, FixedLenByteArray, FixedLenByteArrayType,
    Int32Type, Int64Type,
};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use rust_decimal::Decimal;

use super::rows::{rows, Cell};
use super::schema::{Kind, Table};
use crate::error::{Error, Result};
use crate::model::clock::{midnight, parse_date, parse_moment};
use crate::model::RecordType;
use crate::store::Store;

/// Rows a row group holds before it is written (memory holds one group per table).
const GROUP: usize = 65_536;

fn pq(e: parquet::errors::ParquetError) -> Error {
    Error::Sql(format!("parquet: {e}"))
}

/// A column's Parquet type, as the schema language writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Physical {
    Text,
    Int,
    Double,
    Bool,
    Date,
    Timestamp,
    Decimal(u32),
}

impl Physical {
    fn schema(self, name: &str, required: bool) -> String {
        let rep = if required { "REQUIRED" } else { "OPTIONAL" };
        match self {
            Physical::Text => format!("{rep} BYTE_ARRAY {name} (STRING);"),
            Physical::Int => format!("{rep} INT64 {name};"),
            Physical::Double => format!("{rep} DOUBLE {name};"),
            Physical::Bool => format!("{rep} BOOLEAN {name};"),
            Physical::Date => format!("{rep} INT32 {name} (DATE);"),
            Physical::Timestamp => format!("{rep} INT64 {name} (TIMESTAMP(MICROS,true));"),
            Physical::Decimal(s) => {
                format!("{rep} FIXED_LEN_BYTE_ARRAY (16) {name} (DECIMAL(28,{s}));")
            }
        }
    }

    /// The name `README` gives the type.
    fn word(self) -> String {
        match self {
            Physical::Text => "string".into(),
            Physical::Int => "int64".into(),
            Physical::Double => "double".into(),
            Physical::Bool => "boolean".into(),
            Physical::Date => "date".into(),
            Physical::Timestamp => "timestamp (UTC, microseconds)".into(),
            Physical::Decimal(s) => format!("decimal(28,{s})"),
        }
    }
}

/// One table's file being written: its columns' types and the rows not yet written.
struct Out {
    writer: SerializedFileWriter<File>,
    types: Vec<Physical>,
    rows: Vec<Vec<Cell>>,
    written: usize,
}

/// What the records hold, found first: the scale of each amount column (its values'
/// largest), and the type of each undeclared custom column (whole numbers, numbers, or
/// text).
#[derive(Default)]
struct Found {
    scale: HashMap<(usize, usize), u32>,
    any: HashMap<(usize, usize), Physical>,
}

fn widen(old: Option<Physical>, cell: &Cell) -> Option<Physical> {
    let new = match cell {
        Cell::Null => return old,
        Cell::Int(_) => Physical::Int,
        Cell::Real(_) => Physical::Double,
        Cell::Text(_) | Cell::Money(_) => Physical::Text,
    };
    Some(match (old, new) {
        (None, n) => n,
        (Some(a), b) if a == b => a,
        (Some(Physical::Int | Physical::Double), Physical::Int | Physical::Double) => {
            Physical::Double
        }
        _ => Physical::Text,
    })
}

fn each_row(store: &Store, tables: &[Table], mut f: impl FnMut(usize, &[Cell])) {
    for ty in RecordType::ALL {
        crate::store::read::decode::each_with_whole(&store.root, ty, store.snapshot(ty), |_, r| {
            let score = (ty == RecordType::Customer && super::db::scored(store))
                .then(|| store.score_of(&r.id))
                .flatten();
            let made = rows(r, tables, score);
            let main = tables.iter().position(|t| t.ty == Some(ty)).unwrap_or(0);
            f(main, &made.main);
            for (at, row) in &made.children {
                f(*at, row);
            }
            None::<()>
        });
    }
}

/// The amount columns' scales and the undeclared columns' types, over every row.
fn find(store: &Store, tables: &[Table]) -> Found {
    let mut found = Found::default();
    each_row(store, tables, |t, row| {
        for (c, cell) in row.iter().enumerate() {
            match (tables[t].columns[c].kind, cell) {
                (Kind::Money, Cell::Money(d)) => {
                    let s = found.scale.entry((t, c)).or_default();
                    *s = (*s).max(d.normalize().scale());
                }
                (Kind::Any, cell) => {
                    let old = found.any.get(&(t, c)).copied();
                    if let Some(p) = widen(old, cell) {
                        found.any.insert((t, c), p);
                    }
                }
                _ => {}
            }
        }
    });
    found
}

/// Writes the folder's tables as Parquet files into a new folder at `dir` (replacing
/// one that is there); the tables and their row counts.
pub fn write(store: &Store, dir: &Path) -> Result<Vec<(String, usize)>> {
    if super::db::scored(store) {
        crate::ops::score::scores(store)?;
    }
    let tables = super::db::tables_of(store);
    let found = find(store, &tables);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e: std::io::Error| Error::Io {
            path: path.clone(),
            source: e,
        }
    };
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new()
        .prefix(".crm-new-")
        .tempdir_in(parent)
        .map_err(io(dir))?;
    let (mut outs, readme) = open_files(&tables, &found, tmp.path())?;
    let tz = store.config.tz();
    let mut failed = None;
    each_row(store, &tables, |t, row| {
        let out = &mut outs[t];
        out.rows.push(row.to_vec());
        if out.rows.len() >= GROUP && failed.is_none() {
            if let Err(e) = flush(out, tz) {
                failed = Some(e);
            }
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    let mut counts = Vec::new();
    for (out, table) in outs.iter_mut().zip(&tables) {
        flush(out, tz)?;
        counts.push((table.name.to_string(), out.written));
    }
    for out in outs {
        out.writer.close().map_err(pq)?;
    }
    let readme_path = tmp.path().join("README");
    File::create(&readme_path)
        .and_then(|mut f| f.write_all(readme.as_bytes()))
        .map_err(io(&readme_path))?;
    replace_dir(tmp.keep(), dir).map_err(io(dir))?;
    Ok(counts)
}

/// A writer per table in `dir`, with the types of its columns; the README's text.
fn open_files(tables: &[Table], found: &Found, dir: &Path) -> Result<(Vec<Out>, String)> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e: std::io::Error| Error::Io {
            path: path.clone(),
            source: e,
        }
    };
    let props = Arc::new(WriterProperties::builder().build());
    let mut outs = Vec::new();
    let mut readme = String::from(
        "Tables of a crm folder, one Parquet file each (written by `crm export all --format parquet`).\n\
         Amounts are decimals beside their currency column; moments are UTC timestamps.\n",
    );
    for (t, table) in tables.iter().enumerate() {
        let types: Vec<Physical> = table
            .columns
            .iter()
            .enumerate()
            .map(|(c, col)| match col.kind {
                Kind::Text | Kind::MoneyText | Kind::Json => Physical::Text,
                Kind::Integer => Physical::Int,
                Kind::Real => Physical::Double,
                Kind::Bool => Physical::Bool,
                Kind::Date => Physical::Date,
                Kind::Moment => Physical::Timestamp,
                Kind::Money => Physical::Decimal(found.scale.get(&(t, c)).copied().unwrap_or(0)),
                Kind::Any => found.any.get(&(t, c)).copied().unwrap_or(Physical::Text),
            })
            .collect();
        let fields: Vec<String> = table
            .columns
            .iter()
            .zip(&types)
            .map(|(c, p)| p.schema(&c.name, table.ty.is_some() && c.name == "id"))
            .collect();
        let message = format!("message {} {{ {} }}", table.name, fields.join(" "));
        let schema = Arc::new(parse_message_type(&message).map_err(pq)?);
        let path = dir.join(format!("{}.parquet", table.name));
        let file = File::create(&path).map_err(io(&path))?;
        readme.push_str(&format!("\n{}.parquet:\n", table.name));
        for (c, p) in table.columns.iter().zip(&types) {
            let refers = c
                .references
                .map(|r| format!(" -> {r}.id"))
                .unwrap_or_default();
            readme.push_str(&format!("  {} {}{refers}\n", c.name, p.word()));
        }
        outs.push(Out {
            writer: SerializedFileWriter::new(file, schema, props.clone()).map_err(pq)?,
            types,
            rows: Vec::new(),
            written: 0,
        });
    }
    Ok((outs, readme))
}

/// Puts the folder `new` where `dir` is: the old one moved aside, then removed.
fn replace_dir(new: PathBuf, dir: &Path) -> std::io::Result<()> {
    if std::fs::symlink_metadata(dir).is_ok() {
        let aside = new.with_extension("old");
        std::fs::rename(dir, &aside)?;
        std::fs::rename(&new, dir)?;
        if std::fs::symlink_metadata(&aside).is_ok_and(|m| m.is_dir()) {
            std::fs::remove_dir_all(&aside)?;
        } else {
            std::fs::remove_file(&aside)?;
        }
        return Ok(());
    }
    std::fs::rename(&new, dir)
}

/// The days from 1970-01-01 to `d`.
fn days(d: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    (d - epoch).num_days() as i32
}

/// Writes the rows held as one row group.
fn flush(out: &mut Out, tz: chrono_tz::Tz) -> Result<()> {
    if out.rows.is_empty() {
        return Ok(());
    }
    let mut group = out.writer.next_row_group().map_err(pq)?;
    let mut c = 0;
    while let Some(mut col) = group.next_column().map_err(pq)? {
        let p = out.types[c];
        let cells = out.rows.iter().map(|r| &r[c]);
        let mut defs: Vec<i16> = Vec::with_capacity(out.rows.len());
        macro_rules! put {
            ($ty:ty, $f:expr) => {{
                let mut vals = Vec::new();
                for cell in cells {
                    match $f(cell) {
                        Some(v) => {
                            vals.push(v);
                            defs.push(1);
                        }
                        None => defs.push(0),
                    }
                }
                col.typed::<$ty>()
                    .write_batch(&vals, Some(&defs), None)
                    .map_err(pq)?;
            }};
        }
        match p {
            Physical::Text => put!(ByteArrayType, |c: &Cell| match c {
                Cell::Null => None,
                Cell::Text(s) => Some(ByteArray::from(s.as_bytes().to_vec())),
                Cell::Int(n) => Some(ByteArray::from(n.to_string().into_bytes())),
                Cell::Real(f) => Some(ByteArray::from(f.to_string().into_bytes())),
                Cell::Money(d) => Some(ByteArray::from(d.to_string().into_bytes())),
            }),
            Physical::Int => put!(Int64Type, |c: &Cell| match c {
                Cell::Int(n) => Some(*n),
                _ => None,
            }),
            Physical::Double => put!(DoubleType, |c: &Cell| match c {
                Cell::Int(n) => Some(*n as f64),
                Cell::Real(f) => Some(*f),
                _ => None,
            }),
            Physical::Bool => put!(BoolType, |c: &Cell| match c {
                Cell::Int(n) => Some(*n != 0),
                _ => None,
            }),
            Physical::Date => put!(Int32Type, |c: &Cell| match c {
                Cell::Text(s) => parse_date(s).map(days),
                _ => None,
            }),
            Physical::Timestamp => put!(Int64Type, |c: &Cell| match c {
                Cell::Text(s) => parse_moment(s)
                    .or_else(|| parse_date(s).map(|d| midnight(d, tz)))
                    .map(|m| m.timestamp_micros()),
                _ => None,
            }),
            Physical::Decimal(scale) => put!(FixedLenByteArrayType, |c: &Cell| match c {
                Cell::Money(d) => {
                    let mut d: Decimal = *d;
                    d.rescale(scale);
                    Some(FixedLenByteArray::from(d.mantissa().to_be_bytes().to_vec()))
                }
                _ => None,
            }),
        }
        col.close().map_err(pq)?;
        c += 1;
    }
    group.close().map_err(pq)?;
    out.written += out.rows.len();
    out.rows.clear();
    Ok(())
}
