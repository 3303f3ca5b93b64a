//! Writing a checked plan, and what `--dry-run` and the warnings say about it.

use super::{Action, Plan, Planned, Summary};
use crate::error::Error;
use crate::store::Store;

/// Writes a checked plan: new records first (created only if their file does not exist),
/// then updates (each checked against the file as it was read). `progress` is called
/// once per record.
pub fn write(store: &Store, plan: &Plan, progress: &mut dyn FnMut()) -> Result<Summary, Error> {
    // One turn of the write lock for the whole import.
    store.locked(|| write_locked(store, plan, progress))
}

fn write_locked(store: &Store, plan: &Plan, progress: &mut dyn FnMut()) -> Result<Summary, Error> {
    let total = plan
        .items
        .iter()
        .filter(|i| i.action != Action::Unchanged)
        .count();
    let mut written = 0;
    for item in &plan.items {
        let done = match &item.action {
            Action::Create => store.create(&item.record).map(|_| true),
            Action::Update(_) => {
                let original = item.original.expect("an update has the record it updates");
                store.update(original, &item.record)
            }
            Action::Unchanged => Ok(false),
        };
        match done {
            Ok(changed) => written += usize::from(changed),
            // Stopped part-way (a full disk, say): each record written is whole, and a
            // second run matches them and writes only the rest.
            Err(e) if written > 0 => {
                return Err(Error::ImportStopped {
                    cause: Box::new(e),
                    written,
                    total,
                })
            }
            Err(e) => return Err(e),
        }
        progress();
    }
    Ok(plan.summary())
}

/// The fields a spreadsheet is known to mangle: phones (and WhatsApp numbers) read as
/// numbers lose their `+` and leading `0`, e-mails gain or lose spaces.
const MANGLED: [&str; 3] = ["phone", "social.whatsapp", "email"];

/// The updates of this plan that change a phone or an e-mail only by dropping a `+`, a
/// leading `0` or spaces (as a CSV that went through a spreadsheet does), as
/// (line, id, field, before, after).
pub fn stripped_values(plan: &Plan) -> Vec<(usize, String, &'static str, String, String)> {
    let bare = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '+')
            .collect::<String>()
            .trim_start_matches('0')
            .to_string()
    };
    let mut out = Vec::new();
    for item in &plan.items {
        let (Action::Update(_), Some(original)) = (&item.action, item.original) else {
            continue;
        };
        for field in MANGLED {
            let (Some(before), Some(after)) = (
                original
                    .record
                    .get(field)
                    .and_then(crate::model::value::scalar_text),
                item.record
                    .get(field)
                    .and_then(crate::model::value::scalar_text),
            ) else {
                continue;
            };
            if before != after && bare(&before) == bare(&after) && after.len() < before.len() {
                out.push((item.line, item.record.id.clone(), field, before, after));
            }
        }
    }
    out
}

/// A line per planned record, for `--dry-run`.
pub fn describe(item: &Planned) -> String {
    let r = &item.record;
    let at = if item.line == 0 {
        " (a missing customer)".to_string()
    } else {
        format!(" (line {})", item.line)
    };
    match &item.action {
        Action::Create => format!("create {} {}{at}", r.ty, r.id),
        Action::Update(fields) => format!("update {} {}{at}: {}", r.ty, r.id, fields.join(", ")),
        Action::Unchanged => format!("unchanged {} {}{at}", r.ty, r.id),
    }
}
