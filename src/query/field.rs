//! A field path typed once for records of one type (`value`, `customer.city`), and how
//! its values sort.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;
use serde_yaml::Value;

use crate::config::Config;
use crate::model::clock::{parse_date, parse_moment};
use crate::model::spec::{self, FieldKind};
use crate::model::value::{as_decimal, scalar_text};
use crate::model::{Record, RecordType};

/// Where joined records are found (`customer.city` on a deal).
pub trait Records {
    fn record(&self, ty: RecordType, id: &str) -> Option<&Record>;

    /// Whether some record of the type holds the field at `path` (for names the field
    /// table does not know: see [`super::names`]).
    fn holds(&self, ty: RecordType, path: &str) -> bool {
        let _ = (ty, path);
        true
    }

    /// A field computed from the folder rather than read from the record (a customer's
    /// [`SCORE`]), by the record's type and id.
    fn computed(&self, ty: RecordType, id: &str, name: &str) -> Option<Value> {
        let _ = (ty, id, name);
        None
    }

    /// Why a computed field cannot be computed here (crm.toml's scoring rules do not
    /// parse): a query naming it is an error rather than a silent blank.
    fn computed_problem(&self, ty: RecordType, name: &str) -> Option<String> {
        let _ = (ty, name);
        None
    }
}

/// A customer's lead score, computed from crm.toml's `[scoring]` (`store::score`).
pub const SCORE: &str = "score";

/// Whether `name` on records of `ty` is a computed field (not one the record holds): a
/// customer's `score`, unless the folder declares a field of that name.
pub fn is_computed(ty: RecordType, name: &str, cfg: &Config) -> bool {
    ty == RecordType::Customer
        && name == SCORE
        && spec::lookup(ty.spec(), name).is_none()
        && cfg.custom_field(ty, name).is_none()
}

/// How a field's values compare.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Number,
    Date,
    Moment,
    Bool,
    /// Words with an order: stages, priorities, statuses.
    Ordered(Vec<String>),
    Text,
    /// A field crm does not know: each value compares by what it holds.
    Dynamic,
}

impl Kind {
    fn of(kind: FieldKind, cfg: &Config) -> Kind {
        match kind {
            FieldKind::Money
            | FieldKind::Percent
            | FieldKind::Rating
            | FieldKind::Nps
            | FieldKind::Count
            | FieldKind::Integer => Kind::Number,
            FieldKind::Date => Kind::Date,
            FieldKind::Moment => Kind::Moment,
            FieldKind::Bool => Kind::Bool,
            FieldKind::Enum(words) => Kind::Ordered(words.iter().map(|w| w.to_string()).collect()),
            FieldKind::Lifecycle => Kind::Ordered(
                cfg.lifecycle
                    .names()
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            ),
            FieldKind::Pipeline => {
                Kind::Ordered(cfg.pipeline.names().iter().map(|s| s.to_string()).collect())
            }
            FieldKind::Map | FieldKind::Object(_) | FieldKind::History => Kind::Dynamic,
            FieldKind::Text
            | FieldKind::Source
            | FieldKind::Ref(_)
            | FieldKind::Email
            | FieldKind::Phone
            | FieldKind::Currency
            | FieldKind::List
            | FieldKind::Phones => Kind::Text,
        }
    }
}

/// A field path made ready: the references to follow, then the path inside the last record.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRef {
    pub path: String,
    joins: Vec<(&'static str, RecordType)>,
    rest: String,
    pub kind: Kind,
    /// An amount (a deal's value, a budget): grouped for people in tables.
    pub money: bool,
    /// A computed field ([`is_computed`]): asked of the folder, not read from the record.
    pub computed: bool,
}

