//! The weekly page for a CI job: this week against the week before, and what needs attention.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::pipeline::stale;
use super::segments::at_risk_section;
use super::service::past_sla;
use super::stats::round;
use super::{
    campaigns, count, feedback, funnel, pipeline, service, text, Amounts, Cell, Chart, Data,
    Report, Section,
};
use crate::model::RecordType;

/// The change between two values of one figure: counts and numbers as the difference,
/// rates in percentage points, amounts per currency (each signed as people read it);
/// n/a where either side is.
fn delta(now: &Cell, before: &Cell) -> Cell {
    match (now, before) {
        (Cell::Count(a), Cell::Count(b)) => {
            Cell::Delta(Some(Decimal::from(*a) - Decimal::from(*b)))
        }
        (Cell::Rate(a), Cell::Rate(b)) => Cell::Points(
            a.zip(*b)
                .map(|(a, b)| round((a - b) * Decimal::ONE_HUNDRED, 1)),
        ),
        (Cell::Number(a), Cell::Number(b)) => Cell::Delta(a.zip(*b).map(|(a, b)| a - b)),
        (Cell::Money(a), Cell::Money(b)) => {
            let mut d = Amounts::default();
            for c in a.by_currency.keys().chain(b.by_currency.keys()) {
                if d.by_currency.contains_key(c) {
                    continue;
                }
                let x = a.by_currency.get(c).copied().unwrap_or_default();
                let y = b.by_currency.get(c).copied().unwrap_or_default();
                d.add(c, x - y);
            }
            Cell::MoneyChange(d)
        }
        _ => Cell::Delta(None),
    }
}

/// The reports the page takes its figures from, over one week.
struct Reports {
    funnel: Report,
    pipeline: Report,
    service: Report,
    campaigns: Report,
    feedback: Report,
}

impl Reports {
    fn of(data: &Data) -> Reports {
        Reports {
            funnel: funnel::funnel(data),
            pipeline: pipeline::pipeline(data),
            service: service::service(data),
            campaigns: campaigns::campaigns(data),
            feedback: feedback::feedback(data),
        }
    }
}

/// The figures compared week on week, each taken from the report that defines it.
fn headline(data: &Data, r: &Reports) -> Vec<(&'static str, &'static str, Cell)> {
    let (f, p, s, k) = (&r.funnel, &r.pipeline, &r.service, &r.campaigns);
    let speed = super::leads::speed_figures(data);
    let stages = data.funnel_stages();
    let reached = |i: usize| {
        f.rows("acquire")
            .get(i)
            .and_then(|r| r.get(1))
            .cloned()
            .unwrap_or(Cell::Count(0))
    };
    let sum_col = |col: &str| {
        Cell::Count(
            k.column("campaigns", col)
                .map(|c| match c {
                    Cell::Count(n) => *n,
                    _ => 0,
                })
                .sum(),
        )
    };
    let get = |r: &super::Report, sec: &str, id: &str| {
        r.figure(sec, id).cloned().unwrap_or(Cell::Number(None))
    };
    vec![
        ("new_leads", "New leads", reached(0)),
        ("new_customers", "New customers", reached(stages.len() - 1)),
        ("churned", "Churned", get(f, "retain", "churned")),
        ("deals_won", "Deals won", get(p, "closed", "won")),
        ("value_won", "Value won", get(p, "closed", "won_value")),
        ("deals_lost", "Deals lost", get(p, "closed", "lost")),
        ("win_rate", "Win rate", get(p, "closed", "win_rate")),
        (
            "tickets_opened",
            "Tickets opened",
            get(s, "tickets", "opened"),
        ),
        (
            "tickets_resolved",
            "Tickets resolved",
            get(s, "tickets", "resolved"),
        ),
        ("csat", "CSAT", get(s, "tickets", "csat")),
        ("nps", "NPS", get(&r.feedback, "nps", "nps")),
        ("speed_to_lead", "Speed to lead (hours, median)", speed.0),
        ("untouched_leads", "Untouched leads", speed.1),
        (
            "complaints_opened",
            "Complaints opened",
            get(s, "tickets", "complaints_opened"),
        ),
        ("campaign_leads", "Campaign leads", sum_col("leads")),
        (
            "campaign_responses",
            "Campaign responses",
            sum_col("responses"),
        ),
    ]
}

/// A follow-up past due: what it is on, the day it was due, its note.
pub struct FollowUp<'d> {
    pub ty: RecordType,
    pub id: &'d str,
    pub title: Option<&'d str>,
    pub on: NaiveDate,
    pub note: &'d str,
}

/// Follow-ups whose `next_action.on` is before the as-of date, on customers, open
/// deals and open tickets, earliest first.
pub fn overdue<'d>(data: &'d Data) -> Vec<FollowUp<'d>> {
    let customers = data.customers.iter().filter_map(|c| {
        Some(FollowUp {
            ty: RecordType::Customer,
            id: c.id,
            title: c.title(),
            on: c.next_on?,
            note: c.next_note.unwrap_or_default(),
        })
    });
    let tickets = data.tickets.iter().filter(|t| t.is_open()).filter_map(|t| {
        Some(FollowUp {
            ty: RecordType::Ticket,
            id: t.id,
            title: t.title(),
            on: t.next_on?,
            note: t.next_note.unwrap_or_default(),
        })
    });
    let deals = data
        .deals
        .iter()
        .filter(|d| data.is_open(d))
        .filter_map(|d| {
            Some(FollowUp {
                ty: RecordType::Deal,
                id: d.id,
                title: d.title,
                on: d.next_on?,
                note: d.next_note.unwrap_or_default(),
            })
        });
    let mut out: Vec<FollowUp> = customers
        .chain(deals)
        .chain(tickets)
        .filter(|f| f.on < data.as_of)
        .collect();
    out.sort_by(|a, b| a.on.cmp(&b.on).then_with(|| a.id.cmp(b.id)));
    out
}

