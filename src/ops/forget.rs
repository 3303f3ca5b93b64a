//! `crm forget CUSTOMER`: a customer's personal data erased, and what reports need kept
//! (README, "Customers' rights").
//!
//! Personal fields are those the field table marks (`FieldSpec::personal`) and those
//! crm.toml declares `personal = true`. The customer keeps its id, stage, history,
//! source, owner, place, tags and dates; its name becomes `erased ID`; it gets `erased`
//! (the day) and `preferences.do_not_contact: true`, and `erased_keys`: one-way digests
//! of its addresses and numbers, by which `crm ingest` knows them again and skips them.
//! Its deals, tickets and interactions lose their personal fields and keep the rest
//! (amounts, stages, timings, ratings, NPS answers, campaigns).
//!
//! The other records are written first and the customer last: a run stopped midway
//! still finds the customer by its e-mail, and running it again completes it.

use std::path::PathBuf;

use serde_yaml::Value;

use crate::error::Result;
use crate::model::spec::{personal_paths, ERASED, ERASED_KEYS};
use crate::model::value::FieldError;
use crate::model::{Record, RecordType};
use crate::store::load::Loaded;
use crate::store::Store;

/// The types whose records name the customer and hold personal fields of theirs.
const OF_CUSTOMER: [RecordType; 3] = [
    RecordType::Deal,
    RecordType::Ticket,
    RecordType::Interaction,
];

/// Every type a forget may rewrite (so whose caches held the old text).
pub const REWRITES: [RecordType; 4] = [
    RecordType::Customer,
    RecordType::Deal,
    RecordType::Ticket,
    RecordType::Interaction,
];

/// The personal fields of a type: the table's, then crm.toml's.
pub fn personal(store: &Store, ty: RecordType) -> Vec<String> {
    let mut out = personal_paths(ty.spec());
    out.extend(
        store
            .config
            .custom_fields(ty)
            .iter()
            .filter(|(_, f)| f.personal())
            .map(|(name, _)| name.clone()),
    );
    out
}

/// The name an erased customer keeps.
pub fn erased_name(id: &str) -> String {
    format!("erased {id}")
}

/// The files a forget changes, each with what it becomes, the customer's last.
#[derive(Debug)]
pub struct Plan<'s> {
    pub customer: &'s Loaded,
    pub changes: Vec<(&'s Loaded, Record)>,
}

impl Plan<'_> {
    pub fn paths(&self) -> Vec<PathBuf> {
        self.changes.iter().map(|(l, _)| l.path.clone()).collect()
    }
}

/// What forgetting `customer` changes.
pub fn plan<'s>(store: &'s Store, customer: &'s Loaded) -> Plan<'s> {
    let id = customer.record.id.as_str();
    let mut changes = Vec::new();
    for ty in OF_CUSTOMER {
        for l in store
            .records(ty)
            .filter(|l| l.record.str("customer") == Some(id))
        {
            let scrubbed = scrub(store, &l.record);
            if scrubbed.fields != l.record.fields {
                changes.push((l, scrubbed));
            }
        }
    }
    let erased = erase(store, &customer.record);
    if erased.fields != customer.record.fields {
        changes.push((customer, erased));
    }
    Plan { customer, changes }
}

/// Writes the plan under the write lock, each file as it is then (a change made since
/// the plan is kept, its personal fields removed too). Returns the files written.
pub fn apply(store: &Store, plan: &Plan) -> Result<Vec<PathBuf>> {
    store.locked(|| {
        let mut done = Vec::new();
        for (l, _) in &plan.changes {
            let (changed, _) = store.modify(l, |r| {
                *r = if r.ty == RecordType::Customer {
                    erase(store, r)
                } else {
                    scrub(store, r)
                };
                Ok(())
            })?;
            if changed {
                done.push(l.path.clone());
            }
        }
        Ok(done)
    })
}

/// A record without its personal fields.
fn scrub(store: &Store, r: &Record) -> Record {
    let mut out = r.clone();
    for path in personal(store, r.ty) {
        out.remove(&path);
    }
    out
}

/// The customer erased: personal fields gone, the name `erased ID`, `erased` the day
/// (the first, if it was erased before), do-not-contact, the digests of its addresses.
fn erase(store: &Store, r: &Record) -> Record {
    let region = store.config.phone_region();
    let mut keys = crate::model::contact::erased_keys(r, region.as_deref());
    keys.extend(crate::model::contact::list(r, ERASED_KEYS).map(str::to_string));
    keys.sort();
    keys.dedup();
    let mut out = scrub(store, r);
    out.fields.insert("name".into(), erased_name(&r.id).into());
    if out.get(ERASED).is_none() {
        out.fields
            .insert(ERASED.into(), store.clock.today.to_string().into());
    }
    // Cannot fail: `preferences` is a group, or is made one.
    if out
        .set("preferences.do_not_contact", Value::Bool(true))
        .is_err()
    {
        out.fields
            .insert("preferences".into(), Value::Mapping(Default::default()));
        let _ = out.set("preferences.do_not_contact", Value::Bool(true));
    }
    if !keys.is_empty() {
        out.fields.insert(
            ERASED_KEYS.into(),
            Value::Sequence(keys.into_iter().map(Value::from).collect()),
        );
    }
    out
}

/// Why a record may not be written as it is: it is an erased customer, or a record of
/// one, and holds personal data again (`crm set`, `crm log`, an edit); or an erased
/// customer's `erased` is not a date or its name is not `erased ID`.
pub fn erased_errors(store: &Store, r: &Record) -> Vec<FieldError> {
    let (day_text, whose) = match r.ty {
        RecordType::Customer => match r.get(ERASED) {
            Some(v) => (v.as_str().unwrap_or_default().to_string(), r.id.as_str()),
            None => return Vec::new(),
        },
        RecordType::Campaign => return Vec::new(),
        _ => match r
            .str("customer")
            .and_then(|c| Some((store.erased_on(c)?, c)))
        {
            Some(found) => found,
            None => return Vec::new(),
        },
    };
    let mut out = Vec::new();
    if r.ty == RecordType::Customer {
        if crate::model::clock::parse_date(&day_text).is_none() {
            let found = r
                .get(ERASED)
                .map(crate::model::value::describe)
                .unwrap_or_default();
            out.push(FieldError {
                path: ERASED.into(),
                message: format!(
                    "expected the day the customer was erased (YYYY-MM-DD), found {found}"
                ),
            });
        }
        if r.str("name") != Some(erased_name(&r.id).as_str()) {
            out.push(FieldError {
                path: "name".into(),
                message: format!(
                    "is personal data, and customer {whose} was erased on {day_text} (`crm forget`): its name stays {:?}",
                    erased_name(&r.id)
                ),
            });
        }
    }
    for path in personal(store, r.ty) {
        if path != "name" && r.get(&path).is_some() {
            out.push(FieldError {
                path,
                message: format!(
                    "is personal data, and customer {whose} was erased on {day_text} (`crm forget`)"
                ),
            });
        }
    }
    out
}

/// The digests of every erased customer's addresses and numbers. Read through the
/// customers' projection: a caller that reads customers with other fields first asks
/// for `erased` and `erased_keys` with them, else every customer is loaded whole.
pub fn erased_set(store: &Store) -> std::collections::HashSet<String> {
    store
        .records_with(RecordType::Customer, &[ERASED, ERASED_KEYS])
        .filter(|l| l.record.get(ERASED).is_some())
        .flat_map(|l| crate::model::contact::list(&l.record, ERASED_KEYS).map(str::to_string))
        .collect()
}
