//! The sales pipeline: open deals, wins and losses, cycle time, velocity, forecast, stale deals.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::data::Map;
use super::stats::{mean, median, ratio, round, share};
use super::{count, fig, fig_noted, text, Amounts, Cell, Data, Deal, Figure, Report, Section};

/// A deal's win probability in percent: its own `probability`, else its stage's.
pub fn probability(data: &Data, deal: &Deal) -> Decimal {
    deal.probability.unwrap_or_else(|| {
        deal.step
            .map(|i| data.cfg.pipeline.0[i].probability.0)
            .unwrap_or_default()
    })
}

/// Weighted value: value × probability / 100.
fn weighted<'r>(data: &'r Data, deal: &'r Deal) -> Option<(&'r str, Decimal)> {
    data.deal_value(deal)
        .map(|(c, v)| (c, v * probability(data, deal) / Decimal::ONE_HUNDRED))
}

/// The last day anything happened to a deal: its last stage change, its creation, or
/// the last interaction naming it (`touches`: the last interaction day by deal id).
fn last_activity(deal: &Deal, touches: &Map<&str, NaiveDate>) -> Option<NaiveDate> {
    deal.last_change
        .into_iter()
        .chain(deal.created)
        .chain(touches.get(deal.id).copied())
        .max()
}

/// Open deals with no activity for more than `stale_days`: (deal, last activity, days),
/// most days first (worked out on all cores: every open deal is looked at).
pub fn stale<'d, 'a>(data: &'d Data<'a>) -> Vec<(&'d Deal<'a>, NaiveDate, i64)> {
    use rayon::prelude::*;
    let (cfg, as_of, touches) = (data.cfg, data.as_of, data.deal_touches());
    let mut out: Vec<_> = data
        .deals
        .par_iter()
        .filter(|d| d.is_open(cfg))
        .filter_map(|d| {
            let last = last_activity(d, touches)?;
            let days = (as_of - last).num_days();
            (days > i64::from(cfg.stale_days)).then_some((d, last, days))
        })
        .collect();
    out.par_sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.id.cmp(b.0.id)));
    out
}

fn money(a: Amounts, data: &Data) -> Cell {
    Cell::Money(data.convert(a))
}

