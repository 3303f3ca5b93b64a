//! `crm ingest calendar`: meetings from iCalendar files (RFC 5545, read by the
//! `icalendar` crate; recurrences expanded by `rrule`).
//!
//! Each VEVENT whose ATTENDEE or ORGANIZER `mailto:` is a customer's address becomes a
//! `channel: meeting` interaction per customer, at its DTSTART (a TZID resolved, a
//! floating time or an all-day date taken in the folder's time zone), summary its
//! SUMMARY. Its id comes from the UID (and, for an occurrence of a recurring event, the
//! occurrence's original start), so ingesting an updated calendar moves a moved
//! meeting instead of adding one. A recurring event gives each occurrence up to the
//! as-of date (a VEVENT with a RECURRENCE-ID replaces its occurrence). A cancelled event
//! (STATUS:CANCELLED) is not logged, and one logged before is removed.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use icalendar::{
    CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, Event, EventStatus,
};
use serde_yaml::Value;

use super::mail::{customers_by_address, is_ours, our_addresses};
use crate::error::{Error, LoadIssue, Result};
use crate::model::id::keyed_id;
use crate::model::{Record, RecordType};
use crate::ops::check_for_write;
use crate::store::Store;

/// The most occurrences of one recurring event crm logs.
const MAX_OCCURRENCES: u16 = 5000;

#[derive(Debug, Default)]
pub struct CalendarReport {
    pub added: Vec<Record>,
    pub updated: Vec<Record>,
    pub removed: Vec<String>,
    pub already: usize,
    pub no_customer: usize,
    pub cancelled: usize,
    /// Meetings whose only customers were erased (`crm forget`).
    pub erased: usize,
    pub problems: Vec<LoadIssue>,
}

/// One meeting to log: its key (UID and occurrence), start, summary and people.
pub struct Meeting {
    pub key: String,
    /// RFC 3339 in the folder's time zone.
    pub at: String,
    pub summary: Option<String>,
    pub people: Vec<String>,
    pub organizer: Option<String>,
    pub cancelled: bool,
}

fn address(value: &str) -> Option<String> {
    let v = value.trim();
    let v = v
        .strip_prefix("mailto:")
        .or_else(|| v.strip_prefix("MAILTO:"))
        .unwrap_or(v);
    v.contains('@').then(|| v.to_lowercase())
}

/// A start as a moment in `tz` (the folder's, for floating times and dates).
fn moment(start: &DatePerhapsTime, tz: Tz) -> Option<DateTime<Tz>> {
    match start {
        DatePerhapsTime::Date(d) => tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).earliest(),
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(u)) => Some(u.with_timezone(&tz)),
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(n)) => {
            tz.from_local_datetime(n).earliest()
        }
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
            let zone: Tz = tzid.parse().ok()?;
            zone.from_local_datetime(date_time)
                .earliest()
                .map(|t| t.with_timezone(&tz))
        }
    }
}

/// The moments of a recurring event up to `until` (its DTSTART's zone kept).
fn occurrences(
    event: &Event,
    first: DateTime<Tz>,
    until: DateTime<Tz>,
) -> Option<Vec<DateTime<Tz>>> {
    let rule = event.property_value("RRULE")?;
    let local: NaiveDateTime = first.naive_local();
    let text = format!(
        "DTSTART;TZID={}:{}\nRRULE:{rule}",
        first.timezone().name(),
        local.format("%Y%m%dT%H%M%S")
    );
    let set = icalendar::rrule::RRuleSet::from_str(&text).ok()?;
    let zone: icalendar::rrule::Tz = first.timezone().into();
    let end = until.with_timezone(&zone);
    let found = set.before(end).all(MAX_OCCURRENCES);
    Some(
        found
            .dates
            .into_iter()
            .map(|d| d.with_timezone(&first.timezone()))
            .collect(),
    )
}

fn key_moment(t: &DateTime<Tz>) -> String {
    t.to_utc().format("%Y%m%dT%H%M%SZ").to_string()
}

/// The meetings of one calendar's text, occurrences up to `until`.
pub fn meetings(
    text: &str,
    tz: Tz,
    until: DateTime<Tz>,
) -> std::result::Result<Vec<Meeting>, String> {
    let cal = icalendar::Calendar::from_str(text)?;
    let events: Vec<&Event> = cal
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    // Occurrences replaced by a VEVENT of their own (RECURRENCE-ID).
    let mut replaced: HashSet<(String, String)> = HashSet::new();
    for e in &events {
        if let (Some(uid), Some(rid)) = (e.get_uid(), e.get_recurrence_id()) {
            if let Some(t) = moment(&rid, tz) {
                replaced.insert((uid.to_string(), key_moment(&t)));
            }
        }
    }
    let mut out = Vec::new();
    for e in events {
        let Some(uid) = e.get_uid() else { continue };
        let Some(start) = e.get_start().and_then(|s| moment(&s, tz)) else {
            continue;
        };
        let mut people: Vec<String> = e
            .multi_properties()
            .get("ATTENDEE")
            .into_iter()
            .flatten()
            .filter_map(|p| address(p.value()))
            .collect();
        let organizer = e
            .properties()
            .get("ORGANIZER")
            .and_then(|p| address(p.value()));
        people.extend(organizer.clone());
        let cancelled = e.get_status() == Some(EventStatus::Cancelled);
        let summary = e
            .get_summary()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        let mut push = |key: String, at: DateTime<Tz>| {
            out.push(Meeting {
                key,
                at: crate::model::clock::format_moment(&at.fixed_offset()),
                summary: summary.clone(),
                people: people.clone(),
                organizer: organizer.clone(),
                cancelled,
            });
        };
        if let Some(rid) = e.get_recurrence_id() {
            if let Some(original) = moment(&rid, tz) {
                push(format!("{uid}\n{}", key_moment(&original)), start);
            }
            continue;
        }
        match occurrences(e, start, until) {
            Some(times) => {
                for t in times {
                    let k = key_moment(&t);
                    if !replaced.contains(&(uid.to_string(), k.clone())) {
                        push(format!("{uid}\n{k}"), t);
                    }
                }
            }
            None if start <= until => push(uid.to_string(), start),
            None => {}
        }
    }
    Ok(out)
}

