//! Lead scores (`[scoring]`, the `score` field, `crm score`) and NPS answers
//! (`crm log --nps`), on a small folder whose every figure is computed by hand below.

use crate::common;

use common::Folder;

/// Rules: fit `industry = cafe` 15 and `city = Jakarta` 5; engagement `direction =
/// inbound` 10 and `channel = meeting` 20; half-life 30 days; today 2026-11-22 (UTC).
///
/// - a-cafe (cafe, Jakarta): fit 15 + 5 = 20. Interactions: an inbound call today (age
///   0, weight 1): 10; an outbound meeting on 2026-10-23 (age 30, weight 0.5): 20 × 0.5
///   = 10; an inbound meeting on 2026-09-23 (age 60, weight 0.25): (10 + 20) × 0.25 =
///   7.5; an inbound call on 2026-11-25 is after today: nothing. Score 47.5.
/// - b-shop (retail, Bandung): an inbound WhatsApp on 2026-11-07 (age 15, weight
///   0.5^0.5 = 0.7071…): 7.0710678…; shown 7.1.
/// - c-lead (Jakarta, no interactions): 5.
fn folder() -> Folder {
    let f = Folder::new();
    let mut toml = f.read("crm.toml");
    toml.push_str(
        "\n[[scoring.fit]]\nwhere = \"industry = cafe\"\npoints = 15\n\n[[scoring.fit]]\nwhere = \"city = Jakarta\"\npoints = 5\n\n[[scoring.engagement]]\nwhere = \"direction = inbound\"\npoints = 10\n\n[[scoring.engagement]]\nwhere = \"channel = meeting\"\npoints = 20\n",
    );
    f.write("crm.toml", &toml);
    for (id, name, industry, city) in [
        ("a-cafe", "Kafe A", "cafe", "Jakarta"),
        ("b-shop", "Toko B", "retail", "Bandung"),
    ] {
        f.add(&[
            "customer",
            "--id",
            id,
            "--name",
            name,
            "--industry",
            industry,
            "--city",
            city,
        ]);
    }
    f.add(&[
        "customer", "--id", "c-lead", "--name", "Lead C", "--city", "Jakarta",
    ]);
    for (customer, channel, direction, at) in [
        ("a-cafe", "call", "inbound", "2026-11-22T09:00:00+00:00"),
        ("a-cafe", "meeting", "outbound", "2026-10-23T10:00:00+00:00"),
        ("a-cafe", "meeting", "inbound", "2026-09-23T10:00:00+00:00"),
        ("a-cafe", "call", "inbound", "2026-11-25T10:00:00+00:00"),
        ("b-shop", "whatsapp", "inbound", "2026-11-07T10:00:00+00:00"),
    ] {
        f.ok(&[
            "log",
            customer,
            "--channel",
            channel,
            "--direction",
            direction,
            "--at",
            at,
            "talked",
        ]);
    }
    f
}

#[test]
fn score_is_a_field_to_filter_sort_and_show() {
    let f = folder();
    assert_eq!(
        f.ok(&[
            "list",
            "customers",
            "--where",
            "score >= 6",
            "--sort",
            "-score",
            "--fields",
            "id,score",
            "--format",
            "csv"
        ]),
        format!(
            "id,score\na-cafe,47.5\nb-shop,{}\n",
            10.0 * 0.5f64.powf(0.5)
        )
    );
    // For people, one decimal.
    let table = f.ok(&[
        "list",
        "customers",
        "--sort",
        "-score",
        "--fields",
        "id,score",
        "--format",
        "markdown",
    ]);
    assert_eq!(
        table,
        "| id | score |\n|---|---|\n| a-cafe | 47.5 |\n| b-shop | 7.1 |\n| c-lead | 5.0 |\n"
    );
}

#[test]
fn crm_score_explains_each_rule() {
    let f = folder();
    assert_eq!(
        f.ok(&["score", "a-cafe", "--format", "csv"]),
        "Rule,Where,Points,Matched,Contribution\nfit 1,industry = cafe,15,1,15\nfit 2,city = Jakarta,5,1,5\nengagement 1,direction = inbound,10,2,12.5\nengagement 2,channel = meeting,20,2,15\nscore,,,,47.5\n"
    );
    // No rules: every score is 0, and crm says why.
    let g = Folder::new();
    g.add(&["customer", "--id", "x-1", "--name", "X"]);
    let out = g
        .crm()
        .args(["score", "x-1", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "Rule,Where,Points,Matched,Contribution\nscore,,,,0\n"
    );
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "no scoring rules are set (crm.toml's [scoring]): every score is 0\n"
    );
    // Asked not to be contacted: scored, and flagged.
    f.ok(&["set", "c-lead", "preferences.do_not_contact=true"]);
    let out = f
        .crm()
        .args(["score", "c-lead", "--format", "csv"])
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .ends_with("score,,,,5\n"));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "warning: c-lead asked not to be contacted (preferences.do_not_contact): scored, but not to be called\n"
    );
}

