//! Groups of current customers that several reports show: those at risk, and how many
//! are in each loyalty tier.

use std::collections::BTreeMap;

use super::customer::Customer;
use super::data::Map;
use super::service::{is_open, sla_met, target};
use super::{count, text, Cell, Data, Section};

/// Current customers at risk, with why: no interaction for more than the at-risk
/// threshold, or an open complaint past its resolution target. It depends on the as-of
/// date alone, so the copies of a report's data over other periods share one list.
pub fn at_risk<'d, 'a>(data: &'d Data<'a>) -> Vec<(&'d Customer<'a>, String)> {
    let list = data.once_at_risk(|| {
        // The late complaints by customer, in the tickets' order: few, so found first
        // rather than looked up for every customer.
        let mut late: Map<&str, Vec<&str>> = Map::default();
        for t in data.tickets.iter() {
            if t.kind == Some("complaint")
                && is_open(t)
                && sla_met(data, t, "resolved", target(data, t).resolution_hours) == Some(false)
            {
                if let Some(c) = t.customer {
                    late.entry(c).or_default().push(t.id);
                }
            }
        }
        let mut out = Vec::new();
        for (i, c) in data.customers.iter().enumerate() {
            let mut why = Vec::new();
            if let Some(days) = data.at_risk_days(c) {
                why.push(format!("no interaction for {days} days"));
            }
            for t in late.get(c.id).into_iter().flatten() {
                why.push(format!("complaint {t} past its resolution target"));
            }
            if !why.is_empty() {
                out.push((i, why.join("; ")));
            }
        }
        out
    });
    list.iter()
        .map(|(i, why)| (&data.customers[*i], why.clone()))
        .collect()
}

/// The at-risk list as a section: customer, name, why.
pub fn at_risk_section(id: &str, data: &Data) -> Section {
    let rows = at_risk(data)
        .into_iter()
        .map(|(c, why)| vec![text(c.id), text(c.title().unwrap_or_default()), text(why)])
        .collect();
    let columns = [
        ("customer", "Customer"),
        ("name", "Name"),
        ("reason", "Why"),
    ];
    Section::table(id, "At-risk customers", &columns, rows, None)
}

/// Current customers per loyalty tier (by trailing-12-month won value), in the order
/// of `crm.toml`; customers below every tier are counted as "(none)".
pub fn tier_rows(data: &Data) -> Vec<Vec<Cell>> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for c in data.customers.iter().filter(|c| c.customer_on(data.as_of)) {
        let tier = data.tier(data.trailing_value(c.id)).unwrap_or("(none)");
        *counts.entry(tier.to_string()).or_default() += 1;
    }
    let mut rows: Vec<Vec<Cell>> = data
        .cfg
        .loyalty
        .iter()
        .map(|t| {
            vec![
                text(t.name.clone()),
                count(counts.get(&t.name).copied().unwrap_or(0)),
            ]
        })
        .collect();
    if let Some(n) = counts.get("(none)") {
        rows.push(vec![text("(none)"), count(*n)]);
    }
    rows
}

/// The loyalty table's title, naming the currency its tiers are in.
pub fn tier_title(data: &Data) -> String {
    format!(
        "Customers per loyalty tier (won value of the last 12 months, in {})",
        data.cfg.currency.0
    )
}
