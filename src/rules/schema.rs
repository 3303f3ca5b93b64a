//! JSON Schemas (draft-07) of the record types, made from the field table so they can
//! never disagree with what crm checks; editors use them while people type.

use serde_json::{json, Map, Value};

use crate::config::Config;
use crate::model::spec::{FieldKind, FieldSpec};
use crate::model::RecordType;

/// The keyword marking a field that holds personal data (`crm forget` removes it); JSON
/// Schema validators ignore keywords they do not know.
const PERSONAL: &str = "x-personal";

const ID_PATTERN: &str = "^[a-z0-9][a-z0-9-]*$";
/// A calendar date that exists: months of 30 and 31 days, February of 28, or 29 in a leap
/// year of the Gregorian calendar (as crm's own date check: 2026-02-30 is refused).
const DATE_BODY: &str = "(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)";

fn date_pattern() -> String {
    format!("^{DATE_BODY}$")
}

/// RFC 3339 as crm reads it (chrono's parser): `T`, `t` or a space between date and time,
/// seconds required, `Z`, `z` or an offset; or a date alone.
fn moment_pattern() -> String {
    format!("^{DATE_BODY}(?:[Tt ](?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9]))?$")
}

/// An amount written as text: 0 to 10^15 (`model::value::MAX_AMOUNT`), no sign but `+`.
const AMOUNT_PATTERN: &str = "^\\+?(?:[0-9]{1,15}(?:\\.[0-9]+)?|1000000000000000(?:\\.0+)?)$";
/// A whole percentage written as text.
const PERCENT_PATTERN: &str = "^(?:100|[1-9]?[0-9])$";

fn kind_schema(kind: FieldKind, ty: RecordType, cfg: &Config) -> Value {
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
        FieldKind::Phone => {
            json!({"type": "string", "description": "a phone number, E.164 (+6281234567890) when it parses"})
        }
        FieldKind::Phones => {
            json!({"type": "array", "items": {"type": "string"}, "description": "phone numbers, E.164 when they parse"})
        }
        FieldKind::Date => {
            json!({"type": "string", "pattern": date_pattern(), "description": "YYYY-MM-DD"})
        }
        FieldKind::Moment => {
            json!({"type": "string", "pattern": moment_pattern(), "description": "RFC 3339 with offset, or YYYY-MM-DD"})
        }
        FieldKind::Money => json!({
            "type": ["number", "string"],
            "minimum": 0,
            "maximum": 1_000_000_000_000_000u64,
            "pattern": AMOUNT_PATTERN,
            "description": "a decimal amount from 0 to 10^15"
        }),
        FieldKind::Currency => {
            json!({"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 code"})
        }
        FieldKind::Percent => json!({
            "type": ["integer", "string"],
            "minimum": 0,
            "maximum": 100,
            "pattern": PERCENT_PATTERN,
            "description": "a whole percentage from 0 to 100"
        }),
        FieldKind::Rating => json!({"type": "integer", "minimum": 1, "maximum": 5}),
        FieldKind::Nps => json!({"type": "integer", "minimum": 0, "maximum": 10}),
        FieldKind::Count => json!({"type": "integer", "minimum": 0}),
        FieldKind::Integer => json!({"type": "integer"}),
        FieldKind::Bool => json!({"type": "boolean"}),
        FieldKind::List => {
            json!({"type": "array", "items": {"type": ["string", "number", "boolean"]}})
        }
        FieldKind::Map => {
            json!({"type": "object", "additionalProperties": {"type": ["string", "number"]}})
        }
        FieldKind::Object(inner) => object(inner, ty, cfg),
        FieldKind::History => {
            // Only staged types have a history; any other falls back to the lifecycle.
            let stages = cfg
                .stage_names(ty.info().stages)
                .unwrap_or_else(|| cfg.lifecycle.names());
            json!({
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["stage", "at"],
                    "properties": {
                        "stage": {"type": "string", "enum": stages},
                        "at": {"type": "string", "pattern": moment_pattern()}
                    }
                }
            })
        }
    }
}

fn object(specs: &[FieldSpec], ty: RecordType, cfg: &Config) -> Value {
    let mut props = Map::new();
    for s in specs {
        let mut v = kind_schema(s.kind, ty, cfg);
        if s.personal {
            v[PERSONAL] = json!(true);
        }
        props.insert(s.name.to_string(), v);
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
    let mut o = object(ty.spec(), ty, cfg);
    for (name, f) in cfg.custom_fields(ty) {
        let mut v = f
            .kind()
            .map_or_else(|| json!({}), |t| kind_schema(t.kind(), ty, cfg));
        if f.personal() {
            v[PERSONAL] = json!(true);
        }
        o["properties"][name] = v;
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
