//! Typing and evaluating a parsed expression against records.
//!
//! Each field is typed once, from the record type's field table (or a custom field
//! declared in `crm.toml`): amounts compare as decimals, dates as dates, moments as
//! instants (or by their own calendar day against a date), stages and other fixed
//! lists by their order, everything else as text. A field crm does not know compares by
//! what each value holds. A comparison of a number or date field with a value of
//! another kind is an error, found before any record is read.
//!
//! Missing fields (absent or null) make every comparison false, `!=` and `!~` included;
//! `not` negates. On a list, `=`, `<`, `~`, … hold when any item does; `!=` and `!~`
//! hold when no item matches.

use std::cmp::Ordering;

use rust_decimal::Decimal;
use serde_yaml::Value;

use super::field::{date_of, moment_of};
pub use super::field::{FieldRef, Kind, Records, SortKey};
use super::lexer::CmpOp;
use super::parser::{Expr, Field, Literal};
use crate::config::Config;
use crate::error::QueryError;
use crate::model::clock::{parse_date, parse_moment};
use crate::model::fold::fold;
use crate::model::value::{as_decimal, scalar_text};
use crate::model::{Record, RecordType};

/// A checked expression, ready to test records of one type.
#[derive(Debug, Clone)]
pub enum Filter {
    Or(Box<Filter>, Box<Filter>),
    And(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    Cmp(FieldRef, CmpOp, Literal),
    In(FieldRef, Vec<Literal>),
    Truthy(FieldRef),
}

fn type_error(field: &Field, lit: &Literal, holds: &str, expected: &str) -> QueryError {
    QueryError::new(
        lit.col,
        format!(
            "field `{}` holds {holds}; `{}` is not {expected}",
            field.path, lit.text
        ),
    )
}

fn check_literal(field: &Field, fr: &FieldRef, op: CmpOp, lit: &Literal) -> Result<(), QueryError> {
    if matches!(op, CmpOp::Has | CmpOp::HasNot) {
        return Ok(());
    }
    let ordering = !matches!(op, CmpOp::Eq | CmpOp::Ne);
    match &fr.kind {
        Kind::Number if lit.number.is_none() => Err(type_error(field, lit, "numbers", "a number")),
        Kind::Date if lit.date.is_none() && lit.moment.is_none() => Err(type_error(
            field,
            lit,
            "dates",
            "a date (YYYY-MM-DD, today, today-7d, today+2w, today-3m)",
        )),
        Kind::Moment if lit.date.is_none() && lit.moment.is_none() => Err(type_error(
            field,
            lit,
            "moments",
            "a date or a moment (YYYY-MM-DD, today-7d, 2026-11-22T09:00:00+07:00)",
        )),
        Kind::Bool if ordering => Err(QueryError::new(
            lit.col,
            format!(
                "field `{}` is true or false: compare it with = or !=",
                field.path
            ),
        )),
        Kind::Bool if lit.boolean.is_none() => {
            Err(type_error(field, lit, "true or false", "true or false"))
        }
        Kind::Ordered(words) if !words.contains(&lit.text) => Err(QueryError::new(
            lit.col,
            format!(
                "`{}` is not a value of field `{}` (one of: {})",
                lit.text,
                field.path,
                words.join(", ")
            ),
        )),
        _ => Ok(()),
    }
}

impl Filter {
    /// Types every field of `expr` for records of type `ty`, rejecting comparisons
    /// that can never make sense.
    /// A field name no record can hold is an error at its column (see [`super::names`]).
    pub fn new(
        expr: &Expr,
        ty: RecordType,
        cfg: &Config,
        db: &dyn Records,
    ) -> Result<Filter, QueryError> {
        let field_ref = |field: &Field| {
            let fr = FieldRef::new(ty, &field.path, cfg);
            match super::names::unknown_ref(ty, &fr, cfg, db) {
                Some(why) => Err(QueryError::new(field.col, why)),
                None => Ok(fr),
            }
        };
        Ok(match expr {
            Expr::Or(a, b) => Filter::Or(
                Box::new(Filter::new(a, ty, cfg, db)?),
                Box::new(Filter::new(b, ty, cfg, db)?),
            ),
            Expr::And(a, b) => Filter::And(
                Box::new(Filter::new(a, ty, cfg, db)?),
                Box::new(Filter::new(b, ty, cfg, db)?),
            ),
            Expr::Not(a) => Filter::Not(Box::new(Filter::new(a, ty, cfg, db)?)),
            Expr::Cmp { field, op, value } => {
                let fr = field_ref(field)?;
                check_literal(field, &fr, *op, value)?;
                Filter::Cmp(fr, *op, value.clone())
            }
            Expr::In { field, values } => {
                let fr = field_ref(field)?;
                for v in values {
                    check_literal(field, &fr, CmpOp::Eq, v)?;
                }
                Filter::In(fr, values.clone())
            }
            Expr::Truthy(field) => Filter::Truthy(field_ref(field)?),
        })
    }

    /// The top-level fields of the record the filter reads.
    pub fn fields<'s>(&'s self, out: &mut Vec<&'s str>) {
        match self {
            Filter::Or(a, b) | Filter::And(a, b) => {
                a.fields(out);
                b.fields(out);
            }
            Filter::Not(a) => a.fields(out),
            Filter::Cmp(f, _, _) | Filter::In(f, _) | Filter::Truthy(f) => out.extend(f.top()),
        }
    }

