//! What needs doing, most urgent first: follow-ups due, tickets past their SLA, stale
//! deals, customers due a touch.

use chrono::{Duration, NaiveDate};

use super::contact::{frequency_days, last_outbound};
use crate::error::Result;
use crate::model::{Record, RecordType};
use crate::report::pipeline::stale;
use crate::report::service::{moment, sla_met, target};
use crate::report::{Data, Period};
use crate::store::Store;

/// Which kind of due item, in the agenda's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// A `next_action` (due, or upcoming when asked for).
    FollowUp,
    /// A ticket past its SLA target.
    Sla,
    /// A deal with no stage change or interaction for `stale_days`.
    Stale,
    /// A customer due a touch by their preferred frequency.
    Touch,
    /// A customer whose latest NPS answer was 0 to 6, with no outbound touch since.
    Detractor,
}

impl Reason {
    /// A name that stays the same while the item's text changes (a calendar's UID).
    pub fn name(self) -> &'static str {
        match self {
            Reason::FollowUp => "follow-up",
            Reason::Sla => "sla",
            Reason::Stale => "stale",
            Reason::Touch => "touch",
            Reason::Detractor => "detractor",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item<'s> {
    /// The day it became due; the agenda is sorted by it, earliest first.
    pub due: NaiveDate,
    pub record: &'s Record,
    /// Why it is on the agenda.
    pub why: String,
    pub reason: Reason,
}

/// Whether a lifecycle stage is one a customer is kept in touch at: not a lost one
/// (`disqualified`) nor a churned one; a stage crm.toml does not list counts as active.
fn active(cfg: &crate::config::Config, stage: Option<&str>) -> bool {
    stage
        .and_then(|s| cfg.lifecycle_stage(s))
        .is_none_or(|s| !s.lost && !s.churned)
}

/// `--owner ayu` names `ayu`, `Ayu` and `ayu@sinarkopi.id`: the whole owner or the part
/// of an e-mail before its `@`, in any case.
fn same_owner(owner: &str, wanted: &str) -> bool {
    owner.eq_ignore_ascii_case(wanted)
        || owner
            .split_once('@')
            .is_some_and(|(local, _)| local.eq_ignore_ascii_case(wanted))
}

/// The owner of a record for `--owner`: `owner`, or a ticket's `assignee`.
fn owner(r: &Record) -> Option<&str> {
    r.str("owner").or_else(|| r.str("assignee"))
}

fn days(n: i64) -> String {
    match n {
        0 => "today".into(),
        1 => "1 day ago".into(),
        n => format!("{n} days ago"),
    }
}

/// The agenda on `today`, for everyone or for one owner (any case).
///
/// - follow-ups: `next_action.on` on or before today, on customers, open deals and open
///   tickets ("follow-up due: NOTE");
/// - tickets past their SLA: open tickets whose first response or resolution deadline
///   has passed (due: the deadline);
/// - stale deals: open deals with no activity for more than `stale_days` (due: the last
///   activity + `stale_days`);
/// - customers due a touch: at an active lifecycle stage (not lost nor churned),
///   `preferences.frequency` set, not do-not-contact, and no outbound interaction for that
///   long (due: the last one + the frequency, or the day they were added when there is
///   none: "no outbound contact yet", whatever inbound ones there were);
/// - detractors: customers whose latest NPS answer (an interaction with `nps`, up to
///   today) was 0 to 6 and who had no outbound interaction after it ("detractor, answered
///   3 on 2026-11-18"; due: the day of the answer).
///
/// With `upcoming`, follow-ups not due yet are listed too, on their day (a calendar's
/// view of the agenda).
///
/// Sorted by due day, then by kind in the order above, then by id.
#[expect(
    clippy::too_many_lines,
    reason = "the agenda's kinds of due item, in the order the README lists them"
)]
pub fn agenda<'s>(
    store: &'s Store,
    today: NaiveDate,
    owner_filter: Option<&str>,
    upcoming: bool,
) -> Result<Vec<Item<'s>>> {
    let needs = [
        RecordType::Customer,
        RecordType::Deal,
        RecordType::Ticket,
        RecordType::Interaction,
    ];
    let data = Data::new(
        store,
        today,
        Period::month_to_date(today),
        RecordType::Customer,
        &[],
        &needs,
    )?;
    let mut items: Vec<(u8, Item<'s>)> = Vec::new();
    // A record, for the agenda's line (reports read customers, deals and tickets as views).
    let record = |ty: RecordType, id: &str| store.get(ty, id).map(|l| &l.record);
    let deal = |id: &str| record(RecordType::Deal, id);
    let mut follow_up = |on: NaiveDate, note: Option<&str>, record: &'s Record| {
        if on > today && !upcoming {
            return;
        }
        let when = if on > today {
            format!("on {on}")
        } else if on == today {
            "due today".to_string()
        } else {
            format!("was due {}", days((today - on).num_days()))
        };
        let why = format!("follow-up {when}: {}", note.unwrap_or("(no note)"));
        items.push((
            0,
            Item {
                due: on,
                record,
                why,
                reason: Reason::FollowUp,
            },
        ));
    };
    for c in data.customers.iter() {
        if let (Some(on), Some(r)) = (c.next_on, record(RecordType::Customer, c.id)) {
            follow_up(on, c.next_note, r);
        }
    }
    for d in data.deals.iter().filter(|d| data.is_open(d)) {
        if let (Some(on), Some(r)) = (d.next_on, deal(d.id)) {
            follow_up(on, d.next_note, r);
        }
    }
    for t in data.tickets.iter().filter(|t| t.is_open()) {
        if let (Some(on), Some(r)) = (t.next_on, record(RecordType::Ticket, t.id)) {
            follow_up(on, t.next_note, r);
        }
    }
    for t in data.tickets.iter().filter(|t| t.is_open()) {
        let tg = target(&data, t);
        let Some(opened) = moment(t, "opened") else {
            continue;
        };
        let steps = [
            ("first response", "first_response", tg.first_response_hours),
            ("resolution", "resolved", tg.resolution_hours),
        ];
        for (label, field, hours) in steps {
            if moment(t, field).is_none() && sla_met(&data, t, field, hours) == Some(false) {
                let deadline =
                    (opened + Duration::hours(i64::from(hours))).with_timezone(&store.config.tz());
                let why = format!(
                    "{} ticket past its {label} target of {hours} h (due {})",
                    super::super::report::service::priority(t),
                    deadline.format("%Y-%m-%d %H:%M")
                );
                if let Some(record) = record(RecordType::Ticket, t.id) {
                    items.push((
                        1,
                        Item {
                            due: deadline.date_naive(),
                            record,
                            why,
                            reason: Reason::Sla,
                        },
                    ));
                }
                break;
            }
        }
    }
    for (d, last, n) in stale(&data) {
        let Some(record) = deal(d.id) else { continue };
        let due = last + Duration::days(i64::from(store.config.stale_days));
        items.push((
            2,
            Item {
                due,
                record,
                why: format!("stale: no stage change or interaction for {n} days (since {last})"),
                reason: Reason::Stale,
            },
        ));
    }
    let last_out = last_outbound(data.interactions.iter());
    for c in data.customers.iter() {
        let Some(freq) = c.frequency else {
            continue;
        };
        let Some(every) = frequency_days(freq) else {
            continue;
        };
        if c.do_not_contact || !active(&store.config, c.stage) {
            continue;
        }
        let last = last_out.get(c.id).copied();
        let (due, why) = match last {
            Some(l) => (
                l + Duration::days(every),
                format!(
                    "due a {freq} touch: last outbound contact {}",
                    days((today - l).num_days())
                ),
            ),
            None => (
                c.created.unwrap_or(today),
                format!("due a {freq} touch: no outbound contact yet"),
            ),
        };
        if due <= today {
            if let Some(record) = record(RecordType::Customer, c.id) {
                items.push((
                    3,
                    Item {
                        due,
                        record,
                        why,
                        reason: Reason::Touch,
                    },
                ));
            }
        }
    }
    for (customer, (day, answer)) in detractors(&data) {
        if let Some(record) = record(RecordType::Customer, customer) {
            items.push((
                4,
                Item {
                    due: day,
                    record,
                    why: format!("detractor, answered {answer} on {day}"),
                    reason: Reason::Detractor,
                },
            ));
        }
    }
    if let Some(o) = owner_filter {
        items.retain(|(_, i)| agenda_owner(&data, i.record).is_some_and(|x| same_owner(x, o)));
    }
    items.sort_by(|(ka, a), (kb, b)| {
        a.due
            .cmp(&b.due)
            .then(ka.cmp(kb))
            .then_with(|| a.record.id.cmp(&b.record.id))
    });
    Ok(items.into_iter().map(|(_, i)| i).collect())
}

