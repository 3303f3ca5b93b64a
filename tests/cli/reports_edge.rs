//! Reports on an empty folder and on a one-record folder (no division by zero
//! anywhere), every format, periods, --where, bars, and byte-identical repeat runs.

use crate::common;

use common::Folder;
use serde_json::{json, Value};

const REPORTS: [&str; 6] = [
    "funnel",
    "pipeline",
    "campaigns",
    "service",
    "customers",
    "weekly",
];

fn json_of(f: &Folder, args: &[&str]) -> Value {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    serde_json::from_str(&f.ok(&all)).unwrap()
}

#[test]
fn an_empty_folder_gives_zeros_and_nulls() {
    let f = Folder::new();
    let funnel = json_of(&f, &["funnel"]);
    assert_eq!(
        funnel["sections"]["acquire"]["rows"],
        json!([
            {"stage": "lead", "reached": 0}, {"stage": "prospect", "reached": 0}, {"stage": "customer", "reached": 0}
        ])
    );
    assert_eq!(
        funnel["sections"]["conversion"]["rows"][0]["rate"],
        Value::Null
    );
    assert_eq!(
        funnel["sections"]["retain"]["figures"]["retention_rate"],
        Value::Null
    );
    assert_eq!(
        funnel["sections"]["enhance"]["figures"]["csat"],
        Value::Null
    );
    assert_eq!(
        funnel["sections"]["enhance"]["figures"]["revenue_per_customer"],
        Value::Null
    );
    assert_eq!(
        funnel["sections"]["enhance"]["figures"]["won_value"],
        json!({})
    );
    let p = json_of(&f, &["pipeline"]);
    let closed = &p["sections"]["closed"]["figures"];
    assert_eq!(closed["won"], json!(0));
    assert_eq!(closed["win_rate"], Value::Null);
    assert_eq!(closed["cycle_days_median"], Value::Null);
    assert_eq!(closed["cycle_days_mean"], Value::Null);
    assert_eq!(closed["sales_velocity"], Value::Null);
    assert_eq!(p["sections"]["forecast"]["rows"], json!([]));
    assert_eq!(
        json_of(&f, &["campaigns"])["sections"]["campaigns"]["rows"],
        json!([])
    );
    let s = json_of(&f, &["service"]);
    assert_eq!(
        s["sections"]["tickets"]["figures"]["first_response_hours_median"],
        Value::Null
    );
    assert_eq!(
        s["sections"]["sla"]["rows"][0],
        json!({"priority": "urgent", "opened": 0, "first_response": null, "resolution": null})
    );
    let c = json_of(&f, &["customers"]);
    assert_eq!(c["sections"]["rfm"]["rows"], json!([]));
    assert_eq!(c["sections"]["cross_sell"]["rows"], json!([]));
    let w = json_of(&f, &["weekly"]);
    assert_eq!(
        w["period"],
        json!({"since": "2026-11-09", "until": "2026-11-15"})
    );
    assert_eq!(
        w["sections"]["headline"]["rows"][6],
        json!({
            "id": "win_rate", "figure": "Win rate", "this_week": null, "previous_week": null, "change": null
        })
    );
    // Every report renders in every format without a NaN, inf or panic.
    for r in REPORTS {
        for format in ["table", "markdown", "json", "csv"] {
            let out = f.ok(&["report", r, "--format", format]);
            assert!(
                !out.contains("NaN") && !out.contains("inf"),
                "{r} {format}: {out}"
            );
        }
    }
}

#[test]
fn a_one_record_folder() {
    let f = Folder::new();
    f.ok(&[
        "add",
        "deal",
        "Lonely",
        "--customer",
        &f.add(&["customer", "Solo", "--id", "solo"]),
        "--value",
        "100",
        "--id",
        "lonely",
    ]);
    f.ok(&["stage", "lonely", "won"]);
    let c = json_of(&f, &["customers"]);
    // One customer: every score is 5, so a Champion.
    assert_eq!(
        c["sections"]["rfm"]["rows"],
        json!([{
            "customer": "solo", "name": "Solo", "recency_days": 0, "frequency": 1, "monetary": {"USD": 100},
            "r": 5, "f": 5, "m": 5, "segment": "Champions"
        }])
    );
    let p = json_of(&f, &["pipeline"]);
    assert_eq!(p["sections"]["closed"]["figures"]["win_rate"], json!(1));
    assert_eq!(
        p["sections"]["closed"]["figures"]["cycle_days_mean"],
        json!(0)
    );
    // No open deal and a zero-day cycle: velocity divides by zero days, so n/a.
    assert_eq!(
        p["sections"]["closed"]["figures"]["sales_velocity"],
        Value::Null
    );
    let funnel = json_of(&f, &["funnel"]);
    assert_eq!(
        funnel["sections"]["acquire"]["rows"][0],
        json!({"stage": "lead", "reached": 1})
    );
    assert_eq!(
        funnel["sections"]["retain"]["figures"]["retention_rate"],
        Value::Null
    );
    for r in REPORTS {
        f.ok(&["report", r, "--format", "table"]);
    }
}

