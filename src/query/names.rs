//! Field names in queries, `--sort` and `--fields`: a name no record can hold is a typo
//! (`valeu`, `city` on deals) and an error, not an empty or unsorted answer.
//!
//! A name is known when the record type's field table has it, `crm.toml` declares it, a
//! record of the folder holds it (fields crm does not define are allowed in records), or
//! it is inside a field whose keys are free (`social.telegram`). The id is always known.

use super::field::{FieldRef, Records};
use crate::config::Config;
use crate::model::spec::{self, FieldKind};
use crate::model::RecordType;

/// Why `path` names no field of records of type `ty` (with the closest known name), or
/// None when it is known.
pub fn unknown(ty: RecordType, path: &str, cfg: &Config, db: &dyn Records) -> Option<String> {
    unknown_ref(ty, &FieldRef::new(ty, path, cfg), cfg, db)
}

/// The same for a path already typed, references followed as the evaluator follows them
/// (`customer.city` on a deal is a customer's `city`).
pub fn unknown_ref(
    ty: RecordType,
    field: &FieldRef,
    cfg: &Config,
    db: &dyn Records,
) -> Option<String> {
    let path = field.path.as_str();
    let (cur, rest) = field.target(ty);
    if field.computed {
        if let Some(why) = db.computed_problem(cur, rest) {
            return Some(format!("`{path}` cannot be computed: {why}"));
        }
    }
    let prefix = &path[..path.len() - rest.len()];
    if known(cur, rest, cfg, db) {
        return None;
    }
    let mut candidates: Vec<String> = spec::names(cur.spec())
        .into_iter()
        .chain(cfg.custom_fields(cur).keys().cloned())
        .map(|n| format!("{prefix}{n}"))
        .collect();
    // A field of a record this one refers to: `city` on a deal is the customer's.
    if prefix.is_empty() {
        for s in cur.spec() {
            if let FieldKind::Ref(target) = s.kind {
                candidates.extend(
                    spec::names(target.spec())
                        .into_iter()
                        .filter(|n| n == rest)
                        .map(|n| format!("{}.{n}", s.name)),
                );
            }
        }
    }
    let best = candidates
        .iter()
        .filter(|c| !c.is_empty())
        .map(|c| {
            let last = c.rsplit('.').next().unwrap_or(c);
            let score = strsim::jaro_winkler(rest, last).max(strsim::jaro_winkler(path, c));
            (score, c)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)));
    let hint = best
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default();
    Some(format!(
        "no {cur} has a field `{rest}`{hint}; `crm schema {}` lists the fields",
        cur.singular()
    ))
}

fn known(ty: RecordType, path: &str, cfg: &Config, db: &dyn Records) -> bool {
    if path == "id"
        || spec::lookup(ty.spec(), path).is_some()
        || super::field::is_computed(ty, path, cfg)
    {
        return true;
    }
    let (top, sub) = match path.split_once('.') {
        Some((t, s)) => (t, Some(s)),
        None => (path, None),
    };
    // Inside a field whose keys are free, any key may be asked for.
    let free = |k: FieldKind| {
        matches!(
            k,
            FieldKind::Map
                | FieldKind::History
                | FieldKind::List
                | FieldKind::Phones
                | FieldKind::Text
        )
    };
    if sub.is_some() && spec::lookup(ty.spec(), top).is_some_and(|s| free(s.kind)) {
        return true;
    }
    if cfg.custom_field(ty, top).is_some() {
        return true;
    }
    db.holds(ty, path)
}
