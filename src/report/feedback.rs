//! Feedback: what customers say (NPS answers, survey response rates, CSAT) and the
//! detractors to follow up.

use std::collections::{BTreeMap, HashMap, HashSet};

use rust_decimal::Decimal;

use super::stats::{round, share};
use super::touch::Touch;
use super::{count, fig, fig_noted, text, Cell, Data, Report, Section};

/// Whether an answer is a promoter's (9–10), a passive's (7–8) or a detractor's (0–6).
fn band(n: u8) -> &'static str {
    match n {
        9..=10 => "promoter",
        7..=8 => "passive",
        _ => "detractor",
    }
}

/// Over the period:
///
/// - answers: interactions with `nps` on a day of the period; per customer the latest
///   counts (by moment);
/// - responses = customers who answered; promoters answered 9–10, passives 7–8,
///   detractors 0–6;
/// - **NPS** = (promoters − detractors) / responses × 100, one decimal; n/a without a
///   response;
/// - per survey campaign (one an answer names), to the as-of date: responders = customers
///   who answered naming it, sent = customers an outbound interaction naming it reached
///   (`crm campaign log-send`), response rate = responders / sent;
/// - CSAT = the share of ratings 4–5 among rated tickets resolved in the period (as the
///   service report);
/// - complaints: the tickets opened in the period, by `kind` (`(none)` when unset) and
///   by each of their `tags`: how many, how many of them are resolved by the as-of date,
///   and the median hours from `opened` to `resolved` over those;
/// - the detractors' answers, with customer, day and comment: the follow-ups.
pub fn feedback(data: &Data) -> Report {
    let p = data.period;
    let answers = latest_answers(data);
    let n_of = |b: &str| {
        answers
            .iter()
            .filter(|(_, t)| t.nps.map(band) == Some(b))
            .count()
    };
    let (promoters, passives, detractors) = (n_of("promoter"), n_of("passive"), n_of("detractor"));
    let nps = share(promoters, answers.len())
        .zip(share(detractors, answers.len()))
        .map(|(a, b)| round((a - b) * Decimal::from(100), 1));

    let surveys = survey_rows(data);

    let csat = super::service::csat(&super::service::resolved_in_period(data));

    let [by_kind, by_tag] = complaints(data);

    let follow_ups: Vec<Vec<Cell>> = answers
        .iter()
        .filter(|(_, t)| t.nps.map(band) == Some("detractor"))
        .map(|(c, t)| {
            let name = data.customer(c).and_then(|x| x.name).unwrap_or(c);
            vec![
                text(*c),
                text(name),
                text(t.day.to_string()),
                count(usize::from(t.nps.unwrap_or(0))),
                text(t.summary.unwrap_or("")),
            ]
        })
        .collect();

    Report {
        skipped: Vec::new(),
        by: None,
        name: "feedback",
        title: "Feedback".into(),
        as_of: data.as_of,
        period: p,
        sections: vec![
            Section::figures(
                "nps",
                "Net Promoter Score",
                vec![
                    fig("responses", "Responses (customers who answered)", count(answers.len())),
                    fig("promoters", "Promoters (9-10)", count(promoters)),
                    fig("passives", "Passives (7-8)", count(passives)),
                    fig("detractors", "Detractors (0-6)", count(detractors)),
                    fig_noted(
                        "nps",
                        "NPS",
                        "NPS = (promoters - detractors) / responses x 100; each customer's latest answer in the period",
                        Cell::Number(nps),
                    ),
                    fig(
                        "csat",
                        "CSAT (ratings of 4-5 among rated tickets resolved)",
                        Cell::Rate(csat),
                    ),
                ],
            ),
            Section::table(
                "surveys",
                "Survey campaigns, to date",
                &[
                    ("campaign", "Campaign"),
                    ("responders", "Responders"),
                    ("sent", "Sent"),
                    ("response_rate", "Response rate"),
                ],
                surveys,
                None,
            ),
            by_kind,
            by_tag,
            Section::table(
                "detractors",
                "Detractors to follow up",
                &[
                    ("customer", "Customer"),
                    ("name", "Name"),
                    ("day", "Answered"),
                    ("nps", "Answer"),
                    ("comment", "Comment"),
                ],
                follow_ups,
                None,
            ),
        ],
    }
}

