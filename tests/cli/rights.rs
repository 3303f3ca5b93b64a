//! Customers' rights: `crm export-subject`, everything held about one customer.

use crate::common;

use common::Folder;

/// A customer with a record of every type about them: a deal (naming a campaign), a
/// ticket, two interactions (one answering a campaign), a person of theirs, the
/// campaign they came from; and another customer's records, which stay out.
#[test]
fn a_subject_export_holds_every_record_about_them() {
    let f = Folder::new();
    f.write("campaigns/ramadan.yaml", "name: Ramadan offer\n");
    f.write("campaigns/fair.yaml", "name: Coffee fair\n");
    f.write(
        "customers/kopi.yaml",
        "name: Kopi\nstage: customer\nsource: fair\nemail: ayu@kopi.id\n\
         preferences: {consent: true, consent_at: 2026-10-01T09:00:00+00:00}\n\
         consent_history:\n- {consent: true, at: 2026-10-01T09:00:00+00:00}\n",
    );
    f.write(
        "customers/ayu.yaml",
        "name: Ayu\nstage: lead\norganisation: kopi\n",
    );
    f.write("customers/other.yaml", "name: Other\nstage: lead\n");
    f.write(
        "deals/d1.yaml",
        "title: Beans\ncustomer: kopi\nstage: new\ncampaign: ramadan\n",
    );
    f.write(
        "deals/d2.yaml",
        "title: Not theirs\ncustomer: other\nstage: new\n",
    );
    f.write("tickets/t1.yaml", "subject: Late\ncustomer: kopi\n");
    f.write(
        "interactions/i1.yaml",
        "customer: kopi\nat: 2026-11-02T10:00:00+00:00\nchannel: call\nsummary: Asked about beans\n",
    );
    f.write(
        "interactions/i2.yaml",
        "customer: kopi\nat: 2026-11-03T10:00:00+00:00\nchannel: email\ncampaign: ramadan\n",
    );
    f.write(
        "interactions/i3.yaml",
        "customer: other\nat: 2026-11-03T10:00:00+00:00\nchannel: email\n",
    );
    let doc: serde_json::Value =
        serde_json::from_str(&f.ok(&["export-subject", "ayu@kopi.id"])).unwrap();
    let ids = |k: &str| -> Vec<String> {
        doc[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(doc["subject"], "kopi");
    assert_eq!(doc["customer"]["email"], "ayu@kopi.id");
    assert_eq!(ids("deals"), ["d1"]);
    assert_eq!(ids("tickets"), ["t1"]);
    assert_eq!(ids("interactions"), ["i1", "i2"]);
    assert_eq!(ids("people"), ["ayu"]);
    assert_eq!(doc["interactions"][0]["summary"], "Asked about beans");
    assert_eq!(
        doc["campaigns"],
        serde_json::json!([
            {"id": "fair", "name": "Coffee fair", "how": ["source"]},
            {"id": "ramadan", "name": "Ramadan offer", "how": ["deal d1", "interaction i2"]},
        ])
    );
    assert_eq!(
        doc["consent"],
        serde_json::json!({
            "consent": true,
            "consent_at": "2026-10-01T09:00:00+00:00",
            "do_not_contact": null,
            "history": [{"consent": true, "at": "2026-10-01T09:00:00+00:00"}],
        })
    );
    // `crm set` adds each change of consent to the history.
    f.ok(&["set", "kopi", "preferences.consent=false"]);
    let doc: serde_json::Value = serde_json::from_str(&f.ok(&["export-subject", "kopi"])).unwrap();
    assert_eq!(
        doc["consent"]["history"],
        serde_json::json!([
            {"consent": true, "at": "2026-10-01T09:00:00+00:00"},
            {"at": "2026-11-22T00:00:00+00:00", "consent": false},
        ])
    );
    assert_eq!(doc["consent"]["consent_at"], "2026-11-22T00:00:00+00:00");
    // The same document as YAML.
    let yaml = f.ok(&["export-subject", "kopi", "--format", "yaml"]);
    assert!(
        yaml.starts_with("subject: kopi\nas_of: 2026-11-22\ncustomer:\n  id: kopi\n"),
        "{yaml}"
    );
}
