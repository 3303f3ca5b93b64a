use crate::common;

use common::Folder;

fn is_id(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(ch) if ch.is_ascii_lowercase() || ch.is_ascii_digit())
        && c.all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
}

#[test]
fn add_customer_prints_only_the_id_and_writes_the_file() {
    let f = Folder::new();
    let out = f.ok(&[
        "add",
        "customer",
        "--name",
        "Toko Maju",
        "--email",
        "budi@tokomaju.id",
        "--stage",
        "lead",
        "--set",
        "industry=retail",
    ]);
    assert!(out.ends_with('\n'));
    let id = out.trim_end();
    assert_eq!(out.lines().count(), 1);
    assert!(
        id.starts_with("toko-maju-") && id.len() == "toko-maju-".len() + 4,
        "{id}"
    );
    assert!(id["toko-maju-".len()..]
        .bytes()
        .all(|b| b"0123456789abcdefghjkmnpqrstvwxyz".contains(&b)));
    assert_eq!(
        f.record(&format!("customers/{id}.yaml")),
        "name: Toko Maju\nemail: budi@tokomaju.id\nstage: lead\nhistory:\n- stage: lead\n  at: 2026-11-22T00:00:00+00:00\nindustry: retail\ncreated: 2026-11-22\n"
    );
}

#[test]
fn add_deal_resolves_the_customer_by_prefix() {
    let f = Folder::new();
    let (c, _) = f.with_toko();
    let d = f.add(&[
        "deal",
        "--title",
        "Second plan",
        "--customer",
        "toko",
        "--value",
        "1500.50",
        "--currency",
        "idr",
        "--probability",
        "40",
    ]);
    assert_eq!(
        f.record(&format!("deals/{d}.yaml")),
        format!("title: Second plan\ncustomer: {c}\nstage: new\nhistory:\n- stage: new\n  at: 2026-11-22T00:00:00+00:00\nvalue: 1500.5\ncurrency: IDR\nprobability: 40\ncreated: 2026-11-22\n")
    );
    // By e-mail, too.
    let d2 = f.add(&["deal", "Third", "--customer", "BUDI@tokomaju.id"]);
    assert!(f
        .record(&format!("deals/{d2}.yaml"))
        .contains("customer: toko-maju-k7q2\n"));
}

