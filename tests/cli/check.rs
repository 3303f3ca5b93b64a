//! `crm check` on broken folders: the exact findings in text, json and github formats.

use crate::common;

use common::Folder;

/// A folder holding just these files (plus the defaults of `crm init`).
fn folder(files: &[(&str, &str)]) -> Folder {
    let f = Folder::new();
    for (rel, text) in files {
        f.write(rel, text);
    }
    f
}

fn run(f: &Folder, format: &str) -> (i32, String, String) {
    let out = f
        .crm()
        .args(["check", "--format", format])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Checks the text output, then that json and github say the same.
fn expect(f: &Folder, code: i32, lines: &[(&str, usize, usize, &str, &str)]) {
    let (c, text, _) = run(f, "text");
    assert_eq!(c, code, "{text}");
    let want: String = lines
        .iter()
        .map(|(file, line, col, sev, msg)| format!("{file}:{line}:{col}: {sev}: {msg}\n"))
        .collect();
    assert_eq!(text, want);
    let (c, github, _) = run(f, "github");
    assert_eq!(c, code);
    let want: String = lines
        .iter()
        .map(|(file, line, col, sev, msg)| {
            format!("::{sev} file={file},line={line},col={col}::{msg}\n")
        })
        .collect();
    assert_eq!(github, want);
    let (c, json, _) = run(f, "json");
    assert_eq!(c, code);
    let got: serde_json::Value = serde_json::from_str(&json).unwrap();
    let want: Vec<serde_json::Value> = lines
        .iter()
        .map(|(file, line, col, sev, msg)| serde_json::json!({"file": file, "line": line, "column": col, "severity": sev, "message": msg}))
        .collect();
    assert_eq!(got, serde_json::Value::Array(want));
}

#[test]
fn a_clean_folder_passes() {
    let f = Folder::new();
    f.with_toko();
    let (code, out, err) = run(&f, "text");
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "", "check found no errors and 0 warnings\n")
    );
}

#[test]
fn files_that_do_not_parse_or_are_not_records() {
    let f = folder(&[
        ("customers/broken.yaml", "name: A\nstage: [lead\n"),
        ("customers/list.yaml", "- a\n- b\n"),
        ("customers/empty.yaml", ""),
        ("customers/notes.txt", "ignored"),
        (
            "deals/Bad Name.yaml",
            "title: T\ncustomer: nobody\nstage: new\n",
        ),
    ]);
    expect(&f, 1, &[
        ("customers/broken.yaml", 3, 1, "error", "does not parse as YAML: did not find expected ',' or ']', while parsing a flow sequence at line 2 column 8"),
        ("customers/empty.yaml", 1, 1, "error", "is empty, not a customer record"),
        ("customers/list.yaml", 1, 1, "error", "is a list, not a customer record (a record is a mapping of fields)"),
        ("deals/Bad Name.yaml", 1, 1, "error", "the file name is not a record id: invalid id \"Bad Name\": an id is lower-case letters, digits and '-', and starts with a letter or digit"),
        ("deals/Bad Name.yaml", 2, 11, "error", "field `customer`: no customer has the id \"nobody\""),
    ]);
}

#[test]
fn wrong_types_values_and_missing_fields() {
    let f = folder(&[
        ("customers/a.yaml", "name: A\nstage: won\nemail: not-mail\npreferences:\n  channel: email\n  consent: maybe\n"),
        ("deals/d.yaml", "customer: a\nstage: new\nvalue: abc\nprobability: 500\ncurrency: usd\n"),
        ("tickets/t.yaml", "subject: S\ncustomer: a\nsatisfaction: 9\nopened: yesterday\n"),
    ]);
    expect(&f, 1, &[
        ("customers/a.yaml", 2, 8, "error", "field `stage`: \"won\" is not a stage of the lifecycle in crm.toml (lead, prospect, customer, churned, disqualified)"),
        ("customers/a.yaml", 3, 8, "error", "field `email`: \"not-mail\" is not an e-mail address"),
        ("customers/a.yaml", 6, 12, "error", "field `preferences.consent`: expected true or false, found text \"maybe\""),
        ("deals/d.yaml", 1, 1, "error", "field `title`: is required"),
        ("deals/d.yaml", 3, 8, "error", "field `value`: expected a decimal amount, found text \"abc\""),
        ("deals/d.yaml", 4, 14, "error", "field `probability`: 500 is not a percentage from 0 to 100"),
        ("deals/d.yaml", 5, 11, "error", "field `currency`: \"usd\" is not an ISO 4217 currency code (three capital letters)"),
        ("tickets/t.yaml", 3, 15, "error", "field `satisfaction`: expected a whole number from 1 to 5, found a number \"9\""),
        ("tickets/t.yaml", 4, 9, "error", "field `opened`: \"yesterday\" is not a moment (RFC 3339, e.g. 2026-11-22T09:30:00+07:00, or a date YYYY-MM-DD)"),
    ]);
}

