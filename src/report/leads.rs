//! Leads: who to call first, how fast leads are answered, which sources bring leads
//! that buy.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;

use super::customer::Customer;
use super::stats::{mean, median, round, share};
use super::{count, fig_noted, text, Cell, Data, Report, Section};

fn score_cell(s: Option<f64>) -> Cell {
    Cell::Number(
        s.and_then(|s| Decimal::try_from(s).ok())
            .map(|d| round(d, 1)),
    )
}

/// Each customer's first outbound interaction (a moment) and last interaction (a day).
fn touches<'a>(
    data: &Data<'a>,
) -> (
    HashMap<&'a str, DateTime<FixedOffset>>,
    HashMap<&'a str, chrono::NaiveDate>,
) {
    let mut first_out: HashMap<&str, DateTime<FixedOffset>> = HashMap::new();
    let mut last: HashMap<&str, chrono::NaiveDate> = HashMap::new();
    for t in data.interactions.iter() {
        let Some(c) = t.customer else { continue };
        let l = last.entry(c).or_insert(t.day);
        *l = (*l).max(t.day);
        if t.direction == Some("outbound") {
            if let Some(at) = t.moment() {
                let f = first_out.entry(c).or_insert(at);
                *f = (*f).min(at);
            }
        }
    }
    (first_out, last)
}

/// - *Open leads*: customers now at a stage before the first customer stage of the
///   lifecycle (default: lead, prospect), highest score first (then by id), with their
///   age (days since `created`), source, owner, last touch (the day of their last
///   interaction) and next action.
/// - *Speed to lead*, over the leads created in the period (customers whose `created`
///   is in it, whatever their stage now): hours from `created` (its midnight in the
///   folder's time zone) to their first outbound interaction, median and mean over those
///   touched; *untouched* = those with no outbound interaction by the as-of date.
/// - *By source*, over the same leads: how many, their average score, and the share that
///   reached a customer stage by the as-of date (conversion). No source is `(none)`.
pub fn leads(data: &Data) -> Report {
    let p = data.period;
    let (first_out, last) = touches(data);
    let open_rows = open_leads(data, &last);
    let new_leads = created_in_period(data);
    let (hours, untouched) = speed(data, &new_leads, &first_out);
    let source_rows = by_source(data, &new_leads);
    let rounded = |v: Option<Decimal>| Cell::Number(v.map(|d| round(d, 1)));

    Report {
        skipped: Vec::new(),
        by: None,
        name: "leads",
        title: "Leads".into(),
        as_of: data.as_of,
        period: p,
        sections: vec![
            Section::figures(
                "speed_to_lead",
                "Speed to lead (leads created in the period)",
                vec![
                    fig_noted(
                        "new",
                        "Leads created",
                        "customers whose `created` is in the period",
                        count(new_leads.len()),
                    ),
                    fig_noted(
                        "hours_median",
                        "Hours to first outbound (median)",
                        "from `created` (its midnight) to the first outbound interaction",
                        rounded(median(&hours)),
                    ),
                    fig_noted(
                        "hours_mean",
                        "Hours to first outbound (mean)",
                        "from `created` (its midnight) to the first outbound interaction",
                        rounded(mean(&hours)),
                    ),
                    fig_noted(
                        "untouched",
                        "Untouched",
                        "no outbound interaction by the as-of date",
                        count(untouched),
                    ),
                ],
            ),
            Section::table(
                "open_leads",
                "Open leads, highest score first",
                &[
                    ("customer", "Customer"),
                    ("name", "Name"),
                    ("score", "Score"),
                    ("age_days", "Age (days)"),
                    ("source", "Source"),
                    ("owner", "Owner"),
                    ("last_touch", "Last touch"),
                    ("next_action", "Next action"),
                ],
                open_rows,
                None,
            ),
            Section::table(
                "by_source",
                "Leads created in the period, by source",
                &[
                    ("source", "Source"),
                    ("leads", "Leads"),
                    ("average_score", "Average score"),
                    ("converted", "Customers by now"),
                    ("conversion", "Conversion"),
                ],
                source_rows,
                None,
            ),
        ],
    }
}

