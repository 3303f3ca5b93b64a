//! Customers: RFM scores and segments, the at-risk list, loyalty tiers, cohort
//! retention by first-purchase month, cross-sell pairs.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::customer::Customer;
use super::segments::{at_risk_section, tier_rows, tier_title};
use super::stats::{ratio, share};
use super::{count, fig, text, Amounts, Cell, Data, Report, Section};

/// One customer's RFM figures.
#[derive(Debug, Clone)]
pub struct Rfm<'a> {
    pub customer: &'a Customer<'a>,
    /// Days since the last won deal closed.
    pub recency: i64,
    /// Won deals closed in the 365 days up to the as-of date.
    pub frequency: usize,
    /// Their won value, in the default currency.
    pub monetary: Decimal,
    pub r: u8,
    pub f: u8,
    pub m: u8,
}

/// A score from 1 to 5 by quintile: ⌈5 × (1 + customers worse than this one) / customers⌉,
/// so ties share the *lower* score: when most customers bought once, those one-time buyers
/// all score F=1 rather than the 4 or 5 the top of their tie would give them. Without ties
/// this is the rank's quintile; a lone customer scores 5.
fn score<T: PartialOrd>(value: &T, all: &[T], better: impl Fn(&T, &T) -> bool) -> u8 {
    let n = all.len();
    let worse = all.iter().filter(|o| better(value, o)).count();
    ((5 * (worse + 1)).div_ceil(n)) as u8
}

/// The segment of an RFM score: the first rule that holds, in this order.
pub fn segment(r: u8, f: u8, m: u8) -> &'static str {
    match (r, f, m) {
        (4.., 4.., 4..) => "Champions",
        (..=2, 4.., 4..) => "Can't Lose Them",
        (3.., 4.., _) => "Loyal",
        (..=2, 3.., _) => "At Risk",
        (4.., 2.., _) => "Potential Loyalist",
        (5, 1, _) => "New",
        (4, 1, _) => "Promising",
        (3, 2.., _) => "Need Attention",
        (3, _, _) => "About To Sleep",
        (2, _, _) => "Hibernating",
        _ => "Lost",
    }
}

/// RFM for every customer with a won deal by the as-of date, best monetary first.
pub fn rfm<'a>(data: &'a Data) -> Vec<Rfm<'a>> {
    let from = data.as_of - chrono::Duration::days(365);
    let mut last: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    let mut freq: BTreeMap<&str, usize> = BTreeMap::new();
    for (d, closed) in data.won() {
        let Some(c) = d.customer else { continue };
        let e = last.entry(c).or_insert(closed);
        *e = (*e).max(closed);
        if closed > from {
            *freq.entry(c).or_default() += 1;
        }
    }
    let mut out: Vec<Rfm> = data
        .customers
        .iter()
        .filter_map(|c| {
            let l = last.get(c.id)?;
            Some(Rfm {
                customer: c,
                recency: (data.as_of - *l).num_days(),
                frequency: freq.get(c.id).copied().unwrap_or(0),
                monetary: data.trailing_value(c.id),
                r: 0,
                f: 0,
                m: 0,
            })
        })
        .collect();
    let rec: Vec<i64> = out.iter().map(|x| x.recency).collect();
    let fr: Vec<usize> = out.iter().map(|x| x.frequency).collect();
    let mo: Vec<Decimal> = out.iter().map(|x| x.monetary).collect();
    for x in &mut out {
        x.r = score(&x.recency, &rec, |o, v| o < v);
        x.f = score(&x.frequency, &fr, |o, v| o > v);
        x.m = score(&x.monetary, &mo, |o, v| o > v);
    }
    out.sort_by(|a, b| {
        b.monetary
            .cmp(&a.monetary)
            .then_with(|| a.customer.id.cmp(b.customer.id))
    });
    out
}

fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

