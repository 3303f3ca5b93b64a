//! `crm export`: records as rows (csv, tsv) or documents (json, jsonl), shaped so that
//! `crm import` reads them back as the same records.
//!
//! Columns: `id`, the type's known fields in canonical order (groups flattened with
//! dots: `preferences.channel`, `social.whatsapp`), then unknown fields sorted. In a
//! cell, a known list is its items joined with `;`, the history is `stage at` pairs
//! joined with `;`, and a list in an unknown field is a JSON array.

use std::collections::BTreeSet;

use serde_yaml::Value;

use crate::query::field::SCORE;

use crate::config::Config;
use crate::model::canonical::canonical_fields;
use crate::model::spec::{FieldKind, FieldSpec};
use crate::model::value::scalar_text;
use crate::model::{Record, RecordType};
use crate::render::Format;

/// The separator of list items in a cell.
pub const LIST_SEP: char = ';';

/// Whether the field at `path` holds a list of text (`tags`, `preferences.interests`, a
/// declared list field).
pub fn is_known_list(ty: RecordType, path: &str, cfg: &Config) -> bool {
    matches!(
        crate::model::spec::lookup(ty.spec(), path).map(|s| s.kind),
        Some(FieldKind::List | FieldKind::Phones)
    ) || (!path.contains('.') && cfg.custom_field(ty, path) == Some(FieldKind::List))
}

/// A record's cells, by flattened column name.
pub fn cells(record: &Record, cfg: &Config) -> Vec<(String, String)> {
    let mut out = vec![("id".to_string(), record.id.clone())];
    let fields = canonical_fields(record.ty.spec(), &record.fields);
    for (k, v) in &fields {
        flatten(
            record.ty,
            &scalar_text(k).unwrap_or_default(),
            v,
            cfg,
            &mut out,
        );
    }
    out
}

fn flatten(ty: RecordType, path: &str, v: &Value, cfg: &Config, out: &mut Vec<(String, String)>) {
    match v {
        Value::Mapping(m) => {
            for (k, v) in m {
                flatten(
                    ty,
                    &format!("{path}.{}", scalar_text(k).unwrap_or_default()),
                    v,
                    cfg,
                    out,
                );
            }
        }
        Value::Sequence(items) if path == "history" => {
            let pairs: Vec<String> = items
                .iter()
                .map(|i| {
                    let get = |k: &str| i.get(k).and_then(scalar_text).unwrap_or_default();
                    format!("{} {}", get("stage"), get("at"))
                })
                .collect();
            out.push((path.into(), pairs.join(&LIST_SEP.to_string())));
        }
        Value::Sequence(items) if is_known_list(ty, path, cfg) => {
            let items: Vec<String> = items.iter().filter_map(scalar_text).collect();
            out.push((path.into(), items.join(&LIST_SEP.to_string())));
        }
        Value::Sequence(_) => {
            let json = serde_json::to_string(&crate::render::yaml_to_json(v)).unwrap_or_default();
            out.push((path.into(), json));
        }
        other => out.push((path.into(), scalar_text(other).unwrap_or_default())),
    }
}

fn known_columns(specs: &[FieldSpec], prefix: &str, out: &mut Vec<String>) {
    for s in specs {
        match s.kind {
            FieldKind::Object(inner) => known_columns(inner, &format!("{prefix}{}.", s.name), out),
            // A map's columns are its keys, found in the records.
            FieldKind::Map => {}
            _ => out.push(format!("{prefix}{}", s.name)),
        }
    }
}

/// The columns of an export: `id`, every known field of the type (so the header is the
/// same whatever the records hold), then the other columns the records have, sorted.
pub fn columns(ty: RecordType, records: &[&Record], cfg: &Config) -> Vec<String> {
    let mut known = vec!["id".to_string()];
    let mut specs_cols = Vec::new();
    known_columns(ty.spec(), "", &mut specs_cols);
    // Map fields (social) go where the map stands in the spec, keys sorted.
    let mut present: BTreeSet<String> = BTreeSet::new();
    for r in records {
        for (c, _) in cells(r, cfg) {
            present.insert(c);
        }
    }
    for s in ty.spec() {
        match s.kind {
            FieldKind::Map => {
                let prefix = format!("{}.", s.name);
                known.extend(present.iter().filter(|c| c.starts_with(&prefix)).cloned());
            }
            FieldKind::Object(_) => {
                let prefix = format!("{}.", s.name);
                known.extend(
                    specs_cols
                        .iter()
                        .filter(|c| c.starts_with(&prefix))
                        .cloned(),
                );
            }
            _ => known.push(s.name.to_string()),
        }
    }
    let rest: Vec<String> = present.into_iter().filter(|c| !known.contains(c)).collect();
    known.extend(rest);
    known
}

