//! `crm ingest whatsapp`: chat exports into interactions (README, "Capture").
//!
//! A chat's messages are cut into **conversations** wherever two messages are more than
//! the gap apart (4 hours by default); each conversation becomes one `channel: whatsapp`
//! interaction per customer in it: `at` its first message (the phone's local time, in
//! the folder's time zone: exports carry no offset), `direction` inbound when a customer
//! wrote first, `summary` the first message (120 characters), `messages` how many it
//! held, `by` our first sender, `attachments` the files named in it.
//!
//! The customer is `--customer`, else each sender matched by name (a customer's
//! `name`, any case) or by number (an unsaved contact shows as `+62 812-…`; matched in
//! E.164 with `phone`, `phones` and `social.whatsapp`). Our side is `--me` and
//! `[whatsapp] me`; with neither, every sender who is no customer is taken as us. In a
//! chat with one other party every conversation is theirs; in a group, each customer
//! who wrote in a conversation gets it.
//!
//! The id comes from the customer and the conversation's first moment, so ingesting a
//! later, longer export of the chat adds the new conversations, updates the one that
//! grew (its `messages` and `attachments`, nothing else) and leaves the rest alone.

pub mod parse;
pub mod source;

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDateTime, TimeZone};
use serde_yaml::Value;

use crate::error::{Error, LoadIssue, Result};
use crate::model::id::keyed_id;
use crate::model::{Record, RecordType};
use crate::ops::check_for_write;
use crate::store::Store;
use parse::{DateOrder, Message};

/// The default gap between conversations: 4 hours.
pub const DEFAULT_GAP_MINUTES: i64 = 240;

pub struct WhatsappOptions {
    /// The customer every conversation is with (`--customer`, resolved).
    pub customer: Option<String>,
    /// Our names (`--me` and `[whatsapp] me`), matched in any case.
    pub me: Vec<String>,
    pub gap: chrono::Duration,
    /// `--date-order`: for files whose dates do not show it.
    pub date_order: Option<DateOrder>,
    pub dry_run: bool,
}

/// One export to read: its name for messages, its text, and the media files beside it.
pub struct ChatFile {
    pub name: std::path::PathBuf,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct WhatsappReport {
    pub added: Vec<Record>,
    /// Conversations that grew since they were ingested.
    pub updated: Vec<Record>,
    pub already: usize,
    /// Messages read, and notices ("… added …") passed over.
    pub messages: usize,
    pub notices: usize,
    /// Senders matched to no customer (in group chats).
    pub strangers: Vec<String>,
    /// Chats skipped because their only customers were erased (`crm forget`).
    pub erased: usize,
    pub problems: Vec<LoadIssue>,
}

/// The date order of a region: month first in the United States and the places that
/// write dates as it does, day first elsewhere.
pub fn region_order(region: Option<&str>) -> DateOrder {
    match region {
        Some("US" | "PH" | "AS" | "GU" | "MP" | "PR" | "UM" | "VI" | "FM" | "MH" | "PW") => {
            DateOrder::Mdy
        }
        _ => DateOrder::Dmy,
    }
}

/// Customers by lower-cased name and by phone match key.
#[derive(Default)]
struct Directory {
    by_name: HashMap<String, Vec<String>>,
    by_phone: HashMap<String, String>,
    /// Digests of erased customers' numbers.
    erased: HashSet<String>,
    region: Option<String>,
}

impl Directory {
    fn new(store: &Store) -> Directory {
        let region = store.config.phone_region();
        let mut d = Directory {
            by_name: HashMap::new(),
            by_phone: HashMap::new(),
            erased: HashSet::new(),
            region,
        };
        use crate::model::spec::{ERASED, ERASED_KEYS};
        let fields = ["name", "phone", "phones", "social", ERASED, ERASED_KEYS];
        for l in store.records_with(RecordType::Customer, &fields) {
            let r = &l.record;
            if let Some(n) = r.str("name") {
                d.by_name
                    .entry(n.trim().to_lowercase())
                    .or_default()
                    .push(r.id.clone());
            }
            for k in crate::model::contact::phone_keys(r, d.region.as_deref()) {
                d.by_phone.entry(k).or_insert_with(|| r.id.clone());
            }
        }
        // After the names and numbers, from the same projection.
        d.erased = crate::ops::forget::erased_set(store);
        d
    }

