//! Checking a record after a person edited its file.

use std::path::Path;

use serde_yaml::Value;

use super::check_for_write;
use crate::error::Error;
use crate::model::Record;
use crate::rules::change_stage;
use crate::store::read::parse::{locate_field, parse_record};
use crate::store::Store;

/// Reads edited text back into a record, or explains what is wrong with it, each
/// problem with its line where it can be found.
///
/// A stage changed by hand gets its history entry, as `crm stage` would add, unless
/// the history was edited too.
pub fn parse_edited(
    store: &Store,
    rel: &Path,
    original: &Record,
    text: &str,
) -> Result<Record, String> {
    let mut edited = parse_record(original.ty, rel, text.as_bytes()).map_err(|i| i.to_string())?;
    edited.id = original.id.clone();
    let stage_changed = edited.get("stage") != original.get("stage");
    let history_changed = edited.get("history") != original.get("history");
    if stage_changed && !history_changed {
        if let Some(Value::String(stage)) = edited.fields.get("stage").cloned() {
            // change_stage skips when already there; record the move from the old stage.
            let mut moved = edited.clone();
            moved.fields.insert(
                "stage".into(),
                original.get("stage").cloned().unwrap_or(Value::Null),
            );
            if store.config.lifecycle_stage(&stage).is_some()
                || store.config.pipeline_stage(&stage).is_some()
            {
                change_stage(&mut moved, &stage, &store.clock, &store.config);
                edited = moved;
            }
        }
    }
    match check_for_write(store, &edited, "the edited record is not valid") {
        Ok(()) => Ok(edited),
        Err(Error::Invalid { errors, .. }) => Err(errors
            .iter()
            .map(|e| match locate_field(text, &e.path) {
                Some((line, col)) => format!("line {line}, column {col}: {e}"),
                None => e.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")),
        Err(e) => Err(e.to_string()),
    }
}
