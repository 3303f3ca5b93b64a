//! `crm check`: everything that can be wrong in a folder, each finding with its file,
//! line and column.
//!
//! Errors: a file that does not parse or is not a record; crm.toml invalid; a field of the
//! wrong type or value (stages from crm.toml), a required one missing; a reference to
//! no record; two customers with one e-mail (any case); one id used twice in a type
//! (across subfolders); history out of time order or naming an unknown stage; a file
//! name that is not an id. Warnings: a `source` that looks like a campaign id but names
//! none; a won or lost deal without `closed`; an interaction filed under another
//! month's folder; a temporary file left by an interrupted write; a customer's phone
//! number not in E.164; a record whose `merged` names a record still there (a stopped
//! `crm merge`). Errors too: personal data on an erased customer or its records.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_yaml::Value;

use crate::config::{self, Config};
use crate::model::clock::{parse_date, parse_moment};
use crate::model::id::check_id;
use crate::model::record_type::Layout;
use crate::model::{comments, Record, RecordType};
use crate::rules::validate;
use crate::store::guard;
use crate::store::load::Loaded;
use crate::store::read::parse::locate_field;
use crate::store::{ClockPins, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// Relative to the crm folder.
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub severity: Severity,
    pub message: String,
}

/// The temporary files (`.crm-new-*`) that writes killed half-way left behind, relative
/// to the crm folder: in the folder itself, the record folders at any depth, and the
/// cache. They are never read as records. While another crm holds the write lock its
/// own temporary files are in use, so none are reported then.
pub fn leftover_temp_files(root: &Path) -> Vec<PathBuf> {
    if crate::store::lock::WriteLock::held(root) {
        return Vec::new();
    }
    temp_files_below(root)
}

fn temp_files_below(root: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![root.to_path_buf()];
    // Not through a linked `.crm` or cache folder: `--fix` would remove files elsewhere.
    if guard::private_readable(root, crate::store::cache::DIR) {
        dirs.push(root.join(crate::store::cache::DIR));
    }
    for ty in RecordType::ALL {
        let walk = walkdir::WalkDir::new(root.join(ty.dir()))
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        dirs.extend(
            walk.flatten()
                .filter(|e| e.file_type().is_dir())
                .map(|e| e.into_path()),
        );
    }
    let mut out: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| crate::store::lock::temp_files(d))
        .filter_map(|p| p.strip_prefix(root).ok().map(Path::to_path_buf))
        .collect();
    out.sort();
    out
}

/// The name `crm edit` gives the copy it edits: `.crm/edit-<pid>-<random>.yaml`, the pid
/// telling a copy still open in an editor from one a killed edit left.
pub fn edit_copy_prefix() -> String {
    format!("edit-{}-", std::process::id())
}

/// Copies of records `crm edit` left in `.crm/`: its process was killed, or the write lost
/// to another writer and the copy was kept. The copy of an edit still running (its
/// process is alive) is not one of them.
pub fn leftover_edits(root: &Path) -> Vec<PathBuf> {
    if !guard::private_readable(root, guard::PRIVATE) {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir(root.join(guard::PRIVATE)) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            let rest = name.strip_prefix("edit-")?.strip_suffix(".yaml")?;
            let running = rest
                .split_once('-')
                .and_then(|(pid, _)| pid.parse::<i32>().ok())
                .is_some_and(alive);
            (!running).then(|| Path::new(guard::PRIVATE).join(name))
        })
        .collect();
    out.sort();
    out
}

/// Whether a process of that id runs (signal 0 checks without sending anything).
fn alive(pid: i32) -> bool {
    #[cfg(unix)]
    {
        if pid <= 0 {
            return false;
        }
        // SAFETY: kill with signal 0 sends nothing; it only checks that the process exists.
        let sent = unsafe { libc::kill(pid, 0) };
        sent == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        false
    }
}

