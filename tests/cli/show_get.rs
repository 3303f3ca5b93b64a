use crate::common;

use common::Folder;

#[test]
fn show_prints_yaml_and_json() {
    let f = Folder::new();
    f.with_toko();
    f.ok(&[
        "set",
        "toko",
        "preferences.channel=email",
        "tags=vip,retail",
    ]);
    assert_eq!(
        f.ok(&["show", "toko"]),
        f.record("customers/toko-maju-k7q2.yaml")
    );
    assert_eq!(
        f.ok(&["show", "annual", "--format", "json"]),
        r#"{
  "id": "annual-plan-a1b2",
  "title": "Annual plan",
  "customer": "toko-maju-k7q2",
  "stage": "new",
  "history": [
    {
      "stage": "new",
      "at": "2026-11-22T00:00:00+00:00"
    }
  ],
  "value": 12000000,
  "currency": "IDR",
  "created": "2026-11-22"
}
"#
    );
    assert_eq!(
        f.ok(&["show", "toko", "--format", "csv"]),
        "id,name,email,stage,history,tags,preferences.channel,created\ntoko-maju-k7q2,Toko Maju,budi@tokomaju.id,lead,lead 2026-11-22T00:00:00+00:00,vip;retail,email,2026-11-22\n"
    );
    assert_eq!(
        f.ok(&["show", "toko", "--format", "ids"]),
        "toko-maju-k7q2\n"
    );
}

#[test]
fn get_prints_raw_values_for_scripts() {
    let f = Folder::new();
    f.with_toko();
    f.ok(&[
        "set",
        "toko",
        "preferences.channel=email",
        "tags=vip,retail",
        "employees=50",
        "notes=two\nlines",
    ]);
    assert_eq!(f.ok(&["get", "toko", "email"]), "budi@tokomaju.id\n");
    assert_eq!(f.ok(&["get", "toko", "preferences.channel"]), "email\n");
    assert_eq!(f.ok(&["get", "toko", "tags"]), "vip\nretail\n");
    assert_eq!(f.ok(&["get", "toko", "employees"]), "50\n");
    assert_eq!(f.ok(&["get", "toko", "id"]), "toko-maju-k7q2\n");
    assert_eq!(f.ok(&["get", "toko", "notes"]), "two\nlines\n");
    assert_eq!(f.ok(&["get", "toko", "preferences"]), "channel: email\n");
    assert_eq!(f.ok(&["get", "annual", "value"]), "12000000\n");
    assert_eq!(
        f.ok(&["get", "toko", "tags", "--format", "json"]),
        "[\"vip\",\"retail\"]\n"
    );
    let err = f.fails(1, &["get", "toko", "phone"]);
    assert_eq!(err, "error: customer toko-maju-k7q2 has no field `phone`\n");
}

#[test]
fn references_by_id_prefix_email_and_type() {
    let f = Folder::new();
    f.with_toko();
    f.add(&["customer", "--id", "toko-baru-0000", "--name", "Toko Baru"]);
    assert_eq!(f.ok(&["get", "toko-maju-k7q2", "name"]), "Toko Maju\n");
    assert_eq!(f.ok(&["get", "toko-m", "name"]), "Toko Maju\n");
    assert_eq!(f.ok(&["get", "BUDI@tokomaju.id", "name"]), "Toko Maju\n");
    assert_eq!(f.ok(&["get", "deal/annual", "title"]), "Annual plan\n");
    let err = f.fails(1, &["show", "toko"]);
    assert_eq!(
        err,
        "error: \"toko\" is ambiguous; it matches:\n  customer/toko-baru-0000  Toko Baru\n  customer/toko-maju-k7q2  Toko Maju\n"
    );
    let err = f.fails(1, &["show", "zzz"]);
    assert_eq!(err, "error: no record matches \"zzz\"\n");
    let err = f.fails(1, &["stage", "zzz", "won"]);
    assert_eq!(err, "error: no customer or deal matches \"zzz\"\n");
}

#[test]
fn a_format_a_command_does_not_offer_is_a_usage_error() {
    let f = Folder::new();
    f.with_toko();
    let err = f.fails(2, &["get", "toko", "name", "--format", "csv"]);
    assert!(
        err.contains("--format csv is not offered by `crm get` (choose one of: yaml, json)"),
        "{err}"
    );
}