/// How many weeks the trend shows.
const TREND_WEEKS: usize = 12;

/// The trend: the twelve weeks ending with the report's week, oldest first. Per week, its
/// first day; new leads (records that first reached the first funnel stage, or a later
/// one, that week: the funnel's "reached" of its first stage); deals won (closed that
/// week at a won stage) and their value per currency, with the total converted to the
/// default currency where crm.toml gives rates (as the pipeline report's "Value won").
fn trend_rows(data: &Data) -> Vec<Vec<Cell>> {
    let mut weeks = vec![data.period];
    while weeks.len() < TREND_WEEKS {
        let before = weeks[weeks.len() - 1].previous();
        weeks.push(before);
    }
    weeks.reverse();
    weeks
        .into_iter()
        .map(|p| {
            let leads = data.reached_in(0, &p);
            let mut value = Amounts::default();
            let mut won = 0;
            for (d, _) in data.won_in(&p) {
                won += 1;
                if let Some((c, v)) = data.deal_value(d) {
                    value.add(c, v);
                }
            }
            vec![
                text(p.since.to_string()),
                count(leads),
                count(won),
                Cell::Money(data.convert(value)),
            ]
        })
        .collect()
}

/// A section of another report over the same week, titled as part of this page.
fn borrowed(report: &Report, id: &str, title: &str) -> Option<Section> {
    report
        .sections
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.clone().with_title(title))
}

#[expect(
    clippy::too_many_lines,
    reason = "the weekly page's sections, in page order"
)]
pub fn weekly(data: &Data) -> Report {
    let before = data.with_period(data.period.previous());
    let this_week = Reports::of(data);
    let now = headline(data, &this_week);
    let prev = headline(&before, &Reports::of(&before));
    let rows = now
        .into_iter()
        .zip(prev)
        .map(|((id, label, a), (_, _, b))| {
            let change = delta(&a, &b);
            vec![text(id), text(label), a, b, change]
        })
        .collect();
    let overdue_rows = overdue(data)
        .into_iter()
        .map(|f| {
            vec![
                text(format!("{}/{}", f.ty, f.id)),
                text(f.title.unwrap_or_default()),
                text(f.on.to_string()),
                count((data.as_of - f.on).num_days() as usize),
                text(f.note),
            ]
        })
        .collect();
    let stale_rows = stale(data)
        .into_iter()
        .map(|(d, last, days)| {
            vec![
                text(d.id),
                text(d.title.unwrap_or_default()),
                text(last.to_string()),
                count(days as usize),
            ]
        })
        .collect();
    let sla_rows = past_sla(data)
        .into_iter()
        .map(|(t, what)| {
            vec![
                text(t.id),
                text(t.title().unwrap_or_default()),
                text(super::service::priority(t)),
                text(what),
            ]
        })
        .collect();
    let (f, p, s) = (&this_week.funnel, &this_week.pipeline, &this_week.service);
    let week = data.period.label();
    let mut sections = vec![Section::table(
        "trend",
        &format!("The last {TREND_WEEKS} weeks"),
        &[
            ("week", "Week of"),
            ("new_leads", "New leads"),
            ("deals_won", "Deals won"),
            ("value_won", "Value won"),
        ],
        trend_rows(data),
        None,
    )
    .with_chart(Chart::Columns(vec![3, 1]))];
    sections.extend(
        [
            borrowed(
                f,
                "acquire",
                &format!("Acquire ({week}): records reaching each stage"),
            ),
            borrowed(f, "enhance", &format!("Enhance ({week})")),
            borrowed(f, "retain", &format!("Retain ({week})")),
            borrowed(p, "open_by_stage", "Pipeline: open deals by stage (now)"),
            borrowed(s, "tickets", &format!("Service levels ({week})")),
        ]
        .into_iter()
        .flatten(),
    );
    Report {
        skipped: Vec::new(),
        by: None,
        name: "weekly",
        title: "Weekly report".into(),
        as_of: data.as_of,
        period: data.period,
        sections: vec![Section::table(
            "headline",
            &format!(
                "This week ({}) against the week before ({})",
                data.period.label(),
                before.period.label()
            ),
            &[
                ("id", "Key"),
                ("figure", "Figure"),
                ("this_week", "This week"),
                ("previous_week", "Previous week"),
                ("change", "Change"),
            ],
            rows,
            None,
        )]
        .into_iter()
        .chain(sections)
        .chain([
            Section::table(
                "overdue_follow_ups",
                "Overdue follow-ups",
                &[
                    ("record", "Record"),
                    ("title", "Title"),
                    ("due", "Due"),
                    ("days_overdue", "Days overdue"),
                    ("note", "Note"),
                ],
                overdue_rows,
                None,
            ),
            Section::table(
                "stale_deals",
                "Stale deals",
                &[
                    ("deal", "Deal"),
                    ("title", "Title"),
                    ("last_activity", "Last activity"),
                    ("days", "Days"),
                ],
                stale_rows,
                None,
            ),
            Section::table(
                "tickets_past_sla",
                "Tickets past SLA",
                &[
                    ("ticket", "Ticket"),
                    ("subject", "Subject"),
                    ("priority", "Priority"),
                    ("late", "Late on"),
                ],
                sla_rows,
                None,
            ),
            at_risk_section("at_risk_customers", data),
        ])
        .collect(),
    }
}
