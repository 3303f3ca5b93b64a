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

/// Per campaign, over the period and over its life up to the as-of date:
///
/// - leads = customers whose `source` is the campaign, created in the period (to date:
///   created by the as-of date); acquired = those leads that are customers by the as-of
///   date;
/// - won value = deals won in the period (to date: won by the as-of date) that name the
///   campaign or whose customer came from it;
/// - ROI = (won to date − cost) / cost, in the campaign's currency: its cost is spent over
///   its life, so it is set against all it brought in so far, not one month's wins;
/// - cost per lead = cost / leads to date, cost per acquisition = cost / acquired to date;
/// - over budget: `yes` when its cost exceeds its budget (blank without both);
/// - responses = inbound interactions naming the campaign in the period.
#[expect(
    clippy::too_many_lines,
    reason = "every figure of the campaign report beside its definition"
)]
pub fn campaigns(data: &Data) -> Report {
    let p = data.period;
    let mut rows = Vec::new();
    let mut campaigns: Vec<&Record> = data.campaigns.clone();
    campaigns.sort_by(|a, b| a.id.cmp(&b.id));
    for k in campaigns {
        let currency = data.currency(k);
        let cost = k.decimal("cost");
        let budget = k.decimal("budget");
        // Leads to date (customers exist in the data only once created by the as-of date).
        let leads: Vec<&Customer> = data
            .customers
            .iter()
            .filter(|c| c.source == Some(&k.id))
            .collect();
        let in_period = |c: &&&Customer| c.created.is_some_and(|d| p.contains(d));
        let acquired = |c: &&&Customer| c.became.is_some_and(|d| d <= data.as_of);
        let period_leads = leads.iter().filter(in_period).count();
        let period_acquired = leads.iter().filter(in_period).filter(acquired).count();
        let acquired_to_date = leads.iter().filter(acquired).count();
        let mut won = Amounts::default();
        let mut won_to_date = Amounts::default();
        for (d, closed) in data.won() {
            let from_lead = d
                .customer
                .and_then(|c| data.customer(c))
                .is_some_and(|c| c.source == Some(&k.id));
            if d.campaign != Some(k.id.as_str()) && !from_lead {
                continue;
            }
            if let Some((c, v)) = data.deal_value(d) {
                won_to_date.add(c, v);
                if p.contains(closed) {
                    won.add(c, v);
                }
            }
        }
        // n/a without a cost or when a won amount cannot be converted.
        let won_here: Option<Decimal> = won_to_date
            .by_currency
            .iter()
            .map(|(c, v)| to_currency(data, c, *v, currency))
            .sum();
        let roi = match (cost, won_here) {
            (Some(cost), Some(w)) => ratio(w - cost, cost),
            _ => None,
        };
        let over_budget = match (cost, budget) {
            (Some(c), Some(b)) if c > b => "yes",
            (Some(_), Some(_)) => "no",
            _ => "",
        };
        // Responses: inbound interactions naming the campaign, in the period.
        let responses = data
            .interactions
            .iter()
            .filter(|t| {
                t.campaign == Some(&k.id) && t.direction == Some("inbound") && p.contains(t.day)
            })
            .count();
        let amount = |v: Option<Decimal>| match v {
            Some(v) => one(currency, v),
            None => Cell::Number(None),
        };
        rows.push(vec![
            text(k.id.clone()),
            text(k.title().unwrap_or_default()),
            text(k.str("phase").unwrap_or_default()),
            amount(budget),
            amount(cost),
            text(over_budget),
            count(period_leads),
            count(period_acquired),
            Cell::Money(data.convert(won)),
            count(leads.len()),
            count(acquired_to_date),
            Cell::Money(data.convert(won_to_date)),
            Cell::Rate(roi),
            cost_per(currency, cost, leads.len()),
            cost_per(currency, cost, acquired_to_date),
            count(responses),
        ]);
    }
    Report {
        skipped: Vec::new(),
        by: None,
        name: "campaigns",
        title: "Campaigns".into(),
        as_of: data.as_of,
        period: p,
        sections: vec![Section::table(
            "campaigns",
            "Campaigns (the period, and to date: the campaign's life up to the as-of date)",
            &[
                ("campaign", "Campaign"),
                ("name", "Name"),
                ("phase", "Phase"),
                ("budget", "Budget"),
                ("cost", "Cost"),
                ("over_budget", "Over budget"),
                ("leads", "Leads"),
                ("acquired", "Acquired"),
                ("won_value", "Won value"),
                ("leads_to_date", "Leads to date"),
                ("acquired_to_date", "Acquired to date"),
                ("won_to_date", "Won to date"),
                ("roi", "ROI to date"),
                ("cost_per_lead", "Cost per lead to date"),
                ("cost_per_acquisition", "Cost per acquisition to date"),
                ("responses", "Responses"),
            ],
            rows,
            None,
        )],
    }
}
