//! The committed JSON Schemas: up to date, accepting every fixture record, rejecting bad ones.

mod common;

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
        &json!({"title": "T", "customer": "c-1", "stage": "new", "value": "12345678901234567.89"})
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