/// Customers whose latest NPS answer up to the as-of date was a detractor's (0 to 6)
/// with no outbound interaction after it: the day of the answer and the answer, by
/// customer id. Read from the interactions the agenda's data already holds.
fn detractors<'a>(data: &Data<'a>) -> Vec<(&'a str, (NaiveDate, u8))> {
    use chrono::{DateTime, FixedOffset};
    use std::collections::HashMap;
    let mut answers: HashMap<&str, (DateTime<FixedOffset>, NaiveDate, u8)> = HashMap::new();
    let mut outbound: HashMap<&str, DateTime<FixedOffset>> = HashMap::new();
    for t in data.interactions.iter() {
        let (Some(c), Some(at)) = (t.customer, t.moment()) else {
            continue;
        };
        if let Some(n) = t.nps {
            let e = answers.entry(c).or_insert((at, t.day, n));
            if at > e.0 {
                *e = (at, t.day, n);
            }
        }
        if t.direction == Some("outbound") {
            let e = outbound.entry(c).or_insert(at);
            *e = (*e).max(at);
        }
    }
    let mut out: Vec<(&str, (NaiveDate, u8))> = answers
        .into_iter()
        .filter(|(c, (at, _, n))| *n <= 6 && outbound.get(c).is_none_or(|o| o <= at))
        .map(|(c, (_, day, n))| (c, (day, n)))
        .collect();
    out.sort();
    out
}

/// Whose item it is: the record's owner (or assignee), else its customer's owner.
fn agenda_owner<'a>(data: &Data<'a>, r: &'a Record) -> Option<&'a str> {
    owner(r).or_else(|| {
        r.str("customer")
            .and_then(|c| data.record(RecordType::Customer, c))
            .and_then(owner)
    })
}
