//! Who may be contacted, and when: consent, do-not-contact and the preferred frequency.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::model::{Record, RecordType};
use crate::query::Query;
use crate::report::Touch;
use crate::store::Store;

/// Days between touches a `preferences.frequency` asks for.
pub fn frequency_days(frequency: &str) -> Option<i64> {
    match frequency {
        "weekly" => Some(7),
        "monthly" => Some(30),
        "quarterly" => Some(91),
        _ => None,
    }
}

/// The day of the last outbound interaction with each customer, in one pass over the
/// interactions (not one pass per customer).
pub fn last_outbound<'a>(
    touches: impl Iterator<Item = &'a Touch<'a>>,
) -> HashMap<&'a str, NaiveDate> {
    let mut out: HashMap<&str, NaiveDate> = HashMap::new();
    for t in touches.filter(|t| t.direction == Some("outbound")) {
        if let Some(c) = t.customer {
            let e = out.entry(c).or_insert(t.day);
            *e = (*e).max(t.day);
        }
    }
    out
}

/// One customer the audience query matched, and why they are left out (if they are).
#[derive(Debug)]
pub struct Candidate<'s> {
    pub customer: &'s Record,
    pub excluded: Option<String>,
}

/// The customers a campaign may contact today. Erased customers are never candidates. A
/// customer matching the campaign's `audience` query (all customers when it has none)
/// is left out when, checked in this
/// order: `preferences.do_not_contact` is true; the campaign's channel needs consent
/// (`[consent] required` in crm.toml) and `preferences.consent` is not true; or their
/// last outbound interaction is more recent than their `preferences.frequency` allows.
pub fn audience<'s>(
    store: &'s Store,
    campaign: &Record,
    today: NaiveDate,
) -> Result<Vec<Candidate<'s>>> {
    let exprs: Vec<String> = campaign
        .str("audience")
        .map(|a| vec![a.to_string()])
        .unwrap_or_default();
    let query = Query::new(&exprs, RecordType::Customer, &store.config, today, store).map_err(
        |source| Error::Audience {
            campaign: campaign.id.clone(),
            source,
        },
    )?;
    let channel = campaign.str("channel");
    let needs_consent = channel.is_some_and(|c| store.config.consent.required_for(c));
    let touches = Touch::all(
        store.snapshot(RecordType::Interaction),
        store.config.tz(),
        today,
        false,
    );
    let last = last_outbound(touches.iter());
    let mut out = Vec::new();
    for l in store.records(RecordType::Customer) {
        let c = &l.record;
        // Erased (`crm forget`): not a candidate at all, not even a left-out one.
        if c.get(crate::model::spec::ERASED).is_some() || !query.matches(c, store) {
            continue;
        }
        let excluded = if c
            .get("preferences.do_not_contact")
            .and_then(|v| v.as_bool())
            == Some(true)
        {
            Some("do not contact".to_string())
        } else if needs_consent
            && c.get("preferences.consent").and_then(|v| v.as_bool()) != Some(true)
        {
            Some(format!("no consent for {}", channel.unwrap_or_default()))
        } else {
            recently_contacted(&last, c, today)
        };
        out.push(Candidate {
            customer: c,
            excluded,
        });
    }
    Ok(out)
}

/// "contacted on D, within their monthly preference" when the last outbound touch is
/// fewer days ago than the frequency allows.
fn recently_contacted(
    last: &HashMap<&str, NaiveDate>,
    c: &Record,
    today: NaiveDate,
) -> Option<String> {
    let freq = c.str("preferences.frequency")?;
    let days = frequency_days(freq)?;
    let last = *last.get(c.id.as_str())?;
    ((today - last).num_days() < days)
        .then(|| format!("contacted on {last}, within their {freq} preference"))
}