#[expect(
    clippy::too_many_lines,
    reason = "every figure of the customers report beside its definition"
)]
pub fn customers(data: &Data) -> Report {
    let scores = rfm(data);
    let rfm_rows = scores
        .iter()
        .map(|x| {
            let mut m = Amounts::default();
            m.add(&data.cfg.currency.0, x.monetary);
            vec![
                text(x.customer.id),
                text(x.customer.title().unwrap_or_default()),
                count(x.recency as usize),
                count(x.frequency),
                Cell::Money(m),
                count(usize::from(x.r)),
                count(usize::from(x.f)),
                count(usize::from(x.m)),
                text(segment(x.r, x.f, x.m)),
            ]
        })
        .collect();
    let mut segments: BTreeMap<&str, usize> = BTreeMap::new();
    for x in &scores {
        *segments.entry(segment(x.r, x.f, x.m)).or_default() += 1;
    }
    let segment_rows = SEGMENTS
        .iter()
        .map(|s| vec![text(*s), count(segments.get(s).copied().unwrap_or(0))])
        .collect();

    // Cohorts: customers by the month of their first won deal; for each later month
    // (m0 = the first month, up to m11), the share of the cohort with a deal won in it.
    let mut buys: BTreeMap<&str, BTreeSet<i32>> = BTreeMap::new();
    for (d, closed) in data.won() {
        if let Some(c) = d.customer {
            buys.entry(c).or_default().insert(month_index(closed));
        }
    }
    let mut cohorts: BTreeMap<i32, Vec<&BTreeSet<i32>>> = BTreeMap::new();
    for months in buys.values() {
        if let Some(first) = months.first() {
            cohorts.entry(*first).or_default().push(months);
        }
    }
    let now = month_index(data.as_of);
    let cohort_rows = cohorts
        .iter()
        .map(|(first, members)| {
            let mut row = vec![
                text(format!("{}-{:02}", first / 12, first % 12 + 1)),
                count(members.len()),
            ];
            for k in 0..12 {
                let month = first + k;
                row.push(if month > now {
                    Cell::Rate(None)
                } else {
                    Cell::Rate(share(
                        members.iter().filter(|m| m.contains(&month)).count(),
                        members.len(),
                    ))
                });
            }
            row
        })
        .collect();
    let mut cohort_cols: Vec<(String, String)> = vec![
        ("cohort".into(), "First purchase".into()),
        ("customers".into(), "Customers".into()),
    ];
    cohort_cols.extend((0..12).map(|k| (format!("m{k}"), format!("m{k}"))));
    let cohort_cols: Vec<(&str, &str)> = cohort_cols
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();

    Report {
        skipped: Vec::new(),
        by: None,
        name: "customers",
        title: "Customers".into(),
        as_of: data.as_of,
        period: data.period,
        sections: vec![
            summary(data, &scores),
            Section::table(
                "rfm",
                "RFM (customers with a won deal; value of the last 12 months)",
                &[
                    ("customer", "Customer"),
                    ("name", "Name"),
                    ("recency_days", "Recency days"),
                    ("frequency", "Frequency"),
                    ("monetary", "Monetary"),
                    ("r", "R"),
                    ("f", "F"),
                    ("m", "M"),
                    ("segment", "Segment"),
                ],
                rfm_rows,
                None,
            ),
            Section::table(
                "segments",
                "Customers per RFM segment",
                &[("segment", "Segment"), ("customers", "Customers")],
                segment_rows,
                None,
            ),
            at_risk_section("at_risk", data),
            Section::table(
                "loyalty",
                &tier_title(data),
                &[("tier", "Tier"), ("customers", "Customers")],
                tier_rows(data),
                None,
            ),
            Section::table(
                "cohorts",
                "Cohort retention by first-purchase month",
                &cohort_cols,
                cohort_rows,
                None,
            ),
            Section::table(
                "cross_sell",
                "Cross-sell pairs (products of won deals)",
                &[
                    ("a", "Bought"),
                    ("b", "Also bought"),
                    ("customers", "Customers with both"),
                    ("support", "Support"),
                    ("confidence", "Confidence"),
                    ("lift", "Lift"),
                    ("a_not_b", "Bought A, not B"),
                ],
                cross_sell(data),
                None,
            ),
        ],
    }
}

