//! `crm ingest mail`: e-mail into interactions, by itself (README, "Capture").
//!
//! Each message whose From, To or Cc names a customer's `email` or one of their
//! `emails` becomes one interaction per customer named. Its id comes from the
//! Message-ID and the customer (or, without a Message-ID, from the Date, From and
//! Subject), so ingesting a mailbox again, or one that grew, adds only what is new and
//! changes no byte of what is there. Skipped and counted: messages naming no customer
//! (`--create-leads` makes the sender one), messages only among us, automated senders,
//! messages before `--since`, and messages whose only customers were erased (`crm
//! forget`: their addresses are known by digest, and never logged or made leads again).

pub mod parse;
pub mod source;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde_yaml::Value;

use crate::error::{Error, LoadIssue, Result};
use crate::model::contact::erased_email;
use crate::model::id::{keyed_id, stable_id};
use crate::model::spec::{ERASED, ERASED_KEYS};
use crate::model::{Record, RecordType};
use crate::ops::check_for_write;
use crate::store::Store;
use parse::{first_chars, own_words, Mail, Person};
use source::RawMessage;

/// How much of a body goes into `notes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    None,
    /// The first [`SNIPPET_CHARS`] characters of the sender's own words.
    Snippet,
    /// The sender's own words, whole.
    Full,
}

/// The length of a snippet.
pub const SNIPPET_CHARS: usize = 280;

pub struct MailOptions {
    /// Our addresses (`--me` and crm.toml's `[mail] me`); `@domain` is a whole domain.
    pub me: Vec<String>,
    pub create_leads: bool,
    pub body: Body,
    pub since: Option<NaiveDate>,
    pub dry_run: bool,
}

/// What an ingest did (or, with `--dry-run`, would do).
#[derive(Debug, Default)]
pub struct MailReport {
    /// The new interactions, in the order of the messages.
    pub interactions: Vec<Record>,
    /// The customers made with `--create-leads`.
    pub leads: Vec<Record>,
    /// Interactions already in the folder.
    pub already: usize,
    pub no_customer: usize,
    pub ours: usize,
    pub automated: usize,
    pub older: usize,
    /// Messages whose only customers were erased (`crm forget`).
    pub erased: usize,
    /// Messages that could not be read: the file and line each starts on.
    pub problems: Vec<LoadIssue>,
    /// Messages read with a guess (no usable Date: the file's time was taken).
    pub warnings: Vec<String>,
}

impl MailReport {
    pub fn skipped(&self) -> usize {
        self.no_customer + self.ours + self.automated + self.older + self.erased
    }
}

/// Our addresses as [`is_ours`] takes them: trimmed and lower-cased, once.
pub(super) fn our_addresses(me: &[String]) -> Vec<String> {
    me.iter().map(|m| m.trim().to_lowercase()).collect()
}

/// Whether `address` (lower-cased) is ours; `me` as [`our_addresses`] gives it.
pub(super) fn is_ours(me: &[String], address: &str) -> bool {
    me.iter().any(|m| match m.strip_prefix('@') {
        Some(domain) => address.rsplit_once('@').is_some_and(|(_, d)| d == domain),
        None => m == address,
    })
}

/// A glob with `*` for any run of characters, case-insensitive.
fn glob(pattern: &str, text: &str) -> bool {
    let pattern = pattern.to_lowercase();
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = parts.split_first().expect("split yields one part");
    let Some(mut left) = text.strip_prefix(first) else {
        return false;
    };
    for (i, part) in rest.iter().enumerate() {
        if i == rest.len() - 1 {
            return left.ends_with(part);
        }
        match left.find(part) {
            Some(at) => left = &left[at + part.len()..],
            None => return false,
        }
    }
    left.is_empty()
}

/// The deal or ticket a subject names: `[deal/ID]` or `[ticket/ID]`.
fn named_in_subject(store: &Store, subject: &str, ty: RecordType) -> Option<String> {
    let tag = format!("[{}/", ty.singular());
    let start = subject.find(&tag)? + tag.len();
    let end = subject[start..].find(']')? + start;
    let id = &subject[start..end];
    store.get(ty, id).map(|l| l.record.id.clone())
}

/// Reads the messages and writes their interactions (and leads), each file atomically,
/// under the folder's write lock; with `dry_run`, writes nothing. `progress` is called
/// once per message read.
pub fn ingest(
    store: &Store,
    raw: Vec<RawMessage>,
    opts: &MailOptions,
    progress: &mut dyn FnMut(),
) -> Result<MailReport> {
    if opts.dry_run {
        return Ok(plan(store, raw, opts, progress));
    }
    store.locked(|| {
        let mut report = plan(store, raw, opts, progress);
        for lead in &report.leads {
            check_for_write(store, lead, &format!("cannot add customer {}", lead.id))?;
            store.create(lead)?;
        }
        let planned = std::mem::take(&mut report.interactions);
        for record in &planned {
            check_for_write(
                store,
                record,
                &format!("cannot log interaction {}", record.id),
            )?;
        }
        // All at once: one flush of the file system, not two per file.
        let results = store.create_all(&planned)?;
        for (record, result) in planned.into_iter().zip(results) {
            match result {
                Ok(_) => report.interactions.push(record),
                // Written by another ingest since this one looked: it is there.
                Err(Error::Write(crate::error::WriteError::Exists(_))) => report.already += 1,
                Err(e) => return Err(e),
            }
        }
        Ok(report)
    })
}

