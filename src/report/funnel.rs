//! The acquire → enhance → retain funnel.

use std::collections::BTreeMap;

use chrono::Duration;
use rust_decimal::Decimal;

use super::data::{Map, Set};
use super::segments::{tier_rows, tier_title};
use super::stats::{round, share};
use super::{count, fig, text, Amounts, Cell, Data, Report, Section};

/// Amounts divided by a count (two decimals), or n/a for no one.
pub fn per(amounts: &Amounts, n: usize, data: &Data) -> Cell {
    if n == 0 {
        return Cell::Number(None);
    }
    let mut out = Amounts::default();
    for (c, v) in &amounts.by_currency {
        out.add(c, round(*v / Decimal::from(n), 2));
    }
    Cell::Money(data.convert(out))
}

#[expect(
    clippy::too_many_lines,
    reason = "every figure of the funnel beside its definition"
)]
pub fn funnel(data: &Data) -> Report {
    let p = data.period;
    let stages = data.funnel_stages();
    let last = stages.len() - 1;

    // Acquire. "Reached S" counts customer records whose first arrival at funnel stage
    // S (or, having skipped it, at a later funnel stage) falls in the period.
    let reached: Vec<usize> = (0..stages.len()).map(|i| data.reached_in(i, &p)).collect();
    let stage_rows = stages
        .iter()
        .zip(&reached)
        .map(|(s, n)| vec![text(*s), count(*n)])
        .collect();

    // Conversion S → next: of the records that reached S in the period, the share that
    // has reached the next funnel stage by the as-of date.
    let mut conv_rows = Vec::new();
    for i in 0..last {
        let entered: Vec<_> = data
            .customers
            .iter()
            .filter(|c| c.reached_on(i).is_some_and(|d| p.contains(d)))
            .collect();
        let moved = entered
            .iter()
            .filter(|c| c.reached_on(i + 1).is_some_and(|d| d <= data.as_of))
            .count();
        conv_rows.push(vec![
            text(stages[i]),
            text(stages[i + 1]),
            count(entered.len()),
            count(moved),
            Cell::Rate(share(moved, entered.len())),
        ]);
    }

    // By source: records that reached the first funnel stage in the period, grouped by
    // `source` (a campaign id or free text), and how many of them are customers by now.
    let mut by_source: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for c in data.customers.iter() {
        if !c.reached_on(0).is_some_and(|d| p.contains(d)) {
            continue;
        }
        let e = by_source
            .entry(c.source.unwrap_or("(none)").to_string())
            .or_default();
        e.0 += 1;
        if c.reached_on(last).is_some_and(|d| d <= data.as_of) {
            e.1 += 1;
        }
    }
    let source_rows = by_source
        .into_iter()
        .map(|(s, (leads, won))| {
            vec![
                text(s),
                count(leads),
                count(won),
                Cell::Rate(share(won, leads)),
            ]
        })
        .collect();

    // Enhance.
    let before = p.since - Duration::days(1);
    let existing: Set<&str> = data
        .customers
        .iter()
        .filter(|c| c.customer_on(before))
        .map(|c| c.id)
        .collect();
    let won_in: Vec<_> = data
        .won()
        .filter(|(_, d)| p.contains(*d))
        .map(|(r, _)| r)
        .collect();
    let buyers: Set<&str> = won_in.iter().filter_map(|d| d.customer).collect();
    let existing_buyers = buyers.iter().filter(|b| existing.contains(**b)).count();
    let mut won_value = Amounts::default();
    let mut by_kind: BTreeMap<&str, (usize, Amounts)> = BTreeMap::new();
    for d in &won_in {
        if let Some((c, v)) = data.deal_value(d) {
            won_value.add(c, v);
        }
        if let Some(kind @ ("upsell" | "cross-sell")) = d.kind {
            let e = by_kind.entry(kind).or_default();
            e.0 += 1;
            if let Some((c, v)) = data.deal_value(d) {
                e.1.add(c, v);
            }
        }
    }
    let kind = |k: &str| by_kind.get(k).cloned().unwrap_or_default();
    let (upsell_n, upsell_v) = kind("upsell");
    let (cross_n, cross_v) = kind("cross-sell");
    let resolved = super::service::resolved_in_period(data);

    // Retain.
    let s = data
        .customers
        .iter()
        .filter(|c| c.customer_on(before))
        .count();
    let e = data
        .customers
        .iter()
        .filter(|c| c.customer_on(p.until))
        .count();
    let n = data
        .customers
        .iter()
        .filter(|c| c.became.is_some_and(|d| p.contains(d)))
        .count();
    let churned = data
        .customers
        .iter()
        .filter(|c| c.churned_within(|d| p.contains(d)))
        .count();
    let retention = if s == 0 {
        None
    } else {
        Some(Decimal::from(e as i64 - n as i64) / Decimal::from(s))
    };
    let mut won_count: Map<&str, usize> = Map::default();
    for (d, _) in data.won() {
        if let Some(c) = d.customer {
            *won_count.entry(c).or_default() += 1;
        }
    }
    let repeat = data
        .customers
        .iter()
        .filter(|c| won_count.get(c.id).copied().unwrap_or(0) >= 2)
        .count();
    // The customers report's at-risk list, counted: one definition for every report.
    let at_risk = super::segments::at_risk(data).len();
    let tiers = tier_rows(data);

    Report {

        skipped: Vec::new(),
        by: None,
        name: "funnel",
        title: "Funnel: acquire, enhance, retain".into(),
        as_of: data.as_of,
        period: p,
        sections: vec![
            Section::table(
                "acquire",
                "Acquire: records reaching each stage in the period",
                &[("stage", "Stage"), ("reached", "Reached")],
                stage_rows,
                Some(1),
            ),
            Section::table(
                "conversion",
                "Conversion: of those reaching a stage in the period, how many reached the next by the as-of date",
                &[("from", "From"), ("to", "To"), ("entered", "Entered"), ("converted", "Converted"), ("rate", "Rate")],
                conv_rows,
                None,
            ),
            Section::table(
                "by_source",
                "Leads of the period by source, and how many became customers",
                &[("source", "Source"), ("leads", "Leads"), ("customers", "Customers"), ("rate", "Rate")],
                source_rows,
                None,
            ),
            Section::figures(
                "enhance",
                "Enhance",
                vec![
                    fig("existing_customers", "Existing customers (customers the day before the period)", count(existing.len())),
                    fig("existing_with_won_deals", "Existing customers with a deal won in the period", count(existing_buyers)),
                    fig("upsell_won", "Up-sell deals won", count(upsell_n)),
                    fig("upsell_won_value", "Up-sell value won", Cell::Money(data.convert(upsell_v))),
                    fig("cross_sell_won", "Cross-sell deals won", count(cross_n)),
                    fig("cross_sell_won_value", "Cross-sell value won", Cell::Money(data.convert(cross_v))),
                    fig("won_value", "Value won", Cell::Money(data.convert(won_value.clone()))),
                    fig("revenue_per_customer", "Revenue per customer (value won / customers with a won deal)", per(&won_value, buyers.len(), data)),
                    fig("tickets_resolved", "Tickets resolved", count(resolved.len())),
                    fig("csat", "CSAT (ratings of 4-5 among rated tickets resolved)", Cell::Rate(super::service::csat(&resolved))),
                ],
            ),
            Section::figures(
                "retain",
                "Retain",
                vec![
                    fig("customers_at_start", "Customers at start (S)", count(s)),
                    fig("customers_at_end", "Customers at end (E)", count(e)),
                    fig("new_customers", "New customers (N)", count(n)),
                    fig("churned", "Churned in the period", count(churned)),
                    fig("retention_rate", "Retention rate (E - N) / S", Cell::Rate(retention)),
                    fig("repeat_customers", "Repeat customers (2 or more won deals ever)", count(repeat)),
                    fig("at_risk", "At-risk customers", count(at_risk)),
                ],
            ),
            Section::table("loyalty", &tier_title(data), &[("tier", "Tier"), ("customers", "Customers")], tiers, None),
        ],
    }
}
