//! Creating a record: defaults, assignments, checks, a fresh id, a create-new write.

use std::path::PathBuf;

use serde_yaml::Value;

use super::assign::{apply, Assignment};
use super::check_for_write;
use crate::error::{Error, Result};
use crate::model::id::{check_id, IdGenerator};
use crate::model::record_type::Fill;
use crate::model::spec::FieldKind;
use crate::model::{Record, RecordType};
use crate::rules::change_stage;
use crate::store::atomic::WriteError;
use crate::store::Store;

/// How many fresh ids to try before giving up (a clash is one in a million per try).
const ID_ATTEMPTS: usize = 16;

pub struct NewRecord {
    pub ty: RecordType,
    /// An explicit id (`--id`); else one is made from the record's name.
    pub id: Option<String>,
    pub assignments: Vec<Assignment>,
}

/// Adds a record and returns it with the path it was written to (relative to the folder).
///
/// Defaults: a customer starts at the first lifecycle stage, a deal at the first pipeline
/// stage (both with a first history entry); `created` is today; a ticket is `open`,
/// `normal` priority, `opened` now; a campaign is `planned`; an interaction happens now.
/// A record with an amount but no currency gets the folder's currency.
pub fn add(store: &Store, new: NewRecord) -> Result<(Record, PathBuf)> {
    // Under the write lock, so that two adds cannot both find an e-mail free.
    store.locked(|| add_locked(store, new))
}

fn add_locked(store: &Store, new: NewRecord) -> Result<(Record, PathBuf)> {
    let ty = new.ty;
    let mut record = Record::new(ty, "");
    apply(store, &mut record, &new.assignments)?;
    fill_defaults(store, &mut record, true);

    let context = format!("cannot add {ty}");
    check_for_write(store, &record, &context)?;

    if let Some(id) = new.id {
        check_id(&id).map_err(|e| Error::BadValue(format!("--id: {e}")))?;
        if store.exists(ty, &id) {
            return Err(Error::Exists { ty, id });
        }
        record.id = id;
        let path = store.create(&record)?;
        return Ok((record, path));
    }

    let title = record
        .title()
        .or_else(|| record.str("channel"))
        .unwrap_or_default()
        .to_string();
    let mut ids = IdGenerator::from_env();
    for _ in 0..ID_ATTEMPTS {
        record.id = ids.id_for(&title, ty.singular());
        // A fresh random id is checked where crm puts records (create-new below, and any
        // month of interactions); an id moved into a subfolder by hand is `crm check`'s.
        if !store.probe_paths(ty, &record.id).is_empty() {
            continue;
        }
        match store.create(&record) {
            Ok(path) => return Ok((record, path)),
            // Another file has this name (perhaps in another month's folder, or made
            // just now by another writer): never overwrite, try another id.
            Err(Error::Write(WriteError::Exists(_))) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(Error::NoFreeId {
        ty,
        attempts: ID_ATTEMPTS,
    })
}

/// The defaults of a new record (see [`add`]); also used by `crm import`. With
/// `backdate`, a history this call or the assignments made moves to a back-dated
/// `created` day; a history given whole (an import of an export) is left alone.
pub fn fill_defaults(store: &Store, record: &mut Record, backdate: bool) {
    let ty = record.ty;
    let cfg = &store.config;
    let clock = &store.clock;
    let backdated = record
        .str("created")
        .and_then(crate::model::clock::parse_date)
        .filter(|d| *d != clock.today);
    if let (Some(first), None) = (cfg.first_stage(ty.info().stages), record.get("stage")) {
        let first = first.to_string();
        change_stage(record, &first, clock, cfg);
    }
    if let (true, Some(day), Some(Value::Sequence(history))) =
        (backdate, backdated, record.fields.get_mut("history"))
    {
        // A record added with an earlier `created` (a back-filled one) entered its first
        // stage then, not today: funnels and cycle times count from there.
        let at = crate::model::clock::format_moment(&crate::model::clock::midnight(day, cfg.tz()));
        for entry in history.iter_mut() {
            if let Value::Mapping(m) = entry {
                m.insert("at".into(), at.clone().into());
            }
        }
    }
    for (field, fill) in ty.info().fills {
        let value = match fill {
            Fill::Text(t) => (*t).into(),
            Fill::Today => clock.today.to_string().into(),
            Fill::Now => clock.stamp().into(),
        };
        default(record, field, value);
    }
    let has_money = ty
        .spec()
        .iter()
        .any(|s| s.kind == FieldKind::Money && record.get(s.name).is_some());
    if has_money && ty.spec().iter().any(|s| s.name == "currency") {
        default(record, "currency", cfg.currency.0.clone().into());
    }
}

fn default(record: &mut Record, field: &str, value: Value) {
    if record.get(field).is_none() {
        record.fields.insert(field.into(), value);
    }
}
