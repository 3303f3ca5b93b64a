//! Service: tickets opened and resolved, backlog, response and resolution times, SLA, CSAT.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset};
use rust_decimal::Decimal;

use super::stats::{mean, median, round, share};
use super::ticket::Ticket;
use super::{count, fig, text, Cell, Data, Report, Section};
use crate::config::SlaTarget;
use crate::model::spec::{PRIORITIES, TICKET_KINDS};

/// A ticket's `opened`, `first_response` or `resolved` moment.
pub fn moment(t: &Ticket, field: &str) -> Option<DateTime<FixedOffset>> {
    match field {
        "opened" => t.opened,
        "first_response" => t.first_response,
        "resolved" => t.resolved,
        _ => None,
    }
}

/// Hours between two moments, as a decimal.
pub fn hours(from: DateTime<FixedOffset>, to: DateTime<FixedOffset>) -> Decimal {
    Decimal::from((to - from).num_seconds()) / Decimal::from(3600)
}

/// A ticket's priority (`normal` when unset).
pub fn priority<'a>(t: &Ticket<'a>) -> &'a str {
    t.priority()
}

pub fn target(data: &Data, t: &Ticket) -> SlaTarget {
    let sla = &data.cfg.sla;
    match priority(t) {
        "urgent" => sla.urgent,
        "high" => sla.high,
        "low" => sla.low,
        _ => sla.normal,
    }
}

pub fn is_open(t: &Ticket) -> bool {
    t.is_open()
}

/// Whether a step (`first_response` or `resolved`) met its target of `hours`:
/// `Some(true)` done in time, `Some(false)` done late or still undone past the
/// deadline, `None` still undone and not yet due (or no `opened`).
pub fn sla_met(data: &Data, t: &Ticket, field: &str, target_hours: u32) -> Option<bool> {
    let opened = moment(t, "opened")?;
    let deadline = opened + Duration::hours(i64::from(target_hours));
    match moment(t, field) {
        Some(done) => Some(done <= deadline),
        None if deadline < data.cutoff => Some(false),
        None => None,
    }
}

/// Open tickets past a deadline: (ticket, what is late).
pub fn past_sla<'d, 'a>(data: &'d Data<'a>) -> Vec<(&'d Ticket<'a>, &'static str)> {
    let mut out = Vec::new();
    for t in data.tickets.iter().filter(|t| is_open(t)) {
        let tg = target(data, t);
        if moment(t, "first_response").is_none()
            && sla_met(data, t, "first_response", tg.first_response_hours) == Some(false)
        {
            out.push((t, "first response"));
        } else if sla_met(data, t, "resolved", tg.resolution_hours) == Some(false) {
            out.push((t, "resolution"));
        }
    }
    out
}

/// CSAT: the share of ratings 4-5 among the rated tickets of `resolved` (the service
/// report's: those resolved in the period).
pub fn csat(resolved: &[&Ticket]) -> Option<Decimal> {
    let rated: Vec<i64> = resolved.iter().filter_map(|t| t.satisfaction).collect();
    share(rated.iter().filter(|s| **s >= 4).count(), rated.len())
}

/// The tickets resolved in the period.
pub fn resolved_in_period<'d, 'a>(data: &'d Data<'a>) -> Vec<&'d Ticket<'a>> {
    data.tickets
        .iter()
        .filter(|t| t.resolved_on.is_some_and(|d| data.period.contains(d)))
        .collect()
}

fn rounded(v: Option<Decimal>) -> Cell {
    Cell::Number(v.map(|d| round(d, 1)))
}