/// Who each address is: customer ids by lower-cased `email` and `emails`.
pub(super) fn customers_by_address(store: &Store) -> HashMap<String, String> {
    let mut by = HashMap::new();
    // The erasure fields too: `erased_set`, asked next, then reads this projection
    // instead of loading every customer whole.
    for l in store.records_with(
        RecordType::Customer,
        &["email", "emails", ERASED, ERASED_KEYS],
    ) {
        let r = &l.record;
        for a in crate::model::contact::emails(r) {
            by.entry(a.trim().to_lowercase())
                .or_insert_with(|| r.id.clone());
        }
    }
    by
}

/// The deal and ticket of each message, by Message-ID.
type Threads = HashMap<String, (Option<String>, Option<String>)>;

/// The interactions there, and each ingested message's deal and ticket.
fn known(store: &Store) -> (HashSet<String>, Threads) {
    let mut existing: HashSet<String> = HashSet::new();
    let mut threads = Threads::new();
    for l in store.records_with(RecordType::Interaction, &["message_id", "deal", "ticket"]) {
        existing.insert(l.record.id.clone());
        if let Some(m) = l.record.str("message_id") {
            let entry = threads.entry(m.to_string()).or_default();
            entry.0 = entry.0.take().or(l.record.str("deal").map(String::from));
            entry.1 = entry.1.take().or(l.record.str("ticket").map(String::from));
        }
    }
    (existing, threads)
}

fn plan(
    store: &Store,
    raw: Vec<RawMessage>,
    opts: &MailOptions,
    progress: &mut dyn FnMut(),
) -> MailReport {
    let mut report = MailReport::default();
    let me = our_addresses(&opts.me);
    let mut by_address = customers_by_address(store);
    let erased = crate::ops::forget::erased_set(store);
    let (mut existing, mut threads) = known(store);
    let tz = store.config.tz();
    for msg in raw {
        progress();
        let mail = match parse::parse(&msg.bytes) {
            Ok(m) => m,
            Err(e) => {
                report.problems.push(LoadIssue {
                    path: msg.file.clone(),
                    line: Some(msg.line),
                    column: None,
                    message: e.to_string(),
                });
                continue;
            }
        };
        let at = moment(store, &msg, &mail, &mut report);
        if let Some(since) = opts.since {
            let day = chrono::DateTime::parse_from_rfc3339(&at)
                .map(|t| t.with_timezone(&tz).date_naive());
            if day.is_ok_and(|d| d < since) {
                report.older += 1;
                continue;
            }
        }
        let from_us = is_ours(&me, &mail.from.address);
        if !from_us
            && store
                .config
                .mail
                .ignore
                .iter()
                .any(|p| glob(p, &mail.from.address))
        {
            report.automated += 1;
            continue;
        }
        let everyone: Vec<&Person> = std::iter::once(&mail.from)
            .chain(mail.recipients.iter())
            .collect();
        if everyone.iter().all(|p| is_ours(&me, &p.address)) {
            report.ours += 1;
            continue;
        }
        let (mut customers, met_erased) = customers_of(&everyone, &me, &by_address, &erased);
        if customers.is_empty() && met_erased {
            // Never logged, never made a lead again.
            report.erased += 1;
            continue;
        }
        if customers.is_empty() {
            if opts.create_leads && !from_us {
                let lead = lead(store, &mail.from);
                by_address.insert(mail.from.address.clone(), lead.id.clone());
                customers.push(lead.id.clone());
                report.leads.push(lead);
            } else {
                report.no_customer += 1;
                continue;
            }
        }
        let (deal, ticket) = links(store, &mail, &mut threads);
        let key = match &mail.message_id {
            Some(m) => m.clone(),
            None => format!(
                "{at}\n{}\n{}",
                mail.from.address,
                mail.subject.as_deref().unwrap_or("")
            ),
        };
        for customer in customers {
            let id = keyed_id("mail", &format!("{key}\n{customer}"));
            if !existing.insert(id.clone()) {
                report.already += 1;
                continue;
            }
            let record = interaction(
                &mail,
                opts,
                id,
                customer,
                &at,
                deal.as_ref(),
                ticket.as_ref(),
                from_us,
            );
            report.interactions.push(record);
        }
    }
    report
}

/// The customers a message's people are (ours aside), each once; and whether one of
/// them is an erased customer, known by the digest of the address.
fn customers_of(
    everyone: &[&Person],
    me: &[String],
    by_address: &HashMap<String, String>,
    erased: &HashSet<String>,
) -> (Vec<String>, bool) {
    let mut customers: Vec<String> = Vec::new();
    let mut met_erased = false;
    for p in everyone.iter().filter(|p| !is_ours(me, &p.address)) {
        if let Some(id) = by_address.get(&p.address) {
            if !customers.contains(id) {
                customers.push(id.clone());
            }
        } else if !erased.is_empty() && erased.contains(&erased_email(&p.address)) {
            met_erased = true;
        }
    }
    (customers, met_erased)
}

