//! `crm export-subject`: everything the folder holds about one customer, in one
//! document, for a subject access request (README, "Customers' rights").

use serde_json::{json, Map, Value};

use crate::model::{Record, RecordType};
use crate::render::record_json;
use crate::store::Store;

/// The customer's record; the deals, tickets and interactions that name them; the
/// people whose organisation they are; the campaigns they are part of (as their source,
/// or named by one of their deals or interactions), each with how; and their consent:
/// `preferences.consent`, `preferences.consent_at` and the `consent_history` list.
pub fn subject(store: &Store, customer: &Record) -> Value {
    let id = customer.id.as_str();
    let of = |ty: RecordType, field: &str| -> Vec<&Record> {
        store
            .records(ty)
            .map(|l| &l.record)
            .filter(|r| r.str(field) == Some(id))
            .collect()
    };
    let deals = of(RecordType::Deal, "customer");
    let tickets = of(RecordType::Ticket, "customer");
    let interactions = of(RecordType::Interaction, "customer");
    let people = of(RecordType::Customer, "organisation");
    // Campaigns, by id, with the ways the customer is part of each.
    let mut campaigns: Vec<(String, Vec<String>)> = Vec::new();
    let mut part =
        |campaign: &str, how: String| match campaigns.iter_mut().find(|(c, _)| c == campaign) {
            Some((_, ways)) => ways.push(how),
            None => campaigns.push((campaign.to_string(), vec![how])),
        };
    if let Some(s) = customer.str("source") {
        if store.get(RecordType::Campaign, s).is_some() {
            part(s, "source".into());
        }
    }
    for (kind, list) in [("deal", &deals), ("interaction", &interactions)] {
        for r in list.iter() {
            if let Some(c) = r.str("campaign") {
                part(c, format!("{kind} {}", r.id));
            }
        }
    }
    campaigns.sort();
    let campaigns: Vec<Value> = campaigns
        .into_iter()
        .map(|(c, how)| {
            let name = store
                .get(RecordType::Campaign, &c)
                .and_then(|l| l.record.str("name"))
                .map(str::to_string);
            json!({"id": c, "name": name, "how": how})
        })
        .collect();
    let all = |list: &[&Record]| list.iter().map(|r| record_json(r)).collect::<Vec<_>>();
    let pref = |f: &str| {
        customer
            .get(&format!("preferences.{f}"))
            .map_or(Value::Null, crate::render::yaml_to_json)
    };
    let mut consent = Map::new();
    consent.insert("consent".into(), pref("consent"));
    consent.insert("consent_at".into(), pref("consent_at"));
    consent.insert("do_not_contact".into(), pref("do_not_contact"));
    consent.insert(
        "history".into(),
        customer
            .get("consent_history")
            .map_or(Value::Array(Vec::new()), crate::render::yaml_to_json),
    );
    json!({
        "subject": id,
        "as_of": store.clock.today.to_string(),
        "customer": record_json(customer),
        "deals": all(&deals),
        "tickets": all(&tickets),
        "interactions": all(&interactions),
        "people": all(&people),
        "campaigns": campaigns,
        "consent": consent,
    })
}