/// The customers whose `created` is in the period.
fn created_in_period<'d, 'a>(data: &'d Data<'a>) -> Vec<&'d Customer<'a>> {
    data.customers
        .iter()
        .filter(|c| c.created.is_some_and(|d| data.period.contains(d)))
        .collect()
}

/// Speed to lead: the hours from each lead's `created` (its midnight) to its first
/// outbound interaction, and how many have none.
fn speed(
    data: &Data,
    leads: &[&Customer],
    first_out: &HashMap<&str, DateTime<FixedOffset>>,
) -> (Vec<Decimal>, usize) {
    let tz = data.cfg.tz();
    let mut hours: Vec<Decimal> = Vec::new();
    let mut untouched = 0;
    for c in leads {
        let Some(created) = c.created else { continue };
        let start = crate::model::clock::midnight(created, tz);
        match first_out.get(c.id) {
            Some(at) => hours.push(super::service::hours(start, *at)),
            None => untouched += 1,
        }
    }
    (hours, untouched)
}

/// The weekly page's two lead figures over the period: median hours to first outbound
/// of the leads created in it, and how many of them are untouched.
pub fn speed_figures(data: &Data) -> (Cell, Cell) {
    let (first_out, _) = touches(data);
    let (hours, untouched) = speed(data, &created_in_period(data), &first_out);
    (
        Cell::Number(median(&hours).map(|d| round(d, 1))),
        count(untouched),
    )
}

/// The open leads' rows, highest score first (then by id).
fn open_leads(data: &Data, last: &HashMap<&str, chrono::NaiveDate>) -> Vec<Vec<Cell>> {
    // The funnel's stages (lead, prospect, customer) but the customer stage it ends at.
    let mut before_customer = data.funnel_stages();
    if before_customer
        .last()
        .and_then(|s| data.cfg.lifecycle_stage(s))
        .is_some_and(|s| s.customer)
    {
        before_customer.pop();
    }

    let mut open: Vec<(&Customer, Option<f64>)> = data
        .customers
        .iter()
        .filter(|c| c.stage.is_some_and(|s| before_customer.contains(&s)))
        .map(|c| (c, data.score(c.id)))
        .collect();
    open.sort_by(|a, b| {
        b.1.unwrap_or(f64::MIN)
            .total_cmp(&a.1.unwrap_or(f64::MIN))
            .then(a.0.id.cmp(b.0.id))
    });
    open.iter()
        .map(|(c, s)| {
            vec![
                text(c.id),
                text(c.name.unwrap_or("")),
                score_cell(*s),
                c.created.map_or(Cell::Number(None), |d| {
                    count((data.as_of - d).num_days().max(0) as usize)
                }),
                text(c.source.unwrap_or("")),
                text(c.owner.unwrap_or("")),
                text(last.get(c.id).map(|d| d.to_string()).unwrap_or_default()),
                text(match (c.next_on, c.next_note) {
                    (Some(on), Some(n)) => format!("{on} {n}"),
                    (Some(on), None) => on.to_string(),
                    _ => String::new(),
                }),
            ]
        })
        .collect()
}

/// The leads created in the period by source: count, average score, converted, share.
fn by_source(data: &Data, new_leads: &[&Customer]) -> Vec<Vec<Cell>> {
    let mut by_source: BTreeMap<&str, (usize, Vec<f64>, usize)> = BTreeMap::new();
    for c in new_leads {
        let e = by_source.entry(c.source.unwrap_or("(none)")).or_default();
        e.0 += 1;
        if let Some(s) = data.score(c.id) {
            e.1.push(s);
        }
        if c.became.is_some_and(|d| d <= data.as_of) {
            e.2 += 1;
        }
    }
    by_source
        .into_iter()
        .map(|(source, (n, scores, converted))| {
            let avg = (!scores.is_empty())
                .then(|| scores.iter().fold(0.0, |a, b| a + b) / scores.len() as f64);
            vec![
                text(source),
                count(n),
                score_cell(avg),
                count(converted),
                Cell::Rate(share(converted, n)),
            ]
        })
        .collect()
}
