//! Two records of one type made one, for `crm merge KEEP GONE` (README, "Duplicates").
//!
//! KEEP's values win and GONE fills what KEEP lacks; lists are united (e-mail addresses
//! in any case), histories united in time order, notes joined; GONE's `email` and
//! `phone`, where KEEP has others, join KEEP's `emails` and `phones`, so no way to reach
//! the customer is lost. Uniting is idempotent: KEEP united with GONE a second time is
//! unchanged, which is what lets a killed `crm merge` be completed by running it again.

use serde_yaml::{Mapping, Value};

use crate::model::clock::parse_moment;
use crate::model::spec::FieldKind;
use crate::model::{Record, RecordType};

pub use crate::model::spec::MERGED;

/// Fields that are lists of `{…, at}` entries, united in time order.
const TIMED: &[&str] = &["history", crate::ops::assign::CONSENT_HISTORY];

/// KEEP with GONE merged in (see the module's documentation). `stage` follows the united
/// history's latest entry, as the git merge driver has it, so that the record never says
/// one stage and its history another; `created` is the earlier of the two; a reference
/// that would point at KEEP itself (a person merged into their organisation) is dropped.
pub fn unite(keep: &Record, gone: &Record) -> Record {
    let mut out = keep.clone();
    let ty = keep.ty;
    for (k, gv) in &gone.fields {
        let Some(key) = k.as_str() else { continue };
        if key == MERGED {
            continue;
        }
        let kv = out.fields.get(key).cloned();
        let value = match (key, kv) {
            (_, None | Some(Value::Null)) => gv.clone(),
            (k, Some(kv)) if TIMED.contains(&k) => timed(&kv, gv),
            ("notes", Some(kv)) => joined(&kv, gv),
            ("created", Some(kv)) => earlier(kv, gv),
            ("email", Some(kv)) if ty == RecordType::Customer => {
                add_to(&mut out.fields, "emails", gv, &kv);
                kv
            }
            ("phone", Some(kv)) if ty == RecordType::Customer => {
                add_to(&mut out.fields, "phones", gv, &kv);
                kv
            }
            (_, Some(kv)) => united(&kv, gv),
        };
        out.fields.insert(k.clone(), value);
    }
    // GONE's own addresses in KEEP's lists, unless they are KEEP's main ones.
    for (list, main) in [("emails", "email"), ("phones", "phone")] {
        if let (Some(Value::Sequence(items)), Some(m)) =
            (out.fields.get(list).cloned(), out.fields.get(main).cloned())
        {
            let rest: Vec<Value> = items.into_iter().filter(|i| !same_item(i, &m)).collect();
            if rest.is_empty() {
                out.fields.shift_remove(list);
            } else {
                out.fields.insert(list.into(), Value::Sequence(rest));
            }
        }
    }
    for spec in ty.spec() {
        let points_home = matches!(spec.kind, FieldKind::Ref(t) if t == ty)
            && matches!(out.str(spec.name), Some(id) if id == keep.id || id == gone.id);
        if points_home {
            out.fields.shift_remove(spec.name);
        }
    }
    if let Some(last) = last_stage(&out) {
        if ty.has_stage() {
            out.fields.insert("stage".into(), last.into());
        }
    }
    let mut merged: Vec<Value> = Vec::new();
    for v in [keep.get(MERGED), gone.get(MERGED)].into_iter().flatten() {
        match v {
            Value::Sequence(items) => merged.extend(items.iter().cloned()),
            other => merged.push(other.clone()),
        }
    }
    merged.push(gone.id.clone().into());
    let mut seen = Vec::new();
    merged.retain(|v| {
        let fresh = !seen.contains(v) && v.as_str() != Some(keep.id.as_str());
        seen.push(v.clone());
        fresh
    });
    out.fields.insert(MERGED.into(), Value::Sequence(merged));
    out
}

/// The stage of a history's latest entry.
fn last_stage(r: &Record) -> Option<String> {
    match r.get("history")? {
        Value::Sequence(items) => items.last()?.get("stage")?.as_str().map(str::to_string),
        _ => None,
    }
}

/// Two values of one field: groups key by key (KEEP's wins), lists as sets, else KEEP's.
fn united(keep: &Value, gone: &Value) -> Value {
    match (keep, gone) {
        (Value::Mapping(k), Value::Mapping(g)) => {
            let mut out = k.clone();
            for (key, gv) in g {
                let value = match out.get(key) {
                    None | Some(Value::Null) => gv.clone(),
                    Some(kv) => united(kv, gv),
                };
                out.insert(key.clone(), value);
            }
            Value::Mapping(out)
        }
        (Value::Sequence(k), Value::Sequence(g)) => {
            let mut out = k.clone();
            for item in g {
                if !out.iter().any(|o| same_item(o, item)) {
                    out.push(item.clone());
                }
            }
            Value::Sequence(out)
        }
        _ => keep.clone(),
    }
}