/// Reads the calendars (`(name as given, text)`) and logs, moves or removes their
/// meetings under the write lock; with `dry_run`, writes nothing.
pub fn ingest(
    store: &Store,
    files: &[(std::path::PathBuf, String)],
    me: &[String],
    dry_run: bool,
) -> Result<CalendarReport> {
    let tz = store.config.tz();
    let until = tz
        .from_local_datetime(
            &store
                .clock
                .today
                .and_hms_opt(23, 59, 59)
                .expect("a valid time"),
        )
        .earliest()
        .expect("the end of a day exists");
    let by_address = customers_by_address(store);
    let erased = crate::ops::forget::erased_set(store);
    let me = &our_addresses(me);
    let mut report = CalendarReport::default();
    let mut plan: Vec<(Record, bool)> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (name, text) in files {
        let found = match meetings(text, tz, until) {
            Ok(m) => m,
            Err(e) => {
                report.problems.push(LoadIssue {
                    path: name.clone(),
                    line: Some(1),
                    column: None,
                    message: format!("not an iCalendar file: {e}"),
                });
                continue;
            }
        };
        for m in found {
            let mut customers: Vec<&String> = Vec::new();
            let mut met_erased = false;
            for p in m.people.iter().filter(|p| !is_ours(me, p)) {
                if let Some(c) = by_address.get(p) {
                    if !customers.contains(&c) {
                        customers.push(c);
                    }
                } else if !erased.is_empty()
                    && erased.contains(&crate::model::contact::erased_email(p))
                {
                    met_erased = true;
                }
            }
            if customers.is_empty() && met_erased {
                report.erased += 1;
                continue;
            }
            if customers.is_empty() {
                report.no_customer += 1;
                continue;
            }
            for customer in customers {
                let id = keyed_id("meet", &format!("{}\n{customer}", m.key));
                let record = meeting(&m, &id, customer, me);
                // A later VEVENT of the same UID (an updated export) wins.
                match seen.get(&id) {
                    Some(&i) => plan[i] = (record, m.cancelled),
                    None => {
                        seen.insert(id, plan.len());
                        plan.push((record, m.cancelled));
                    }
                }
            }
        }
    }
    if dry_run {
        apply(store, plan, true, &mut report)?;
    } else {
        store.locked(|| apply(store, plan, false, &mut report))?;
    }
    Ok(report)
}

fn meeting(m: &Meeting, id: &str, customer: &str, me: &[String]) -> Record {
    let mut r = Record::new(RecordType::Interaction, id);
    let text = |s: &str| Value::String(s.to_string());
    r.fields.insert("customer".into(), text(customer));
    r.fields.insert("at".into(), text(&m.at));
    r.fields.insert("channel".into(), text("meeting"));
    if let Some(s) = &m.summary {
        r.fields.insert("summary".into(), text(s));
    }
    if let Some(o) = m.organizer.as_ref().filter(|o| is_ours(me, o)) {
        r.fields.insert("by".into(), text(o));
    }
    r
}

/// Logs, moves or removes each planned meeting (with `dry_run`, only counts them).
fn apply(
    store: &Store,
    plan: Vec<(Record, bool)>,
    dry_run: bool,
    report: &mut CalendarReport,
) -> Result<()> {
    for (record, cancelled) in plan {
        let there = store.get(RecordType::Interaction, &record.id).cloned();
        match (there, cancelled) {
            (Some(old), true) => {
                if !dry_run {
                    store.remove(&old)?;
                }
                report.removed.push(record.id.clone());
            }
            (None, true) => report.cancelled += 1,
            (Some(old), false) if old.record.fields == record.fields => report.already += 1,
            (Some(old), false) => {
                if !dry_run {
                    check_for_write(
                        store,
                        &record,
                        &format!("cannot move meeting {}", record.id),
                    )?;
                    if store.path_for(&record) == old.path {
                        store.update(&old, &record)?;
                    } else {
                        // Moved to another month: its file moves to that month's folder.
                        store.create(&record)?;
                        store.remove(&old)?;
                    }
                }
                report.updated.push(record);
            }
            (None, false) => {
                if !dry_run {
                    check_for_write(store, &record, &format!("cannot log meeting {}", record.id))?;
                    match store.create(&record) {
                        Ok(_) => {}
                        Err(Error::Write(crate::error::WriteError::Exists(_))) => {
                            report.already += 1;
                            continue;
                        }
                        Err(e) => return Err(e),
                    }
                }
                report.added.push(record);
            }
        }
    }
    Ok(())
}