impl FieldRef {
    /// Types a path on records of type `ty`. A first segment that is a reference field
    /// (`customer`, `deal`, `campaign`, `organisation`, …) followed by more segments
    /// reaches into the referenced record.
    pub fn new(ty: RecordType, path: &str, cfg: &Config) -> FieldRef {
        let mut cur = ty;
        let mut joins = Vec::new();
        let mut rest = path;
        while let Some((head, tail)) = rest.split_once('.') {
            match spec::lookup(cur.spec(), head).map(|s| s.kind) {
                Some(FieldKind::Ref(target)) => {
                    let name = cur
                        .spec()
                        .iter()
                        .find(|s| s.name == head)
                        .map(|s| s.name)
                        .unwrap_or("");
                    joins.push((name, target));
                    cur = target;
                    rest = tail;
                }
                _ => break,
            }
        }
        let computed = is_computed(cur, rest, cfg);
        let kind = if rest == "id" {
            Kind::Text
        } else if computed {
            Kind::Number
        } else {
            spec::lookup(cur.spec(), rest)
                .map(|s| s.kind)
                .or_else(|| {
                    if rest.contains('.') {
                        None
                    } else {
                        cfg.custom_field(cur, rest)
                    }
                })
                .map(|k| Kind::of(k, cfg))
                .unwrap_or(Kind::Dynamic)
        };
        let money = matches!(
            spec::lookup(cur.spec(), rest).map(|s| s.kind),
            Some(FieldKind::Money)
        );
        FieldRef {
            path: path.to_string(),
            joins,
            rest: rest.to_string(),
            kind,
            money,
            computed,
        }
    }

    /// The type of the record the path ends in (`customer` for `customer.city` on a
    /// deal), given the type it starts from, and the path inside that record.
    pub fn target(&self, from: RecordType) -> (RecordType, &str) {
        (self.joins.last().map_or(from, |j| j.1), &self.rest)
    }

    /// The top-level field of the record this path reads (`customer` for
    /// `customer.city`), or `None` for the id.
    pub fn top(&self) -> Option<&str> {
        match self.joins.first() {
            Some((field, _)) => Some(field),
            None if self.rest == "id" => None,
            None => self.rest.split('.').next(),
        }
    }

    /// The value of this field on `record`, following references; `None` when missing.
    pub fn value<'a>(
        &self,
        record: &'a Record,
        db: &'a dyn Records,
    ) -> Option<std::borrow::Cow<'a, Value>> {
        let mut cur = record;
        for (field, ty) in &self.joins {
            let id = cur.str(field)?;
            cur = db.record(*ty, id)?;
        }
        if self.rest == "id" {
            return Some(std::borrow::Cow::Owned(Value::String(cur.id.clone())));
        }
        if self.computed {
            let (ty, _) = self.target(record.ty);
            return db
                .computed(ty, &cur.id, &self.rest)
                .map(std::borrow::Cow::Owned);
        }
        match cur.get(&self.rest) {
            None | Some(Value::Null) => None,
            Some(v) => Some(std::borrow::Cow::Borrowed(v)),
        }
    }
}

pub(super) fn moment_of(v: &Value) -> Option<DateTime<FixedOffset>> {
    v.as_str().and_then(parse_moment)
}

/// A date field's value: a date, or the calendar day of a moment.
pub(super) fn date_of(v: &Value) -> Option<NaiveDate> {
    let s = v.as_str()?;
    parse_date(s).or_else(|| {
        chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|m| m.date_naive())
    })
}

/// A sort key: values of one kind order among themselves; kinds order as listed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    Number(Decimal),
    Date(NaiveDate),
    Moment(DateTime<FixedOffset>),
    Rank(usize),
    Bool(bool),
    Text(String),
}

impl FieldRef {
    /// The key this field gives `record` for sorting (a list sorts by its first item).
    pub fn sort_key(&self, record: &Record, db: &dyn Records) -> Option<SortKey> {
        let v = self.value(record, db)?;
        let v = match v.as_ref() {
            Value::Sequence(items) => items.first()?.clone(),
            other => other.clone(),
        };
        let text = || scalar_text(&v).map(SortKey::Text);
        match &self.kind {
            Kind::Number => as_decimal(&v).map(SortKey::Number).or_else(text),
            Kind::Date => date_of(&v).map(SortKey::Date).or_else(text),
            Kind::Moment => moment_of(&v).map(SortKey::Moment).or_else(text),
            Kind::Bool => v.as_bool().map(SortKey::Bool).or_else(text),
            Kind::Ordered(words) => v
                .as_str()
                .and_then(|s| words.iter().position(|w| w == s))
                .map(SortKey::Rank)
                .or_else(text),
            Kind::Text => text(),
            Kind::Dynamic => match &v {
                Value::Number(_) => as_decimal(&v).map(SortKey::Number),
                Value::Bool(b) => Some(SortKey::Bool(*b)),
                Value::String(s) => Some(
                    parse_date(s)
                        .map(SortKey::Date)
                        .or_else(|| {
                            chrono::DateTime::parse_from_rfc3339(s)
                                .ok()
                                .map(SortKey::Moment)
                        })
                        .unwrap_or_else(|| SortKey::Text(s.clone())),
                ),
                _ => None,
            },
        }
    }
}