    pub fn matches(&self, record: &Record, db: &dyn Records) -> bool {
        match self {
            Filter::Or(a, b) => a.matches(record, db) || b.matches(record, db),
            Filter::And(a, b) => a.matches(record, db) && b.matches(record, db),
            Filter::Not(a) => !a.matches(record, db),
            Filter::Truthy(f) => f.value(record, db).is_some_and(|v| truthy(&v)),
            Filter::Cmp(f, op, lit) => {
                let Some(v) = f.value(record, db) else {
                    return false;
                };
                let items = items(&v);
                // Empty text, an empty list (or one of nulls) and an empty group say
                // nothing: they are missing, as an absent field is.
                if items.is_empty() || items.iter().all(|i| empty(i)) {
                    return false;
                }
                match op {
                    CmpOp::Ne => !items.iter().any(|i| compare(&f.kind, i, CmpOp::Eq, lit)),
                    CmpOp::HasNot => !items.iter().any(|i| compare(&f.kind, i, CmpOp::Has, lit)),
                    op => items.iter().any(|i| compare(&f.kind, i, *op, lit)),
                }
            }
            Filter::In(f, lits) => f.value(record, db).is_some_and(|v| {
                items(&v)
                    .iter()
                    .filter(|i| !empty(i))
                    .any(|i| lits.iter().any(|l| compare(&f.kind, i, CmpOp::Eq, l)))
            }),
        }
    }
}

/// A list's items, or the value itself.
fn items(v: &Value) -> Vec<&Value> {
    match v {
        Value::Sequence(items) => items.iter().filter(|i| !i.is_null()).collect(),
        other => vec![other],
    }
}

/// Empty text or an empty group: a value that says nothing (an empty list has no items).
fn empty(v: &Value) -> bool {
    match v {
        Value::String(s) => s.is_empty(),
        Value::Mapping(m) => m.is_empty(),
        Value::Sequence(s) => s.is_empty(),
        Value::Null => true,
        _ => false,
    }
}

/// Present and not false, empty text, an empty list or an empty group.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Sequence(s) => !s.is_empty(),
        Value::Mapping(m) => !m.is_empty(),
        _ => true,
    }
}

fn holds(ord: Option<Ordering>, op: CmpOp) -> bool {
    let Some(o) = ord else {
        return false;
    };
    match op {
        CmpOp::Eq => o == Ordering::Equal,
        CmpOp::Ne => o != Ordering::Equal,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Le => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::Ge => o != Ordering::Less,
        CmpOp::Has | CmpOp::HasNot => false,
    }
}

fn compare(kind: &Kind, v: &Value, op: CmpOp, lit: &Literal) -> bool {
    if matches!(op, CmpOp::Has | CmpOp::HasNot) {
        let Some(text) = scalar_text(v) else {
            return false;
        };
        return fold(&text).contains(&fold(&lit.text));
    }
    let ord = match kind {
        Kind::Number => as_decimal(v).zip(lit.number).map(|(a, b)| a.cmp(&b)),
        Kind::Date => date_of(v)
            .zip(lit.date.or(lit.moment.map(|m| m.date_naive())))
            .map(|(a, b)| a.cmp(&b)),
        Kind::Moment => match (lit.moment, lit.date) {
            (Some(m), _) => moment_of(v).map(|a| a.cmp(&m)),
            (None, Some(d)) => date_of(v).map(|a| a.cmp(&d)),
            _ => None,
        },
        Kind::Bool => v.as_bool().zip(lit.boolean).map(|(a, b)| a.cmp(&b)),
        Kind::Ordered(words) => {
            let pos = |s: &str| words.iter().position(|w| w == s);
            match v.as_str() {
                Some(s) if matches!(op, CmpOp::Eq | CmpOp::Ne) => Some(s.cmp(lit.text.as_str())),
                Some(s) => pos(s).zip(pos(&lit.text)).map(|(a, b)| a.cmp(&b)),
                None => None,
            }
        }
        Kind::Text => scalar_text(v).map(|s| s.as_str().cmp(lit.text.as_str())),
        Kind::Dynamic => dynamic_cmp(v, lit),
    };
    holds(ord, op)
}

/// A value of a field crm does not know, compared by what it holds.
fn dynamic_cmp(v: &Value, lit: &Literal) -> Option<Ordering> {
    match v {
        Value::Number(_) => match lit.number {
            Some(n) => as_decimal(v).map(|a| a.cmp(&n)),
            None => scalar_text(v).map(|s| s.as_str().cmp(lit.text.as_str())),
        },
        Value::Bool(b) => match lit.boolean {
            Some(l) => Some(b.cmp(&l)),
            None => Some(b.to_string().as_str().cmp(lit.text.as_str())),
        },
        Value::String(s) => {
            // Dates and moments compare as such, whichever of the two each side is: a
            // moment against a date (`today`) by its day, a date against a moment by the
            // moment's day.
            match (parse_date(s), parse_moment(s), lit.date, lit.moment) {
                (Some(d), _, Some(l), _) => return Some(d.cmp(&l)),
                (Some(d), _, None, Some(m)) => return Some(d.cmp(&m.date_naive())),
                (None, Some(v), _, Some(m)) => return Some(v.cmp(&m)),
                (None, Some(v), Some(l), None) => return Some(v.date_naive().cmp(&l)),
                _ => {}
            }
            if let (Some(l), Ok(n)) = (lit.number, s.trim().parse::<Decimal>()) {
                return Some(n.cmp(&l));
            }
            Some(s.as_str().cmp(lit.text.as_str()))
        }
        _ => None,
    }
}