/// `crm check --fix`: removes the leftover temporary files and edit copies, holding the
/// write lock so that no running writer's file is taken. Returns those removed.
pub fn remove_leftovers(root: &Path) -> crate::Result<Vec<PathBuf>> {
    let _lock = crate::store::lock::WriteLock::acquire(root)?;
    Ok(temp_files_below(root)
        .into_iter()
        .chain(leftover_edits(root))
        .filter(|p| std::fs::remove_file(root.join(p)).is_ok())
        .collect())
}

/// The line of the `where` of the `index`-th `[[scoring.KIND]]` table of crm.toml (1 when
/// it cannot be told).
fn rule_line(text: &str, kind: &str, index: usize) -> usize {
    let header = format!("[[scoring.{kind}]]");
    let mut seen = 0;
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            inside = t == header && {
                seen += 1;
                seen == index
            };
        } else if inside && t.starts_with("where") {
            return i + 1;
        }
    }
    1
}

/// Checks the folder at `root`. Findings come sorted by file, line and column.
#[expect(
    clippy::too_many_lines,
    reason = "one pass over every file of every type, each check a few lines"
)]
pub fn check(root: &Path, pins: ClockPins) -> Vec<Finding> {
    let toml_path = root.join(config::FILE_NAME);
    let parsed = match config::read_settings(&toml_path) {
        Ok(text) => Config::parse_located(&text),
        Err(e) => Err((1, 1, format!("cannot read it: {e}"))),
    };
    if let Err((line, column, message)) = parsed {
        // Without valid settings the records cannot be judged (stages, fields).
        return vec![Finding {
            file: config::FILE_NAME.into(),
            line,
            column,
            severity: Severity::Error,
            message,
        }];
    }
    let store = match Store::open(root, pins) {
        Ok(s) => s,
        Err(e) => {
            return vec![Finding {
                file: config::FILE_NAME.into(),
                line: 1,
                column: 1,
                severity: Severity::Error,
                message: e.to_string(),
            }]
        }
    };
    let mut out: Vec<Finding> = Vec::new();
    if let Err(e) = store.scores() {
        let text = config::read_settings(&toml_path).unwrap_or_default();
        out.push(Finding {
            file: config::FILE_NAME.into(),
            line: rule_line(&text, e.kind, e.index),
            column: 1,
            severity: Severity::Error,
            message: format!(
                "[[scoring.{}]] number {}: `where`: {}",
                e.kind, e.index, e.error
            ),
        });
    }
    out.extend(leftover_temp_files(root)
        .into_iter()
        .map(|file| Finding {
            file,
            line: 1,
            column: 1,
            severity: Severity::Warning,
            message: "temporary file left by an interrupted write (never read as a record; `crm check --fix` removes it)".into(),
        }));
    out.extend(leftover_edits(root).into_iter().map(|file| Finding {
        file,
        line: 1,
        column: 1,
        severity: Severity::Warning,
        message: "copy of a record left by a `crm edit` that did not finish (never read as a record); copy from it what you need: `crm check --fix` removes it".into(),
    }));
    out.extend(guard::private_links(root).into_iter().map(|file| {
        let target = std::fs::read_link(root.join(&file))
            .map(|t| format!(" (to {})", t.display()))
            .unwrap_or_default();
        Finding {
            file,
            line: 1,
            column: 1,
            severity: Severity::Error,
            message: format!("is a symbolic link{target} inside .crm/, which is crm's own (it came in a commit?); crm writes nothing through it: remove it"),
        }
    }));
    out.extend(merge_driver_finding(root));
    // Schemas made for another crm.toml (a stage added since) flag valid records in
    // editors: written anew, and said.
    match crate::store::schemas::refresh(root, &store.config) {
        Ok(written) => out.extend(written.into_iter().map(|file| Finding {
            file,
            line: 1,
            column: 1,
            severity: Severity::Warning,
            message: "was out of date with crm.toml (its stages or declared fields); crm wrote it anew: commit it".into(),
        })),
        Err(e) => out.push(Finding {
            file: "schema".into(),
            line: 1,
            column: 1,
            severity: Severity::Warning,
            message: format!("is out of date with crm.toml, and crm could not write it: {e}"),
        }),
    }
    let mut emails: HashMap<String, (String, PathBuf)> = HashMap::new();
    for ty in RecordType::ALL {
        let data = store.load(ty);
        for issue in &data.issues {
            out.push(Finding {
                file: issue.path.clone(),
                line: issue.line.unwrap_or(1),
                column: issue.column.unwrap_or(1),
                severity: Severity::Error,
                message: issue.message.clone(),
            });
        }
        let mut first_path: HashMap<&str, &Path> = HashMap::new();
        for l in &data.entries {
            if let Some(first) = first_path.insert(&l.record.id, &l.path) {
                first_path.insert(&l.record.id, first);
                out.push(at(
                    l,
                    1,
                    1,
                    Severity::Error,
                    format!("id {} is also used by {}", l.record.id, first.display()),
                ));
            }
            check_record(&store, l, &mut out);
            check_comments(&store, l, &mut out);
            if ty == RecordType::Customer {
                if let Some(e) = l.record.str("email") {
                    match emails.get(&crate::model::fold::fold(e)) {
                        Some((other, _)) => {
                            let (line, col) = locate(&store, l, "email");
                            out.push(at(
                                l,
                                line,
                                col,
                                Severity::Error,
                                format!("e-mail {e:?} is also the e-mail of customer {other}"),
                            ));
                        }
                        None => {
                            emails.insert(
                                crate::model::fold::fold(e),
                                (l.record.id.clone(), l.path.clone()),
                            );
                        }
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// A warning at the `.gitattributes` line that routes records to the crm merge driver,
/// when the driver git has registered cannot run.
fn merge_driver_finding(root: &Path) -> Option<Finding> {
    let attributes = std::fs::read_to_string(root.join(".gitattributes")).ok()?;
    let line = attributes.lines().position(|l| l.contains("merge=crm"))? + 1;
    let message = crate::ops::git::driver_problem(root)?;
    Some(Finding {
        file: ".gitattributes".into(),
        line,
        column: 1,
        severity: Severity::Warning,
        message,
    })
}

/// A warning at each comment of the file that crm could not keep were it to rewrite
/// the record as it is (see [`crate::model::comments`]): one it cannot tell is a
/// comment (a file too full of `#` in quotes) or cannot place in the canonical text.
/// Only files with a `#` past their schema line are parsed for it.
fn check_comments(store: &Store, l: &Loaded, out: &mut Vec<Finding>) {
    let Ok(bytes) = crate::store::read::parse::read_record(&store.root, &l.path) else {
        return;
    };
    let body = match bytes.iter().position(|&b| b == b'\n') {
        Some(end) if bytes.starts_with(b"# yaml-language-server:") => &bytes[end..],
        _ => &bytes[..],
    };
    if !body.contains(&b'#') {
        return;
    }
    let found = comments::comments(&String::from_utf8_lossy(&bytes));
    let woven = comments::weave(&crate::model::canonical::to_yaml(&l.record), &found);
    for c in woven.lost {
        let column = String::from_utf8_lossy(&bytes)
            .lines()
            .nth(c.line - 1)
            .and_then(|t| t.find(&c.text))
            .map_or(1, |i| i + 1);
        out.push(at(
            l,
            c.line,
            column,
            Severity::Warning,
            format!(
                "crm cannot tell which field the comment {:?} belongs to: a rewrite of this \
                 record (crm set, edit, stage) refuses until it is moved onto a line of its \
                 own above the field (or run with --drop-comments)",
                c.shown()
            ),
        ));
    }
}

fn at(l: &Loaded, line: usize, column: usize, severity: Severity, message: String) -> Finding {
    Finding {
        file: l.path.clone(),
        line,
        column,
        severity,
        message,
    }
}

fn locate(store: &Store, l: &Loaded, path: &str) -> (usize, usize) {
    let text = std::fs::read(store.abs(&l.path))
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    // A field the record lacks (a required one missing) is reported at its first field,
    // not at the schema comment above it.
    locate_field(&text, path).unwrap_or_else(|| first_field(&text))
}

/// The line and column of a record's first field: its first line that is not blank, a
/// comment or a document marker.
fn first_field(text: &str) -> (usize, usize) {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            !(t.is_empty() || t.starts_with('#') || t.starts_with("---"))
        })
        .map_or((1, 1), |i| (i + 1, 1))
}

#[expect(
    clippy::too_many_lines,
    reason = "the checks of one record, in the order crm check reports them"
)]
fn check_record(store: &Store, l: &Loaded, out: &mut Vec<Finding>) {
    let r = &l.record;
    let cfg = &store.config;
    if let Err(e) = check_id(&r.id) {
        out.push(at(
            l,
            1,
            1,
            Severity::Error,
            format!("the file name is not a record id: {e}"),
        ));
    }
    for e in validate(r.ty, &r.fields, cfg)
        .into_iter()
        .chain(super::audience_error(store, r))
        .chain(super::forget::erased_errors(store, r))
    {
        let (line, col) = locate(store, l, &e.path);
        out.push(at(l, line, col, Severity::Error, e.to_string()));
    }
    for (field, ty, id) in r.references() {
        // A file of that id that does not parse is reported on its own; the id is there.
        if store.get(ty, id).is_some() || store.load(ty).unreadable(id).is_some() {
            continue;
        }
        let (line, col) = locate(store, l, field);
        if field == "source" {
            // Free text is a fine source; a campaign-shaped id that names none is suspicious.
            let looks_like_id =
                check_id(id).is_ok() && id.len() > 5 && id.as_bytes()[id.len() - 5] == b'-';
            if looks_like_id {
                out.push(at(
                    l,
                    line,
                    col,
                    Severity::Warning,
                    format!(
                        "field `source`: {id:?} looks like a campaign id, but no campaign has it"
                    ),
                ));
            }
        } else {
            out.push(at(
                l,
                line,
                col,
                Severity::Error,
                format!("field `{field}`: no {ty} has the id {id:?}"),
            ));
        }
    }
    check_history(store, l, out);
    check_merged(store, l, out);
    if r.ty == RecordType::Deal {
        let closed_stage = r
            .stage()
            .and_then(|s| cfg.pipeline_stage(s))
            .is_some_and(|s| s.is_closed());
        let open_stage = r
            .stage()
            .and_then(|s| cfg.pipeline_stage(s))
            .is_some_and(|s| !s.is_closed());
        if open_stage && r.get("closed").is_some() {
            // A stage conflict resolved by hand can leave one: reports would count the
            // deal as closed on that day in some figures and open in others.
            let (line, col) = locate(store, l, "closed");
            out.push(at(
                l,
                line,
                col,
                Severity::Warning,
                format!(
                    "deal is open (stage {}) but has a `closed` date; remove it, or move the deal to a won or lost stage",
                    r.stage().unwrap_or_default()
                ),
            ));
        }
        let day = |f: &str| r.str(f).and_then(parse_date);
        if let (Some(closed), Some(created)) = (day("closed"), day("created")) {
            if closed < created {
                let (line, col) = locate(store, l, "closed");
                out.push(at(
                    l,
                    line,
                    col,
                    Severity::Warning,
                    format!("field `closed`: {closed} is before the deal was created ({created}); reports leave it out of cycle times"),
                ));
            }
        }
        if closed_stage && r.get("closed").is_none() {
            let (line, col) = locate(store, l, "stage");
            out.push(at(
                l,
                line,
                col,
                Severity::Warning,
                format!(
                    "deal is {} but has no `closed` date",
                    r.stage().unwrap_or_default()
                ),
            ));
        }
    }
    if r.ty == RecordType::Ticket
        && r.str("status").is_some_and(crate::model::stage::is_done)
        && r.get("resolved").is_none()
    {
        let (line, col) = locate(store, l, "status");
        out.push(at(
            l,
            line,
            col,
            Severity::Warning,
            format!(
                "ticket is {} but has no `resolved` time; the service report cannot count it resolved (`crm set {} status=…` records it)",
                r.str("status").unwrap_or_default(),
                r.id
            ),
        ));
    }
    if let Layout::ByMonth(field) = r.ty.info().layout {
        check_month_folder(store, l, field, out);
    }
    check_do_not_contact(store, l, out);
    check_phones(store, l, out);
}

/// A warning at each of a customer's numbers that is not in E.164: one that parses for
/// the folder's region (written by hand) says what crm would store; one that does not is
/// kept as typed, and matches only the same digits.
fn check_phones(store: &Store, l: &Loaded, out: &mut Vec<Finding>) {
    use crate::model::phone::{e164, is_e164};
    let r = &l.record;
    if r.ty != RecordType::Customer {
        return;
    }
    let region = store.config.phone_region();
    let mut fields: Vec<(String, &str)> = Vec::new();
    if let Some(p) = r.str("phone") {
        fields.push(("phone".into(), p));
    }
    if let Some(Value::Sequence(items)) = r.get("phones") {
        fields.extend(
            items
                .iter()
                .filter_map(Value::as_str)
                .map(|p| ("phones".into(), p)),
        );
    }
    if let Some(p) = r.str("social.whatsapp") {
        fields.push(("social.whatsapp".into(), p));
    }
    for (field, number) in fields {
        if is_e164(number) {
            continue;
        }
        // A WhatsApp handle may be a name; only what looks like a number is checked.
        if field == "social.whatsapp" && !crate::model::phone::looks_like_phone(number) {
            continue;
        }
        let message = match e164(number, region.as_deref()) {
            Some(e) => format!(
                "field `{field}`: {number:?} is not in E.164; crm stores it as {e:?} (`crm set` writes that)"
            ),
            None => format!(
                "field `{field}`: {number:?} is not a phone number crm can read{}; kept as typed, it matches only these digits",
                match &region {
                    Some(r) => format!(" (in region {r}, or with + and a country code)"),
                    None => " (no [phone] region is set in crm.toml: give it with + and a country code)".into(),
                }
            ),
        };
        let (line, col) = locate(store, l, &field);
        out.push(at(l, line, col, Severity::Warning, message));
    }
}

/// A warning at an outbound message to a customer who asked not to be contacted: it is
/// logged (it happened), and someone should know.
/// A record whose `merged` names a record still there: a `crm merge` that was stopped.
fn check_merged(store: &Store, l: &Loaded, out: &mut Vec<Finding>) {
    let r = &l.record;
    let Some(Value::Sequence(ids)) = r.get(crate::model::spec::MERGED) else {
        return;
    };
    for id in ids.iter().filter_map(Value::as_str) {
        if store.get(r.ty, id).is_some() {
            let (line, col) = locate(store, l, crate::model::spec::MERGED);
            out.push(at(
                l,
                line,
                col,
                Severity::Warning,
                format!(
                    "field `merged`: {} {id} is still there (a merge that was stopped): `crm merge {} {id}` completes it",
                    r.ty, r.id
                ),
            ));
        }
    }
}

fn check_do_not_contact(store: &Store, l: &Loaded, out: &mut Vec<Finding>) {
    let r = &l.record;
    if r.ty != RecordType::Interaction || r.str("direction") != Some("outbound") {
        return;
    }
    let Some(customer) = r
        .str("customer")
        .and_then(|c| store.get(RecordType::Customer, c))
    else {
        return;
    };
    let refused = customer
        .record
        .get("preferences.do_not_contact")
        .and_then(Value::as_bool)
        == Some(true);
    // An erased customer's do-not-contact dates from the erasure: what came before is
    // history, not a breach.
    let erased = customer
        .record
        .str(crate::model::spec::ERASED)
        .and_then(parse_date);
    let before_erasure = erased.is_some_and(|day| {
        r.str("at")
            .and_then(parse_moment)
            .is_some_and(|at| at.date_naive() <= day)
    });
    if refused && !before_erasure {
        let (line, col) = locate(store, l, "direction");
        out.push(at(
            l,
            line,
            col,
            Severity::Warning,
            format!(
                "an outbound {} to {}, who asked not to be contacted (preferences.do_not_contact)",
                r.str("channel").unwrap_or("message"),
                customer.record.id
            ),
        ));
    }
}

fn check_history(store: &Store, l: &Loaded, out: &mut Vec<Finding>) {
    let r: &Record = &l.record;
    let Some(Value::Sequence(items)) = r.get("history") else {
        return;
    };
    let (line, col) = locate(store, l, "history");
    let Some(names) = store.config.stage_names(r.ty.info().stages) else {
        return;
    };
    if let (Some(stage), Some(last)) = (
        r.stage(),
        items
            .last()
            .and_then(|e| e.get("stage"))
            .and_then(Value::as_str),
    ) {
        if stage != last {
            let (line, col) = locate(store, l, "stage");
            out.push(at(l, line, col, Severity::Warning, format!("field `stage`: {stage:?}, but the history's last entry moves to {last:?} (a merge or an edit that changed one and not the other; `crm stage` sets both)")));
        }
    }
    let tz = store.config.tz();
    let today = store.clock.today;
    let created = r.str("created").and_then(parse_date);
    let mut last = None;
    for (i, item) in items.iter().enumerate() {
        if let Some(stage) = item.get("stage").and_then(Value::as_str) {
            if !names.contains(&stage) {
                out.push(at(
                    l,
                    line,
                    col,
                    Severity::Error,
                    format!("field `history[{i}].stage`: {stage:?} is not a stage in crm.toml"),
                ));
            }
        }
        let Some(moment) = item
            .get("at")
            .and_then(Value::as_str)
            .and_then(parse_moment)
        else {
            continue;
        };
        // An entry's day, in the folder's time zone, lies between the record's creation
        // and today: a stage change cannot come before the record or after now.
        let day = moment.with_timezone(&tz).date_naive();
        if day > today {
            out.push(at(
                l,
                line,
                col,
                Severity::Warning,
                format!("field `history[{i}].at`: {moment} is after today ({today})"),
            ));
        } else if created.is_some_and(|c| day < c) {
            out.push(at(
                l,
                line,
                col,
                Severity::Warning,
                format!(
                    "field `history[{i}].at`: {moment} is before the record was created ({})",
                    created.unwrap_or_default()
                ),
            ));
        }
        if let Some(prev) = last {
            if moment < prev {
                out.push(at(l, line, col, Severity::Error, format!("field `history`: entry {i} ({moment}) is earlier than the entry before it ({prev}); history is kept in time order")));
            }
        }
        last = Some(moment);
    }
}

/// `interactions/YYYY/MM/x.yaml` should hold an interaction of that month.
fn check_month_folder(store: &Store, l: &Loaded, field: &str, out: &mut Vec<Finding>) {
    let parts: Vec<String> = l
        .path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let [_, year, month, _] = parts.as_slice() else {
        return;
    };
    let Some(m) = l.record.str(field).and_then(parse_moment) else {
        return;
    };
    let want = (m.format("%Y").to_string(), m.format("%m").to_string());
    let is_month_folder = year.len() == 4
        && month.len() == 2
        && year
            .chars()
            .chain(month.chars())
            .all(|c| c.is_ascii_digit());
    if is_month_folder && (year, month) != (&want.0, &want.1) {
        let (line, col) = locate(store, l, field);
        out.push(at(
            l,
            line,
            col,
            Severity::Warning,
            format!(
                "an {} of {}-{} is filed under {year}/{month}",
                l.record.ty, want.0, want.1
            ),
        ));
    }
}
