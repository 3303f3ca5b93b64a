//! `crm list` output: every format read back by a parser of that format, columns, sorting.

use crate::common;

fn crm() -> assert_cmd::Command {
    common::fixture("query")
}

fn out(args: &[&str]) -> String {
    let o = crm().args(args).output().unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

const JAKARTA: &[&str] = &["list", "customers", "--where", "city = Jakarta"];

fn with(extra: &[&str]) -> Vec<String> {
    JAKARTA.iter().chain(extra).map(|s| s.to_string()).collect()
}

fn run(args: &[String]) -> String {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    out(&refs)
}

#[test]
fn tsv_is_the_default_off_a_terminal_with_a_header_row() {
    assert_eq!(
        run(&with(&[])),
        "id\tname\tstage\temail\tcity\towner\n\
         c-alpha\tAlpha Mart\tcustomer\talpha@gmail.com\tJakarta\t\n\
         c-gamma\tGamma, Ltd. Jaya\tprospect\t\tJakarta\t\n\
         c-theta\tTheta\tcustomer\t\tJakarta\t\n"
    );
    assert_eq!(
        run(&with(&["--no-header", "--fields", "id,tags"])),
        "c-alpha\tvip;retail\nc-gamma\t\nc-theta\tretail\n"
    );
}

#[test]
fn csv_reads_back_with_the_csv_crate() {
    let text = run(&with(&[
        "--format",
        "csv",
        "--fields",
        "id,name,tags,preferences",
    ]));
    let mut r = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        r.headers().unwrap(),
        vec!["id", "name", "tags", "preferences"]
    );
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(
        rows,
        vec![
            vec![
                "c-alpha",
                "Alpha Mart",
                "vip;retail",
                "channel=email;consent=true;do_not_contact=false"
            ],
            vec!["c-gamma", "Gamma, Ltd. Jaya", "", ""],
            vec!["c-theta", "Theta", "retail", ""],
        ]
    );
}

#[test]
fn json_is_one_array_of_whole_records() {
    let text = run(&with(&["--format", "json", "--limit", "1"]));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v,
        serde_json::json!([{
            "id": "c-alpha",
            "name": "Alpha Mart",
            "email": "alpha@gmail.com",
            "stage": "customer",
            "tags": ["vip", "retail"],
            "city": "Jakarta",
            "preferences": {"channel": "email", "consent": true, "do_not_contact": false},
            "created": "2026-11-18"
        }])
    );
    // Field order follows the YAML's canonical order.
    assert!(text.find("\"name\"").unwrap() < text.find("\"preferences\"").unwrap());
}

#[test]
fn jsonl_and_yaml_read_back() {
    let text = out(&[
        "list",
        "deals",
        "--where",
        "value > 49999",
        "--format",
        "jsonl",
        "--fields",
        "title,value,customer.name",
    ]);
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        rows,
        vec![
            serde_json::json!({"id": "d-01", "title": "Big POS", "value": 50000, "customer.name": "Alpha Mart"}),
            serde_json::json!({"id": "d-05", "title": "Negotiation", "value": 50000.01, "customer.name": "Delta Tech"}),
            serde_json::json!({"id": "d-07", "title": "Renewal", "value": 1200000, "customer.name": "Theta"}),
            serde_json::json!({"id": "d-08", "title": "Cross", "value": 49999.99, "customer.name": "Gamma, Ltd. Jaya"}),
        ]
    );
    let text = out(&["list", "campaigns", "--format", "yaml"]);
    let docs: Vec<serde_yaml::Value> = serde_yaml::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).unwrap())
        .collect();
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[0]["id"], serde_yaml::Value::from("k-1"));
    assert_eq!(docs[1]["budget"], serde_yaml::Value::from(500));
    assert_eq!(docs[2]["phase"], serde_yaml::Value::from("enhance"));
}

#[test]
fn ids_markdown_and_table() {
    assert_eq!(
        run(&with(&["--format", "ids"])),
        "c-alpha\nc-gamma\nc-theta\n"
    );
    assert_eq!(
        out(&[
            "list",
            "tickets",
            "--where",
            "subject ~ quoted",
            "--format",
            "markdown",
            "--fields",
            "id,subject"
        ]),
        "| id | subject |\n|---|---|\n| t-5 | Says \"quoted\" thing |\n"
    );
    let table = run(&with(&["--format", "table", "--fields", "id,name"]));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 7, "{table}");
    assert!(lines[1].contains("id") && lines[1].contains("name"));
    assert!(lines[3].contains("c-alpha") && lines[3].contains("Alpha Mart"));
    assert!(lines[5].contains("Theta"));
}

#[test]
fn sorting_is_typed_stable_and_puts_missing_last() {
    // value 9 sorts below 100 (numbers, not text); d-06 has no value and comes last.
    assert_eq!(
        out(&["list", "deals", "--sort", "value", "--format", "ids"]),
        "d-10\nd-02\nd-04\nd-03\nd-09\nd-08\nd-01\nd-05\nd-07\nd-06\n"
    );
    assert_eq!(
        out(&["list", "deals", "--sort", "-value", "--format", "ids", "--limit", "3"]),
        "d-07\nd-05\nd-01\n"
    );
    // Missing values come last in descending order too; ties keep folder order.
    assert_eq!(
        out(&[
            "list",
            "deals",
            "--sort",
            "-expected_close",
            "--format",
            "ids"
        ]),
        "d-03\nd-08\nd-01\nd-02\nd-09\nd-05\nd-04\nd-06\nd-07\nd-10\n"
    );
    // Stages sort by pipeline order, then by title within a stage.
    assert_eq!(
        out(&["list", "deals", "--sort", "stage,-title", "--format", "ids"]),
        "d-10\nd-06\nd-08\nd-04\nd-03\nd-05\nd-07\nd-01\nd-02\nd-09\n"
    );
    assert_eq!(
        out(&[
            "list",
            "deals",
            "--sort",
            "customer.name",
            "--format",
            "ids",
            "--where",
            "stage = won or stage = lost"
        ]),
        "d-01\nd-02\nd-07\nd-09\n"
    );
}

#[test]
fn bad_types_and_sorts_are_usage_errors() {
    crm().args(["list", "widgets"]).assert().code(2);
    crm()
        .args(["list", "deals", "--sort", "a..b"])
        .assert()
        .code(2);
}
