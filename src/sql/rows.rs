//! A record as rows of the tables ([`super::schema`]): its main row and its child rows.
//! A value that does not fit its column's kind (a hand-written `created: soon`) is left
//! out of the column and kept in `extra`, so nothing the record holds is lost.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde_yaml::Value;

use super::schema::{child_of, table_name, Kind, Source, Table, CHILDREN};
use crate::model::clock::{parse_date, parse_moment};
use crate::model::value::{as_decimal, scalar_text, Scalar};
use crate::model::Record;

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    /// An amount, exact (SQLite stores it as REAL; Parquet as a decimal).
    Money(Decimal),
}

/// A record's rows: its main table's row, and (child table's place, row) pairs.
#[derive(Debug, Default)]
pub struct Rows {
    pub main: Vec<Cell>,
    pub children: Vec<(usize, Vec<Cell>)>,
}

fn untag(v: &Value) -> &Value {
    match v {
        Value::Tagged(t) => untag(&t.value),
        v => v,
    }
}

/// A value as a column of `kind` holds it; `None` when it does not fit.
fn cell(kind: Kind, v: &Value) -> Option<Cell> {
    let v = untag(v);
    if matches!(v, Value::Null) {
        return Some(Cell::Null);
    }
    let scalar = Scalar::of(v);
    Some(match kind {
        Kind::Text => {
            scalar?;
            Cell::Text(scalar_text(v)?)
        }
        Kind::Date => Cell::Text(v.as_str().filter(|s| parse_date(s).is_some())?.into()),
        Kind::Moment => Cell::Text(
            v.as_str()
                .filter(|s| parse_moment(s).is_some() || parse_date(s).is_some())?
                .into(),
        ),
        Kind::Integer => match scalar? {
            Scalar::Int(n) => Cell::Int(n),
            Scalar::UInt(n) => Cell::Int(i64::try_from(n).ok()?),
            _ => return None,
        },
        Kind::Bool => match scalar? {
            Scalar::Bool(b) => Cell::Int(i64::from(b)),
            _ => return None,
        },
        Kind::Real => Cell::Real(as_decimal(v)?.to_f64()?),
        Kind::Money => Cell::Money(as_decimal(v)?),
        Kind::MoneyText => Cell::Text(as_decimal(v)?.to_string()),
        Kind::Json => Cell::Text(crate::render::yaml_to_json(v).to_string()),
        Kind::Any => match scalar? {
            Scalar::Null => Cell::Null,
            Scalar::Bool(b) => Cell::Int(i64::from(b)),
            Scalar::Int(n) => Cell::Int(n),
            Scalar::UInt(n) => {
                i64::try_from(n).map_or_else(|_| Cell::Text(n.to_string()), Cell::Int)
            }
            Scalar::Float(f) => Cell::Real(f),
            Scalar::Str(s) => Cell::Text(s.into()),
        },
    })
}

/// The undeclared top-level fields of a record that hold a plain value (the custom
/// columns they make: see [`super::schema::Custom`]).
pub fn custom_keys(r: &Record) -> Vec<String> {
    r.fields
        .iter()
        .filter_map(|(k, v)| {
            let k = k.as_str()?;
            let known =
                crate::model::spec::lookup(r.ty.spec(), k).is_some() || child_of(r.ty, k).is_some();
            let plain = Scalar::of(untag(v)).is_some_and(|s| !matches!(s, Scalar::Null));
            (!known && plain).then(|| k.to_string())
        })
        .collect()
}

/// The items of a child list, each as text, when every item is a plain value.
fn items(v: &Value) -> Option<Vec<String>> {
    match untag(v) {
        Value::Sequence(items) => items
            .iter()
            .map(|i| match untag(i) {
                Value::Null | Value::Sequence(_) | Value::Mapping(_) => None,
                i => scalar_text(i),
            })
            .collect(),
        _ => None,
    }
}

/// A history's entries as (stage, at), when each is a map of just those.
fn entries(v: &Value) -> Option<Vec<(Cell, Cell)>> {
    let Value::Sequence(list) = untag(v) else {
        return None;
    };
    list.iter()
        .map(|e| {
            let Value::Mapping(m) = untag(e) else {
                return None;
            };
            let (mut stage, mut at) = (Cell::Null, Cell::Null);
            for (k, v) in m {
                match k.as_str()? {
                    "stage" => stage = cell(Kind::Text, v)?,
                    "at" => at = cell(Kind::Moment, v)?,
                    _ => return None,
                }
            }
            Some((stage, at))
        })
        .collect()
}