#[test]
fn references_duplicates_and_history() {
    let f = folder(&[
        ("customers/a.yaml", "name: A\nstage: lead\nemail: Same@x.co\norganisation: ghost\nsource: spring-sale-k7q2\n"),
        ("customers/b.yaml", "name: B\nstage: prospect\nemail: same@X.co\nsource: trade fair\nhistory:\n- stage: prospect\n  at: 2026-11-02T00:00:00+00:00\n- stage: lead\n  at: 2026-11-01T00:00:00+00:00\n- stage: vip\n  at: 2026-11-03T00:00:00+00:00\n"),
        ("customers/enterprise/a.yaml", "name: A again\nstage: lead\n"),
        ("deals/d.yaml", "title: D\ncustomer: a\nstage: won\ncampaign: nope\n"),
        ("tickets/t.yaml", "subject: S\ncustomer: a\ndeal: gone\n"),
        ("interactions/2026/10/i.yaml", "customer: a\nat: 2026-11-05T10:00:00+00:00\nchannel: call\nticket: t\n"),
    ]);
    expect(&f, 1, &[
        ("customers/a.yaml", 4, 15, "error", "field `organisation`: no customer has the id \"ghost\""),
        ("customers/a.yaml", 5, 9, "warning", "field `source`: \"spring-sale-k7q2\" looks like a campaign id, but no campaign has it"),
        ("customers/b.yaml", 2, 8, "warning", "field `stage`: \"prospect\", but the history's last entry moves to \"vip\" (a merge or an edit that changed one and not the other; `crm stage` sets both)"),
        ("customers/b.yaml", 3, 8, "error", "e-mail \"same@X.co\" is also the e-mail of customer a"),
        ("customers/b.yaml", 5, 1, "error", "field `history[2].stage`: \"vip\" is not a stage in crm.toml"),
        ("customers/b.yaml", 5, 1, "error", "field `history`: entry 1 (2026-11-01 00:00:00 +00:00) is earlier than the entry before it (2026-11-02 00:00:00 +00:00); history is kept in time order"),
        ("customers/enterprise/a.yaml", 1, 1, "error", "id a is also used by customers/a.yaml"),
        ("deals/d.yaml", 3, 8, "warning", "deal is won but has no `closed` date"),
        ("deals/d.yaml", 4, 11, "error", "field `campaign`: no campaign has the id \"nope\""),
        ("interactions/2026/10/i.yaml", 2, 5, "warning", "an interaction of 2026-11 is filed under 2026/10"),
        ("tickets/t.yaml", 3, 7, "error", "field `deal`: no deal has the id \"gone\""),
    ]);
}

#[test]
fn warnings_alone_exit_zero() {
    let f = folder(&[
        ("deals/d.yaml", "title: D\ncustomer: c\nstage: lost\n"),
        ("customers/c.yaml", "name: C\nstage: lead\n"),
    ]);
    expect(
        &f,
        0,
        &[(
            "deals/d.yaml",
            3,
            8,
            "warning",
            "deal is lost but has no `closed` date",
        )],
    );
    let (_, _, err) = run(&f, "text");
    assert_eq!(err, "check found no errors and 1 warning\n");
}

#[test]
fn a_bad_crm_toml() {
    let f = folder(&[(
        "crm.toml",
        "name = \"x\"\n\n[[pipeline]]\nname = \"new\"\nprobability = 500\n",
    )]);
    expect(
        &f,
        1,
        &[(
            "crm.toml",
            5,
            15,
            "error",
            "500 is not a percentage from 0 to 100",
        )],
    );
    let (_, _, err) = run(&f, "text");
    assert_eq!(err, "error: check found 1 error and 0 warnings\n");
}

#[test]
fn paths_are_relative_to_where_crm_runs() {
    let f = Folder::empty();
    f.crm().args(["init", "crm"]).assert().success();
    f.write("crm/deals/d.yaml", "title: D\ncustomer: c\nstage: new\n");
    let out = f
        .crm()
        .args(["-C", "crm", "check", "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "::error file=crm/deals/d.yaml,line=2,col=11::field `customer`: no customer has the id \"c\"\n"
    );
}
