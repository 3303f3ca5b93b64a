//! What commands do to records, apart from how they were asked: creating, assigning
//! fields, changing stages, removing. Each checks the result before anything is written.

pub mod add;
pub mod agenda;
pub mod assign;
pub mod check;
pub mod contact;
pub mod dedupe;
pub mod edit;
pub mod export;
pub mod forget;
pub mod generate;
pub mod git;
pub mod import;
pub mod ingest;
pub mod init;
pub mod list;
pub mod merge;
pub mod merge_records;
pub mod remove;
pub mod score;
pub mod send;
pub mod subject;
pub mod timeline;
pub mod unite;

use serde_yaml::Value;

use crate::error::{Error, Result};
use crate::model::value::FieldError;
use crate::model::{Record, RecordType};
use crate::rules::validate;
use crate::store::Store;

/// Everything that must hold before a record is written: its fields are valid, its
/// references name existing records, and no other customer has its e-mail.
pub fn check_for_write(store: &Store, record: &Record, context: &str) -> Result<()> {
    let mut errors = record_errors(store, record);
    if record.ty == RecordType::Customer {
        if let Some(Value::String(email)) = record.fields.get("email") {
            let owner = if store.email_is_new(&record.id, email) {
                store.email_owner(email, &record.id)
            } else {
                None
            };
            if let Some(other) = owner {
                errors.push(FieldError {
                    path: "email".into(),
                    message: format!("{email:?} is already the e-mail of customer {other}"),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid(context, errors))
    }
}

/// What is wrong with a record whatever other customers hold: its fields, its
/// references to records that do not exist, a campaign's audience query, personal data
/// on an erased customer's records.
pub fn record_errors(store: &Store, record: &Record) -> Vec<FieldError> {
    let mut errors = validate(record.ty, &record.fields, &store.config);
    for (field, ty, id) in store.dangling_references(record) {
        errors.push(FieldError {
            path: field.to_string(),
            message: format!("no {ty} has the id {id:?}"),
        });
    }
    errors.extend(audience_error(store, record));
    errors.extend(forget::erased_errors(store, record));
    errors
}

/// A campaign's `audience` is a customer query: one that does not parse, or names a field
/// no customer holds, would pick nobody (or everybody) when the campaign is sent.
pub fn audience_error(store: &Store, record: &Record) -> Option<FieldError> {
    if record.ty != RecordType::Campaign {
        return None;
    }
    let audience = record.str("audience")?;
    let e = crate::query::Query::new(
        &[audience.to_string()],
        RecordType::Customer,
        &store.config,
        store.clock.today,
        store,
    )
    .err()?;
    Some(FieldError {
        path: "audience".into(),
        message: format!(
            "is not a customer query: at column {}: {}",
            e.col, e.message
        ),
    })
}