/// Items of a list are the same when equal, or when both are e-mail addresses that
/// fold to one (`A@x.co` is `a@x.co`, as everywhere crm compares addresses).
fn same_item(a: &Value, b: &Value) -> bool {
    match (a.as_str(), b.as_str()) {
        (Some(x), Some(y)) if x.contains('@') => crate::model::fold::same(x, y),
        _ => a == b,
    }
}

/// Puts `value` in the list `list` of `fields` unless it is `main` or already there.
fn add_to(fields: &mut Mapping, list: &str, value: &Value, main: &Value) {
    if same_item(value, main) {
        return;
    }
    let mut items = match fields.get(list) {
        Some(Value::Sequence(items)) => items.clone(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other.clone()],
    };
    if !items.iter().any(|i| same_item(i, value)) {
        items.push(value.clone());
    }
    fields.insert(list.into(), Value::Sequence(items));
}

/// Two lists of `{…, at}` entries: both, each entry once, in time order (entries of one
/// moment, or whose `at` does not read, keep their order, KEEP's first).
fn timed(keep: &Value, gone: &Value) -> Value {
    let (Value::Sequence(k), Value::Sequence(g)) = (keep, gone) else {
        return keep.clone();
    };
    let mut out: Vec<Value> = k.clone();
    for item in g {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    let at = |v: &Value| v.get("at").and_then(Value::as_str).and_then(parse_moment);
    out.sort_by(|a, b| match (at(a), at(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => std::cmp::Ordering::Equal,
    });
    Value::Sequence(out)
}

/// Two notes: one, if it holds the other; else KEEP's, a blank line, GONE's.
fn joined(keep: &Value, gone: &Value) -> Value {
    match (keep.as_str(), gone.as_str()) {
        (Some(k), Some(g)) if k.contains(g) => keep.clone(),
        (Some(k), Some(g)) if g.contains(k) => gone.clone(),
        (Some(k), Some(g)) => format!("{}\n\n{}", k.trim_end(), g.trim_end()).into(),
        _ => keep.clone(),
    }
}

/// The earlier of two dates (`YYYY-MM-DD` sorts as text); KEEP's if either is not one.
fn earlier(keep: Value, gone: &Value) -> Value {
    match (
        keep.as_str().and_then(crate::model::clock::parse_date),
        gone.as_str().and_then(crate::model::clock::parse_date),
    ) {
        (Some(k), Some(g)) if g < k => gone.clone(),
        _ => keep,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str, yaml: &str) -> Record {
        Record {
            ty: RecordType::Customer,
            id: id.into(),
            fields: serde_yaml::from_str(yaml).unwrap(),
        }
    }

    #[test]
    fn keep_wins_gone_fills_lists_unite() {
        let keep = rec(
            "a",
            "name: Toko Maju\nemail: toko@maju.id\nstage: lead\nhistory:\n- stage: lead\n  at: 2026-01-05T10:00:00+07:00\ntags: [vip]\npreferences:\n  channel: email\nnotes: First note.\ncreated: 2026-01-05\n",
        );
        let gone = rec(
            "b",
            "name: TOKO MAJU PT\nemail: OWNER@maju.id\nphone: '+628123'\nstage: customer\nhistory:\n- stage: lead\n  at: 2025-12-01T09:00:00+07:00\n- stage: customer\n  at: 2026-02-01T09:00:00+07:00\ntags: [retail, VIP, vip]\npreferences:\n  channel: whatsapp\n  consent: true\nnotes: Second note.\ncreated: 2025-12-01\norganisation: a\n",
        );
        let u = unite(&keep, &gone);
        let want = rec(
            "a",
            "name: Toko Maju\nemail: toko@maju.id\nstage: customer\nhistory:\n- stage: lead\n  at: 2025-12-01T09:00:00+07:00\n- stage: lead\n  at: 2026-01-05T10:00:00+07:00\n- stage: customer\n  at: 2026-02-01T09:00:00+07:00\ntags: [vip, retail, VIP]\npreferences:\n  channel: email\n  consent: true\nnotes: |-\n  First note.\n\n  Second note.\ncreated: 2025-12-01\nemails: [OWNER@maju.id]\nphone: '+628123'\nmerged: [b]\n",
        );
        assert_eq!(u.fields, want.fields);
        // United again: nothing changes (a rerun after a kill).
        assert_eq!(unite(&u, &gone).fields, u.fields);
    }

    #[test]
    fn merged_lists_carry_over_and_keep_is_never_its_own() {
        let keep = rec("a", "name: A\nstage: lead\nmerged: [x]\n");
        let gone = rec("b", "name: B\nstage: lead\nmerged: [y, a]\nemail: a@x.co\n");
        let u = unite(&keep, &gone);
        assert_eq!(
            u.get(MERGED),
            Some(&serde_yaml::from_str::<Value>("[x, y, b]").unwrap())
        );
        assert_eq!(u.str("email"), Some("a@x.co"));
        assert_eq!(u.get("emails"), None);
    }
}
