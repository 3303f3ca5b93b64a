//! A three-way merge of one record, field by field, for `crm merge-driver`.
//!
//! For each field: the same on both sides, or changed on one side only, merges cleanly;
//! `history` changed on both sides is the union of both, sorted by time, exact
//! duplicates removed, and then `stage` is the merged history's last stage (each side's
//! latest move counts, whichever came later); a group (`preferences`) changed on both
//! sides merges key by key; a list of items (`tags`, `products`, `emails`, `phones`,
//! `interests`) changed on both sides merges as a set against the ancestor: each side's
//! additions and removals are applied. Anything else changed on both sides to different
//! values is a conflict, marked around that field only; so is `stage` when the merged
//! history's last two entries happen at the same moment with different stages (they
//! cannot be ordered). The result is canonical.

use std::cmp::Ordering;
use std::path::Path;

use serde_yaml::{Mapping, Value};

use crate::model::canonical::{canonical_fields, schema_header};
use crate::model::clock::parse_moment;
use crate::model::RecordType;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    /// The merged file, with conflict markers if there are conflicts.
    pub text: String,
    /// The fields that conflict.
    pub conflicts: Vec<String>,
}

/// The record type of a path such as `crm/deals/x.yaml`, and the path from its type folder.
pub fn type_of(path: &Path) -> Option<(RecordType, std::path::PathBuf)> {
    let parts: Vec<_> = path.components().collect();
    parts.iter().enumerate().find_map(|(i, c)| {
        let ty = RecordType::parse(&c.as_os_str().to_string_lossy())?;
        (ty.dir() == c.as_os_str()).then(|| (ty, parts[i..].iter().collect()))
    })
}

fn with_newline(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}

/// A side's fields, keys as crm writes them (tags dropped), so sides compare key by key.
fn parse(text: &str, what: &str) -> Result<Option<Mapping>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    if let Some((line, _)) = crate::model::nesting::too_deep(text.as_bytes()) {
        return Err(format!(
            "{what} does not parse: line {line}: {}",
            crate::model::nesting::too_deep_message()
        ));
    }
    if let Some(refused) = crate::store::scan::refused(text.as_bytes()) {
        let (line, _) = refused.at();
        return Err(format!(
            "{what} does not parse: line {line}: {}",
            refused.message()
        ));
    }
    match serde_yaml::from_str::<Value>(text) {
        Ok(Value::Mapping(m)) => Ok(Some(
            m.into_iter()
                .map(|(k, v)| (crate::model::canonical::key_of(&k), v))
                .collect(),
        )),
        Ok(_) => Err(format!("{what} is not a record")),
        Err(e) => Err(format!("{what} does not parse: {e}")),
    }
}