    /// The customer a sender is: by number when it is one, else by a name only one
    /// customer has; or an erased customer, by the digest of their number.
    fn find(&self, sender: &str) -> Option<Party> {
        use crate::model::phone::{looks_like_phone, match_key};
        if looks_like_phone(sender) {
            let key = match_key(sender, self.region.as_deref())?;
            if let Some(c) = self.by_phone.get(&key) {
                return Some(Party::Customer(c.clone()));
            }
            let erased = !self.erased.is_empty()
                && self
                    .erased
                    .contains(&crate::model::contact::erased_phone(&key));
            return erased.then_some(Party::Erased);
        }
        match self.by_name.get(&sender.to_lowercase()).map(Vec::as_slice) {
            Some([one]) => Some(Party::Customer(one.clone())),
            _ => None,
        }
    }
}

/// Who a sender is in one chat.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Party {
    Us,
    Customer(String),
    /// An erased customer (`crm forget`): nothing of theirs is logged.
    Erased,
    Stranger,
}

/// One conversation of a chat, as it will be logged.
struct Conversation<'m> {
    messages: &'m [Message],
}

/// Cuts a chat's messages (in file order) where two are more than `gap` apart.
fn conversations(messages: &[Message], gap: chrono::Duration) -> Vec<Conversation<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=messages.len() {
        let cut = i == messages.len() || messages[i].at - messages[i - 1].at > gap;
        if cut {
            out.push(Conversation {
                messages: &messages[start..i],
            });
            start = i;
        }
    }
    out
}

fn local_moment(store: &Store, at: NaiveDateTime) -> Option<String> {
    let tz = store.config.tz();
    tz.from_local_datetime(&at)
        .earliest()
        .map(|t| crate::model::clock::format_moment(&t.fixed_offset()))
}

/// Reads each export and logs its conversations, under the folder's write lock (with
/// `dry_run`, writes nothing). A file that cannot be read as a whole (no customer in
/// it) is a problem and the others go on; a bad line is a problem and the rest of its
/// file goes on.
pub fn ingest(store: &Store, files: &[ChatFile], opts: &WhatsappOptions) -> Result<WhatsappReport> {
    let mut report = WhatsappReport::default();
    let fallback = opts
        .date_order
        .unwrap_or_else(|| region_order(store.config.phone_region().as_deref()));
    // Only needed to find who a chat is with; `--customer` says it.
    let dir = match opts.customer {
        Some(_) => Directory::default(),
        None => Directory::new(store),
    };
    let me: Vec<String> = opts.me.iter().map(|m| m.trim().to_lowercase()).collect();
    let erased_customer = names_erased(store, opts);
    // Planned interactions by id, in order (a chat read twice in one run is logged once).
    let mut plan: Vec<Record> = Vec::new();
    let mut planned: HashSet<String> = HashSet::new();
    for f in files {
        let chat = parse::parse(&f.text, fallback);
        report.messages += chat.messages.len();
        report.notices += chat.notices;
        let issue = |line: Option<usize>, message: String| LoadIssue {
            path: f.name.clone(),
            line,
            column: None,
            message,
        };
        report.problems.extend(
            chat.bad
                .iter()
                .map(|b| issue(Some(b.line), b.message.clone())),
        );
        if chat.messages.is_empty() {
            if chat.bad.is_empty() {
                let why = "no messages: not a WhatsApp chat export";
                report.problems.push(issue(None, why.into()));
            }
            continue;
        }
        if erased_customer {
            report.erased += 1;
            continue;
        }
        let parties = match parties(&chat.messages, &dir, &me, opts) {
            Ok(p) => p,
            Err(message) => {
                report.problems.push(issue(None, message));
                continue;
            }
        };
        note_strangers(&chat.messages, &parties, &mut report.strangers);
        let customers: HashSet<&String> = parties
            .values()
            .filter_map(|p| match p {
                Party::Customer(c) => Some(c),
                _ => None,
            })
            .collect();
        if customers.is_empty() {
            // Only erased customers in it (`parties` found someone).
            report.erased += 1;
            continue;
        }
        // A chat with one customer and no stranger: every conversation is theirs.
        let only = match customers.iter().next() {
            Some(c) if customers.len() == 1 && !parties.values().any(|p| *p == Party::Stranger) => {
                Some((*c).clone())
            }
            _ => None,
        };
        for conv in conversations(&chat.messages, opts.gap) {
            let Some(at) = local_moment(store, conv.messages[0].at) else {
                continue;
            };
            let mut with: Vec<String> = Vec::new();
            if let Some(c) = &only {
                with.push(c.clone());
            } else {
                for m in conv.messages {
                    if let Some(Party::Customer(c)) = parties.get(&m.sender) {
                        if !with.contains(c) {
                            with.push(c.clone());
                        }
                    }
                }
            }
            for customer in with {
                let id = keyed_id("wa", &format!("{customer}\n{at}"));
                if !planned.insert(id.clone()) {
                    continue;
                }
                plan.push(interaction(&conv, &parties, id, customer, &at));
            }
        }
    }
    if opts.dry_run {
        apply(store, plan, true, &mut report)?;
    } else {
        store.locked(|| apply(store, plan, false, &mut report))?;
    }
    Ok(report)
}