#[test]
fn every_field_has_a_flag() {
    let f = Folder::new();
    f.with_toko();
    let camp = f.add(&[
        "campaign",
        "--id",
        "ramadan-sale-x1x1",
        "--name",
        "Ramadan sale",
        "--phase",
        "acquire",
        "--channel",
        "whatsapp",
        "--status",
        "active",
        "--start",
        "2026-03-01",
        "--end",
        "2026-03-31",
        "--budget",
        "5000000",
        "--cost",
        "4200000.25",
        "--currency",
        "IDR",
        "--audience",
        "city = Jakarta",
        "--expected-revenue",
        "20000000",
        "--notes",
        "Broadcast list",
        "--created",
        "2026-02-20",
    ]);
    assert_eq!(
        f.record(&format!("campaigns/{camp}.yaml")),
        "name: Ramadan sale\nphase: acquire\nchannel: whatsapp\nstatus: active\nstart: 2026-03-01\nend: 2026-03-31\nbudget: 5000000\ncost: 4200000.25\ncurrency: IDR\naudience: city = Jakarta\nexpected_revenue: 20000000\nnotes: Broadcast list\ncreated: 2026-02-20\n"
    );
    let cust = f.add(&[
        "customer",
        "--id",
        "budi-s-0000",
        "--name",
        "Budi Santoso",
        "--kind",
        "person",
        "--organisation",
        "toko",
        "--email",
        "budi@example.id",
        "--phone",
        "+62 812 3456",
        "--social",
        "whatsapp=+62812",
        "--social",
        "instagram=@budi",
        "--stage",
        "prospect",
        "--source",
        "ramadan",
        "--owner",
        "ayu@ourco.id",
        "--tag",
        "vip",
        "--tag",
        "retail,jakarta",
        "--city",
        "Jakarta",
        "--region",
        "DKI",
        "--country",
        "ID",
        "--industry",
        "retail",
        "--preferred-channel",
        "whatsapp",
        "--frequency",
        "monthly",
        "--consent",
        "--do-not-contact",
        "false",
        "--interest",
        "pos",
        "--next-on",
        "2026-12-01",
        "--next-note",
        "call back",
        "--points",
        "120",
        "--notes",
        "met at expo",
        "--created",
        "2026-11-01",
    ]);
    assert_eq!(
        f.record(&format!("customers/{cust}.yaml")),
        "name: Budi Santoso\nkind: person\norganisation: toko-maju-k7q2\nemail: budi@example.id\nphone: +62 812 3456\nsocial:\n  instagram: '@budi'\n  whatsapp: '+62812'\nstage: prospect\nhistory:\n- stage: prospect\n  at: 2026-11-01T00:00:00+00:00\nsource: ramadan\nowner: ayu@ourco.id\ntags:\n- vip\n- retail\n- jakarta\ncity: Jakarta\nregion: DKI\ncountry: ID\nindustry: retail\npreferences:\n  channel: whatsapp\n  frequency: monthly\n  consent: true\n  consent_at: 2026-11-22T00:00:00+00:00\n  do_not_contact: false\n  interests:\n  - pos\nnext_action:\n  on: 2026-12-01\n  note: call back\nloyalty:\n  points: 120\nnotes: met at expo\ncreated: 2026-11-01\n\
consent_history:\n- at: 2026-11-22T00:00:00+00:00\n  consent: true\n"
    );
    let deal = f.add(&[
        "deal",
        "--id",
        "pos-upgrade-0000",
        "--title",
        "POS upgrade",
        "--customer",
        "budi@example.id",
        "--stage",
        "proposal",
        "--value",
        "2500",
        "--currency",
        "USD",
        "--probability",
        "60",
        "--kind",
        "upsell",
        "--product",
        "pos,printer",
        "--campaign",
        "ramadan",
        "--expected-close",
        "2026-12-15",
        "--lost-reason",
        "n/a",
        "--owner",
        "ayu",
        "--next-on",
        "2026-11-30",
        "--next-note",
        "send quote",
        "--notes",
        "n",
        "--created",
        "2026-11-02",
    ]);
    assert_eq!(
        f.record(&format!("deals/{deal}.yaml")),
        "title: POS upgrade\ncustomer: budi-s-0000\nstage: proposal\nhistory:\n- stage: proposal\n  at: 2026-11-02T00:00:00+00:00\nvalue: 2500\ncurrency: USD\nprobability: 60\nkind: upsell\nproducts:\n- pos\n- printer\ncampaign: ramadan-sale-x1x1\nexpected_close: 2026-12-15\nlost_reason: n/a\nowner: ayu\nnext_action:\n  on: 2026-11-30\n  note: send quote\nnotes: n\ncreated: 2026-11-02\n"
    );
    let ticket = f.add(&[
        "ticket",
        "--id",
        "printer-jam-0000",
        "--subject",
        "Printer jams",
        "--customer",
        "budi-s",
        "--kind",
        "complaint",
        "--priority",
        "high",
        "--status",
        "resolved",
        "--channel",
        "email",
        "--opened",
        "2026-11-20T09:00:00+07:00",
        "--first-response",
        "2026-11-20T10:30:00+07:00",
        "--resolved",
        "2026-11-21T16:00:00+07:00",
        "--satisfaction",
        "4",
        "--assignee",
        "dewi",
        "--deal",
        "pos-up",
        "--description",
        "Paper jams",
        "--resolution",
        "Replaced roller",
        "--created",
        "2026-11-20",
    ]);
    assert_eq!(
        f.record(&format!("tickets/{ticket}.yaml")),
        "subject: Printer jams\ncustomer: budi-s-0000\nkind: complaint\npriority: high\nstatus: resolved\nchannel: email\nopened: 2026-11-20T09:00:00+07:00\nfirst_response: 2026-11-20T10:30:00+07:00\nresolved: 2026-11-21T16:00:00+07:00\nsatisfaction: 4\nassignee: dewi\ndeal: pos-upgrade-0000\ndescription: Paper jams\nresolution: Replaced roller\ncreated: 2026-11-20\n"
    );
}

#[test]
fn defaults_for_tickets_campaigns_and_currency() {
    let f = Folder::new();
    f.with_toko();
    let t = f.add(&["ticket", "Cannot log in", "--customer", "toko"]);
    assert_eq!(
        f.record(&format!("tickets/{t}.yaml")),
        "subject: Cannot log in\ncustomer: toko-maju-k7q2\npriority: normal\nstatus: open\nopened: 2026-11-22T00:00:00+00:00\ncreated: 2026-11-22\n"
    );
    let c = f.add(&["campaign", "Newsletter", "--budget", "100"]);
    assert_eq!(
        f.record(&format!("campaigns/{c}.yaml")),
        "name: Newsletter\nstatus: planned\nbudget: 100\ncurrency: USD\ncreated: 2026-11-22\n"
    );
}

