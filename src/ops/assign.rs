//! `KEY=VALUE` assignments, as given to `crm set`, `crm add --set` and the typed flags of `crm add`.

use std::str::FromStr;

use serde_yaml::Value;

use crate::error::{Error, Result};
use crate::model::spec::FieldKind;
use crate::model::value::{split_list, FieldError};
use crate::model::{Record, RecordType};
use crate::rules::change_stage;
use crate::rules::parse_input;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignOp {
    /// `KEY=VALUE`
    Set,
    /// `KEY+=VALUE`: add items to a list.
    Append,
    /// `KEY-=VALUE`: take items out of a list.
    Remove,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub path: String,
    pub op: AssignOp,
    pub raw: String,
}

impl Assignment {
    pub fn set(path: &str, raw: impl Into<String>) -> Assignment {
        Assignment {
            path: path.to_string(),
            op: AssignOp::Set,
            raw: raw.into(),
        }
    }
}

impl FromStr for Assignment {
    type Err = Error;

    fn from_str(s: &str) -> Result<Assignment> {
        let Some((key, raw)) = s.split_once('=') else {
            return Err(Error::BadValue(format!(
                "expected KEY=VALUE (or KEY+=VALUE, KEY-=VALUE for lists), found {s:?}"
            )));
        };
        let (key, op) = if let Some(k) = key.strip_suffix('+') {
            (k, AssignOp::Append)
        } else if let Some(k) = key.strip_suffix('-') {
            (k, AssignOp::Remove)
        } else {
            (key, AssignOp::Set)
        };
        check_path(key)?;
        Ok(Assignment {
            path: key.to_string(),
            op,
            raw: raw.to_string(),
        })
    }
}