/// The report's headline (and what `--by` repeats per group):
///
/// - customers now: at a customer stage on the as-of date;
/// - new: first reached a customer stage in the period; churned: entered a churned
///   stage in the period;
/// - buyers: with a deal won by the as-of date (the RFM table's customers); repeat: with
///   two or more;
/// - value, 12 months: their won value of the 365 days to the as-of date in the default
///   currency (as the RFM table's monetary);
/// - at risk: the at-risk list's customers.
fn summary(data: &Data, scores: &[Rfm]) -> Section {
    let p = data.period;
    let mut won: BTreeMap<&str, usize> = BTreeMap::new();
    for (d, _) in data.won() {
        if let Some(c) = d.customer {
            *won.entry(c).or_default() += 1;
        }
    }
    let n =
        |keep: &dyn Fn(&Customer) -> bool| count(data.customers.iter().filter(|c| keep(c)).count());
    let mut value = Amounts::default();
    value.add(
        &data.cfg.currency.0,
        scores.iter().map(|x| x.monetary).sum::<Decimal>(),
    );
    Section::figures(
        "summary",
        "Customers",
        vec![
            fig(
                "customers",
                "Customers now (at a customer stage on the as-of date)",
                n(&|c| c.customer_on(data.as_of)),
            ),
            fig(
                "new_customers",
                "New customers in the period",
                n(&|c| c.became.is_some_and(|d| p.contains(d))),
            ),
            fig(
                "churned",
                "Churned in the period",
                n(&|c| c.churned_within(|d| p.contains(d))),
            ),
            fig(
                "buyers",
                "Buyers (a won deal by the as-of date)",
                count(scores.len()),
            ),
            fig(
                "repeat_customers",
                "Repeat customers (2 or more won deals)",
                n(&|c| won.get(c.id).is_some_and(|k| *k >= 2)),
            ),
            fig(
                "value_12m",
                "Won value of the last 12 months",
                Cell::Money(value),
            ),
            fig(
                "at_risk",
                "At-risk customers",
                count(super::segments::at_risk(data).len()),
            ),
        ],
    )
}

pub const SEGMENTS: [&str; 11] = [
    "Champions",
    "Loyal",
    "Potential Loyalist",
    "New",
    "Promising",
    "Need Attention",
    "About To Sleep",
    "At Risk",
    "Can't Lose Them",
    "Hibernating",
    "Lost",
];

/// Pairs of products bought by the same customer (`products` of won deals). For A → B,
/// over N customers with any product: support = both / N, confidence = both / bought A,
/// lift = confidence / (bought B / N); and who bought A but not B. Highest lift first.
fn cross_sell(data: &Data) -> Vec<Vec<Cell>> {
    let mut bought: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (d, _) in data.won() {
        let Some(c) = d.customer else { continue };
        for p in d.products() {
            bought.entry(c).or_default().insert(p);
        }
    }
    let n = bought.len();
    let mut by_product: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (c, products) in &bought {
        for p in products {
            by_product.entry(p.as_str()).or_default().insert(c);
        }
    }
    let mut rows: Vec<(Decimal, Decimal, Vec<Cell>)> = Vec::new();
    for (a, with_a) in &by_product {
        for (b, with_b) in &by_product {
            if a == b {
                continue;
            }
            let both = with_a.intersection(with_b).count();
            if both == 0 {
                continue;
            }
            let support = Decimal::from(both) / Decimal::from(n);
            let confidence = Decimal::from(both) / Decimal::from(with_a.len());
            // both × N / (|A| × |B|): one exact division, so equal lifts compare equal.
            let lift = ratio(
                Decimal::from(both * n),
                Decimal::from(with_a.len() * with_b.len()),
            )
            .unwrap_or_default();
            let a_not_b: Vec<&str> = with_a.difference(with_b).copied().collect();
            rows.push((
                lift,
                support,
                vec![
                    text(*a),
                    text(*b),
                    count(both),
                    Cell::Rate(Some(support)),
                    Cell::Rate(Some(confidence)),
                    Cell::Factor(Some(lift)),
                    text(a_not_b.join(";")),
                ],
            ));
        }
    }
    rows.sort_by(|x, y| y.0.cmp(&x.0).then_with(|| y.1.cmp(&x.1)));
    rows.into_iter().map(|(_, _, r)| r).collect()
}