/// Whether `--customer` names an erased customer: none of its chats is logged.
fn names_erased(store: &Store, opts: &WhatsappOptions) -> bool {
    opts.customer.as_ref().is_some_and(|c| {
        store
            .get(RecordType::Customer, c)
            .is_some_and(|l| l.record.get(crate::model::spec::ERASED).is_some())
    })
}

/// Adds the chat's strangers to `strangers`, in the order they first wrote, so the
/// summary reads the same on every run.
fn note_strangers(
    messages: &[Message],
    parties: &HashMap<String, Party>,
    strangers: &mut Vec<String>,
) {
    for m in messages {
        if parties.get(&m.sender) == Some(&Party::Stranger) && !strangers.contains(&m.sender) {
            strangers.push(m.sender.clone());
        }
    }
}

/// Who each sender of a chat is. `Err` when no one in it is a customer, erased or not.
fn parties(
    messages: &[Message],
    dir: &Directory,
    me: &[String],
    opts: &WhatsappOptions,
) -> std::result::Result<HashMap<String, Party>, String> {
    let mut senders: Vec<&str> = Vec::new();
    for m in messages {
        if !senders.contains(&m.sender.as_str()) {
            senders.push(&m.sender);
        }
    }
    let mut out = HashMap::new();
    for s in &senders {
        let party = if me.contains(&s.to_lowercase()) {
            Party::Us
        } else if let Some(c) = &opts.customer {
            Party::Customer(c.clone())
        } else {
            match dir.find(s) {
                Some(p) => p,
                None if me.is_empty() => Party::Us,
                None => Party::Stranger,
            }
        };
        out.insert(s.to_string(), party);
    }
    if out
        .values()
        .any(|p| matches!(p, Party::Customer(_) | Party::Erased))
    {
        return Ok(out);
    }
    let others: Vec<&str> = senders
        .iter()
        .copied()
        .filter(|s| !me.contains(&s.to_lowercase()))
        .collect();
    Err(if others.is_empty() {
        "every sender in this chat is one of us (--me, [whatsapp] me); name the customer with --customer".into()
    } else {
        format!(
            "no sender in this chat is a customer by name or phone number ({}); name the customer with --customer, or give their number with `crm set CUSTOMER phone=…`",
            others.join(", ")
        )
    })
}

