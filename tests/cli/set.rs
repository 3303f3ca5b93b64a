use crate::common;

use common::Folder;

#[test]
fn set_types_values_and_keeps_canonical_order() {
    let f = Folder::new();
    f.with_toko();
    f.ok(&[
        "set",
        "annual",
        "probability=35",
        "value=13000000.50",
        "owner=ayu",
        "zz_custom=x",
        "expected_close=2026-12-31",
    ]);
    assert_eq!(
        f.record("deals/annual-plan-a1b2.yaml"),
        "title: Annual plan\ncustomer: toko-maju-k7q2\nstage: new\nhistory:\n- stage: new\n  at: 2026-11-22T00:00:00+00:00\nvalue: 13000000.5\ncurrency: IDR\nprobability: 35\nexpected_close: 2026-12-31\nowner: ayu\ncreated: 2026-11-22\nzz_custom: x\n"
    );
    let before = f.snapshot();
    for (arg, msg) in [
        (
            "value=abc",
            "field `value`: \"abc\" is not a decimal number",
        ),
        (
            "probability=500",
            "field `probability`: 500 is not a percentage from 0 to 100",
        ),
        (
            "closed=2026-13-01",
            "field `closed`: \"2026-13-01\" is not a date (YYYY-MM-DD)",
        ),
        (
            "stage=closing",
            "field `stage`: \"closing\" is not a stage of the pipeline",
        ),
        (
            "customer=nobody",
            "field `customer`: no customer matches \"nobody\"",
        ),
        ("history=x", "field `history`: is written by `crm stage`"),
    ] {
        let err = f.fails(1, &["set", "annual", arg]);
        assert!(err.contains(msg), "{arg}: {err}");
        assert_eq!(f.snapshot(), before, "{arg} wrote something");
    }
    let err = f.fails(2, &["set", "annual", "nonsense"]);
    assert!(err.contains("expected KEY=VALUE"), "{err}");
}

