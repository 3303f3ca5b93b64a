//! One record: its type, its id (the file stem) and its fields, in YAML form.

use serde_yaml::{Mapping, Value};

use super::record_type::RecordType;
use super::spec::{self, FieldKind, FieldSpec};
use super::value::as_decimal;

#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub ty: RecordType,
    pub id: String,
    pub fields: Mapping,
}

/// Why a dotted path cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot set `{path}`: `{parent}` holds a value that is not a group of fields")]
pub struct PathError {
    pub path: String,
    pub parent: String,
}

/// The value of a string key. A record holds a dozen fields or so: comparing the names
/// in turn is several times quicker than hashing the name as a YAML value, and reports
/// look fields up millions of times.
fn field<'m>(map: &'m Mapping, name: &str) -> Option<&'m Value> {
    if map.len() > 32 {
        return map.get(name);
    }
    map.iter()
        .find(|(k, _)| matches!(k, Value::String(k) if k == name))
        .map(|(_, v)| v)
}

impl Record {
    pub fn new(ty: RecordType, id: impl Into<String>) -> Record {
        Record {
            ty,
            id: id.into(),
            fields: Mapping::new(),
        }
    }

    /// The value at a dotted path (`preferences.channel`), if present.
    pub fn get(&self, path: &str) -> Option<&Value> {
        let mut parts = path.split('.');
        let mut cur = field(&self.fields, parts.next()?)?;
        for part in parts {
            cur = field(cur.as_mapping()?, part)?;
        }
        Some(cur)
    }

    pub fn str(&self, path: &str) -> Option<&str> {
        self.get(path).and_then(Value::as_str)
    }

    pub fn decimal(&self, path: &str) -> Option<rust_decimal::Decimal> {
        self.get(path).and_then(as_decimal)
    }

    /// Writes a value at a dotted path, creating the groups on the way.
    pub fn set(&mut self, path: &str, value: Value) -> Result<(), PathError> {
        let parts: Vec<&str> = path.split('.').collect();
        let mut cur = &mut self.fields;
        for (i, part) in parts[..parts.len() - 1].iter().enumerate() {
            let entry = cur
                .entry(Value::String(part.to_string()))
                .or_insert_with(|| Value::Mapping(Mapping::new()));
            if entry.is_null() {
                *entry = Value::Mapping(Mapping::new());
            }
            cur = entry.as_mapping_mut().ok_or_else(|| PathError {
                path: path.to_string(),
                parent: parts[..=i].join("."),
            })?;
        }
        cur.insert(Value::String(parts[parts.len() - 1].to_string()), value);
        Ok(())
    }

    /// Removes the value at a dotted path; groups left empty go too.
    pub fn remove(&mut self, path: &str) -> Option<Value> {
        fn rec(m: &mut Mapping, parts: &[&str]) -> Option<Value> {
            if parts.len() == 1 {
                return m.shift_remove(parts[0]);
            }
            let child = m.get_mut(parts[0])?.as_mapping_mut()?;
            let removed = rec(child, &parts[1..]);
            if removed.is_some() && child.is_empty() {
                m.shift_remove(parts[0]);
            }
            removed
        }
        let parts: Vec<&str> = path.split('.').collect();
        rec(&mut self.fields, &parts)
    }

    /// The record's name, title, subject or summary.
    pub fn title(&self) -> Option<&str> {
        self.str(self.ty.title_field())
    }

    pub fn stage(&self) -> Option<&str> {
        self.str("stage")
    }

    /// The spec of a known field at a dotted path.
    pub fn spec_of(&self, path: &str) -> Option<&'static FieldSpec> {
        spec::lookup(self.ty.spec(), path)
    }

    /// Ids this record points at, with the field that holds each and the type it names.
    /// A customer's `source` counts when it names a campaign that exists, which the
    /// caller decides; here it is reported as a possible campaign reference.
    pub fn references(&self) -> Vec<(&'static str, RecordType, &str)> {
        let mut out = Vec::new();
        for spec in self.ty.spec() {
            let target = match spec.kind {
                FieldKind::Ref(t) => t,
                FieldKind::Source => RecordType::Campaign,
                _ => continue,
            };
            if let Some(id) = self.str(spec.name) {
                out.push((spec.name, target, id));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_paths() {
        let mut r = Record::new(RecordType::Customer, "a-0000");
        r.set("preferences.channel", "email".into()).unwrap();
        r.set("preferences.consent", true.into()).unwrap();
        assert_eq!(r.str("preferences.channel"), Some("email"));
        r.set("name", "A".into()).unwrap();
        assert_eq!(
            r.set("name.first", "x".into()).unwrap_err().to_string(),
            "cannot set `name.first`: `name` holds a value that is not a group of fields"
        );
        assert_eq!(r.remove("preferences.channel"), Some("email".into()));
        assert!(r.get("preferences").is_some());
        r.remove("preferences.consent");
        assert!(r.get("preferences").is_none());
    }
}