/// Each bad value: exit 1, the field and the value named on stderr, nothing written.
#[test]
fn typed_values_are_checked_before_anything_is_written() {
    let f = Folder::new();
    f.with_toko();
    let before = f.snapshot();
    let cases: &[(&[&str], &str)] = &[
        (&["deal", "--title", "X", "--customer", "toko", "--value", "abc"], "field `value`: \"abc\" is not a decimal number"),
        (&["deal", "--title", "X", "--customer", "toko", "--probability", "500"], "field `probability`: 500 is not a percentage from 0 to 100"),
        (&["deal", "--title", "X", "--customer", "toko", "--expected-close", "2026-13-01"], "field `expected_close`: \"2026-13-01\" is not a date (YYYY-MM-DD)"),
        (&["deal", "--title", "X", "--customer", "toko", "--stage", "closing"], "field `stage`: \"closing\" is not a stage of the pipeline in crm.toml (new, qualified, proposal, negotiation, won, lost)"),
        (&["customer", "--name", "X", "--stage", "won"], "field `stage`: \"won\" is not a stage of the lifecycle in crm.toml (lead, prospect, customer, churned, disqualified)"),
        (&["deal", "--customer", "toko"], "cannot add deal: field `title`: is required"),
        (&["deal", "--title", "X"], "cannot add deal: field `customer`: is required"),
        (&["customer"], "cannot add customer: field `name`: is required"),
        (&["deal", "--title", "X", "--customer", "nobody"], "field `customer`: no customer matches \"nobody\""),
        (&["ticket", "--subject", "X", "--customer", "toko", "--satisfaction", "6"], "field `satisfaction`: \"6\" is not a whole number from 1 to 5"),
        (&["ticket", "--subject", "X", "--customer", "toko", "--priority", "asap"], "field `priority`: \"asap\" is not one of: low, normal, high, urgent"),
        (&["customer", "--name", "X", "--email", "not-an-email"], "field `email`: \"not-an-email\" is not an e-mail address"),
        (&["customer", "--name", "X", "--email", "Budi@TokoMaju.id"], "field `email`: \"Budi@TokoMaju.id\" is already the e-mail of customer toko-maju-k7q2"),
        (&["campaign", "--name", "X", "--currency", "rupiah"], "field `currency`: \"rupiah\" is not an ISO 4217 currency code"),
        (&["customer", "--name", "X", "--set", "preferences.consent=maybe"], "field `preferences.consent`: \"maybe\" is not true or false"),
    ];
    for (args, message) in cases {
        let mut full = vec!["add"];
        full.extend_from_slice(args);
        let err = f.fails(1, &full);
        assert!(
            err.contains(message),
            "crm {full:?}\nwanted: {message}\ngot: {err}"
        );
        assert_eq!(f.snapshot(), before, "crm {full:?} wrote something");
    }
}

#[test]
fn money_is_written_exactly() {
    let f = Folder::new();
    f.with_toko();
    for (typed, written, read) in [
        ("12000000", "value: 12000000\n", "12000000"),
        ("0.10", "value: 0.1\n", "0.1"),
        // The largest amounts need more digits than a YAML float keeps: quoted.
        (
            "999999999999999.99",
            "value: '999999999999999.99'\n",
            "999999999999999.99",
        ),
        ("1234567.891", "value: 1234567.891\n", "1234567.891"),
    ] {
        let d = f.add(&["deal", "M", "--customer", "toko", "--value", typed]);
        let text = f.record(&format!("deals/{d}.yaml"));
        assert!(text.contains(written), "{typed}: {text}");
        let line = text.lines().find(|l| l.starts_with("value: ")).unwrap();
        assert!(!line["value: ".len()..].contains(['e', 'E']), "{line}");
        // And reads back as the same amount.
        assert_eq!(f.ok(&["get", &d, "value"]), format!("{read}\n"));
    }
}