/// Merges `ours` and `theirs` against `base`. An input that does not parse is an error
/// (the caller falls back to a text merge). A record deleted (emptied) on one side and
/// changed on the other is a conflict of the whole record.
#[expect(
    clippy::too_many_lines,
    reason = "the merge's cases, each with its reason for falling back to lines"
)]
pub fn merge(base: &str, ours: &str, theirs: &str, path: &Path) -> Result<Merged, String> {
    let o = parse(base, "the common ancestor")?;
    let a = parse(ours, "our side")?;
    let b = parse(theirs, "their side")?;
    let typed = type_of(path);
    let header = typed
        .as_ref()
        .map(|(ty, rel)| schema_header(*ty, rel))
        .unwrap_or_default();
    let specs = typed.as_ref().map(|(ty, _)| ty.spec()).unwrap_or(&[]);
    let (Some(a), Some(b)) = (a.clone(), b.clone()) else {
        // One side deleted the record: a conflict unless the other left it as it was.
        let changed = |side: &Option<Mapping>| side != &o;
        return Ok(match (&a, &b) {
            (None, Some(_)) if !changed(&b) => Merged {
                text: String::new(),
                conflicts: vec![],
            },
            (Some(_), None) if !changed(&a) => Merged {
                text: String::new(),
                conflicts: vec![],
            },
            (None, None) => Merged {
                text: String::new(),
                conflicts: vec![],
            },
            _ => Merged {
                // Each side's text as it is, ended by a newline so a marker starts its line.
                text: format!(
                    "<<<<<<< ours\n{}=======\n{}>>>>>>> theirs\n",
                    with_newline(ours),
                    with_newline(theirs)
                ),
                conflicts: vec![
                    "(the whole record: deleted on one side, changed on the other)".into(),
                ],
            },
        });
    };
    let o = o.unwrap_or_default();
    let mut merged = Mapping::new();
    let mut conflicts: Vec<(Value, Option<Value>, Option<Value>)> = Vec::new();
    let mut keys: Vec<&Value> = Vec::new();
    for k in a.keys().chain(b.keys()).chain(o.keys()) {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    for k in keys {
        let (ov, av, bv) = (o.get(k), a.get(k), b.get(k));
        match merge_value(k.as_str().unwrap_or_default(), ov, av, bv) {
            Ok(Some(v)) => {
                merged.insert(k.clone(), v);
            }
            Ok(None) => {}
            Err(()) => {
                conflicts.push((k.clone(), av.cloned(), bv.cloned()));
                // Holds the field's place in the canonical order.
                merged.insert(k.clone(), av.or(bv).cloned().unwrap_or(Value::Null));
            }
        }
    }
    let history_key = Value::from("history");
    let both_moved = [&a, &b]
        .iter()
        .all(|side| side.get(&history_key) != o.get(&history_key));
    if both_moved {
        if let Some(Value::Sequence(h)) = merged.get(&history_key) {
            if let Some(stage) = last_stage(h) {
                merged.insert(Value::from("stage"), Value::from(stage));
                conflicts.retain(|(k, _, _)| k.as_str() != Some("stage"));
            }
        }
    }
    let ordered = canonical_fields(specs, &merged);
    let header_len = header.len();
    let mut text = header;
    for (k, v) in &ordered {
        let one = |v: &Value| {
            let mut m = Mapping::new();
            m.insert(k.clone(), v.clone());
            serde_yaml::to_string(&Value::Mapping(canonical_fields(specs, &m))).expect("YAML")
        };
        match conflicts.iter().find(|(ck, _, _)| ck == k) {
            Some((_, ours, theirs)) => {
                text.push_str("<<<<<<< ours\n");
                text.push_str(&ours.as_ref().map(one).unwrap_or_default());
                text.push_str("=======\n");
                text.push_str(&theirs.as_ref().map(one).unwrap_or_default());
                text.push_str(">>>>>>> theirs\n");
            }
            None => text.push_str(&one(v)),
        }
    }
    let conflicts: Vec<String> = conflicts
        .iter()
        .map(|(k, _, _)| k.as_str().unwrap_or_default().to_string())
        .collect();
    let kept = merged_comments(base, ours, theirs);
    if !kept.is_empty() {
        // Comments go back beside their fields; where that cannot be done (a conflict
        // to mark, a field the merge removes) git merges the lines, which loses none.
        if !conflicts.is_empty() {
            return Err("it has comments, and fields changed on both sides".into());
        }
        let body = &text[header_len..];
        let woven = crate::model::comments::weave(body, &kept);
        if let Some(c) = woven.lost.first() {
            return Err(format!(
                "the comment at line {} cannot be kept in the merged record",
                c.line
            ));
        }
        text = text[..header_len].to_string() + &woven.text;
    }
    Ok(Merged { text, conflicts })
}

/// The comments of a merge: those either side added, and those of the ancestor that
/// both sides kept (one that a side deleted stays deleted).
fn merged_comments(base: &str, ours: &str, theirs: &str) -> Vec<crate::model::comments::Comment> {
    use crate::model::comments::{comments, Comment};
    let key = |c: &Comment| (c.text.clone(), c.place.clone());
    let (o, a, b) = (comments(base), comments(ours), comments(theirs));
    let has = |side: &[Comment], c: &Comment| side.iter().any(|s| key(s) == key(c));
    let mut out: Vec<Comment> = Vec::new();
    for c in a.iter().chain(&b) {
        let in_both = has(&a, c) && has(&b, c);
        if (in_both || !has(&o, c)) && !has(&out, c) {
            out.push(c.clone());
        }
    }
    out
}

/// The fields whose lists are sets of items, merged as sets.
const SETS: [&str; 5] = ["tags", "products", "emails", "phones", "interests"];

/// The stage of a history's last entry, when it can be told: the last entry has a time,
/// and no other entry at that same time names another stage.
fn last_stage(history: &[Value]) -> Option<String> {
    let at = |e: &Value| e.get("at").and_then(Value::as_str).and_then(parse_moment);
    let stage = |e: &Value| e.get("stage").and_then(Value::as_str).map(String::from);
    let last = history.last()?;
    let when = at(last)?;
    let name = stage(last)?;
    let tied = history
        .iter()
        .any(|e| at(e) == Some(when) && stage(e).as_deref() != Some(name.as_str()));
    (!tied).then_some(name)
}

/// A set's merge: what both sides kept of the ancestor, then each side's additions, in
/// the order they come (ours first); an item either side removed is gone.
fn merge_set(o: &[Value], a: &[Value], b: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for v in a.iter().chain(b) {
        let kept = o.contains(v) && a.contains(v) && b.contains(v);
        if (kept || !o.contains(v)) && !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

/// One field's merge: `Ok(None)` for a field that ends up absent, `Err` for a conflict.
fn merge_value(
    key: &str,
    o: Option<&Value>,
    a: Option<&Value>,
    b: Option<&Value>,
) -> Result<Option<Value>, ()> {
    if a == b {
        return Ok(a.cloned());
    }
    if a == o {
        return Ok(b.cloned());
    }
    if b == o {
        return Ok(a.cloned());
    }
    match (a, b) {
        (Some(Value::Sequence(x)), Some(Value::Sequence(y))) if key == "history" => {
            Ok(Some(Value::Sequence(union(x, y))))
        }
        (Some(Value::Sequence(x)), Some(Value::Sequence(y))) if SETS.contains(&key) => {
            let base = match o {
                Some(Value::Sequence(s)) => &s[..],
                _ => &[],
            };
            Ok(Some(Value::Sequence(merge_set(base, x, y))))
        }
        (Some(Value::Mapping(x)), Some(Value::Mapping(y))) => {
            let empty = Mapping::new();
            let base = match o {
                Some(Value::Mapping(m)) => m,
                _ => &empty,
            };
            let mut out = Mapping::new();
            let mut keys: Vec<&Value> = Vec::new();
            for k in x.keys().chain(y.keys()).chain(base.keys()) {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
            for k in keys {
                let name = k.as_str().unwrap_or_default();
                if let Some(v) = merge_value(name, base.get(k), x.get(k), y.get(k))? {
                    out.insert(k.clone(), v);
                }
            }
            Ok(Some(Value::Mapping(out)))
        }
        _ => Err(()),
    }
}

/// Both histories: every entry once, in time order (entries whose time cannot be read
/// keep their place at the end).
fn union(a: &[Value], b: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for e in a.iter().chain(b) {
        if !out.contains(e) {
            out.push(e.clone());
        }
    }
    let at = |e: &Value| e.get("at").and_then(Value::as_str).and_then(parse_moment);
    out.sort_by(|x, y| match (at(x), at(y)) {
        (Some(p), Some(q)) => p.cmp(&q),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    });
    out
}

/// The files git hands its merge driver: `%O %A %B`, and `%P` as shown.
pub struct MergeFiles<'a> {
    pub base: &'a Path,
    /// Ours, where the result goes.
    pub ours: &'a Path,
    pub theirs: &'a Path,
    /// The record's path in the repository, for messages and the record's type.
    pub shown: &'a Path,
}

/// How a merge of files ended.
#[derive(Debug, PartialEq, Eq)]
pub enum MergeOutcome {
    /// Merged field by field without conflicts.
    Clean,
    /// Merged field by field; these fields conflict (marked in the file).
    Conflicts(Vec<String>),
    /// Merged, but larger than a record file may be: a conflict for git.
    TooBig(usize),
    /// Not mergeable as a record (this reason): merged line by line by git, with or
    /// without conflicts (`None` when git could not be run: ours is left as it was).
    AsText { why: String, clean: Option<bool> },
}

/// Merges the three files git gives a merge driver, writing the result over ours
/// atomically: field by field, or, where a side does not parse as a record, line by line
/// with `git merge-file`.
pub fn merge_in_place(files: &MergeFiles) -> crate::error::Result<MergeOutcome> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|source| crate::error::Error::Read {
            path: p.to_path_buf(),
            source,
        })
    };
    let (base, ours, theirs) = (read(files.base)?, read(files.ours)?, read(files.theirs)?);
    match merge(&base, &ours, &theirs, files.shown) {
        Ok(m) => {
            crate::store::atomic::overwrite(files.ours, m.text.as_bytes())?;
            // A merge of two big sides can pass the size reads accept: git gets the
            // merge, but as a conflict, so nobody commits a record crm cannot read.
            Ok(
                if m.text.len() as u64 > crate::store::read::parse::MAX_RECORD_BYTES {
                    MergeOutcome::TooBig(m.text.len())
                } else if m.conflicts.is_empty() {
                    MergeOutcome::Clean
                } else {
                    MergeOutcome::Conflicts(m.conflicts)
                },
            )
        }
        Err(why) => Ok(MergeOutcome::AsText {
            why,
            clean: super::git::merge_file(files.ours, files.base, files.theirs).ok(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "deals/d.yaml";
    const H: &str = "# yaml-language-server: $schema=../schema/deal.schema.json\n";

    #[test]
    fn comments_of_both_sides_are_kept_and_a_deleted_one_stays_deleted() {
        let base = format!("{H}title: Pos # old note\nstage: new\n");
        let ours = format!("{H}# big one\ntitle: Pos # old note\nstage: new\nvalue: 5\n");
        let theirs = format!("{H}title: Pos\nstage: new\nowner: ayu # on leave in May\n");
        let m = merge(&base, &ours, &theirs, Path::new(P)).unwrap();
        assert_eq!(
            m.text,
            format!(
                "{H}# big one\ntitle: Pos\nstage: new\nvalue: 5\nowner: ayu # on leave in May\n"
            )
        );
        // A comment on a field the merge removes: merged as lines instead.
        let theirs = format!("{H}title: Pos # old note\n");
        let ours = format!("{H}title: Pos # old note\nstage: new # keep\n");
        assert_eq!(
            merge(&base, &ours, &theirs, Path::new(P)).unwrap_err(),
            "the comment at line 3 cannot be kept in the merged record"
        );
    }

    #[test]
    fn different_fields_merge_cleanly() {
        let base = "title: T\ncustomer: c\nstage: new\n";
        let m = merge(
            base,
            "title: T\ncustomer: c\nstage: new\nowner: ayu\n",
            "title: T2\ncustomer: c\nstage: new\n",
            Path::new(P),
        )
        .unwrap();
        assert_eq!(m.conflicts, Vec::<String>::new());
        assert_eq!(
            m.text,
            format!("{H}title: T2\ncustomer: c\nstage: new\nowner: ayu\n")
        );
    }

    #[test]
    fn groups_merge_key_by_key_and_histories_unite() {
        let base = "name: A\nstage: lead\npreferences:\n  channel: email\nhistory:\n- stage: lead\n  at: 2026-11-01T00:00:00+00:00\n";
        let ours = "name: A\nstage: prospect\npreferences:\n  channel: sms\nhistory:\n- stage: lead\n  at: 2026-11-01T00:00:00+00:00\n- stage: prospect\n  at: 2026-11-03T00:00:00+00:00\n";
        let theirs = "name: A\nstage: prospect\npreferences:\n  channel: email\n  consent: true\nhistory:\n- stage: lead\n  at: 2026-11-01T00:00:00+00:00\n- stage: prospect\n  at: 2026-11-02T00:00:00+00:00\n";
        let m = merge(base, ours, theirs, Path::new("customers/a.yaml")).unwrap();
        assert_eq!(
            m.text,
            "# yaml-language-server: $schema=../schema/customer.schema.json\nname: A\nstage: prospect\nhistory:\n- stage: lead\n  at: 2026-11-01T00:00:00+00:00\n- stage: prospect\n  at: 2026-11-02T00:00:00+00:00\n- stage: prospect\n  at: 2026-11-03T00:00:00+00:00\npreferences:\n  channel: sms\n  consent: true\n"
        );
    }

    /// A: lead → prospect. B: lead → prospect → lead, later. B's last move stands.
    #[test]
    fn the_stage_is_the_merged_historys_last() {
        let h = |entries: &[(&str, &str)]| -> String {
            entries
                .iter()
                .map(|(s, d)| format!("- stage: {s}\n  at: 2026-11-{d}T00:00:00+00:00\n"))
                .collect()
        };
        let base = format!("name: A\nstage: lead\nhistory:\n{}", h(&[("lead", "01")]));
        let ours = format!(
            "name: A\nstage: prospect\nhistory:\n{}",
            h(&[("lead", "01"), ("prospect", "02")])
        );
        let theirs = format!(
            "name: A\nstage: lead\nhistory:\n{}",
            h(&[("lead", "01"), ("prospect", "03"), ("lead", "04")])
        );
        let m = merge(&base, &ours, &theirs, Path::new("customers/a.yaml")).unwrap();
        assert_eq!(m.conflicts, Vec::<String>::new());
        assert_eq!(
            m.text,
            format!(
                "# yaml-language-server: $schema=../schema/customer.schema.json\nname: A\nstage: lead\nhistory:\n{}",
                h(&[("lead", "01"), ("prospect", "02"), ("prospect", "03"), ("lead", "04")])
            )
        );
        // Moves at the same moment to two stages cannot be ordered: a conflict.
        let ours = format!(
            "name: A\nstage: prospect\nhistory:\n{}",
            h(&[("lead", "01"), ("prospect", "05")])
        );
        let theirs = format!(
            "name: A\nstage: customer\nhistory:\n{}",
            h(&[("lead", "01"), ("customer", "05")])
        );
        let m = merge(&base, &ours, &theirs, Path::new("customers/a.yaml")).unwrap();
        assert_eq!(m.conflicts, vec!["stage"]);
    }

    #[test]
    fn lists_of_items_merge_as_sets() {
        let base = "name: A\nstage: lead\ntags:\n- a\n- b\npreferences:\n  interests:\n  - beans\n";
        let ours = "name: A\nstage: lead\ntags:\n- a\n- b\n- x\npreferences:\n  interests:\n  - beans\n  - cups\n";
        let theirs = "name: A\nstage: lead\ntags:\n- b\n- y\npreferences:\n  interests: []\n";
        let m = merge(base, ours, theirs, Path::new("customers/a.yaml")).unwrap();
        assert_eq!(m.conflicts, Vec::<String>::new());
        assert_eq!(
            m.text,
            "# yaml-language-server: $schema=../schema/customer.schema.json\nname: A\nstage: lead\ntags:\n- b\n- x\n- y\npreferences:\n  interests:\n  - cups\n"
        );
    }

    #[test]
    fn one_field_changed_two_ways_is_marked_alone() {
        let base = "title: T\ncustomer: c\nstage: new\nvalue: 1\n";
        let m = merge(
            base,
            "title: T\ncustomer: c\nstage: won\nvalue: 1\n",
            "title: T\ncustomer: c\nstage: lost\nvalue: 2\n",
            Path::new(P),
        )
        .unwrap();
        assert_eq!(m.conflicts, vec!["stage"]);
        assert_eq!(m.text, format!("{H}title: T\ncustomer: c\n<<<<<<< ours\nstage: won\n=======\nstage: lost\n>>>>>>> theirs\nvalue: 2\n"));
    }

    #[test]
    fn deleted_on_one_side_and_changed_on_the_other() {
        let m = merge("title: T\n", "", "title: U\n", Path::new(P)).unwrap();
        assert_eq!(m.conflicts.len(), 1);
        assert!(m
            .text
            .starts_with("<<<<<<< ours\n=======\ntitle: U\n>>>>>>> theirs\n"));
        assert_eq!(
            merge("title: T\n", "", "title: T\n", Path::new(P))
                .unwrap()
                .text,
            ""
        );
    }

    #[test]
    fn an_input_that_does_not_parse_is_an_error() {
        assert!(
            merge("title: T\n", "title: [\n", "title: U\n", Path::new(P))
                .unwrap_err()
                .starts_with("our side does not parse")
        );
    }
}