/// Field paths are dotted names of letters, digits, `_` and `-`.
pub fn check_path(path: &str) -> Result<()> {
    let ok = !path.is_empty()
        && path.split('.').all(|seg| {
            !seg.is_empty()
                && !seg.starts_with('-')
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
    if !ok {
        return Err(Error::BadValue(format!(
            "{path:?} is not a field name (letters, digits, '_' and '-', nested fields joined by '.')"
        )));
    }
    if path == "id" {
        return Err(Error::IdField);
    }
    Ok(())
}

/// Fields an assignment adds that no record of the type had: the custom fields a command
/// creates, for a note on stderr.
///
/// A key that no record of the type holds and that is a typo away from a field the type
/// knows (`stge`, `emial`, `vlaue`) is refused, naming that field, unless `new_field`
/// (the user's `--new-field`) says the new field is meant. "A typo away": one edit (a
/// letter added, dropped, changed or two swapped), or two from a name of eight letters or
/// more; two edits on short names would take `tags` for `stage`.
pub fn new_fields(
    store: &Store,
    record: &Record,
    assignments: &[Assignment],
    new_field: bool,
) -> Result<Vec<String>> {
    let ty = record.ty;
    let mut out = Vec::new();
    for a in assignments {
        let path = a.path.as_str();
        if kind_of(store, ty, path).is_some() {
            continue;
        }
        let (top, sub) = match path.split_once('.') {
            Some((t, s)) => (t, Some(s)),
            None => (path, None),
        };
        // The names it could be a typo of: the type's fields (or a group's own fields,
        // for `preferences.chanel`) and those crm.toml declares.
        let (key, candidates): (&str, Vec<String>) = match (
            crate::model::spec::lookup(ty.spec(), top).map(|s| s.kind),
            sub,
        ) {
            (Some(FieldKind::Object(inner)), Some(sub)) if !sub.contains('.') => {
                (sub, inner.iter().map(|s| s.name.to_string()).collect())
            }
            (Some(_), Some(_)) => continue,
            (None, _) => (
                top,
                ty.spec()
                    .iter()
                    .map(|s| s.name.to_string())
                    .chain(store.config.custom_fields(ty).keys().cloned())
                    .collect(),
            ),
            (Some(_), None) => continue,
        };
        if record.get(path).is_some() || out.iter().any(|o| o == path) {
            continue;
        }
        if crate::query::Records::holds(store, ty, path) {
            continue;
        }
        let near = candidates.iter().find(|c| {
            let limit = if c.chars().count() < 8 { 1 } else { 2 };
            c.as_str() != key && strsim::damerau_levenshtein(key, c) <= limit
        });
        if let (Some(near), false) = (near, new_field) {
            let meant = match sub {
                Some(_) => format!("{top}.{near}"),
                None => near.clone(),
            };
            return Err(Error::BadValue(format!(
                "no {ty} has a field `{path}` (did you mean `{meant}`?); pass --new-field to add `{path}` as a new field"
            )));
        }
        out.push(path.to_string());
    }
    Ok(out)
}

/// The kind of value a path holds: a known field's, a declared custom field's, or `None`.
pub fn kind_of(store: &Store, ty: RecordType, path: &str) -> Option<FieldKind> {
    crate::model::spec::lookup(ty.spec(), path)
        .map(|s| s.kind)
        .or_else(|| store.config.custom_field(ty, path))
}

fn field_err(path: &str, message: impl Into<String>) -> Error {
    Error::invalid(
        "invalid value",
        vec![FieldError {
            path: path.to_string(),
            message: message.into(),
        }],
    )
}

/// A value for a field crm does not know: numbers and true/false as YAML would read
/// them, provided they read back as exactly what was typed (`0812` stays text).
pub fn infer_value(raw: &str) -> Value {
    match serde_yaml::from_str::<Value>(raw) {
        Ok(v @ (Value::Number(_) | Value::Bool(_))) => {
            let back = serde_yaml::to_string(&v).unwrap_or_default();
            if back.trim_end() == raw {
                v
            } else {
                Value::String(raw.to_string())
            }
        }
        _ => Value::String(raw.to_string()),
    }
}

/// The list of a customer's changes of consent, `{consent, at}` each, that `crm set`
/// appends to.
pub const CONSENT_HISTORY: &str = "consent_history";

/// Applies assignments in order. References are resolved (prefix, e-mail) to ids; a
/// `stage` assignment is a stage change, with history; setting `preferences.consent`
/// records when in `preferences.consent_at` and appends the change to `consent_history`.
pub fn apply(store: &Store, record: &mut Record, assignments: &[Assignment]) -> Result<()> {
    for a in assignments {
        apply_one(store, record, a)?;
    }
    Ok(())
}

fn apply_one(store: &Store, record: &mut Record, a: &Assignment) -> Result<()> {
    let path = a.path.as_str();
    let kind = kind_of(store, record.ty, path);
    if a.op != AssignOp::Set {
        if !matches!(kind, None | Some(FieldKind::List | FieldKind::Phones)) {
            return Err(field_err(
                path,
                "is not a list; `+=` and `-=` work on lists",
            ));
        }
        let mut items = match record.get(path) {
            Some(Value::Sequence(items)) => items.clone(),
            Some(Value::Null) | None => Vec::new(),
            Some(other) => vec![other.clone()],
        };
        for item in split_list(&a.raw) {
            match a.op {
                AssignOp::Append if !items.contains(&item) => items.push(item),
                AssignOp::Remove => items.retain(|i| i != &item),
                _ => {}
            }
        }
        if items.is_empty() {
            record.remove(path);
        } else {
            set(record, path, Value::Sequence(items))?;
        }
        return Ok(());
    }
    let value = match kind {
        Some(FieldKind::Ref(ty)) => {
            let target = store
                .resolve(a.raw.trim(), &[ty])
                .map_err(|e| field_err(path, e.to_string()))?;
            Value::String(target.record.id.clone())
        }
        Some(kind @ (FieldKind::Date | FieldKind::Moment)) => {
            // `today+3d`, `tomorrow`: the day, from the run's clock (`--as-of`).
            let day = crate::model::clock::typed_day(&a.raw, store.clock.today)
                .map_err(|m| field_err(path, m))?;
            let raw = day.map_or_else(|| a.raw.clone(), |d| d.to_string());
            parse_input(kind, &raw, &store.config).map_err(|m| field_err(path, m))?
        }
        Some(kind) => parse_input(kind, &a.raw, &store.config).map_err(|m| field_err(path, m))?,
        None => {
            if a.raw.trim().is_empty() {
                return Err(field_err(
                    path,
                    "the value is empty (use `crm unset` to remove a field)",
                ));
            }
            infer_value(&a.raw)
        }
    };
    if path == "stage" && record.ty.has_stage() {
        let stage = value.as_str().unwrap_or_default().to_string();
        change_stage(record, &stage, &store.clock, &store.config);
        return Ok(());
    }
    if path == "status" && record.ty == crate::model::RecordType::Ticket {
        let status = value.as_str().unwrap_or_default().to_string();
        crate::model::stage::change_status(record, &status, &store.clock);
        return Ok(());
    }
    if path == "preferences.consent" && record.get(path) != Some(&value) {
        let at: Value = store.clock.stamp().into();
        set(record, "preferences.consent_at", at.clone())?;
        // Each change, in order: what a subject access request asks for (`crm
        // export-subject`), which `consent_at` alone forgets.
        let mut history = match record.get(CONSENT_HISTORY) {
            Some(Value::Sequence(items)) => items.clone(),
            _ => Vec::new(),
        };
        let mut entry = serde_yaml::Mapping::new();
        entry.insert("consent".into(), value.clone());
        entry.insert("at".into(), at);
        history.push(Value::Mapping(entry));
        set(record, CONSENT_HISTORY, Value::Sequence(history))?;
    }
    set(record, path, value)
}

fn set(record: &mut Record, path: &str, value: Value) -> Result<()> {
    record.set(path, value).map_err(Error::FieldPath)
}

/// Removes fields; a required one cannot go. Returns the paths that were not there.
pub fn unset(record: &mut Record, paths: &[String]) -> Result<Vec<String>> {
    let mut missing = Vec::new();
    for path in paths {
        check_path(path)?;
        if record.spec_of(path).is_some_and(|s| s.required) {
            return Err(field_err(path, "is required and cannot be removed"));
        }
        if record.remove(path).is_none() {
            missing.push(path.clone());
        }
    }
    Ok(missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_assignments() {
        let a: Assignment = "tags+=vip".parse().unwrap();
        assert_eq!(
            (a.path.as_str(), a.op, a.raw.as_str()),
            ("tags", AssignOp::Append, "vip")
        );
        let a: Assignment = "preferences.channel=email".parse().unwrap();
        assert_eq!(a.path, "preferences.channel");
        let a: Assignment = "note=a=b".parse().unwrap();
        assert_eq!(a.raw, "a=b");
        assert!(matches!(
            "novalue".parse::<Assignment>(),
            Err(Error::BadValue(_))
        ));
        assert!(matches!(
            "../x=1".parse::<Assignment>(),
            Err(Error::BadValue(_))
        ));
        assert!(matches!("id=x".parse::<Assignment>(), Err(Error::IdField)));
    }

    #[test]
    fn infers_only_what_reads_back() {
        assert_eq!(infer_value("50"), Value::Number(50.into()));
        assert_eq!(infer_value("true"), Value::Bool(true));
        assert_eq!(infer_value("0812"), Value::String("0812".into()));
        assert_eq!(infer_value("1.50"), Value::String("1.50".into()));
        assert_eq!(infer_value("a: b"), Value::String("a: b".into()));
    }
}