fn interaction(
    conv: &Conversation,
    parties: &HashMap<String, Party>,
    id: String,
    customer: String,
    at: &str,
) -> Record {
    let first = &conv.messages[0];
    let ours = |m: &Message| parties.get(&m.sender) == Some(&Party::Us);
    let mut r = Record::new(RecordType::Interaction, &id);
    let f = &mut r.fields;
    let text = |s: &str| Value::String(s.to_string());
    f.insert("customer".into(), text(&customer));
    f.insert("at".into(), text(at));
    f.insert("channel".into(), text("whatsapp"));
    f.insert(
        "direction".into(),
        text(if ours(first) { "outbound" } else { "inbound" }),
    );
    let summary = super::mail::parse::first_chars(first.text.trim(), 120);
    let summary = summary.lines().map(str::trim).collect::<Vec<_>>().join(" ");
    if !summary.is_empty() {
        f.insert("summary".into(), text(&summary));
    }
    if let Some(by) = conv.messages.iter().find(|m| ours(m)) {
        f.insert("by".into(), text(&by.sender));
    }
    f.insert(
        "messages".into(),
        Value::Number((conv.messages.len() as u64).into()),
    );
    let files: Vec<Value> = conv
        .messages
        .iter()
        .flat_map(|m| m.files.iter())
        .map(|n| text(n))
        .collect();
    if !files.is_empty() {
        f.insert("attachments".into(), Value::Sequence(files));
    }
    r
}

/// Logs each planned conversation, or updates the one that grew.
fn apply(
    store: &Store,
    plan: Vec<Record>,
    dry_run: bool,
    report: &mut WhatsappReport,
) -> Result<()> {
    let mut new = Vec::new();
    for record in plan {
        match store.get(RecordType::Interaction, &record.id) {
            Some(old) => {
                // Only a longer export changes a conversation: a shorter one (cut by the
                // phone's limit) leaves it as it is.
                let count = |r: &Record| r.get("messages").and_then(Value::as_u64).unwrap_or(0);
                if count(&record) <= count(&old.record) {
                    report.already += 1;
                    continue;
                }
                if !dry_run {
                    let (messages, files) = (
                        record.get("messages").cloned(),
                        record.get("attachments").cloned(),
                    );
                    store.modify(old, |r| {
                        if let Some(m) = messages {
                            r.fields.insert("messages".into(), m);
                        }
                        if let Some(a) = files {
                            r.fields.insert("attachments".into(), a);
                        }
                        Ok(())
                    })?;
                }
                report.updated.push(record);
            }
            None => {
                if !dry_run {
                    check_for_write(
                        store,
                        &record,
                        &format!("cannot log conversation {}", record.id),
                    )?;
                }
                new.push(record);
            }
        }
    }
    if dry_run {
        report.added = new;
        return Ok(());
    }
    let results = store.create_all(&new)?;
    for (record, result) in new.into_iter().zip(results) {
        match result {
            Ok(_) => report.added.push(record),
            Err(Error::Write(crate::error::WriteError::Exists(_))) => report.already += 1,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(at: &str, sender: &str) -> Message {
        Message {
            line: 1,
            at: NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").unwrap(),
            sender: sender.into(),
            text: "x".into(),
            files: vec![],
        }
    }

    #[test]
    fn conversations_are_cut_at_gaps_longer_than_the_gap() {
        let m = [
            msg("2026-11-01 09:00", "a"),
            msg("2026-11-01 13:00", "b"),
            msg("2026-11-01 17:01", "a"),
            msg("2026-11-02 09:00", "a"),
        ];
        let c = conversations(&m, chrono::Duration::minutes(DEFAULT_GAP_MINUTES));
        let sizes: Vec<usize> = c.iter().map(|c| c.messages.len()).collect();
        // 09:00 to 13:00 is exactly 4 hours: one conversation; 13:00 to 17:01 is longer.
        assert_eq!(sizes, vec![2, 1, 1]);
    }
}