#[expect(
    clippy::too_many_lines,
    reason = "every figure of the pipeline report beside its definition"
)]
pub fn pipeline(data: &Data) -> Report {
    use rayon::prelude::*;
    let p = data.period;
    let open: Vec<&Deal> = data.deals.iter().filter(|d| data.is_open(d)).collect();
    // Each open deal's value and weighted value, worked out once for both tables.
    let amounts: Vec<_> = open
        .iter()
        .map(|d| (data.deal_value(d), weighted(data, d)))
        .collect();

    // Open deals by stage, in pipeline order: count, value, weighted value, per currency.
    let mut stage_rows = Vec::new();
    let (mut all_value, mut all_weighted) = (Amounts::default(), Amounts::default());
    for (step, stage) in data.cfg.pipeline.0.iter().enumerate() {
        if stage.is_closed() {
            continue;
        }
        let (mut value, mut weight, mut here) = (Amounts::default(), Amounts::default(), 0);
        for (_, (v, w)) in open
            .iter()
            .zip(&amounts)
            .filter(|(d, _)| d.step == Some(step))
        {
            here += 1;
            if let Some((c, v)) = v {
                value.add(c, *v);
                all_value.add(c, *v);
            }
            if let Some((c, w)) = w {
                weight.add(c, *w);
                all_weighted.add(c, *w);
            }
        }
        stage_rows.push(vec![
            text(stage.name.clone()),
            count(here),
            money(value, data),
            money(weight, data),
        ]);
    }
    stage_rows.push(vec![
        text("all open"),
        count(open.len()),
        money(all_value, data),
        money(all_weighted, data),
    ]);

    // Won and lost in the period, by `closed` date.
    let won: Vec<(&Deal, NaiveDate)> = data.won_in(&p).collect();
    let lost: Vec<&Deal> = data
        .deals
        .iter()
        .filter(|d| data.lost_on(d).is_some_and(|c| p.contains(c)))
        .collect();
    let (mut won_value, mut lost_value) = (Amounts::default(), Amounts::default());
    let mut won_count_by_currency: BTreeMap<&str, usize> = BTreeMap::new();
    for (d, _) in &won {
        if let Some((c, v)) = data.deal_value(d) {
            won_value.add(c, v);
            *won_count_by_currency.entry(c).or_default() += 1;
        }
    }
    for d in &lost {
        if let Some((c, v)) = data.deal_value(d) {
            lost_value.add(c, v);
        }
    }
    // Win rate: won / (won + lost), deals closed in the period.
    let win_rate = share(won.len(), won.len() + lost.len());
    // Cycle days: created → closed, for deals won in the period. A deal closed before it
    // was created (a hand edit or an old import) has no cycle: it is left out and counted
    // in a note, never averaged in as a negative duration.
    let spans: Vec<i64> = won
        .iter()
        .filter_map(|(d, closed)| d.created.map(|c| (*closed - c).num_days()))
        .collect();
    let backwards = spans.iter().filter(|n| **n < 0).count();
    let cycles: Vec<Decimal> = spans
        .iter()
        .filter(|n| **n >= 0)
        .map(|n| Decimal::from(*n))
        .collect();
    let cycle_note = (backwards > 0).then(|| {
        format!(
            "{backwards} won deal{} closed before {} created {} left out; crm check lists them",
            if backwards == 1 { "" } else { "s" },
            if backwards == 1 {
                "it was"
            } else {
                "they were"
            },
            if backwards == 1 { "is" } else { "are" },
        )
    });
    let mean_cycle = mean(&cycles);
    // Sales velocity, per currency: open deals × average won value × win rate / mean
    // cycle days (value per day); n/a without a win or a cycle time.
    let mut velocity = Amounts::default();
    if let (Some(rate), Some(days)) = (win_rate, mean_cycle) {
        for (c, total) in &won_value.by_currency {
            let avg = *total / Decimal::from(won_count_by_currency[c.as_str()]);
            if let Some(v) = ratio(Decimal::from(open.len()) * avg * rate, days) {
                velocity.add(c, round(v, 2));
            }
        }
    }
    let velocity_cell = if velocity.is_empty() {
        Cell::Number(None)
    } else {
        money(velocity, data)
    };

    // Forecast: open deals by the month of `expected_close` (its first day; deals
    // without one first, as "(none)").
    let mut months: BTreeMap<Option<NaiveDate>, (usize, Amounts, Amounts)> = BTreeMap::new();
    for (d, (v, w)) in open.iter().zip(&amounts) {
        let month = d.expected_close.and_then(|x| x.with_day(1));
        let e = months.entry(month).or_default();
        e.0 += 1;
        if let Some((c, v)) = v {
            e.1.add(c, *v);
        }
        if let Some((c, w)) = w {
            e.2.add(c, *w);
        }
    }
    let forecast_rows = months
        .into_iter()
        .map(|(m, (n, v, w))| {
            let m = m.map_or_else(|| "(none)".into(), |m| m.format("%Y-%m").to_string());
            vec![text(m), count(n), money(v, data), money(w, data)]
        })
        .collect();

    // Built on all cores: a large folder has tens of thousands of stale deals.
    let stale_rows = stale(data)
        .into_par_iter()
        .map(|(d, last, days)| {
            vec![
                text(d.id),
                text(d.title.unwrap_or_default()),
                text(d.stage.unwrap_or_default()),
                text(last.to_string()),
                count(days as usize),
            ]
        })
        .collect();

    // Lost reasons of the period's lost deals, most frequent first.
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for d in &lost {
        *reasons
            .entry(d.lost_reason.unwrap_or("(none)").to_string())
            .or_default() += 1;
    }
    let mut reasons: Vec<_> = reasons.into_iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let reason_rows = reasons
        .into_iter()
        .map(|(r, n)| vec![text(r), count(n)])
        .collect();

    Report {

        skipped: Vec::new(),
        by: None,
        name: "pipeline",
        title: "Pipeline".into(),
        as_of: data.as_of,
        period: p,
        sections: vec![
            Section::table(
                "open_by_stage",
                "Open deals by stage",
                &[("stage", "Stage"), ("deals", "Deals"), ("value", "Value"), ("weighted", "Weighted value")],
                stage_rows,
                Some(1),
            ),
            Section::figures(
                "closed",
                "Closed in the period",
                vec![
                    fig("won", "Deals won", count(won.len())),
                    fig("won_value", "Value won", money(won_value, data)),
                    fig("lost", "Deals lost", count(lost.len())),
                    fig("lost_value", "Value lost", money(lost_value, data)),
                    fig("win_rate", "Win rate won / (won + lost)", Cell::Rate(win_rate)),
                    fig("cycle_days_median", "Cycle days, created to closed (median)", Cell::Number(median(&cycles).map(|d| round(d, 1)))),
                    cycle_mean(Cell::Number(mean_cycle.map(|d| round(d, 1))), cycle_note.as_deref()),
                    fig_noted("sales_velocity", "Sales velocity per day", "open deals x average won value x win rate / mean cycle days", velocity_cell),
                ],
            ),
            Section::table(
                "forecast",
                "Forecast by expected close month (open deals)",
                &[("month", "Month"), ("deals", "Deals"), ("value", "Value"), ("weighted", "Weighted value")],
                forecast_rows,
                None,
            ),
            Section::table(
                "stale",
                "Stale deals (open, no stage change or interaction for more than the stale threshold)",
                &[("id", "Deal"), ("title", "Title"), ("stage", "Stage"), ("last_activity", "Last activity"), ("days", "Days")],
                stale_rows,
                None,
            ),
            Section::table("lost_reasons", "Lost reasons (deals lost in the period)", &[("reason", "Reason"), ("deals", "Deals")], reason_rows, None),
        ],
    }
}

/// The mean cycle figure, with a note when deals were left out of it.
fn cycle_mean(value: Cell, note: Option<&str>) -> Figure {
    let (id, label) = ("cycle_days_mean", "Cycle days, created to closed (mean)");
    match note {
        Some(n) => fig_noted(id, label, n, value),
        None => fig(id, label, value),
    }
}