#[expect(
    clippy::too_many_lines,
    reason = "every figure of the service report beside its definition"
)]
pub fn service(data: &Data) -> Report {
    let p = data.period;
    let opened: Vec<&Ticket> = data
        .tickets
        .iter()
        .filter(|t| t.start.is_some_and(|d| p.contains(d)))
        .collect();
    let resolved = resolved_in_period(data);
    let backlog: Vec<&Ticket> = data.tickets.iter().filter(|t| t.is_open()).collect();

    // First response: hours from `opened` to `first_response`, tickets opened in the period.
    let first: Vec<Decimal> = opened
        .iter()
        .filter_map(|t| Some(hours(moment(t, "opened")?, moment(t, "first_response")?)))
        .collect();
    // Resolution: hours from `opened` to `resolved`, tickets resolved in the period.
    let resolution: Vec<Decimal> = resolved
        .iter()
        .filter_map(|t| Some(hours(moment(t, "opened")?, moment(t, "resolved")?)))
        .collect();
    let csat = csat(&resolved);
    let complaint = |t: &&&Ticket| t.kind == Some("complaint");

    let backlog_by = |key: &dyn Fn(&Ticket) -> String, order: &[&str]| -> Vec<Vec<Cell>> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for t in &backlog {
            *counts.entry(key(t)).or_default() += 1;
        }
        let mut rows: Vec<Vec<Cell>> = order
            .iter()
            .map(|k| vec![text(*k), count(counts.remove(*k).unwrap_or(0))])
            .collect();
        rows.extend(counts.into_iter().map(|(k, n)| vec![text(k), count(n)]));
        rows
    };
    let urgent_first: Vec<&str> = PRIORITIES.iter().rev().copied().collect();
    let by_priority = backlog_by(&|t| priority(t).to_string(), &urgent_first);
    let by_kind = backlog_by(&|t| t.kind.unwrap_or("(none)").to_string(), TICKET_KINDS);

    // SLA compliance per priority, over tickets opened in the period: met / (met + missed),
    // where a step not yet done counts as missed once its deadline has passed.
    let mut sla_rows = Vec::new();
    for prio in PRIORITIES.iter().rev() {
        let here: Vec<&&Ticket> = opened.iter().filter(|t| t.priority() == *prio).collect();
        let Some(t0) = here.first() else {
            sla_rows.push(vec![
                text(*prio),
                count(0),
                Cell::Rate(None),
                Cell::Rate(None),
            ]);
            continue;
        };
        let tg = target(data, t0);
        let rate = |field: &str, h: u32| {
            let judged: Vec<bool> = here
                .iter()
                .filter_map(|t| sla_met(data, t, field, h))
                .collect();
            Cell::Rate(share(judged.iter().filter(|m| **m).count(), judged.len()))
        };
        sla_rows.push(vec![
            text(*prio),
            count(here.len()),
            rate("first_response", tg.first_response_hours),
            rate("resolved", tg.resolution_hours),
        ]);
    }

    Report {
        skipped: Vec::new(),
        by: None,
        name: "service",
        title: "Service".into(),
        as_of: data.as_of,
        period: p,
        sections: vec![
            Section::figures(
                "tickets",
                "Tickets",
                vec![
                    fig("opened", "Opened", count(opened.len())),
                    fig("resolved", "Resolved", count(resolved.len())),
                    fig(
                        "backlog",
                        "Backlog (open or pending now)",
                        count(backlog.len()),
                    ),
                    fig(
                        "first_response_hours_median",
                        "First response hours (median)",
                        rounded(median(&first)),
                    ),
                    fig(
                        "first_response_hours_mean",
                        "First response hours (mean)",
                        rounded(mean(&first)),
                    ),
                    fig(
                        "resolution_hours_median",
                        "Resolution hours (median)",
                        rounded(median(&resolution)),
                    ),
                    fig(
                        "resolution_hours_mean",
                        "Resolution hours (mean)",
                        rounded(mean(&resolution)),
                    ),
                    fig(
                        "csat",
                        "CSAT (ratings of 4-5 among rated tickets resolved)",
                        Cell::Rate(csat),
                    ),
                    fig(
                        "complaints_opened",
                        "Complaints opened",
                        count(opened.iter().filter(complaint).count()),
                    ),
                    fig(
                        "complaints_resolved",
                        "Complaints resolved",
                        count(resolved.iter().filter(complaint).count()),
                    ),
                ],
            ),
            Section::table(
                "backlog_by_priority",
                "Backlog by priority",
                &[("priority", "Priority"), ("tickets", "Tickets")],
                by_priority,
                None,
            ),
            Section::table(
                "backlog_by_kind",
                "Backlog by kind",
                &[("kind", "Kind"), ("tickets", "Tickets")],
                by_kind,
                None,
            ),
            Section::table(
                "sla",
                "SLA compliance of tickets opened in the period",
                &[
                    ("priority", "Priority"),
                    ("opened", "Opened"),
                    ("first_response", "First response met"),
                    ("resolution", "Resolution met"),
                ],
                sla_rows,
                None,
            ),
        ],
    }
}
