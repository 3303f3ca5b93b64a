//! JSON Schemas (draft-07) of the record types, made from the field table so they can
//! never disagree with what crm checks; editors use them while people type.

use serde_json::{json, Map, Value};

use super::spec::{FieldKind, FieldSpec};
use super::RecordType;
use crate::config::Config;

const ID_PATTERN: &str = "^[a-z0-9][a-z0-9-]*$";
const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
const MOMENT_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2}))?$";
const DECIMAL_PATTERN: &str = "^[+-]?[0-9]+(\\.[0-9]+)?$";

fn kind_schema(kind: FieldKind, cfg: &Config) -> Value {
    let words = |w: Vec<&str>| json!({"type": "string", "enum": w});
    match kind {
        FieldKind::Text | FieldKind::Source => json!({"type": "string"}),
        FieldKind::Enum(w) => words(w.to_vec()),
        FieldKind::Lifecycle => words(cfg.lifecycle.names()),
        FieldKind::Pipeline => words(cfg.pipeline.names()),
        FieldKind::Ref(t) => {
            json!({"type": "string", "pattern": ID_PATTERN, "description": format!("the id of a {t}")})
        }
        FieldKind::Email => json!({"type": "string", "format": "email"}),
        FieldKind::Date => {
            json!({"type": "string", "pattern": DATE_PATTERN, "description": "YYYY-MM-DD"})
        }
        FieldKind::Moment => {
            json!({"type": "string", "pattern": MOMENT_PATTERN, "description": "RFC 3339 with offset, or YYYY-MM-DD"})
        }
        FieldKind::Money => {
            json!({"type": ["number", "string"], "pattern": DECIMAL_PATTERN, "description": "a decimal amount"})
        }
        FieldKind::Currency => {
            json!({"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 code"})
        }
        FieldKind::Percent => json!({"type": "number", "minimum": 0, "maximum": 100}),
        FieldKind::Rating => json!({"type": "integer", "minimum": 1, "maximum": 5}),
        FieldKind::Count => json!({"type": "integer", "minimum": 0}),
        FieldKind::Integer => json!({"type": "integer"}),
        FieldKind::Bool => json!({"type": "boolean"}),
        FieldKind::List => {
            json!({"type": "array", "items": {"type": ["string", "number", "boolean"]}})
        }
        FieldKind::Map => {
            json!({"type": "object", "additionalProperties": {"type": ["string", "number"]}})
        }
        FieldKind::Object(inner) => object(inner, cfg),
        FieldKind::History => json!({
            "type": "array",
            "items": {
                "type": "object",
                "required": ["stage", "at"],
                "properties": {
                    "stage": {"type": "string"},
                    "at": {"type": "string", "pattern": MOMENT_PATTERN}
                }
            }
        }),
    }
}

fn object(specs: &[FieldSpec], cfg: &Config) -> Value {
    let mut props = Map::new();
    for s in specs {
        props.insert(s.name.to_string(), kind_schema(s.kind, cfg));
    }
    let required: Vec<&str> = specs
        .iter()
        .filter(|s| s.required)
        .map(|s| s.name)
        .collect();
    let mut o = json!({"type": "object", "properties": props});
    if !required.is_empty() {
        o["required"] = json!(required);
    }
    o
}

/// The schema of one record type, with the stages and declared custom fields of `cfg`.
/// Other fields are allowed: a team may add its own.
pub fn record_schema(ty: RecordType, cfg: &Config) -> Value {
    let mut o = object(ty.spec(), cfg);
    let custom = match ty {
        RecordType::Customer => &cfg.fields.customer,
        RecordType::Deal => &cfg.fields.deal,
        RecordType::Ticket => &cfg.fields.ticket,
        RecordType::Campaign => &cfg.fields.campaign,
        RecordType::Interaction => &cfg.fields.interaction,
    };
    for (name, t) in custom {
        o["properties"][name] = kind_schema(t.kind(), cfg);
    }
    o["properties"]["id"] =
        json!({"not": {}, "description": "the id is the file name, not a field"});
    let mut doc = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": format!("crm {ty}"),
        "description": format!("A {ty} record of crm: one YAML file, named by its id."),
    });
    for (k, v) in o.as_object().expect("an object").clone() {
        doc[k] = v;
    }
    doc
}

/// The schema of `crm.toml`, from its Rust types.
pub fn config_schema() -> Value {
    let settings = schemars::generate::SchemaSettings::draft07();
    let schema = settings.into_generator().into_root_schema_for::<Config>();
    serde_json::to_value(schema).expect("a schema is JSON")
}

/// Every schema file by name, as `crm init` and `crm schema` write them.
pub fn all(cfg: &Config) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = RecordType::ALL
        .iter()
        .map(|t| {
            (
                format!("{}.schema.json", t.singular()),
                record_schema(*t, cfg),
            )
        })
        .collect();
    out.push(("crm.toml.schema.json".into(), config_schema()));
    out
}

/// A schema as its file holds it: pretty JSON and a final newline.
pub fn text(v: &Value) -> String {
    serde_json::to_string_pretty(v).expect("JSON") + "\n"
}