#[test]
fn a_bad_rule_is_named_with_its_line() {
    let f = folder();
    f.edit(
        "crm.toml",
        "where = \"city = Jakarta\"",
        "where = \"city = \"",
    );
    let (code, out) = f.check();
    assert_eq!(code, Some(1));
    let line = f
        .read("crm.toml")
        .lines()
        .position(|l| l == "where = \"city = \"")
        .unwrap()
        + 1;
    assert!(
        out.starts_with(&format!(
            "crm.toml:{line}:1: error: [[scoring.fit]] number 2: `where`: "
        )),
        "{out}"
    );
    let err = f.fails(1, &["score", "a-cafe"]);
    assert!(
        err.contains("crm.toml: [[scoring.fit]] number 2: `where`: "),
        "{err}"
    );
    // Wherever a score is asked for, the broken rule is the answer, never blank scores.
    for args in [
        &["list", "customers", "--where", "score >= 1"][..],
        &["list", "customers", "--sort", "-score"],
        &["list", "customers", "--fields", "id,score"],
        &["report", "funnel", "--where", "score >= 1"],
    ] {
        let err = f.fails(2, args);
        assert!(
            err.contains(
                "`score` cannot be computed: crm.toml: [[scoring.fit]] number 2: `where`: "
            ),
            "{args:?}: {err}"
        );
    }
    let err = f.fails(1, &["report", "leads"]);
    assert!(
        err.contains("crm.toml: [[scoring.fit]] number 2: `where`: "),
        "{err}"
    );
    // A rule cannot score by the score it makes.
    f.edit("crm.toml", "where = \"city = \"", "where = \"score >= 3\"");
    let err = f.fails(1, &["score", "a-cafe"]);
    assert!(
        err.contains(
            "[[scoring.fit]] number 2: `where`: invalid --where expression at column 1: `score` cannot be computed: a scoring rule cannot use the score it makes"
        ),
        "{err}"
    );
}