/// The rows of `r` in `tables` (its type's main table among them), with its score.
pub fn rows(r: &Record, tables: &[Table], score: Option<f64>) -> Rows {
    let mut out = Rows::default();
    let mut rest = r.clone();
    let main = tables
        .iter()
        .find(|t| t.ty == Some(r.ty))
        .map_or(&[][..], |t| t.columns.as_slice());
    let mut extra_at = None;
    for c in main {
        let value = match &c.source {
            Source::Id => Cell::Text(r.id.clone()),
            Source::Field(path) | Source::Exact(path) => match r.get(path) {
                None => Cell::Null,
                Some(v) => match cell(c.kind, v) {
                    Some(cell) => {
                        if matches!(c.source, Source::Field(_)) {
                            rest.remove(path);
                        }
                        cell
                    }
                    None => Cell::Null,
                },
            },
            Source::Score => score.map_or(Cell::Null, Cell::Real),
            Source::Extra => {
                extra_at = Some(out.main.len());
                Cell::Null
            }
            Source::ParentType | Source::ParentId | Source::Item(_) => Cell::Null,
        };
        out.main.push(value);
    }
    let parent = || Cell::Text(r.id.clone());
    let kind = || Cell::Text(table_name(r.ty).into());
    for (place, c) in CHILDREN.iter().enumerate() {
        if !c.types.contains(&r.ty) {
            continue;
        }
        let Some(v) = r.get(c.field) else { continue };
        let typed = tables.iter().position(|t| t.name == c.table);
        let Some(at) = typed else { continue };
        let made = if c.field == "history" {
            entries(v).map(|list| {
                list.into_iter()
                    .map(|(stage, when)| vec![kind(), parent(), stage, when])
                    .collect::<Vec<_>>()
            })
        } else {
            items(v).map(|list| {
                list.into_iter()
                    .map(|i| {
                        if CHILDREN[place].types.len() > 1 {
                            vec![kind(), parent(), Cell::Text(i)]
                        } else {
                            vec![parent(), Cell::Text(i)]
                        }
                    })
                    .collect::<Vec<_>>()
            })
        };
        if let Some(made) = made {
            rest.remove(c.field);
            out.children.extend(made.into_iter().map(|row| (at, row)));
        }
    }
    if let Some(i) = extra_at {
        if !rest.fields.is_empty() {
            let json = serde_json::Value::Object(
                rest.fields
                    .iter()
                    .map(|(k, v)| {
                        (
                            scalar_text(k).unwrap_or_default(),
                            crate::render::yaml_to_json(v),
                        )
                    })
                    .collect(),
            );
            out.main[i] = Cell::Text(json.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::schema::{tables, Custom};
    use super::*;
    use crate::model::RecordType;

    fn record(ty: RecordType, yaml: &str) -> Record {
        let mut r = Record::new(ty, "x-1");
        r.fields = serde_yaml::from_str(yaml).unwrap();
        r
    }

    #[test]
    fn a_deal_makes_typed_cells_children_and_extra() {
        let r = record(
            RecordType::Deal,
            "title: POS\ncustomer: c-1\nstage: won\nvalue: '1500.50'\nprobability: 40\n\
             products: [pos, printer]\nhistory:\n- {stage: won, at: 2026-11-02T10:00:00+07:00}\n\
             next_action: {on: 2026-12-01, mood: good}\ncreated: soon\nsector: retail\n",
        );
        let mut found: [Vec<String>; 5] = Default::default();
        found[1] = custom_keys(&r);
        assert_eq!(found[1], ["sector"]);
        let cfg = crate::config::Config::default();
        let t = tables(&Custom::new(&cfg, &found), false);
        let rows = rows(&r, &t, None);
        let deals = &t[1];
        let at = |name: &str| {
            let i = deals.columns.iter().position(|c| c.name == name).unwrap();
            rows.main[i].clone()
        };
        assert_eq!(at("id"), Cell::Text("x-1".into()));
        assert_eq!(at("value"), Cell::Money(Decimal::new(150050, 2)));
        assert_eq!(at("value_text"), Cell::Text("1500.50".into()));
        assert_eq!(at("probability"), Cell::Real(40.0));
        assert_eq!(at("next_action_on"), Cell::Text("2026-12-01".into()));
        assert_eq!(at("sector"), Cell::Text("retail".into()));
        // `created: soon` is not a date, and `mood` no known field: both kept in extra.
        assert_eq!(at("created"), Cell::Null);
        assert_eq!(
            at("extra"),
            Cell::Text(r#"{"next_action":{"mood":"good"},"created":"soon"}"#.into())
        );
        let history = t.iter().position(|t| t.name == "history").unwrap();
        let products = t.iter().position(|t| t.name == "products").unwrap();
        assert_eq!(
            rows.children,
            vec![
                (
                    history,
                    vec![
                        Cell::Text("deals".into()),
                        Cell::Text("x-1".into()),
                        Cell::Text("won".into()),
                        Cell::Text("2026-11-02T10:00:00+07:00".into())
                    ]
                ),
                (
                    products,
                    vec![Cell::Text("x-1".into()), Cell::Text("pos".into())]
                ),
                (
                    products,
                    vec![Cell::Text("x-1".into()), Cell::Text("printer".into())]
                ),
            ]
        );
    }
}