#[test]
fn setting_the_same_value_leaves_the_file_byte_identical() {
    let f = Folder::new();
    f.with_toko();
    // A hand-written file, not in canonical form: a no-op must not rewrite it.
    let hand = "# my notes\nstage: lead\nname: Toko Maju\nemail: budi@tokomaju.id\n";
    f.write("customers/toko-maju-k7q2.yaml", hand);
    let out = f
        .crm()
        .args(["set", "toko", "stage=lead"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "customer toko-maju-k7q2 unchanged\n"
    );
    assert_eq!(f.read("customers/toko-maju-k7q2.yaml"), hand);
    f.ok(&["set", "toko", "email=budi@tokomaju.id", "stage=lead"]);
    assert_eq!(f.read("customers/toko-maju-k7q2.yaml"), hand);
}

#[test]
fn unknown_fields_nested_ones_included_survive_every_command() {
    let f = Folder::new();
    f.with_toko();
    f.write(
        "customers/toko-maju-k7q2.yaml",
        "name: Toko Maju\nstage: lead\nerp:\n  vendor_no: '00042'\n  terms: {days: 30, early: 2}\npreferences:\n  channel: email\n  quiet_hours: 22-06\nzeta: [1, two]\n",
    );
    let expected = |stage_part: &str, extra: &str| {
        format!("name: Toko Maju\n{stage_part}preferences:\n  channel: email\n  quiet_hours: 22-06\n{extra}erp:\n  terms:\n    days: 30\n    early: 2\n  vendor_no: '00042'\nzeta:\n- 1\n- two\n")
    };
    f.ok(&["set", "toko", "city=Bandung"]);
    let text = f.record("customers/toko-maju-k7q2.yaml");
    assert!(
        text.contains("erp:\n  terms:\n    days: 30\n    early: 2\n  vendor_no: '00042'\n"),
        "{text}"
    );
    assert!(text.contains("  quiet_hours: 22-06\n"), "{text}");
    f.ok(&["unset", "toko", "city"]);
    assert_eq!(
        f.record("customers/toko-maju-k7q2.yaml"),
        expected("stage: lead\n", "")
    );
    f.ok(&["stage", "toko", "prospect"]);
    assert_eq!(
        f.record("customers/toko-maju-k7q2.yaml"),
        expected(
            "stage: prospect\nhistory:\n- stage: prospect\n  at: 2026-11-22T00:00:00+00:00\n",
            ""
        )
    );
    f.ok(&["set", "toko", "erp.terms.days=45"]);
    assert!(f
        .record("customers/toko-maju-k7q2.yaml")
        .contains("    days: 45\n    early: 2\n"));
    f.crm()
        .env("EDITOR", "sed -i s/^name:.*/name:\\ Toko\\ Maju\\ Jaya/")
        .args(["edit", "toko"])
        .assert()
        .success();
    let text = f.record("customers/toko-maju-k7q2.yaml");
    assert!(text.starts_with("name: Toko Maju Jaya\n"), "{text}");
    assert!(
        text.contains("  vendor_no: '00042'\n") && text.contains("  quiet_hours: 22-06\n"),
        "{text}"
    );
}

#[test]
fn lists_take_items_in_and_out() {
    let f = Folder::new();
    f.with_toko();
    f.ok(&[
        "set",
        "toko",
        "tags=vip",
        "tags+=retail,jakarta",
        "tags-=vip",
    ]);
    assert_eq!(f.ok(&["get", "toko", "tags"]), "retail\njakarta\n");
    f.ok(&["set", "toko", "tags-=retail,jakarta"]);
    let err = f.fails(1, &["get", "toko", "tags"]);
    assert!(err.contains("has no field `tags`"));
    let err = f.fails(1, &["set", "toko", "name+=x"]);
    assert!(err.contains("field `name`: is not a list"), "{err}");
}

#[test]
fn unset_removes_fields_but_not_required_ones() {
    let f = Folder::new();
    f.with_toko();
    f.ok(&["set", "toko", "preferences.channel=email", "city=Jakarta"]);
    f.ok(&["unset", "toko", "preferences.channel", "city"]);
    assert_eq!(
        f.record("customers/toko-maju-k7q2.yaml"),
        "name: Toko Maju\nemail: budi@tokomaju.id\nstage: lead\nhistory:\n- stage: lead\n  at: 2026-11-22T00:00:00+00:00\ncreated: 2026-11-22\n"
    );
    let err = f.fails(1, &["unset", "toko", "name"]);
    assert!(
        err.contains("field `name`: is required and cannot be removed"),
        "{err}"
    );
}

#[test]
fn consent_records_when() {
    let f = Folder::new();
    f.with_toko();
    f.crm()
        .env("CRM_NOW", "2026-11-22T10:00:00+07:00")
        .args(["set", "toko", "preferences.consent=true"])
        .assert()
        .success();
    assert_eq!(
        f.ok(&["get", "toko", "preferences.consent_at"]),
        "2026-11-22T10:00:00+07:00\n"
    );
}

#[test]
fn stage_appends_history_and_closes_won_deals() {
    let f = Folder::new();
    f.with_toko();
    f.crm()
        .env("CRM_TODAY", "2026-11-25")
        .args(["stage", "annual", "proposal"])
        .assert()
        .success();
    f.crm()
        .env("CRM_TODAY", "2026-11-28")
        .args(["stage", "annual", "won"])
        .assert()
        .success();
    assert_eq!(
        f.record("deals/annual-plan-a1b2.yaml"),
        "title: Annual plan\ncustomer: toko-maju-k7q2\nstage: won\nhistory:\n- stage: new\n  at: 2026-11-22T00:00:00+00:00\n- stage: proposal\n  at: 2026-11-25T00:00:00+00:00\n- stage: won\n  at: 2026-11-28T00:00:00+00:00\nvalue: 12000000\ncurrency: IDR\nclosed: 2026-11-28\ncreated: 2026-11-22\n"
    );
    // Already there: nothing changes.
    let before = f.snapshot();
    f.ok(&["stage", "annual", "won"]);
    assert_eq!(f.snapshot(), before);
    f.ok(&["--as-of", "2026-11-30", "stage", "annual", "lost"]);
    assert_eq!(f.ok(&["get", "annual", "closed"]), "2026-11-30\n");
    f.ok(&["stage", "toko", "customer"]);
    assert_eq!(f.ok(&["get", "toko", "stage"]), "customer\n");
    let err = f.fails(1, &["stage", "toko", "won"]);
    assert!(
        err.contains("\"won\" is not a stage of the lifecycle"),
        "{err}"
    );
}

#[test]
fn declared_custom_fields_are_typed() {
    let f = Folder::new();
    f.with_toko();
    let toml = f.read("crm.toml").replace(
        "# employees = \"integer\"",
        "employees = \"integer\"\nrenewal = \"date\"",
    );
    f.write("crm.toml", &toml);
    f.ok(&["set", "toko", "employees=12", "renewal=2027-01-31"]);
    assert!(f
        .record("customers/toko-maju-k7q2.yaml")
        .ends_with("created: 2026-11-22\nemployees: 12\nrenewal: 2027-01-31\n"));
    let err = f.fails(1, &["set", "toko", "employees=a dozen"]);
    assert!(
        err.contains("field `employees`: \"a dozen\" is not a whole number"),
        "{err}"
    );
    let err = f.fails(1, &["set", "toko", "renewal=soon"]);
    assert!(
        err.contains("field `renewal`: \"soon\" is not a date (YYYY-MM-DD)"),
        "{err}"
    );
}

#[test]
fn a_backdated_record_entered_its_first_stage_when_created() {
    let f = Folder::new();
    let id = f.add(&[
        "customer",
        "Old friend",
        "--created",
        "2025-01-15",
        "--stage",
        "prospect",
    ]);
    assert_eq!(
        f.record(&format!("customers/{id}.yaml")),
        "name: Old friend\nstage: prospect\nhistory:\n- stage: prospect\n  at: 2025-01-15T00:00:00+00:00\ncreated: 2025-01-15\n"
    );
}