#[test]
fn nps_answers_are_logged_and_checked() {
    let f = folder();
    f.ok(&[
        "log",
        "a-cafe",
        "--nps",
        "3",
        "Too bitter this month",
        "--id",
        "nps-a1",
        "--at",
        "2026-11-18T10:00:00+00:00",
    ]);
    assert_eq!(
        f.read("interactions/2026/11/nps-a1.yaml"),
        "# yaml-language-server: $schema=../../../schema/interaction.schema.json\ncustomer: a-cafe\nat: 2026-11-18T10:00:00+00:00\nchannel: web\ndirection: inbound\nsummary: Too bitter this month\nnps: 3\n"
    );
    for bad in ["11", "-1", "7.5"] {
        let err = f.fails(1, &["log", "a-cafe", "--nps", bad, "x"]);
        assert_eq!(
            err,
            format!(
                "error: invalid value: field `nps`: {bad:?} is not a whole number from 0 to 10\n"
            )
        );
    }
    // Imports take an `nps` column, checked the same.
    f.write(
        "answers.csv",
        "customer,channel,at,nps,summary\na-cafe,web,2026-11-19T10:00:00+00:00,9,Great\nb-shop,web,2026-11-19T10:00:00+00:00,12,Bad\n",
    );
    let out = f
        .crm()
        .args(["import", "interactions", "answers.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: 1 bad row in answers.csv; nothing was imported\nanswers.csv:3:4: field `nps`: \"12\" is not a whole number from 0 to 10\n"
    );
}

/// The agenda lists a detractor (latest answer 0 to 6) until someone writes back: b-shop
/// answered 3 on 2026-11-18 with nothing outbound since; a-cafe answered 2 and was called
/// back the next day; c-lead's latest answer (9) replaced an earlier 4.
#[test]
fn detractors_are_due_until_someone_writes_back() {
    let f = folder();
    for (customer, n, at) in [
        ("b-shop", "3", "2026-11-18T10:00:00+00:00"),
        ("a-cafe", "2", "2026-11-10T10:00:00+00:00"),
        ("c-lead", "4", "2026-11-01T10:00:00+00:00"),
        ("c-lead", "9", "2026-11-15T10:00:00+00:00"),
    ] {
        f.ok(&["log", customer, "--nps", n, "--at", at, "answer"]);
    }
    f.ok(&[
        "log",
        "a-cafe",
        "--channel",
        "call",
        "--direction",
        "outbound",
        "--at",
        "2026-11-11T09:00:00+00:00",
        "Called back about the answer",
    ]);
    assert_eq!(
        f.ok(&["agenda", "--format", "csv"]),
        "Record,Due,Title,Why\ncustomer/b-shop,2026-11-18,Toko B,\"detractor, answered 3 on 2026-11-18\"\n"
    );
}

/// `crm report feedback` over November to the 22nd. Latest answers in the period: a-cafe
/// 10 (its 4 of the 5th replaced by the 12th's), b-shop 3, c-lead 9 (its 0 of October is
/// outside the period): 3 responses, 2 promoters, 0 passives, 1 detractor, NPS =
/// (2 − 1) / 3 × 100 = 33.3. The survey nps-nov reached the three (outbound sends) and
/// a-cafe and b-shop answered naming it: 2 / 3 = 66.7 %.
#[test]
fn the_feedback_report_by_hand() {
    let f = folder();
    f.add(&[
        "campaign",
        "--id",
        "nps-nov",
        "--name",
        "NPS November",
        "--channel",
        "email",
    ]);
    for c in ["a-cafe", "b-shop", "c-lead"] {
        f.ok(&[
            "log",
            c,
            "--channel",
            "email",
            "--direction",
            "outbound",
            "--campaign",
            "nps-nov",
            "--at",
            "2026-11-04T08:00:00+00:00",
            "survey sent",
        ]);
    }
    for (c, n, at, comment, campaign) in [
        (
            "a-cafe",
            "4",
            "2026-11-05T10:00:00+00:00",
            "Slow delivery",
            Some("nps-nov"),
        ),
        (
            "a-cafe",
            "10",
            "2026-11-12T10:00:00+00:00",
            "Much better now",
            None,
        ),
        (
            "b-shop",
            "3",
            "2026-11-18T10:00:00+00:00",
            "Too bitter this month",
            Some("nps-nov"),
        ),
        (
            "c-lead",
            "0",
            "2026-10-20T10:00:00+00:00",
            "Never arrived",
            None,
        ),
        (
            "c-lead",
            "9",
            "2026-11-15T10:00:00+00:00",
            "Lovely beans",
            None,
        ),
    ] {
        let mut args = vec!["log", c, "--nps", n, "--at", at, comment];
        if let Some(k) = campaign {
            args.extend(["--campaign", k]);
        }
        f.ok(&args);
    }
    assert_eq!(
        f.ok(&["report", "feedback", "--format", "csv"]),
        "section,row,column,value\n\
nps,responses,value,3\n\
nps,promoters,value,2\n\
nps,passives,value,0\n\
nps,detractors,value,1\n\
nps,nps,value,33.3\n\
nps,csat,value,\n\
surveys,1,campaign,nps-nov\n\
surveys,1,responders,2\n\
surveys,1,sent,3\n\
surveys,1,response_rate,0.6667\n\
detractors,1,customer,b-shop\n\
detractors,1,name,Toko B\n\
detractors,1,day,2026-11-18\n\
detractors,1,nps,3\n\
detractors,1,comment,Too bitter this month\n"
    );
    // The weekly page on Monday the 23rd: the week of the 16th has b-shop's 3 alone (NPS
    // -100); the week before, a-cafe's 10 and c-lead's 9 (NPS 100): a change of -200.
    let weekly = f
        .crm()
        .env("CRM_TODAY", "2026-11-23")
        .args(["report", "weekly", "--format", "markdown"])
        .output()
        .unwrap();
    let weekly = String::from_utf8(weekly.stdout).unwrap();
    assert!(
        weekly.contains("\n| nps | NPS | -100 | 100 | -200 |\n"),
        "{weekly}"
    );
}

/// `crm report leads` over November to the 22nd, with one fit rule (`source =
/// instagram`, 10). Leads created in the period: l1 (2 Nov, first outbound 2 Nov 09:30:
/// 9.5 h), l2 (10 Nov, first outbound 11 Nov 12:00: 36 h; a customer now), l3 (15 Nov,
/// never contacted): median and mean of 9.5 and 36 = 22.75, shown 22.8; 1 untouched.
/// Open leads (lead or prospect now): l1 (score 10), then l3 and l4 (0), by id; l4 was
/// created on 1 October, outside the period. By source: (none) 1 lead, score 0, none
/// converted; instagram 2 leads, average 10, 1 converted: 50 %.
#[test]
fn the_leads_report_by_hand() {
    let f = Folder::new();
    let mut toml = f.read("crm.toml");
    toml.push_str("\n[[scoring.fit]]\nwhere = \"source = instagram\"\npoints = 10\n");
    f.write("crm.toml", &toml);
    for (id, created, source, stage) in [
        ("l1", "2026-11-02", Some("instagram"), "lead"),
        ("l2", "2026-11-10", Some("instagram"), "lead"),
        ("l3", "2026-11-15", None, "lead"),
        ("l4", "2026-10-01", None, "prospect"),
    ] {
        let mut args = vec![
            "customer",
            "--id",
            id,
            "--name",
            id,
            "--created",
            created,
            "--stage",
            stage,
        ];
        if let Some(s) = source {
            args.extend(["--source", s]);
        }
        f.add(&args);
    }
    for (c, at) in [
        ("l1", "2026-11-02T09:30:00+00:00"),
        ("l2", "2026-11-11T12:00:00+00:00"),
    ] {
        f.ok(&[
            "log",
            c,
            "--channel",
            "call",
            "--direction",
            "outbound",
            "--at",
            at,
            "hello",
        ]);
    }
    f.ok(&["stage", "l2", "customer"]);
    assert_eq!(
        f.ok(&["report", "leads", "--format", "csv"]),
        "section,row,column,value\n\
speed_to_lead,new,value,3\n\
speed_to_lead,hours_median,value,22.8\n\
speed_to_lead,hours_mean,value,22.8\n\
speed_to_lead,untouched,value,1\n\
open_leads,1,customer,l1\nopen_leads,1,name,l1\nopen_leads,1,score,10\nopen_leads,1,age_days,20\nopen_leads,1,source,instagram\nopen_leads,1,owner,\nopen_leads,1,last_touch,2026-11-02\nopen_leads,1,next_action,\n\
open_leads,2,customer,l3\nopen_leads,2,name,l3\nopen_leads,2,score,0\nopen_leads,2,age_days,7\nopen_leads,2,source,\nopen_leads,2,owner,\nopen_leads,2,last_touch,\nopen_leads,2,next_action,\n\
open_leads,3,customer,l4\nopen_leads,3,name,l4\nopen_leads,3,score,0\nopen_leads,3,age_days,52\nopen_leads,3,source,\nopen_leads,3,owner,\nopen_leads,3,last_touch,\nopen_leads,3,next_action,\n\
by_source,1,source,(none)\nby_source,1,leads,1\nby_source,1,average_score,0\nby_source,1,converted,0\nby_source,1,conversion,0\n\
by_source,2,source,instagram\nby_source,2,leads,2\nby_source,2,average_score,10\nby_source,2,converted,1\nby_source,2,conversion,0.5\n"
    );
}

/// Exports carry the score as a last column (json: a key); importing the export back
/// leaves the column out and changes nothing.
#[test]
fn exports_carry_the_score_and_import_back_unchanged() {
    let f = folder();
    let csv = f.ok(&["export", "customers", "--fields", "id,score"]);
    assert_eq!(
        csv,
        format!(
            "id,score\na-cafe,47.5\nb-shop,{}\nc-lead,5\n",
            10.0 * 0.5f64.powf(0.5)
        )
    );
    let full = f.ok(&["export", "customers"]);
    assert!(full.lines().next().unwrap().ends_with(",score"), "{full}");
    let json: serde_json::Value =
        serde_json::from_str(&f.ok(&["export", "customers", "--format", "json"])).unwrap();
    assert_eq!(json[0]["score"], serde_json::json!(47.5));
    f.write("all.csv", &full);
    let before = f.snapshot();
    let out = f
        .crm()
        .args(["import", "customers", "all.csv"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "imported customers: created 0, updated 0, unchanged 3, skipped 0\n"
    );
    assert_eq!(f.snapshot(), before);
}