fn fixture(args: &[&str]) -> String {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    common::fixture_ok("reports", &all)
}

#[test]
fn json_and_csv_read_back() {
    let v: Value = serde_json::from_str(&fixture(&["pipeline", "--format", "json"])).unwrap();
    assert_eq!(v["report"], json!("pipeline"));
    assert_eq!(v["as_of"], json!("2026-11-22"));
    assert_eq!(v["sections"]["closed"]["figures"]["win_rate"], json!(0.5));
    assert_eq!(
        v["sections"]["closed"]["figures"]["sales_velocity"],
        json!({"USD": 242.42})
    );
    assert_eq!(
        v["sections"]["open_by_stage"]["rows"][4]["value"],
        json!({"EUR": 1000, "USD": 10000, "converted": {"currency": "USD", "amount": 11500}})
    );
    let text = fixture(&["service", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        r.headers().unwrap(),
        vec!["section", "row", "column", "value"]
    );
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(rows[0], vec!["tickets", "opened", "value", "7"]);
    assert_eq!(
        rows[4],
        vec!["tickets", "first_response_hours_mean", "value", "3.1"]
    );
    assert_eq!(rows[7], vec!["tickets", "csat", "value", "0.4"]);
    assert!(rows.contains(&vec![
        "sla".into(),
        "4".into(),
        "resolution".into(),
        "".into()
    ]));
}

#[test]
fn the_same_folder_and_day_give_the_same_bytes() {
    for r in REPORTS {
        for format in ["table", "markdown", "json", "csv"] {
            assert_eq!(
                fixture(&[r, "--format", format]),
                fixture(&[r, "--format", format]),
                "{r} {format}"
            );
        }
    }
}

#[test]
fn periods_can_be_named() {
    let v: Value = serde_json::from_str(&fixture(&[
        "pipeline", "--week", "2026-W46", "--format", "json",
    ]))
    .unwrap();
    assert_eq!(
        v["period"],
        json!({"since": "2026-11-09", "until": "2026-11-15"})
    );
    // Week 46: won d04 and d06, lost d11.
    assert_eq!(v["sections"]["closed"]["figures"]["won"], json!(2));
    assert_eq!(v["sections"]["closed"]["figures"]["lost"], json!(1));
    let v: Value = serde_json::from_str(&fixture(&[
        "pipeline",
        "--quarter",
        "2026-Q1",
        "--format",
        "json",
    ]))
    .unwrap();
    // Q1: won d01 (Mar 1) and d13 (Mar 20, EUR); lost d16 (Jan 15).
    assert_eq!(
        v["sections"]["closed"]["figures"]["won_value"],
        json!({"EUR": 2000, "USD": 9000, "converted": {"currency": "USD", "amount": 12000}})
    );
    assert_eq!(
        v["sections"]["lost_reasons"]["rows"],
        json!([{"reason": "budget", "deals": 1}])
    );
    let v: Value = serde_json::from_str(&fixture(&[
        "service",
        "--since",
        "2026-10-01",
        "--until",
        "2026-10-31",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(v["sections"]["tickets"]["figures"]["opened"], json!(2));
    let v: Value = serde_json::from_str(&fixture(&[
        "funnel", "--month", "2026-03", "--format", "json",
    ]))
    .unwrap();
    // March: c13 became a lead and a customer; c01 a customer.
    assert_eq!(
        v["sections"]["acquire"]["rows"][2],
        json!({"stage": "customer", "reached": 2})
    );
    let err = common::stderr_of(
        common::fixture("reports").args(["report", "funnel", "--week", "2026-47"]),
        2,
    );
    assert!(
        err.contains("--week \"2026-47\": expected YYYY-Www, e.g. 2026-W47"),
        "{err}"
    );
    let err = common::stderr_of(
        common::fixture("reports").args([
            "report", "funnel", "--month", "2026-11", "--week", "2026-W47",
        ]),
        2,
    );
    assert!(err.contains("give one period"), "{err}");
}

#[test]
fn where_restricts_what_the_report_sees() {
    // Funnel of ayu's customers only: c01 c03 c04; their deals and tickets follow them.
    let v: Value = serde_json::from_str(&fixture(&[
        "funnel",
        "--where",
        "owner = ayu",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(
        v["sections"]["acquire"]["rows"][0],
        json!({"stage": "lead", "reached": 1})
    );
    assert_eq!(
        v["sections"]["retain"]["figures"]["customers_at_start"],
        json!(2)
    );
    assert_eq!(v["sections"]["retain"]["figures"]["churned"], json!(1));
    assert_eq!(
        v["sections"]["enhance"]["figures"]["won_value"],
        json!({"USD": 3700})
    );
    // Pipeline of deals whose customer is in retail: c01 and c02's deals.
    let v: Value = serde_json::from_str(&fixture(&[
        "pipeline",
        "--where",
        "customer.industry = retail",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(v["sections"]["closed"]["figures"]["won"], json!(2));
    assert_eq!(v["sections"]["closed"]["figures"]["lost"], json!(0));
    assert_eq!(v["sections"]["open_by_stage"]["rows"][4]["deals"], json!(0));
    let err = common::stderr_of(
        common::fixture("reports").args(["report", "pipeline", "--where", "value > lots"]),
        2,
    );
    assert!(
        err.contains("field `value` holds numbers; `lots` is not a number"),
        "{err}"
    );
}

#[test]
fn table_format_draws_bars() {
    let text = fixture(&["funnel", "--format", "table"]);
    assert!(
        text.contains("│ lead     ┆ 6       ┆ ████████████████████ │"),
        "{text}"
    );
    assert!(
        text.contains("│ customer ┆ 2       ┆ ███████              │"),
        "{text}"
    );
    let plain = fixture(&["funnel", "--format", "table", "--color", "never"]);
    assert!(plain.contains("┆ ####################"), "{plain}");
    let out = common::fixture("reports")
        .env("NO_COLOR", "1")
        .args(["report", "pipeline", "--format", "table"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("│ all open    ┆ 4     ┆"), "{text}");
    assert!(text.contains("####################"), "{text}");
    assert!(!text.contains('█'));
}

/// Five customers, four of whom bought once: those four tie on frequency and share the
/// tie's *lower* quintile, ⌈5 × (0 + 1) / 5⌉ = 1, where the higher one would have made
/// them F=4 and the one-time buyers with the best recency Champions.
#[test]
fn rfm_ties_share_the_lower_score() {
    let f = Folder::new();
    let won = |id: &str, customer: &str, closed: &str, value: u32| {
        f.write(
            &format!("deals/{id}.yaml"),
            &format!(
                "title: {id}\ncustomer: {customer}\nstage: won\nvalue: {value}\n\
                 currency: USD\nclosed: {closed}\ncreated: 2026-01-01\n"
            ),
        );
    };
    for (i, c) in ["a", "b", "c", "d", "e"].iter().enumerate() {
        f.write(
            &format!("customers/{c}.yaml"),
            &format!("name: {c}\nstage: customer\ncreated: 2026-01-01\n"),
        );
        // Recency 1..5 days, a before e; monetary 100..500, e highest.
        let day = format!("2026-11-{:02}", 21 - i);
        won(&format!("{c}-1"), c, &day, 100 * (i as u32 + 1));
    }
    // e bought twice more, earlier: three deals in the year.
    won("e-2", "e", "2026-06-01", 1);
    won("e-3", "e", "2026-07-01", 1);
    let c = json_of(&f, &["customers"]);
    let scores: Vec<(String, i64, i64, i64, String)> = c["sections"]["rfm"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["customer"].as_str().unwrap().to_string(),
                r["r"].as_i64().unwrap(),
                r["f"].as_i64().unwrap(),
                r["m"].as_i64().unwrap(),
                r["segment"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let row = |c: &str, r, fr, m, s: &str| (c.to_string(), r, fr, m, s.to_string());
    assert_eq!(
        scores,
        vec![
            row("e", 1, 5, 5, "Can't Lose Them"),
            row("d", 2, 1, 4, "Hibernating"),
            row("c", 3, 1, 3, "About To Sleep"),
            row("b", 4, 1, 2, "Promising"),
            row("a", 5, 1, 1, "New"),
        ]
    );
}