#[test]
fn ids_are_well_formed_whatever_the_name() {
    let f = Folder::new();
    for name in [
        "-Acme, Inc.!",
        "東京トレーディング",
        "Ёлка & Co",
        "???",
        ".",
        "---",
        "🙂",
        "Café ﾃｽﾄ",
    ] {
        let id = f.add(&["customer", &format!("--name={name}")]);
        assert!(is_id(&id), "{name:?} gave {id:?}");
        assert!(!id.starts_with('-'));
        assert!(f.path(&format!("customers/{id}.yaml")).is_file());
    }
    let id = f.add(&["customer", "--name", "???"]);
    assert!(id.starts_with("customer-"), "{id}");
    let id = f.add(&["customer", "--name=--Acme, Inc.!"]);
    assert!(id.starts_with("acme-inc-"), "{id}");
}

#[test]
fn an_id_collision_is_retried_never_overwritten() {
    let f = Folder::new();
    // The same seed gives the same first suffix: the second add collides and retries.
    let first = f
        .crm()
        .env("CRM_ID_SEED", "42")
        .args(["add", "customer", "--name", "Same"])
        .output()
        .unwrap();
    let first = String::from_utf8(first.stdout)
        .unwrap()
        .trim_end()
        .to_string();
    let before = f.record(&format!("customers/{first}.yaml"));
    let second = f
        .crm()
        .env("CRM_ID_SEED", "42")
        .args(["add", "customer", "--name", "Same", "--notes", "two"])
        .output()
        .unwrap();
    assert!(second.status.success());
    let second = String::from_utf8(second.stdout)
        .unwrap()
        .trim_end()
        .to_string();
    assert_ne!(first, second);
    assert!(second.starts_with("same-"));
    assert_eq!(f.record(&format!("customers/{first}.yaml")), before);
    assert!(f
        .record(&format!("customers/{second}.yaml"))
        .contains("notes: two"));
}

#[test]
fn an_explicit_id_is_checked_and_never_overwrites() {
    let f = Folder::new();
    f.with_toko();
    let err = f.fails(
        1,
        &[
            "add",
            "customer",
            "--name",
            "Other",
            "--id",
            "toko-maju-k7q2",
        ],
    );
    assert!(
        err.contains("customer toko-maju-k7q2 already exists"),
        "{err}"
    );
    assert!(f
        .record("customers/toko-maju-k7q2.yaml")
        .contains("name: Toko Maju"));
    let err = f.fails(
        2,
        &["add", "customer", "--name", "Other", "--id", "../escape"],
    );
    assert!(err.contains("invalid id \"../escape\""), "{err}");
}

#[test]
fn log_writes_an_interaction_by_month() {
    let f = Folder::new();
    f.with_toko();
    let id = f.ok(&[
        "log",
        "toko",
        "--channel",
        "whatsapp",
        "--direction",
        "inbound",
        "Asked about price",
    ]);
    let id = id.trim_end();
    assert!(id.starts_with("asked-about-price-"), "{id}");
    assert_eq!(
        f.record(&format!("interactions/2026/11/{id}.yaml")),
        "customer: toko-maju-k7q2\nat: 2026-11-22T00:00:00+00:00\nchannel: whatsapp\ndirection: inbound\nsummary: Asked about price\n"
    );
    let id = f.ok(&[
        "log",
        "budi@tokomaju.id",
        "--channel",
        "call",
        "--at",
        "2026-10-05T14:00:00+07:00",
        "--deal",
        "annual",
        "--by",
        "ayu",
        "--outcome",
        "interested",
    ]);
    assert_eq!(
        f.record(&format!("interactions/2026/10/{}.yaml", id.trim_end())),
        "customer: toko-maju-k7q2\nat: 2026-10-05T14:00:00+07:00\nchannel: call\ndeal: annual-plan-a1b2\noutcome: interested\nby: ayu\n"
    );
    let err = f.fails(1, &["log", "toko", "--channel", "pigeon", "hi"]);
    assert!(
        err.contains("field `channel`: \"pigeon\" is not one of: call, email, whatsapp"),
        "{err}"
    );
}

#[test]
fn crm_now_pins_timestamps_to_the_second() {
    let f = Folder::new();
    f.with_toko();
    let id = f
        .crm()
        .env("CRM_NOW", "2026-11-22T09:15:30.25+07:00")
        .args(["log", "toko", "--channel", "call", "Hi"])
        .output()
        .unwrap();
    let id = String::from_utf8(id.stdout).unwrap();
    assert!(f
        .record(&format!("interactions/2026/11/{}.yaml", id.trim_end()))
        .contains("at: 2026-11-22T09:15:30+07:00\n"));
}
