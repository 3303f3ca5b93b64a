//! `crm merge KEEP GONE`: the plan (what each file becomes) and its writes.
//!
//! The writes come in an order that a run killed anywhere leaves completable: KEEP
//! first (united with GONE, `merged` naming it, see [`super::unite`]), then each record
//! that names GONE, pointed at KEEP, and GONE's file last. Running the command again
//! finds GONE still there, or, once it is removed, KEEP's `merged` naming it, and does
//! what is left; each write is atomic and the whole run holds the write lock.

use std::path::PathBuf;

use serde_yaml::Value;

use crate::error::{Error, ResolveError, Result};
use crate::model::value::FieldError;
use crate::model::{Record, RecordType};
use crate::ops::unite::unite;
use crate::store::load::Loaded;
use crate::store::Store;

/// What a merge will do.
#[derive(Debug)]
pub struct Plan<'s> {
    pub keep: &'s Loaded,
    /// GONE's record, or `None` when an earlier run removed it (KEEP's `merged` names it).
    pub gone: Option<&'s Loaded>,
    pub gone_id: String,
    /// KEEP as it will be written.
    pub merged: Record,
    /// The records that name GONE, each with the fields that do.
    pub repoint: Vec<(&'s Loaded, Vec<&'static str>)>,
}

/// One file a merge writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Changed(PathBuf),
    Removed(PathBuf),
}

impl Plan<'_> {
    pub fn ty(&self) -> RecordType {
        self.keep.record.ty
    }

    /// Every file the merge changes, in the order it writes them.
    pub fn changes(&self) -> Vec<Change> {
        let mut out = Vec::new();
        if self.merged.fields != self.keep.record.fields {
            out.push(Change::Changed(self.keep.path.clone()));
        }
        out.extend(
            self.repoint
                .iter()
                .map(|(l, _)| Change::Changed(l.path.clone())),
        );
        if let Some(g) = self.gone {
            out.push(Change::Removed(g.path.clone()));
        }
        out
    }
}

/// Resolves KEEP (any type) and GONE (KEEP's type) and works out the merge. GONE that no
/// longer exists is fine when KEEP's `merged` names it: the references still to move are
/// moved. The united KEEP is checked as any write is.
pub fn plan<'s>(store: &'s Store, keep: &str, gone: &str) -> Result<Plan<'s>> {
    let keep = store.resolve(keep, &RecordType::ALL)?;
    let ty = keep.record.ty;
    let (gone, gone_id) = match store.resolve(gone, &[ty]) {
        Ok(g) if g.record.id == keep.record.id => {
            return Err(Error::BadValue(format!(
                "{ty} {} cannot be merged into itself",
                keep.record.id
            )));
        }
        Ok(g) => (Some(g), g.record.id.clone()),
        Err(ResolveError::Merged { id, into, .. }) if into == keep.record.id => (None, id),
        Err(e) => return Err(e.into()),
    };
    let merged = match gone {
        Some(g) => united(store, &keep.record, &g.record),
        None => keep.record.clone(),
    };
    check(store, &merged, &gone_id)?;
    let repoint = store
        .referrers(ty, &gone_id)
        .into_iter()
        .filter(|(l, _)| !(l.record.ty == ty && l.record.id == keep.record.id))
        .fold(
            Vec::<(&Loaded, Vec<&'static str>)>::new(),
            |mut acc, (l, field)| {
                match acc.iter_mut().find(|(o, _)| std::ptr::eq(*o, l)) {
                    Some((_, fields)) => fields.push(field),
                    None => acc.push((l, vec![field])),
                }
                acc
            },
        );
    Ok(Plan {
        keep,
        gone,
        gone_id,
        merged,
        repoint,
    })
}

/// KEEP united with GONE ([`unite`]), a deal's `closed` then made to agree with the
/// stage it ends at: an open stage has none (the later history moved it back).
fn united(store: &Store, keep: &Record, gone: &Record) -> Record {
    let mut out = unite(keep, gone);
    if out.ty == RecordType::Deal {
        let open = out
            .stage()
            .and_then(|s| store.config.pipeline_stage(s))
            .is_some_and(|s| !s.is_closed());
        if open {
            out.fields.shift_remove("closed");
        }
    }
    out
}

/// The united record must pass what every write checks ([`super::record_errors`]) and
/// hold no e-mail another customer (GONE aside, which goes) has.
fn check(store: &Store, merged: &Record, gone_id: &str) -> Result<()> {
    let mut errors = super::record_errors(store, merged);
    if merged.ty == RecordType::Customer {
        if let Some(email) = merged.str("email") {
            // The store's check, as every write of a customer makes it; GONE may hold it.
            if let Some(other) = store
                .email_owner(email, &merged.id)
                .filter(|o| o != gone_id)
            {
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
        Err(Error::invalid(
            format!("cannot merge into {} {}", merged.ty, merged.id),
            errors,
        ))
    }
}

/// Writes the plan under the write lock: KEEP, the records naming GONE, then GONE's
/// removal; `step` is called after each file (the tests stop the run there).
pub fn apply(store: &Store, plan: &Plan, step: &mut dyn FnMut()) -> Result<Vec<Change>> {
    let keep_id = plan.keep.record.id.clone();
    let gone_id = plan.gone_id.as_str();
    store.locked(|| {
        let mut done = Vec::new();
        let (changed, _) = store.modify(plan.keep, |r| {
            // KEEP as planned (united and checked there) unless its file changed since.
            if r.fields == plan.keep.record.fields {
                *r = plan.merged.clone();
                return Ok(());
            }
            if let Some(g) = plan.gone {
                *r = united(store, r, &g.record);
            }
            check(store, r, gone_id)
        })?;
        if changed {
            done.push(Change::Changed(plan.keep.path.clone()));
            step();
        }
        for (l, fields) in &plan.repoint {
            let (changed, _) = store.modify(l, |r| {
                for field in fields {
                    if r.str(field) == Some(gone_id) {
                        r.fields
                            .insert((*field).into(), Value::from(keep_id.clone()));
                    }
                }
                Ok(())
            })?;
            if changed {
                done.push(Change::Changed(l.path.clone()));
                step();
            }
        }
        if let Some(g) = plan.gone {
            store.remove(g)?;
            done.push(Change::Removed(g.path.clone()));
            step();
        }
        Ok(done)
    })
}
