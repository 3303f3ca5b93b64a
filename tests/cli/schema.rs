//! The committed JSON Schemas: up to date, accepting every fixture record, rejecting bad ones.

use crate::common;

use std::path::Path;

use common::Folder;
use serde_json::{json, Value};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn committed(name: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join("schema").join(name)).unwrap()
}

fn validator(name: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&committed(name)).unwrap();
    jsonschema::draft7::new(&schema).unwrap()
}

#[test]
fn committed_schemas_are_up_to_date() {
    // Run outside any crm folder, so the defaults are used.
    let f = Folder::empty();
    for (arg, file) in [
        ("customer", "customer.schema.json"),
        ("deal", "deal.schema.json"),
        ("ticket", "ticket.schema.json"),
        ("campaign", "campaign.schema.json"),
        ("interaction", "interaction.schema.json"),
        ("config", "crm.toml.schema.json"),
    ] {
        assert_eq!(
            f.ok(&["schema", arg]),
            committed(file),
            "schema/{file} is out of date: regenerate it with `crm schema {arg} > schema/{file}`"
        );
    }
    // crm init puts the same files in a new folder.
    let g = Folder::new();
    for file in ["customer.schema.json", "crm.toml.schema.json"] {
        assert_eq!(g.read(&format!("schema/{file}")), committed(file));
    }
}

fn yaml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn every_fixture_record_validates() {
    let mut checked = 0;
    for folder in [
        "tests/fixtures/query",
        "tests/fixtures/reports",
        "examples/acme",
    ] {
        for (dir, schema) in [
            ("customers", "customer.schema.json"),
            ("deals", "deal.schema.json"),
            ("tickets", "ticket.schema.json"),
            ("campaigns", "campaign.schema.json"),
            ("interactions", "interaction.schema.json"),
        ] {
            let v = validator(schema);
            for file in yaml_files(&Path::new(ROOT).join(folder).join(dir)) {
                let record: Value =
                    serde_yaml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
                let errors: Vec<String> = v.iter_errors(&record).map(|e| e.to_string()).collect();
                assert!(errors.is_empty(), "{}: {errors:?}", file.display());
                checked += 1;
            }
        }
        let toml_text =
            std::fs::read_to_string(Path::new(ROOT).join(folder).join("crm.toml")).unwrap();
        let cfg: Value = toml::from_str(&toml_text).unwrap();
        assert!(
            validator("crm.toml.schema.json").is_valid(&cfg),
            "{folder}/crm.toml"
        );
    }
    assert!(checked > 90, "{checked}");
    let default: Value = toml::from_str(&crm::config::Config::default_toml("x")).unwrap();
    assert!(validator("crm.toml.schema.json").is_valid(&default));
}

#[test]
fn bad_records_are_rejected() {
    let customer = validator("customer.schema.json");
    assert!(customer.is_valid(&json!({"name": "A", "stage": "lead"})));
    for bad in [
        json!({"stage": "lead"}),
        json!({"name": "A", "stage": "won"}),
        json!({"name": 7, "stage": "lead"}),
        json!({"name": "A", "stage": "lead", "email": 3}),
        json!({"name": "A", "stage": "lead", "created": "2026-1-1"}),
        json!({"name": "A", "stage": "lead", "preferences": {"consent": "maybe"}}),
        json!({"name": "A", "stage": "lead", "loyalty": {"points": -1}}),
        json!({"name": "A", "stage": "lead", "organisation": "../x"}),
        json!({"name": "A", "stage": "lead", "history": [{"stage": "lead"}]}),
        json!({"id": "x", "name": "A", "stage": "lead"}),
    ] {
        assert!(!customer.is_valid(&bad), "{bad}");
    }
    let deal = validator("deal.schema.json");
    assert!(deal.is_valid(
        &json!({"title": "T", "customer": "c-1", "stage": "new", "value": "999999999999999.99"})
    ));
    for bad in [
        json!({"title": "T", "customer": "c-1", "stage": "new", "value": "abc"}),
        json!({"title": "T", "customer": "c-1", "stage": "new", "probability": 500}),
        json!({"title": "T", "customer": "c-1", "stage": "new", "currency": "usd"}),
        json!({"title": "T", "customer": "c-1", "stage": "closing"}),
        json!({"title": "T", "stage": "new"}),
    ] {
        assert!(!deal.is_valid(&bad), "{bad}");
    }
    let ticket = validator("ticket.schema.json");
    assert!(!ticket.is_valid(&json!({"subject": "S", "customer": "c", "satisfaction": 6})));
    assert!(!ticket.is_valid(&json!({"subject": "S", "customer": "c", "opened": "yesterday"})));
    let config = validator("crm.toml.schema.json");
    assert!(!config.is_valid(&json!({"currency": "usd"})));
    assert!(!config.is_valid(&json!({"pipeline": [{"name": "new", "probability": 500}]})));
    assert!(!config.is_valid(&json!({"at_risk_dayz": 3})));
}

