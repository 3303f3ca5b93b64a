//! The tools `crm mcp` serves: each one's typed input (its JSON Schema derived from the
//! type, with the CLI's record types and report names), and the crm command line it
//! stands for.
//!
//! Values reach the command as `--flag=VALUE` or after `--`, one argument each, so no
//! value is ever read as a flag, and no shell is involved.

use std::borrow::Cow;
use std::collections::BTreeMap;

use clap::ValueEnum;
use crm::model::RecordType;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde_json::Value;

use crate::commands::report::Kind;

/// A record type, as `crm list` takes it: singular or plural.
#[derive(Debug, Clone, Copy)]
pub struct TypeName(pub RecordType);

impl<'de> Deserialize<'de> for TypeName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<TypeName, D::Error> {
        let s = String::deserialize(d)?;
        RecordType::ALL
            .into_iter()
            .find(|t| t.singular() == s || t.plural() == s)
            .map(TypeName)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "{s:?} is not a record type ({})",
                    type_names().join(", ")
                ))
            })
    }
}

fn type_names() -> Vec<&'static str> {
    RecordType::ALL
        .into_iter()
        .flat_map(|t| [t.singular(), t.plural()])
        .collect()
}

impl JsonSchema for TypeName {
    fn schema_name() -> Cow<'static, str> {
        "RecordType".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "enum": type_names(), "description": "A record type"})
    }
}

/// A report, by the name `crm report` takes.
#[derive(Debug, Clone, Copy)]
pub struct ReportName(pub Kind);

fn report_names() -> Vec<String> {
    Kind::value_variants()
        .iter()
        .filter_map(|k| k.to_possible_value())
        .map(|p| p.get_name().to_string())
        .collect()
}

impl ReportName {
    pub fn name(self) -> String {
        self.0
            .to_possible_value()
            .map(|p| p.get_name().to_string())
            .unwrap_or_default()
    }
}

impl<'de> Deserialize<'de> for ReportName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ReportName, D::Error> {
        let s = String::deserialize(d)?;
        Kind::from_str(&s, false).map(ReportName).map_err(|_| {
            serde::de::Error::custom(format!(
                "{s:?} is not a report ({})",
                report_names().join(", ")
            ))
        })
    }
}

impl JsonSchema for ReportName {
    fn schema_name() -> Cow<'static, str> {
        "ReportName".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "enum": report_names(), "description": "A report"})
    }
}

/// `list_records`: as `crm list TYPE`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListRecords {
    #[serde(rename = "type")]
    pub ty: TypeName,
    /// A query, as `crm list --where` takes it: `stage = won and value > 1000`
    #[serde(rename = "where", default)]
    pub query: Option<String>,
    /// Fields to sort by, `-` before one for descending: `-value,title`
    #[serde(default)]
    pub sort: Option<String>,
    /// The fields of each row (default: the type's columns); `all` for every field
    #[serde(default)]
    pub fields: Option<Vec<String>>,
    /// At most this many records
    #[serde(default)]
    pub limit: Option<u32>,
}

/// `show_record`: one record, with its id and path.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShowRecord {
    /// An id, a unique prefix of one, `type/id`, or a customer's e-mail or phone
    #[serde(rename = "ref")]
    pub reference: String,
}

/// `timeline`: as `crm timeline CUSTOMER`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Timeline {
    /// The customer (id, prefix, e-mail or phone)
    pub customer: String,
    /// Only what happened on or after this day, YYYY-MM-DD
    #[serde(default)]
    pub since: Option<String>,
}

/// `agenda`: as `crm agenda`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agenda {
    /// Only this owner's follow-ups
    #[serde(default)]
    pub owner: Option<String>,
}

/// `report`: as `crm report NAME --format json`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub name: ReportName,
    /// The day taken as today, YYYY-MM-DD
    #[serde(default)]
    pub as_of: Option<String>,
    /// The first day of the period, YYYY-MM-DD
    #[serde(default)]
    pub since: Option<String>,
    /// The last day of the period, YYYY-MM-DD
    #[serde(default)]
    pub until: Option<String>,
    /// Only the records matching this query
    #[serde(rename = "where", default)]
    pub query: Option<String>,
}

/// `sql`: as `crm sql QUERY --format json`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sql {
    /// One SQL statement over the tables `crm sql --schema` lists (read-only)
    pub query: String,
}

/// `add_record`: as `crm add TYPE --set FIELD=VALUE…`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddRecord {
    /// customer, deal, ticket or campaign (interactions: `log_interaction`)
    #[serde(rename = "type")]
    pub ty: TypeName,
    /// The fields, by their names in the YAML (`name`, `stage`, `preferences.channel` or
    /// `preferences: {channel: …}`); lists as arrays
    pub fields: BTreeMap<String, Value>,
}