pub struct ExportOptions {
    /// One of [`Format::DATA`].
    pub format: Format,
    /// Columns chosen with `--fields`; else [`columns`].
    pub fields: Option<Vec<String>>,
    /// Leave formula-like cells as they are.
    pub raw: bool,
    /// Start with a UTF-8 byte order mark, for spreadsheet programs that want one.
    pub bom: bool,
    /// Customers' lead scores by id, exported as a `score` column (json: a key) after the
    /// fields; `crm import` leaves that column out.
    pub scores: Option<std::collections::HashMap<String, f64>>,
}

/// Writes an export to a file named by the user, atomically (a reader never sees half
/// of it), keeping the mode of a file it replaces.
pub fn save(path: &std::path::Path, bytes: &[u8]) -> crate::error::Result<()> {
    crate::store::atomic::overwrite(path, bytes)?;
    Ok(())
}

/// One record as an exported JSON document: whole (with its score), or the columns
/// `--fields` chose.
fn json_doc(r: &Record, cfg: &Config, opts: &ExportOptions) -> serde_json::Value {
    let score = opts.scores.as_ref().and_then(|s| s.get(&r.id));
    let Some(cols) = &opts.fields else {
        let mut full = crate::render::record_json(r);
        if let (Some(x), serde_json::Value::Object(o)) = (score, &mut full) {
            o.insert(SCORE.into(), serde_json::json!(x));
        }
        return full;
    };
    let cells = cells(r, cfg);
    let mut obj = serde_json::Map::new();
    for c in cols {
        let v = match cells.iter().find(|(k, _)| k == c) {
            Some((_, v)) => serde_json::Value::String(v.clone()),
            None if c == SCORE => score.map_or(serde_json::Value::Null, |x| serde_json::json!(x)),
            None => serde_json::Value::Null,
        };
        obj.insert(c.clone(), v);
    }
    serde_json::Value::Object(obj)
}

/// The exported bytes.
pub fn export(
    records: &[&Record],
    ty: RecordType,
    cfg: &Config,
    opts: &ExportOptions,
) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    if opts.bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    match opts.format {
        Format::Json | Format::Jsonl => {
            let docs: Vec<serde_json::Value> =
                records.iter().map(|r| json_doc(r, cfg, opts)).collect();
            if opts.format == Format::Json {
                serde_json::to_writer_pretty(&mut out, &docs)?;
                out.push(b'\n');
            } else {
                for d in docs {
                    serde_json::to_writer(&mut out, &d)?;
                    out.push(b'\n');
                }
            }
        }
        Format::Csv | Format::Tsv => {
            let cols = opts.fields.clone().unwrap_or_else(|| {
                let mut c = columns(ty, records, cfg);
                if opts.scores.is_some() {
                    c.push(SCORE.into());
                }
                c
            });
            let rows: Vec<Vec<String>> = records
                .iter()
                .map(|r| {
                    let cells = cells(r, cfg);
                    cols.iter()
                        .map(|c| {
                            let score = || {
                                opts.scores
                                    .as_ref()
                                    .filter(|_| c == SCORE)
                                    .and_then(|s| s.get(&r.id))
                                    .map(f64::to_string)
                            };
                            cells
                                .iter()
                                .find(|(k, _)| k == c)
                                .map(|(_, v)| v.clone())
                                .or_else(score)
                                .unwrap_or_default()
                        })
                        .collect()
                })
                .collect();
            // The one writer of rows: csv quoted by the csv crate, tsv with `\t`, `\n`,
            // `\r`, `\\` escapes (as `crm list` writes it), both guarded unless raw.
            crate::render::rows::write_rows(
                &mut out,
                &cols,
                &rows,
                opts.format,
                crate::render::rows::RowOptions {
                    header: true,
                    raw: opts.raw,
                },
            )?;
        }
        Format::Vcf if ty == RecordType::Customer => {
            crate::render::vcf::write_cards(&mut out, records)?;
        }
        Format::Vcf
        | Format::Table
        | Format::Yaml
        | Format::Ids
        | Format::Markdown
        | Format::Text
        | Format::Github
        | Format::Html
        | Format::Ics
        | Format::Sqlite
        | Format::Parquet => {
            return Err(std::io::Error::other(format!(
                "{} are not exported as {}",
                ty.plural(),
                opts.format
            )))
        }
    }
    Ok(out)
}