/// A catalogue of records, each judged by `crm check` and by the committed schema: the
/// two agree on every one. What a schema cannot say is left out, and listed here: that a
/// reference names an existing record, that an e-mail is unique, that a history is in
/// time order, that an id is used once.
#[test]
fn check_and_schema_agree_on_a_catalogue() {
    let catalogue: &[(&str, &str, bool)] = &[
        // (type, the record's fields, valid?)
        ("customer", "name: A\nstage: lead\n", true),
        ("customer", "stage: lead\n", false),
        ("customer", "name: A\nstage: won\n", false),
        ("customer", "name: A\nstage: lead\nemail: 3\n", false),
        ("customer", "name: A\nstage: lead\ncreated: 2026-1-1\n", false),
        ("customer", "name: A\nstage: lead\ncreated: 2026-02-30\n", false),
        ("customer", "name: A\nstage: lead\ncreated: 2026-13-45\n", false),
        ("customer", "name: A\nstage: lead\ncreated: 2024-02-29\n", true),
        ("customer", "name: A\nstage: lead\ncreated: 2100-02-29\n", false),
        ("customer", "name: A\nstage: lead\nloyalty:\n  points: -1\n", false),
        ("customer", "name: A\nstage: lead\nhistory:\n- stage: vip\n  at: 2026-11-01T10:00:00+07:00\n", false),
        ("customer", "name: A\nstage: lead\nhistory:\n- stage: lead\n  at: 2026-11-01T10:00+07:00\n", false),
        ("customer", "name: A\nstage: lead\nhistory:\n- stage: lead\n  at: 2026-11-01 10:00:00+07:00\n", true),
        ("customer", "name: A\nstage: lead\nhistory:\n- stage: lead\n  at: 2026-11-01t10:00:00z\n", true),
        ("deal", "title: T\ncustomer: c-aaaa\nstage: new\nvalue: 12000000\n", true),
        ("deal", "title: T\ncustomer: c-aaaa\nstage: new\nvalue: -5\n", false),
        ("deal", "title: T\ncustomer: c-aaaa\nstage: new\nvalue: 1000000000000001\n", false),
        ("deal", "title: T\ncustomer: c-aaaa\nstage: new\nvalue: '1000000000000000'\n", true),
        ("deal", "title: T\ncustomer: c-aaaa\nstage: new\nvalue: '12.50'\n", true),
        ("deal", "title: T\ncustomer: c-aaaa\nstage: new\nvalue: abc\n", false),
        // An unquoted 20-digit amount, once rounded silently.
        ("deal", "title: T\ncustomer: c-aaaa\nstage: new\nvalue: 12345678901234567890\n", false),
        ("deal", "title: T\ncustomer: c-aaaa\nstage: new\nprobability: 12.5\n", false),
        ("deal", "title: T\ncustomer: c-aaaa\nstage: new\nprobability: '50'\n", true),
        ("deal", "title: T\ncustomer: c-aaaa\nstage: new\nprobability: 150\n", false),
        ("deal", "title: T\ncustomer: c-aaaa\nstage: new\ncurrency: usd\n", false),
        ("deal", "title: T\ncustomer: c-aaaa\nstage: closing\n", false),
        ("deal", "title: T\ncustomer: c-aaaa\nstage: new\nhistory:\n- stage: lead\n  at: 2026-11-01T10:00:00Z\n", false),
        ("deal", "title: T\ncustomer: c-aaaa\nstage: new\nexpected_close: 2026-02-30\n", false),
        ("ticket", "subject: S\ncustomer: c-aaaa\nsatisfaction: 6\n", false),
        ("ticket", "subject: S\ncustomer: c-aaaa\nopened: yesterday\n", false),
        ("ticket", "subject: S\ncustomer: c-aaaa\nopened: 2026-11-01T09:00:00+07:00\n", true),
    ];
    for (ty, fields, valid) in catalogue {
        let f = Folder::new();
        f.write("customers/c-aaaa.yaml", "name: C\nstage: lead\n");
        let dir = match *ty {
            "customer" => "customers",
            "deal" => "deals",
            _ => "tickets",
        };
        f.write(&format!("{dir}/r-aaaa.yaml"), fields);
        let out = f.crm().arg("check").output().unwrap();
        let by_check = out.status.code() == Some(0);
        let record: Value = serde_yaml::from_str(fields).unwrap();
        let by_schema = validator(&format!("{ty}.schema.json")).is_valid(&record);
        assert_eq!(
            (by_check, by_schema),
            (*valid, *valid),
            "{ty} {fields:?}: crm check {}, schema {}",
            String::from_utf8_lossy(&out.stdout),
            by_schema
        );
    }
}