/// `log_interaction`: as `crm log CUSTOMER SUMMARY`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogInteraction {
    /// The customer (id, prefix, e-mail or phone)
    pub customer: String,
    /// call, email, whatsapp, sms, meeting, social, post, web or note
    pub channel: String,
    /// inbound or outbound
    #[serde(default)]
    pub direction: Option<String>,
    /// What was said
    pub summary: String,
    /// When (RFC 3339; default: now)
    #[serde(default)]
    pub at: Option<String>,
    #[serde(default)]
    pub deal: Option<String>,
    #[serde(default)]
    pub ticket: Option<String>,
    #[serde(default)]
    pub campaign: Option<String>,
    /// The customer's next follow-up: "DATE what to do" (DATE as YYYY-MM-DD, today+3d,
    /// tomorrow)
    #[serde(default)]
    pub next: Option<String>,
}

/// `set_fields`: as `crm set REF FIELD=VALUE…`, then `crm unset REF FIELD…`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetFields {
    #[serde(rename = "ref")]
    pub reference: String,
    /// Fields to set, by their YAML names; lists as arrays
    #[serde(default)]
    pub set: BTreeMap<String, Value>,
    /// Fields to remove
    #[serde(default)]
    pub unset: Vec<String>,
}

/// `move_stage`: as `crm stage REF STAGE`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveStage {
    #[serde(rename = "ref")]
    pub reference: String,
    /// A stage of crm.toml's lifecycle (customers) or pipeline (deals)
    pub stage: String,
}

/// One tool: its name, what it does, its input's schema, and whether it writes.
pub struct ToolSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub schema: fn() -> Schema,
    pub writes: bool,
}

fn schema<T: JsonSchema>() -> Schema {
    let settings = schemars::generate::SchemaSettings::draft2020_12();
    settings.into_generator().into_root_schema_for::<T>()
}

/// Every tool, in the order `tools/list` gives them.
pub const TOOLS: &[ToolSpec] = &[
    ToolSpec {
        name: "list_records",
        description: "Records of one type matching a query, as `crm list`: rows as JSON objects, fields named as in the YAML files.",
        schema: schema::<ListRecords>,
        writes: false,
    },
    ToolSpec {
        name: "show_record",
        description: "One record, whole, with its id and the path of its file.",
        schema: schema::<ShowRecord>,
        writes: false,
    },
    ToolSpec {
        name: "timeline",
        description: "A customer's history in time order: stage changes, interactions, deals, tickets, as `crm timeline`.",
        schema: schema::<Timeline>,
        writes: false,
    },
    ToolSpec {
        name: "agenda",
        description: "Follow-ups due and overdue, customers to get in touch with, as `crm agenda`.",
        schema: schema::<Agenda>,
        writes: false,
    },
    ToolSpec {
        name: "report",
        description: "A report's figures as JSON, as `crm report NAME --format json` (funnel, pipeline, campaigns, service, customers, weekly, leads, feedback).",
        schema: schema::<Report>,
        writes: false,
    },
    ToolSpec {
        name: "sql",
        description: "One read-only SQL statement over the folder's tables, as `crm sql` (rows as JSON objects).",
        schema: schema::<Sql>,
        writes: false,
    },
    ToolSpec {
        name: "add_record",
        description: "Add a customer, deal, ticket or campaign, checked as `crm add` checks it; returns the new record.",
        schema: schema::<AddRecord>,
        writes: true,
    },
    ToolSpec {
        name: "log_interaction",
        description: "Log a call, e-mail, message or meeting with a customer, as `crm log`; returns the new interaction.",
        schema: schema::<LogInteraction>,
        writes: true,
    },
    ToolSpec {
        name: "set_fields",
        description: "Set and remove fields of a record, as `crm set` and `crm unset` (a stage set here is a stage change, with history); returns the record.",
        schema: schema::<SetFields>,
        writes: true,
    },
    ToolSpec {
        name: "move_stage",
        description: "Move a customer or deal to another stage, with history, as `crm stage`; returns the record.",
        schema: schema::<MoveStage>,
        writes: true,
    },
];

/// A JSON value as a command-line value: text as it is, numbers and booleans as
/// written, arrays as comma-separated items (how `crm set` takes lists).
pub fn cli_value(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::Array(_) | Value::Object(_) | Value::Null => {
                    Err("a list holds text, numbers or booleans".to_string())
                }
                other => cli_value(other),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|items| items.join(",")),
        Value::Null => Err("null is not a value (remove a field with `unset`)".into()),
        Value::Object(_) => Err("a group is given as its fields".into()),
    }
}

/// `FIELD=VALUE` assignments, a group's fields as `group.field`.
pub fn assignments(fields: &BTreeMap<String, Value>) -> Result<Vec<String>, String> {
    fn walk(prefix: &str, v: &Value, out: &mut Vec<String>) -> Result<(), String> {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    walk(&format!("{prefix}.{k}"), v, out)?;
                }
                Ok(())
            }
            other => {
                let value = cli_value(other).map_err(|e| format!("field `{prefix}`: {e}"))?;
                out.push(format!("{prefix}={value}"));
                Ok(())
            }
        }
    }
    let mut out = Vec::new();
    for (k, v) in fields {
        walk(k, v, &mut out)?;
    }
    Ok(out)
}

/// `--name=VALUE` when the value is there.
pub fn flag(out: &mut Vec<String>, name: &str, value: Option<&String>) {
    if let Some(v) = value {
        out.push(format!("--{name}={v}"));
    }
}