/// The message's moment: its Date, else the file's time (or now), with a warning.
fn moment(store: &Store, msg: &RawMessage, mail: &Mail, report: &mut MailReport) -> String {
    let tz = store.config.tz();
    match &mail.date {
        Some(d) => d.clone(),
        None => {
            let (when, why) = match msg.modified {
                Some(t) => (chrono::DateTime::<chrono::Utc>::from(t), "the file's time"),
                None => (store.clock.now.to_utc(), "now: it has no file"),
            };
            let at = crate::model::clock::format_moment(&when.with_timezone(&tz).fixed_offset());
            report.warnings.push(format!(
                "{}:{}: the message has no usable Date; taken as {at} ({why})",
                msg.file.display(),
                msg.line,
            ));
            at
        }
    }
}

/// The deal and ticket of a message: its thread's (a reply to a message already
/// ingested), else those its subject names; recorded for the replies to it.
fn links(store: &Store, mail: &Mail, threads: &mut Threads) -> (Option<String>, Option<String>) {
    let (mut deal, mut ticket) = (None, None);
    for parent in &mail.parents {
        if let Some((d, t)) = threads.get(parent) {
            deal = deal.or(d.clone());
            ticket = ticket.or(t.clone());
        }
    }
    if let Some(s) = &mail.subject {
        deal = deal.or_else(|| named_in_subject(store, s, RecordType::Deal));
        ticket = ticket.or_else(|| named_in_subject(store, s, RecordType::Ticket));
    }
    if let Some(m) = &mail.message_id {
        threads.insert(m.clone(), (deal.clone(), ticket.clone()));
    }
    (deal, ticket)
}

/// A new customer at the first lifecycle stage, from a sender no customer has; its id
/// comes from the address, so a second run finds the same one.
fn lead(store: &Store, sender: &Person) -> Record {
    let name = sender
        .name
        .clone()
        .unwrap_or_else(|| sender.address.clone());
    let mut r = Record::new(
        RecordType::Customer,
        stable_id(&name, "customer", &sender.address),
    );
    let mut set = |k: &str, v: &str| {
        r.fields.insert(k.into(), Value::String(v.to_string()));
    };
    set("name", &name);
    set("email", &sender.address);
    set("source", "email");
    crate::ops::add::fill_defaults(store, &mut r, false);
    r
}

#[expect(
    clippy::too_many_arguments,
    reason = "the parts of one interaction, each named"
)]
fn interaction(
    mail: &Mail,
    opts: &MailOptions,
    id: String,
    customer: String,
    at: &str,
    deal: Option<&String>,
    ticket: Option<&String>,
    outbound: bool,
) -> Record {
    let mut r = Record::new(RecordType::Interaction, &id);
    let f = &mut r.fields;
    let text = |s: &str| Value::String(s.to_string());
    f.insert("customer".into(), text(&customer));
    f.insert("at".into(), text(at));
    f.insert("channel".into(), text("email"));
    f.insert(
        "direction".into(),
        text(if outbound { "outbound" } else { "inbound" }),
    );
    let words = own_words(&mail.text);
    let summary = mail.subject.clone().or_else(|| {
        words
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(|l| first_chars(l, 120))
    });
    if let Some(s) = summary {
        f.insert("summary".into(), text(&s));
    }
    if let Some(d) = deal {
        f.insert("deal".into(), text(d));
    }
    if let Some(t) = ticket {
        f.insert("ticket".into(), text(t));
    }
    if outbound {
        f.insert("by".into(), text(&mail.from.address));
    }
    if let Some(m) = &mail.message_id {
        f.insert("message_id".into(), text(m));
    }
    if !mail.attachments.is_empty() {
        f.insert(
            "attachments".into(),
            Value::Sequence(mail.attachments.iter().map(|a| text(a)).collect()),
        );
    }
    let notes = match opts.body {
        Body::None => None,
        Body::Snippet => Some(first_chars(&words, SNIPPET_CHARS)),
        Body::Full => Some(words),
    };
    if let Some(n) = notes.filter(|n| !n.is_empty()) {
        f.insert("notes".into(), text(&n));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_our_addresses() {
        assert!(glob("noreply@*", "noreply@shop.test"));
        assert!(glob("*@notifications.*", "x@notifications.github.com"));
        assert!(!glob("*@notifications.*", "x@github.com"));
        assert!(glob(
            "mailer-daemon@*",
            "MAILER-DAEMON@x".to_lowercase().as_str()
        ));
        let me = our_addresses(&[" Sari@OurCo.test".to_string(), "@Team.test".to_string()]);
        assert!(is_ours(&me, "sari@ourco.test"));
        assert!(is_ours(&me, "any@team.test"));
        assert!(!is_ours(&me, "any@ourco.test"));
    }
}