/// The tickets opened in the period, by kind and by tag: the group, tickets, resolved by
/// the as-of date, median hours to resolve; most tickets first.
fn complaints(data: &Data) -> [Section; 2] {
    use super::service::hours;
    type Groups = BTreeMap<String, (usize, Vec<Decimal>)>;
    let (mut by_kind, mut by_tag): (Groups, Groups) = Default::default();
    let opened = data
        .tickets
        .iter()
        .filter(|t| t.start.is_some_and(|d| data.period.contains(d)));
    for t in opened {
        let took = t
            .opened
            .zip(t.resolved)
            .filter(|_| t.resolved_on.is_some_and(|d| d <= data.as_of))
            .map(|(a, b)| hours(a, b));
        let add = |groups: &mut Groups, key: String| {
            let e = groups.entry(key).or_default();
            e.0 += 1;
            e.1.extend(took);
        };
        add(&mut by_kind, t.kind.unwrap_or("(none)").to_string());
        for tag in t.tags() {
            add(&mut by_tag, tag);
        }
    }
    let rows = |groups: Groups| {
        let mut v: Vec<_> = groups.into_iter().collect();
        v.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then_with(|| a.0.cmp(&b.0)));
        v.into_iter()
            .map(|(k, (n, took))| {
                vec![
                    text(k),
                    count(n),
                    count(took.len()),
                    Cell::Number(super::stats::median(&took).map(|h| round(h, 1))),
                ]
            })
            .collect()
    };
    [
        Section::table(
            "complaints_by_kind",
            "Tickets opened in the period by kind, and their resolution",
            &[
                ("kind", "Kind"),
                ("tickets", "Tickets"),
                ("resolved", "Resolved"),
                ("resolution_hours_median", "Median hours to resolve"),
            ],
            rows(by_kind),
            None,
        ),
        Section::table(
            "complaints_by_tag",
            "Tickets opened in the period by tag (a ticket counts under each of its tags)",
            &[
                ("tag", "Tag"),
                ("tickets", "Tickets"),
                ("resolved", "Resolved"),
                ("resolution_hours_median", "Median hours to resolve"),
            ],
            rows(by_tag),
            None,
        ),
    ]
}

/// Per survey campaign (one an answer names), to the as-of date: its responders, the
/// customers its outbound interactions reached, and the share of those who answered.
fn survey_rows(data: &Data) -> Vec<Vec<Cell>> {
    // Survey campaigns: responders and audience reached, to the as-of date.
    let mut responders: BTreeMap<&str, HashSet<&str>> = BTreeMap::new();
    let mut sent: HashMap<&str, HashSet<&str>> = HashMap::new();
    for t in data.interactions.iter() {
        let (Some(k), Some(c)) = (t.campaign, t.customer) else {
            continue;
        };
        if t.nps.is_some() {
            responders.entry(k).or_default().insert(c);
        }
        if t.direction == Some("outbound") {
            sent.entry(k).or_default().insert(c);
        }
    }
    responders
        .iter()
        .map(|(k, who)| {
            let reached = sent.get(k).map_or(0, HashSet::len);
            vec![
                text(*k),
                count(who.len()),
                count(reached),
                Cell::Rate(share(who.len(), reached)),
            ]
        })
        .collect()
}

/// Each customer's latest answer in the period (by moment), earliest first.
fn latest_answers<'d, 'a>(data: &'d Data<'a>) -> Vec<(&'a str, &'d Touch<'a>)> {
    let p = data.period;
    let mut latest: HashMap<&str, &Touch> = HashMap::new();
    for t in data.interactions.iter().filter(|t| t.nps.is_some()) {
        let Some(c) = t.customer else { continue };
        if !p.contains(t.day) {
            continue;
        }
        // By moment, so two answers of one day are told apart.
        match latest.get(c) {
            Some(old) if old.moment() > t.moment() => {}
            _ => {
                latest.insert(c, t);
            }
        }
    }
    let mut v: Vec<(&str, &Touch)> = latest.into_iter().collect();
    v.sort_by(|a, b| a.1.day.cmp(&b.1.day).then(a.0.cmp(b.0)));
    v
}
