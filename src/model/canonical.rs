//! The canonical form of a record: the same record always serialises to the same bytes.
//!
//! Known fields come in the order of the type's spec, then unknown fields sorted by
//! name; nested groups follow the same rule; amounts are normalised (`1500.50` → `1500.5`).

use serde_yaml::{Mapping, Value};

use super::record::Record;
use super::spec::{self, FieldKind, FieldSpec};
use super::value::{as_decimal, money_value};

/// The first line of every file crm writes: it points editors with a YAML language
/// server at the record type's JSON Schema in the folder's `schema/`, relative to the
/// file (`customers/x.yaml` → `../schema/customer.schema.json`). YAML reads it as a
/// comment, so it costs the loader nothing.
pub fn schema_header(ty: crate::model::RecordType, rel: &std::path::Path) -> String {
    let depth = rel.components().count().saturating_sub(1);
    format!(
        "# yaml-language-server: $schema={}schema/{}.schema.json\n",
        "../".repeat(depth),
        ty.singular()
    )
}

/// The bytes of a record's file: the schema line, then the canonical YAML.
pub fn file_text(record: &Record, rel: &std::path::Path) -> String {
    schema_header(record.ty, rel) + &to_yaml(record)
}

/// The canonical YAML text of a record's fields.
pub fn to_yaml(record: &Record) -> String {
    let fields = canonical_fields(record.ty.spec(), &record.fields);
    if fields.is_empty() {
        return "{}\n".to_string();
    }
    serde_yaml::to_string(&Value::Mapping(fields)).expect("YAML values always serialise")
}

pub fn canonical_fields(specs: &[FieldSpec], fields: &Mapping) -> Mapping {
    let mut known: Vec<(usize, Value, Value)> = Vec::new();
    let mut unknown: Vec<(String, Value, Value)> = Vec::new();
    for (k, v) in fields {
        let name = k.as_str().unwrap_or_default();
        match specs.iter().position(|s| s.name == name) {
            Some(i) => known.push((i, key_of(k), canonical_value(specs[i].kind, v))),
            None => unknown.push((key_text(k), key_of(k), sorted(v))),
        }
    }
    known.sort_by_key(|(i, _, _)| *i);
    unknown.sort_by(|a, b| a.0.cmp(&b.0));
    known
        .into_iter()
        .map(|(_, k, v)| (k, v))
        .chain(unknown.into_iter().map(|(_, k, v)| (k, v)))
        .collect()
}

/// A key as crm writes it: without a tag, and a list or map key (which the YAML writer
/// cannot emit, and `crm check` reports) as its flow text.
pub fn key_of(k: &Value) -> Value {
    match k {
        Value::Tagged(t) => key_of(&t.value),
        Value::Sequence(_) | Value::Mapping(_) => Value::String(super::value::flow_text(k)),
        other => other.clone(),
    }
}

fn key_text(k: &Value) -> String {
    super::value::scalar_text(k).unwrap_or_default()
}

fn canonical_value(kind: FieldKind, v: &Value) -> Value {
    match (kind, v) {
        (FieldKind::Object(inner), Value::Mapping(m)) => Value::Mapping(canonical_fields(inner, m)),
        (FieldKind::Money | FieldKind::Percent, _) => match as_decimal(v) {
            Some(d) => money_value(d),
            None => sorted(v),
        },
        (FieldKind::History, Value::Sequence(items)) => Value::Sequence(
            items
                .iter()
                .map(|item| match item {
                    Value::Mapping(m) => Value::Mapping(canonical_fields(HISTORY_ENTRY, m)),
                    other => sorted(other),
                })
                .collect(),
        ),
        _ => sorted(v),
    }
}

const HISTORY_ENTRY: &[FieldSpec] = &[
    spec::req("stage", FieldKind::Text),
    spec::req("at", FieldKind::Moment),
];

/// Unknown maps are written with their keys sorted, all the way down.
/// Maps with sorted keys, all the way down. YAML tags (`!name value`) mean nothing to crm
/// and are not written back: the value stays, its tag goes (a tagged map key would not
/// even serialise).
fn sorted(v: &Value) -> Value {
    match v {
        Value::Mapping(m) => Value::Mapping(canonical_fields(&[], m)),
        Value::Sequence(items) => Value::Sequence(items.iter().map(sorted).collect()),
        Value::Tagged(t) => sorted(&t.value),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RecordType;

    #[test]
    fn order_is_fixed_then_sorted() {
        let fields: Mapping = serde_yaml::from_str(
            "zeta: {b: 1, a: 2}\nstage: lead\nindustry: retail\nalpha: x\nname: Toko\npreferences: {consent: true, channel: email, custom: 1}\nemail: a@b.co\n",
        )
        .unwrap();
        let r = Record {
            ty: RecordType::Customer,
            id: "toko-0000".into(),
            fields,
        };
        assert_eq!(
            to_yaml(&r),
            "name: Toko\nemail: a@b.co\nstage: lead\nindustry: retail\npreferences:\n  channel: email\n  consent: true\n  custom: 1\nalpha: x\nzeta:\n  a: 2\n  b: 1\n"
        );
        // Canonical text is a fixed point.
        let again = Record {
            fields: serde_yaml::from_str(&to_yaml(&r)).unwrap(),
            ..r.clone()
        };
        assert_eq!(to_yaml(&again), to_yaml(&r));
    }
}
