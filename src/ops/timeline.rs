//! Everything that happened with one customer, in time order.

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::model::clock::{midnight, parse_date, parse_moment};
use crate::model::value::scalar_text;
use crate::model::{Record, RecordType};
use crate::store::Store;

#[derive(Debug, Clone, PartialEq)]
pub struct Event<'s> {
    pub at: DateTime<FixedOffset>,
    /// As written in the record: a date, or a moment shown in the folder's time zone.
    pub when: String,
    pub record: &'s Record,
    pub what: String,
}

/// The events of a customer: their stage changes (or their creation), the campaign they
/// came from, every interaction, each deal's creation, stage changes and close, and each
/// ticket's opening, first response and resolution. Sorted by time (a bare date counts
/// as its midnight in the folder's time zone); events at the same time keep this order.
/// Amounts in the text are grouped in `money`'s style for people, exact when it is None.
#[expect(
    clippy::too_many_lines,
    reason = "the timeline's kinds of event, gathered in one place"
)]
pub fn timeline<'s>(
    store: &'s Store,
    customer: &'s Record,
    since: Option<NaiveDate>,
    money: Option<&crate::model::money::MoneyStyle>,
) -> Vec<Event<'s>> {
    let tz = store.config.tz();
    let when = |v: &str| -> Option<DateTime<FixedOffset>> {
        match parse_date(v) {
            Some(d) => Some(midnight(d, tz)),
            None => parse_moment(v),
        }
    };
    let mut out: Vec<Event<'s>> = Vec::new();
    let mut push = |r: &'s Record, field_value: Option<&str>, what: String| {
        if let Some(v) = field_value {
            if let Some(at) = when(v) {
                // Moments in the folder's time zone, so the column reads as one clock;
                // a bare date stays a date.
                let shown = if parse_date(v).is_some() {
                    v.to_string()
                } else {
                    crate::model::clock::format_moment(&at.with_timezone(&tz).fixed_offset())
                };
                out.push(Event {
                    at,
                    when: shown,
                    record: r,
                    what,
                });
            }
        }
    };
    let history = |r: &Record| -> Vec<(String, String)> {
        match r.get("history") {
            Some(serde_yaml::Value::Sequence(items)) => items
                .iter()
                .filter_map(|i| Some((scalar_text(i.get("stage")?)?, scalar_text(i.get("at")?)?)))
                .collect(),
            _ => Vec::new(),
        }
    };

    let c = customer;
    let entries = history(c);
    if entries.is_empty() {
        push(
            c,
            c.str("created"),
            format!("added as {}", c.stage().unwrap_or("a customer")),
        );
    }
    for (stage, at) in &entries {
        push(c, Some(at), format!("became {stage}"));
    }
    if let Some(k) = c
        .str("source")
        .and_then(|s| store.get(RecordType::Campaign, s))
    {
        let k = &k.record;
        push(
            c,
            c.str("created"),
            format!(
                "came from campaign {} ({})",
                k.id,
                k.title().unwrap_or_default()
            ),
        );
    }
    let mine = |ty: RecordType| {
        store
            .records(ty)
            .map(|l| &l.record)
            .filter(move |r| r.str("customer") == Some(&c.id))
    };
    for i in mine(RecordType::Interaction) {
        let mut what = format!(
            "{} {}",
            i.str("direction").unwrap_or(""),
            i.str("channel").unwrap_or("")
        )
        .trim()
        .to_string();
        if let Some(s) = i.str("summary") {
            what.push_str(&format!(": {s}"));
        }
        if let Some(o) = i.str("outcome") {
            what.push_str(&format!(" ({o})"));
        }
        if let Some(k) = i.str("campaign") {
            what.push_str(&format!(" [campaign {k}]"));
        }
        if let Some(b) = i.str("by") {
            what.push_str(&format!(" by {b}"));
        }
        push(i, i.str("at"), what);
    }
    for d in mine(RecordType::Deal) {
        let title = d.title().unwrap_or_default();
        let value = match (d.str("currency"), d.decimal("value")) {
            (cur, Some(v)) => {
                let cur = cur.unwrap_or(&store.config.currency.0);
                match money {
                    Some(m) => format!(" ({})", m.amount(cur, v)),
                    None => format!(" ({cur} {})", v.normalize()),
                }
            }
            _ => String::new(),
        };
        push(
            d,
            d.str("created"),
            format!("deal {title:?} created{value}"),
        );
        for (stage, at) in history(d).iter().skip(1) {
            push(d, Some(at), format!("deal {title:?} moved to {stage}"));
        }
        push(
            d,
            d.str("closed"),
            format!("deal {title:?} closed as {}", d.stage().unwrap_or_default()),
        );
    }
    for t in mine(RecordType::Ticket) {
        let subject = t.title().unwrap_or_default();
        push(
            t,
            t.str("opened"),
            format!(
                "ticket {subject:?} opened ({} priority)",
                t.str("priority").unwrap_or("normal")
            ),
        );
        push(
            t,
            t.str("first_response"),
            format!("ticket {subject:?} first response"),
        );
        let rating = t
            .get("satisfaction")
            .and_then(scalar_text)
            .map(|s| format!(", rated {s}/5"))
            .unwrap_or_default();
        push(
            t,
            t.str("resolved"),
            format!("ticket {subject:?} resolved{rating}"),
        );
    }
    if let Some(s) = since {
        let from = midnight(s, tz);
        out.retain(|e| e.at >= from);
    }
    out.sort_by_key(|e| e.at);
    out
}
