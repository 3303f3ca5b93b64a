//! Campaign results: leads, customers acquired, value won, ROI and costs per result.

use rust_decimal::Decimal;

use super::customer::Customer;
use super::stats::{ratio, round};
use super::{count, text, Amounts, Cell, Data, Report, Section};
use crate::model::Record;

/// An amount in another currency, through the default currency's rates; `None` when
/// a rate is missing.
fn to_currency(data: &Data, from: &str, amount: Decimal, to: &str) -> Option<Decimal> {
    if from == to {
        return Some(amount);
    }
    let in_default = data.in_default(from, amount)?;
    let one = data.in_default(to, Decimal::ONE)?;
    ratio(in_default, one)
}

fn one(currency: &str, amount: Decimal) -> Cell {
    let mut a = Amounts::default();
    a.add(currency, amount);
    Cell::Money(a)
}

/// A cost divided by a count, in the campaign's currency; n/a without cost or count.
fn cost_per(currency: &str, cost: Option<Decimal>, n: usize) -> Cell {
    match cost.and_then(|c| ratio(c, Decimal::from(n))) {
        Some(v) => one(currency, round(v, 2)),
        None => Cell::Number(None),
    }
}

pub fn campaigns(data: &Data) -> Report {
    let p = data.period;
    let mut rows = Vec::new();
    let mut campaigns: Vec<&Record> = data.campaigns.clone();
    campaigns.sort_by(|a, b| a.id.cmp(&b.id));
    for k in campaigns {
        let currency = data.currency(k);
        let cost = k.decimal("cost");
        // Leads: customers whose `source` is the campaign, created in the period.
        let leads: Vec<&Customer> = data
            .customers
            .iter()
            .filter(|c| c.source == Some(&k.id) && c.created.is_some_and(|d| p.contains(d)))
            .collect();
        // Acquired: those leads that have become customers by the as-of date.
        let acquired = leads
            .iter()
            .filter(|c| data.became_customer(c).is_some_and(|d| d <= data.as_of))
            .count();
        // Won value: deals won in the period that name the campaign, or whose customer
        // came from it (any time).
        let mut won = Amounts::default();
        for (d, closed) in data.won() {
            if !p.contains(closed) {
                continue;
            }
            let from_lead = d
                .customer
                .and_then(|c| data.customer(c))
                .is_some_and(|c| c.source == Some(&k.id));
            if d.campaign == Some(k.id.as_str()) || from_lead {
                if let Some((c, v)) = data.deal_value(d) {
                    won.add(c, v);
                }
            }
        }
        // ROI: (won - cost) / cost, in the campaign's currency; n/a without a cost or
        // when a won amount cannot be converted.
        let won_here: Option<Decimal> = won
            .by_currency
            .iter()
            .map(|(c, v)| to_currency(data, c, *v, currency))
            .sum();
        let roi = match (cost, won_here) {
            (Some(cost), Some(w)) => ratio(w - cost, cost),
            _ => None,
        };
        // Responses: inbound interactions naming the campaign, in the period.
        let responses = data
            .interactions
            .iter()
            .filter(|t| {
                t.campaign == Some(&k.id) && t.direction == Some("inbound") && p.contains(t.day)
            })
            .count();
        let amount = |field: &str| match k.decimal(field) {
            Some(v) => one(currency, v),
            None => Cell::Number(None),
        };
        rows.push(vec![
            text(k.id.clone()),
            text(k.str("phase").unwrap_or_default()),
            amount("budget"),
            amount("cost"),
            count(leads.len()),
            count(acquired),
            Cell::Money(data.convert(won)),
            Cell::Rate(roi),
            cost_per(currency, cost, leads.len()),
            cost_per(currency, cost, acquired),
            count(responses),
        ]);
    }
    Report {
        skipped: Vec::new(),
        name: "campaigns",
        title: "Campaigns".into(),
        as_of: data.as_of,
        period: p,
        sections: vec![Section::table(
            "campaigns",
            "Campaigns",
            &[
                ("campaign", "Campaign"),
                ("phase", "Phase"),
                ("budget", "Budget"),
                ("cost", "Cost"),
                ("leads", "Leads"),
                ("acquired", "Acquired"),
                ("won_value", "Won value"),
                ("roi", "ROI"),
                ("cost_per_lead", "Cost per lead"),
                ("cost_per_acquisition", "Cost per acquisition"),
                ("responses", "Responses"),
            ],
            rows,
            None,
        )],
    }
}
