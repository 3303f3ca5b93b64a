//! Flattening a record for row formats: nested fields become dotted columns
//! (`preferences.channel`), lists are joined with `;`.

use serde_yaml::Value;

use crate::model::canonical::canonical_fields;
use crate::model::value::scalar_text;
use crate::model::Record;

/// The separator of list items in a flattened cell.
pub const LIST_SEP: &str = ";";

/// The record's cells in canonical order, `id` first.
pub fn flatten(record: &Record) -> Vec<(String, String)> {
    let mut out = vec![("id".to_string(), record.id.clone())];
    let fields = canonical_fields(record.ty.spec(), &record.fields);
    for (k, v) in &fields {
        flatten_into(&scalar_text(k).unwrap_or_default(), v, &mut out);
    }
    out
}

fn flatten_into(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Mapping(m) => {
            for (k, v) in m {
                let key = format!("{prefix}.{}", scalar_text(k).unwrap_or_default());
                flatten_into(&key, v, out);
            }
        }
        other => out.push((prefix.to_string(), cell_text(other))),
    }
}

/// A value as one cell: scalars as written, lists joined with `;`, groups inside lists
/// as their values joined by spaces (a history entry reads `won 2026-11-22T…`).
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::Sequence(items) => items
            .iter()
            .map(|i| match i {
                Value::Mapping(m) => m.values().map(cell_text).collect::<Vec<_>>().join(" "),
                other => cell_text(other),
            })
            .collect::<Vec<_>>()
            .join(LIST_SEP),
        Value::Mapping(m) => m.values().map(cell_text).collect::<Vec<_>>().join(" "),
        other => scalar_text(other).unwrap_or_default(),
    }
}

/// One value as a cell: a group becomes `key=value` pairs joined by `;`
/// (`channel=email;consent=true`), anything else as [`cell_text`].
pub fn value_cell(v: &Value) -> String {
    match v {
        Value::Mapping(_) => {
            let mut pairs = Vec::new();
            flatten_into("", v, &mut pairs);
            pairs
                .into_iter()
                .map(|(k, v)| format!("{}={v}", k.trim_start_matches('.')))
                .collect::<Vec<_>>()
                .join(LIST_SEP)
        }
        other => cell_text(other),
    }
}

/// The flattened column names of a record (`id`, `name`, `preferences.channel`, …).
pub fn column_names(record: &Record) -> Vec<String> {
    flatten(record).into_iter().map(|(k, _)| k).collect()
}
