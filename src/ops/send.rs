//! `crm campaign log-send`: one outbound interaction per audience member.

use serde_yaml::Value;

use super::contact::audience;
use crate::error::{Error, Result};
use crate::model::clock::parse_moment;
use crate::model::id::stable_id;
use crate::model::{Record, RecordType};
use crate::store::atomic::WriteError;
use crate::store::Store;

#[derive(Debug, Default)]
pub struct SendReport {
    pub created: Vec<String>,
    /// Members whose send of that day was logged before.
    pub already: usize,
    /// Members whose record was created after the day of the send: they were not there to
    /// receive it, so none is logged for them.
    pub not_yet: usize,
}

/// Logs the send to today's audience. The interaction's id is made from the campaign,
/// the customer and the day, so a second run the same day finds it and adds nothing.
///
/// Refused: a completed or cancelled campaign (nothing is sent for it any more) and a
/// moment after now (a send is logged once it happened). Customers created after the day
/// of the send are left out and counted.
pub fn log_send(store: &Store, campaign: &Record, at: Option<&str>) -> Result<SendReport> {
    if let Some(status @ ("completed" | "cancelled")) = campaign.str("status") {
        return Err(Error::Campaign(format!(
            "campaign {} is {status}: sends are logged only for a planned or active campaign \
             (`crm set {} status=active` if it runs again)",
            campaign.id, campaign.id
        )));
    }
    let channel = campaign.str("channel").ok_or_else(|| {
        Error::Campaign(format!(
            "campaign {} has no channel; set one with `crm set {} channel=…`",
            campaign.id, campaign.id
        ))
    })?;
    let at = match at {
        Some(a) => parse_moment(a)
            .map(|m| crate::model::clock::format_moment(&m))
            .ok_or_else(|| {
                Error::BadValue(format!(
                    "--at {a:?} is not a moment (RFC 3339 or YYYY-MM-DD)"
                ))
            })?,
        None => store.clock.stamp(),
    };
    let moment = parse_moment(&at).unwrap_or(store.clock.now);
    let day = moment.with_timezone(&store.config.tz()).date_naive();
    // Without a known time of day (a pinned CRM_TODAY), only a later day is the future.
    if (store.clock.now_known && moment > store.clock.now) || day > store.clock.today {
        return Err(Error::BadValue(format!(
            "--at {at} is in the future: a send is logged once it has happened"
        )));
    }
    let mut report = SendReport::default();
    // Every member is looked at, the excluded ones too: a member whose send of that day
    // was logged by an earlier run is now "contacted recently", and counts as already
    // logged rather than vanishing from the count.
    for c in audience(store, campaign, day)? {
        let id = stable_id(
            &format!("send {}", campaign.id),
            "send",
            &format!("{}\u{1f}{}\u{1f}{day}", campaign.id, c.customer.id),
        );
        if store.get(RecordType::Interaction, &id).is_some() {
            report.already += 1;
            continue;
        }
        if c.excluded.is_some() {
            continue;
        }
        if c.customer
            .str("created")
            .and_then(crate::model::clock::parse_date)
            .is_some_and(|created| created > day)
        {
            report.not_yet += 1;
            continue;
        }
        let mut i = Record::new(RecordType::Interaction, "");
        let mut set = |k: &str, v: &str| {
            i.fields.insert(k.into(), Value::String(v.to_string()));
        };
        set("customer", &c.customer.id);
        set("at", &at);
        set("channel", channel);
        set("direction", "outbound");
        set(
            "summary",
            &format!("Sent campaign {}", campaign.title().unwrap_or(&campaign.id)),
        );
        set("campaign", &campaign.id);
        i.id = id;
        match store.create(&i) {
            Ok(_) => report.created.push(i.id),
            Err(Error::Write(WriteError::Exists(_))) => report.already += 1,
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}
