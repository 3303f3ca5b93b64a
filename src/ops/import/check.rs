//! Checks of the planned records as a whole: fields, references, shared e-mails.

use std::collections::{BTreeMap, HashMap};

use super::{Plan, Planned};
use crate::error::RowError;
use crate::model::value::FieldError;
use crate::model::{fold, Record, RecordType};
use crate::rules::validate;
use crate::store::Store;

/// Checks a planned record's fields (its references are checked once every row is in).
pub(super) fn check_row(
    store: &Store,
    item: &Planned,
    columns: &BTreeMap<String, usize>,
    line: usize,
) -> Result<(), Vec<RowError>> {
    let r = &item.record;
    let mut errors: Vec<FieldError> = validate(r.ty, &r.fields, &store.config);
    errors.extend(crate::ops::forget::erased_errors(store, r));
    if errors.is_empty() {
        // A file reads would refuse is refused here, before anything is written.
        let rel = match &item.original {
            Some(o) => o.path.clone(),
            None => store.path_for(r),
        };
        let text = crate::model::canonical::file_text(r, &rel);
        return match crate::store::read::parse::oversize(r, &text) {
            Some((field, why)) => Err(vec![RowError {
                line,
                column: columns.get(&field).copied().unwrap_or(1),
                message: why,
            }]),
            // An update keeps the file's comments, or is refused for one it cannot keep.
            None => match (&item.original, &item.action) {
                (Some(o), super::Action::Update(_)) => match store.rewrite_text(o, r) {
                    Ok(_) => Ok(()),
                    Err(e) => Err(vec![RowError {
                        line,
                        column: 1,
                        message: e.to_string(),
                    }]),
                },
                _ => Ok(()),
            },
        };
    }
    Err(errors
        .into_iter()
        .map(|e| RowError {
            line,
            column: columns
                .get(e.path.split(['.', '[']).next().unwrap_or_default())
                .copied()
                .unwrap_or(1),
            message: e.to_string(),
        })
        .collect())
}

/// Every reference names a record of the folder or of this import (`new_ids`, with the
/// column of each planned record's fields in `columns`).
pub(super) fn check_references(
    store: &Store,
    plan: &Plan,
    new_ids: &HashMap<(RecordType, String), usize>,
    columns: &HashMap<usize, BTreeMap<String, usize>>,
    errors: &mut Vec<RowError>,
) {
    for (i, item) in plan.items.iter().enumerate() {
        for (field, ty, id) in item.record.references() {
            if field != "source"
                && store.get(ty, id).is_none()
                && !new_ids.contains_key(&(ty, id.to_string()))
            {
                errors.push(RowError {
                    line: item.line,
                    column: columns
                        .get(&i)
                        .and_then(|c| c.get(field))
                        .copied()
                        .unwrap_or(1),
                    message: format!("field `{field}`: no {ty} has the id {id:?}"),
                });
            }
        }
    }
}

/// No two customers may share an e-mail, in the folder and this import together.
pub(super) fn check_emails(plan: &Plan, store: &Store, errors: &mut Vec<RowError>) {
    let mut seen: HashMap<String, String> = HashMap::new();
    let planned: HashMap<&str, &Record> = plan
        .items
        .iter()
        .filter(|p| p.record.ty == RecordType::Customer)
        .map(|p| (p.record.id.as_str(), &p.record))
        .collect();
    for l in store.records(RecordType::Customer) {
        if planned.contains_key(l.record.id.as_str()) {
            continue;
        }
        if let Some(e) = l.record.str("email") {
            seen.insert(fold::fold(e), l.record.id.clone());
        }
    }
    for item in plan
        .items
        .iter()
        .filter(|p| p.record.ty == RecordType::Customer)
    {
        if let Some(e) = item.record.str("email") {
            if let Some(other) = seen.insert(fold::fold(e), item.record.id.clone()) {
                if other != item.record.id {
                    errors.push(RowError {
                        line: item.line,
                        column: 1,
                        message: format!(
                            "field `email`: {e:?} is already the e-mail of customer {other}"
                        ),
                    });
                }
            }
        }
    }
}
