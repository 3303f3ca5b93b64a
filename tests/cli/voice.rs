//! Lead scores, the voice of the customer and breakdowns (`--by`) on one folder of 30
//! customers whose every figure is worked out by hand below. Today is 2026-11-30 (UTC);
//! the period is November 2026 unless a test says otherwise.
//!
//! Customers c01–c30:
//!
//! | ids       | industry | city    | source    | stage now, history                          |
//! |-----------|----------|---------|-----------|---------------------------------------------|
//! | c01–c05   | cafe     | Jakarta | instagram | lead 2026-06-01, customer 2026-07-01        |
//! | c06–c10   | roastery | Jakarta | instagram | the same                                    |
//! | c11–c12   | cafe     | Jakarta | referral  | the same                                    |
//! | c13–c14   | cafe     | Jakarta | referral  | lead 2026-09-01, customer 2026-11-10        |
//! | c15       | cafe     | Jakarta | referral  | lead 2026-09-01                             |
//! | c16–c20   | roastery | Bandung | referral  | lead 2026-09-01                             |
//! | c21–c22   | cafe     | Bandung | web       | lead 2026-11-05, customer 2026-11-20        |
//! | c23       | cafe     | Bandung | web       | lead 2026-11-05, prospect 2026-11-10        |
//! | c24–c26   | roastery | Bandung | web       | lead 2026-11-05                             |
//! | c27–c30   | (none)   | Bandung | (none)    | lead 2026-11-05                             |
//!
//! c05 churned on 2026-11-15. `sector` (a custom field) is retail for odd ids and
//! hospitality for even ones, none for c29–c30. Tags: c01–c03 [vip], c04 [vip, b2b],
//! c11 [b2b].
//!
//! Interactions (UTC): c01 inbound call 11-30, outbound meeting 10-31; c02 inbound
//! meeting 10-31; c03 inbound WhatsApp 10-01, outbound e-mail 11-30 08:00; c04 outbound
//! e-mail 11-30; c06 inbound e-mail 11-15; c07 outbound meeting 11-30; c08 outbound
//! call 11-30; c16 inbound call 12-02 (after today: it does not count).
//!
//! NPS answers (inbound, web; 11-30 10:00 unless said): c01 6 on 10-31 and 10; c02 9; c03
//! 3; c04 8; c06 7; c11 10; c12 0; c13 4 at 09:00 and 9 at 12:00; c21 10; c24 5; c27 9.
//!
//! Deals (USD): d01 c01 won 1000, created 10-11, closed 11-10; d02 c02 won 2000, 11-02 →
//! 11-12; d03 c03 won 3000, 11-10 → 11-20; d04 c04 lost 4000, 11-01 → 11-15; d05 c13
//! won 5000, 10-01 → 11-10; d06 c21 won 6000, 11-06 → 11-20; d07 c22 lost 7000, 11-06
//! → 11-25; d08 c06 proposal 8000; d09 c07 new 10000; d10 c01 won 500, 10-01 → 10-20;
//! d11 c29 new 100.
//!
//! Tickets: t1 c01 complaint [delivery], opened 11-02 09:00, resolved 11-03 09:00 (24 h),
//! rated 5; t2 c02 complaint [delivery, quality], 11-05 10:00 → 16:00 (6 h), rated 2; t3
//! c06 question [billing], 11-10 08:00 → 20:00 (12 h), rated 4; t4 c11 complaint
//! [quality], opened 11-20 08:00, open (past its 72-hour target: c11 is at risk); t5 c24
//! complaint, opened 10-20, resolved 11-02, rated 4.

use crate::common;

use common::Folder;

const TODAY: &str = "2026-11-30";

/// The fixture's customers: (ids, industry, city, source, history as (stage, day)).
type Rows = &'static [(
    std::ops::RangeInclusive<u32>,
    Option<&'static str>,
    &'static str,
    Option<&'static str>,
    &'static [(&'static str, &'static str)],
)];

/// A deal: id, customer, stage, value, (created, closed) in 2026 when closed.
type DealRow = (
    &'static str,
    Option<&'static str>,
    &'static str,
    u32,
    Option<(&'static str, &'static str)>,
);
/// A ticket: id, customer, kind, tags, opened, resolved, rating.
type TicketRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<u8>,
);

const OLD: &[(&str, &str)] = &[("lead", "2026-06-01"), ("customer", "2026-07-01")];
const CUSTOMERS: Rows = &[
    (1..=5, Some("cafe"), "Jakarta", Some("instagram"), OLD),
    (6..=10, Some("roastery"), "Jakarta", Some("instagram"), OLD),
    (11..=12, Some("cafe"), "Jakarta", Some("referral"), OLD),
    (
        13..=14,
        Some("cafe"),
        "Jakarta",
        Some("referral"),
        &[("lead", "2026-09-01"), ("customer", "2026-11-10")],
    ),
    (
        15..=15,
        Some("cafe"),
        "Jakarta",
        Some("referral"),
        &[("lead", "2026-09-01")],
    ),
    (
        16..=20,
        Some("roastery"),
        "Bandung",
        Some("referral"),
        &[("lead", "2026-09-01")],
    ),
    (
        21..=22,
        Some("cafe"),
        "Bandung",
        Some("web"),
        &[("lead", "2026-11-05"), ("customer", "2026-11-20")],
    ),
    (
        23..=23,
        Some("cafe"),
        "Bandung",
        Some("web"),
        &[("lead", "2026-11-05"), ("prospect", "2026-11-10")],
    ),
    (
        24..=26,
        Some("roastery"),
        "Bandung",
        Some("web"),
        &[("lead", "2026-11-05")],
    ),
    (27..=30, None, "Bandung", None, &[("lead", "2026-11-05")]),
];

/// Scoring rules: fit `industry = cafe` 10 and `city = Jakarta` 5; engagement
/// `direction = inbound` 8 and `channel = meeting` 4; half-life 30 days.
fn voice() -> Folder {
    let f = Folder::new();
    let toml = f.read("crm.toml").replace(
        "[fields.customer]\n",
        "[fields.customer]\nsector = \"string\"\n",
    );
    f.write(
        "crm.toml",
        &format!(
            "{toml}\n[[scoring.fit]]\nwhere = \"industry = cafe\"\npoints = 10\n\n\
             [[scoring.fit]]\nwhere = \"city = Jakarta\"\npoints = 5\n\n\
             [[scoring.engagement]]\nwhere = \"direction = inbound\"\npoints = 8\n\n\
             [[scoring.engagement]]\nwhere = \"channel = meeting\"\npoints = 4\n"
        ),
    );
    for (ids, industry, city, source, history) in CUSTOMERS {
        for n in ids.clone() {
            let mut y = format!("name: Customer {n:02}\ncity: {city}\n");
            if let Some(i) = industry {
                y += &format!("industry: {i}\n");
            }
            if let Some(s) = source {
                y += &format!("source: {s}\n");
            }
            if n <= 28 {
                let sector = if n % 2 == 1 { "retail" } else { "hospitality" };
                y += &format!("sector: {sector}\n");
            }
            let tags = match n {
                1..=3 => "[vip]",
                4 => "[vip, b2b]",
                11 => "[b2b]",
                _ => "",
            };
            if !tags.is_empty() {
                y += &format!("tags: {tags}\n");
            }
            let mut stages: Vec<(&str, &str)> = history.to_vec();
            if n == 5 {
                stages.push(("churned", "2026-11-15"));
            }
            y += &format!("stage: {}\nhistory:\n", stages.last().unwrap().0);
            for (stage, day) in &stages {
                y += &format!("- stage: {stage}\n  at: {day}T00:00:00+00:00\n");
            }
            y += &format!("created: {}\n", stages[0].1);
            f.write(&format!("customers/c{n:02}.yaml"), &y);
        }
    }
    let touches: &[(&str, &str, &str, &str, Option<u8>)] = &[
        ("c01", "call", "inbound", "11-30T09:00", None),
        ("c01", "meeting", "outbound", "10-31T09:00", None),
        ("c02", "meeting", "inbound", "10-31T09:00", None),
        ("c03", "whatsapp", "inbound", "10-01T09:00", None),
        ("c03", "email", "outbound", "11-30T08:00", None),
        ("c04", "email", "outbound", "11-30T09:00", None),
        ("c06", "email", "inbound", "11-15T09:00", None),
        ("c07", "meeting", "outbound", "11-30T09:00", None),
        ("c08", "call", "outbound", "11-30T09:00", None),
        ("c16", "call", "inbound", "12-02T09:00", None),
        ("c01", "web", "inbound", "10-31T10:00", Some(6)),
        ("c01", "web", "inbound", "11-30T10:00", Some(10)),
        ("c02", "web", "inbound", "11-30T10:00", Some(9)),
        ("c03", "web", "inbound", "11-30T10:00", Some(3)),
        ("c04", "web", "inbound", "11-30T10:00", Some(8)),
        ("c06", "web", "inbound", "11-30T10:00", Some(7)),
        ("c11", "web", "inbound", "11-30T10:00", Some(10)),
        ("c12", "web", "inbound", "11-30T10:00", Some(0)),
        ("c13", "web", "inbound", "11-30T09:00", Some(4)),
        ("c13", "web", "inbound", "11-30T12:00", Some(9)),
        ("c21", "web", "inbound", "11-30T10:00", Some(10)),
        ("c24", "web", "inbound", "11-30T10:00", Some(5)),
        ("c27", "web", "inbound", "11-30T10:00", Some(9)),
    ];
    for (k, (customer, channel, direction, at, nps)) in touches.iter().enumerate() {
        let mut y = format!(
            "customer: {customer}\nat: 2026-{at}:00+00:00\nchannel: {channel}\n\
             direction: {direction}\nsummary: touch {k}\n"
        );
        if let Some(n) = nps {
            y += &format!("nps: {n}\n");
        }
        f.write(&format!("interactions/2026/i{k:02}.yaml"), &y);
    }
    let deals: &[DealRow] = &[
        ("d01", Some("c01"), "won", 1000, Some(("10-11", "11-10"))),
        ("d02", Some("c02"), "won", 2000, Some(("11-02", "11-12"))),
        ("d03", Some("c03"), "won", 3000, Some(("11-10", "11-20"))),
        ("d04", Some("c04"), "lost", 4000, Some(("11-01", "11-15"))),
        ("d05", Some("c13"), "won", 5000, Some(("10-01", "11-10"))),
        ("d06", Some("c21"), "won", 6000, Some(("11-06", "11-20"))),
        ("d07", Some("c22"), "lost", 7000, Some(("11-06", "11-25"))),
        ("d08", Some("c06"), "proposal", 8000, None),
        ("d09", Some("c07"), "new", 10000, None),
        ("d10", Some("c01"), "won", 500, Some(("10-01", "10-20"))),
        ("d11", Some("c29"), "new", 100, None),
    ];
    for (id, customer, stage, value, days) in deals {
        let mut y = format!("title: Deal {id}\nstage: {stage}\nvalue: {value}\n");
        if let Some(c) = customer {
            y += &format!("customer: {c}\n");
        }
        match days {
            Some((created, closed)) => {
                y += &format!("closed: 2026-{closed}\ncreated: 2026-{created}\n");
            }
            None => y += "created: 2026-11-01\n",
        }
        f.write(&format!("deals/{id}.yaml"), &y);
    }
    let tickets: &[TicketRow] = &[
        (
            "t1",
            "c01",
            "complaint",
            "[delivery]",
            "11-02T09:00",
            Some("11-03T09:00"),
            Some(5),
        ),
        (
            "t2",
            "c02",
            "complaint",
            "[delivery, quality]",
            "11-05T10:00",
            Some("11-05T16:00"),
            Some(2),
        ),
        (
            "t3",
            "c06",
            "question",
            "[billing]",
            "11-10T08:00",
            Some("11-10T20:00"),
            Some(4),
        ),
        (
            "t4",
            "c11",
            "complaint",
            "[quality]",
            "11-20T08:00",
            None,
            None,
        ),
        (
            "t5",
            "c24",
            "complaint",
            "[]",
            "10-20T08:00",
            Some("11-02T08:00"),
            Some(4),
        ),
    ];
    for (id, customer, kind, tags, opened, resolved, rating) in tickets {
        let mut y = format!(
            "subject: Ticket {id}\ncustomer: {customer}\nkind: {kind}\ntags: {tags}\n\
             opened: 2026-{opened}:00+00:00\n"
        );
        match resolved {
            Some(r) => y += &format!("status: resolved\nresolved: 2026-{r}:00+00:00\n"),
            None => y += "status: open\n",
        }
        if let Some(s) = rating {
            y += &format!("satisfaction: {s}\n");
        }
        y += &format!("created: 2026-{}\n", &opened[..5]);
        f.write(&format!("tickets/{id}.yaml"), &y);
    }
    f
}

fn run(f: &Folder, args: &[&str]) -> String {
    let out = f.crm().env("CRM_TODAY", TODAY).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "crm {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_fixture_is_a_valid_folder() {
    let f = voice();
    let out = f
        .crm()
        .env("CRM_TODAY", TODAY)
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Fit: cafe and Jakarta (c01–c05, c11–c15) 15; cafe in Bandung (c21–c23) 10; roastery
/// in Jakarta (c06–c10) 5; the rest 0. Engagement, weight 0.5^(age / 30): age 0 → 1,
/// age 15 → 0.7071…, age 30 → 0.5, age 60 → 0.25; every NPS answer is an inbound
/// interaction (8).
///
/// - c01: call 11-30 8 + meeting 10-31 4 × 0.5 + answer 10-31 8 × 0.5 + answer 11-30 8
///   = 22: 37.
/// - c02: inbound meeting 10-31 (8 + 4) × 0.5 + answer 8 = 14: 29.
/// - c03: WhatsApp 10-01 8 × 0.25 + answer 8 = 10: 25. c04: answer 8: 23.
/// - c13: two answers 16: 31. c11, c12: one answer: 23. c05, c14, c15: 15.
/// - c06: e-mail 11-15 8 × 0.7071… + answer 8 = 13.657…: 18.657 (18.7).
/// - c21: 10 + 8 = 18. c22, c23: 10. c07: meeting 11-30 4: 9. c24, c27: 8.
/// - c08–c10: 5. c16 (its call is after today), c17–c20, c25, c26, c28–c30: 0.
#[test]
fn thirty_scores_by_hand() {
    let f = voice();
    let out = run(
        &f,
        &[
            "list",
            "customers",
            "--sort",
            "-score,id",
            "--fields",
            "id,score",
            "--format",
            "tsv",
        ],
    );
    // Exact in machine formats: c06 is 5 + 8 × 2^-0.5 + 8.
    let want = "id\tscore\n\
c01\t37\nc13\t31\nc02\t29\nc03\t25\nc04\t23\nc11\t23\nc12\t23\n\
c06\t18.65685424949238\nc21\t18\nc05\t15\nc14\t15\nc15\t15\nc22\t10\nc23\t10\nc07\t9\n\
c24\t8\nc27\t8\nc08\t5\nc09\t5\nc10\t5\n\
c16\t0\nc17\t0\nc18\t0\nc19\t0\nc20\t0\nc25\t0\nc26\t0\nc28\t0\nc29\t0\nc30\t0\n";
    assert_eq!(out, want);
    // Open leads worth a call: lead or prospect, score 8 or more.
    assert_eq!(
        run(
            &f,
            &[
                "list",
                "customers",
                "--where",
                "stage in (lead, prospect) and score >= 8",
                "--sort",
                "-score,id",
                "--format",
                "ids"
            ]
        ),
        "c15\nc23\nc24\nc27\n"
    );
}

/// November's answers, each customer's latest: promoters c01 (10, its 6 was in October),
/// c02, c11, c13 (9 at 12:00 over 4 at 09:00), c21, c27 = 6; passives c04, c06 = 2;
/// detractors c03, c12, c24 = 3; 11 responses: NPS (6 − 3) / 11 × 100 = 27.3.
/// CSAT over tickets resolved in November: t1 5, t2 2, t3 4, t5 4: 3 of 4 = 0.75.
/// Tickets opened in November by kind: complaint t1, t2, t4: 3, 2 resolved, median of
/// 24 and 6 hours = 15; question t3: 1, 1, 12. By tag: delivery t1, t2: 2, 2, 15;
/// quality t2, t4: 2, 1, 6; billing t3: 1, 1, 12 (t5 was opened in October).
#[test]
fn the_voice_of_the_customer_by_hand() {
    let f = voice();
    let out = run(&f, &["report", "feedback", "--format", "csv"]);
    let want = "section,row,column,value\n\
nps,responses,value,11\n\
nps,promoters,value,6\n\
nps,passives,value,2\n\
nps,detractors,value,3\n\
nps,nps,value,27.3\n\
nps,csat,value,0.75\n\
complaints_by_kind,1,kind,complaint\n\
complaints_by_kind,1,tickets,3\n\
complaints_by_kind,1,resolved,2\n\
complaints_by_kind,1,resolution_hours_median,15\n\
complaints_by_kind,2,kind,question\n\
complaints_by_kind,2,tickets,1\n\
complaints_by_kind,2,resolved,1\n\
complaints_by_kind,2,resolution_hours_median,12\n\
complaints_by_tag,1,tag,delivery\n\
complaints_by_tag,1,tickets,2\n\
complaints_by_tag,1,resolved,2\n\
complaints_by_tag,1,resolution_hours_median,15\n\
complaints_by_tag,2,tag,quality\n\
complaints_by_tag,2,tickets,2\n\
complaints_by_tag,2,resolved,1\n\
complaints_by_tag,2,resolution_hours_median,6\n\
complaints_by_tag,3,tag,billing\n\
complaints_by_tag,3,tickets,1\n\
complaints_by_tag,3,resolved,1\n\
complaints_by_tag,3,resolution_hours_median,12\n\
detractors,1,customer,c03\n\
detractors,1,name,Customer 03\n\
detractors,1,day,2026-11-30\n\
detractors,1,nps,3\n\
detractors,1,comment,touch 13\n\
detractors,2,customer,c12\n\
detractors,2,name,Customer 12\n\
detractors,2,day,2026-11-30\n\
detractors,2,nps,0\n\
detractors,2,comment,touch 17\n\
detractors,3,customer,c24\n\
detractors,3,name,Customer 24\n\
detractors,3,day,2026-11-30\n\
detractors,3,nps,5\n\
detractors,3,comment,touch 21\n";
    assert_eq!(out, want);
}

/// By industry: cafe (13 customers) answered c01 P, c02 P, c03 D, c04 passive, c11 P,
/// c12 D, c13 P, c21 P: 8 responses, 5 − 2 → NPS 37.5; CSAT t1 5, t2 2: 0.5. roastery
/// (13): c06 passive, c24 D: 2, NPS (0 − 1) / 2 = −50; CSAT t3 4, t5 4: 1. (none) (4):
/// c27 P: 1, NPS 100; no ticket: CSAT n/a. Equal sizes go by value: cafe, roastery.
#[test]
fn feedback_by_industry_by_hand() {
    let f = voice();
    let json = run(
        &f,
        &["report", "feedback", "--by", "industry", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["by"], "industry");
    let groups = &v["sections"]["groups"]["rows"];
    let want = serde_json::json!([
        {"value": "cafe", "customers": 13, "responses": 8, "promoters": 5, "passives": 1,
         "detractors": 2, "nps": 37.5, "csat": 0.5},
        {"value": "roastery", "customers": 13, "responses": 2, "promoters": 0, "passives": 1,
         "detractors": 1, "nps": -50, "csat": 1},
        {"value": "(none)", "customers": 4, "responses": 1, "promoters": 1, "passives": 0,
         "detractors": 0, "nps": 100, "csat": null},
    ]);
    assert_eq!(groups, &want, "{json}");
}

/// By source, November:
///
/// - instagram (c01–c10): no lead or customer reached in November; churned c05; S = 10
///   customers on 31 October, E = 9, N = 0: retention 0.9; won d01 + d02 + d03 = 6000 by
///   3 buyers: 2000 each; at risk c09, c10 (no touch since they became customers on 1
///   July, over 60 days): 2.
/// - referral (c11–c20): reached customer c13, c14 (new, 2); S = 2 (c11, c12), E = 4, N =
///   2: 1; won d05 5000 by c13: 5000; at risk c11 (its complaint t4 is late): 1.
/// - web (c21–c26): 6 leads, 2 customers (c21, c22), new 2, S = 0: n/a; d06 6000: 6000.
/// - (none) (c27–c30): 4 leads; nothing won: value 0, per customer n/a.
#[test]
fn funnel_by_source_by_hand() {
    let f = voice();
    let out = run(
        &f,
        &["report", "funnel", "--by", "source", "--format", "csv"],
    );
    let group =
        |g: &str, size, lead, cust, new, churned, rate: &str, won: &str, per: &str, risk| {
            format!(
                "{g},group,size,customers,{size}\n\
             {g},acquire,1,reached,{lead}\n\
             {g},acquire,3,reached,{cust}\n\
             {g},retain,new_customers,value,{new}\n\
             {g},retain,churned,value,{churned}\n\
             {g},retain,retention_rate,value,{rate}\n\
             {g},enhance,won_value,value,{won}\n\
             {g},enhance,revenue_per_customer,value,{per}\n\
             {g},retain,at_risk,value,{risk}\n"
            )
        };
    let want = String::from("group,section,row,column,value\n")
        + &group(
            "instagram",
            10,
            0,
            0,
            0,
            1,
            "0.9",
            "USD 6000",
            "USD 2000",
            2,
        )
        + &group("referral", 10, 0, 2, 2, 0, "1", "USD 5000", "USD 5000", 1)
        + &group("web", 6, 6, 2, 2, 0, "", "USD 6000", "USD 6000", 0)
        + &group("(none)", 4, 4, 0, 0, 0, "", "0", "", 0);
    assert_eq!(out, want);
    // The whole funnel: 10 leads, 4 customers, S 12, E 15, N 4: (15 - 4) / 12 = 0.9167;
    // 17000 won by 5 buyers: 3400; at risk 3.
    let whole = run(&f, &["report", "funnel", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&whole).unwrap();
    assert_eq!(v["sections"]["retain"]["figures"]["retention_rate"], 0.9167);
    assert_eq!(
        v["sections"]["enhance"]["figures"]["revenue_per_customer"]["USD"],
        3400
    );
    assert_eq!(v["sections"]["retain"]["figures"]["at_risk"], 3);
}

/// A group's figures are the report's over its customers alone: the referral group is
/// `--where 'source = referral'`.
#[test]
fn a_group_is_the_report_over_its_records() {
    let f = voice();
    let by = run(
        &f,
        &["report", "funnel", "--by", "source", "--format", "json"],
    );
    let by: serde_json::Value = serde_json::from_str(&by).unwrap();
    let referral = &by["sections"]["groups"]["rows"][1];
    assert_eq!(referral["value"], "referral");
    let one = run(
        &f,
        &[
            "report",
            "funnel",
            "--where",
            "source = referral",
            "--format",
            "json",
        ],
    );
    let one: serde_json::Value = serde_json::from_str(&one).unwrap();
    let s = &one["sections"];
    assert_eq!(
        referral["reached_customer"],
        s["acquire"]["rows"][2]["reached"]
    );
    for (section, id) in [
        ("retain", "new_customers"),
        ("retain", "retention_rate"),
        ("retain", "at_risk"),
        ("enhance", "won_value"),
    ] {
        assert_eq!(referral[id], s[section]["figures"][id], "{id}");
    }
}

/// "Win rate and won value per sector", `sector` a custom field, since 2016:
///
/// - retail (odd customers): d01, d03, d05, d06, d09, d10 = 6 deals; open d09 (new,
///   10000, 10 %: 1000); won d01 1000, d03 3000, d05 5000, d06 6000, d10 500 = 5, 15500;
///   none lost: win rate 1; cycles 30, 10, 40, 14, 19 days: median 19.
/// - hospitality: d02, d04, d07, d08 = 4; open d08 (proposal, 8000, 50 %: 4000); won d02
///   2000; lost d04, d07: win rate 1 / 3; cycle 10.
/// - (none): d11 of c29, who has no sector: open, 100, weighted 10; nothing closed
///   (an amount of nothing is 0 in csv).
#[test]
fn pipeline_by_a_custom_field_of_the_customer() {
    let f = voice();
    let out = run(
        &f,
        &[
            "report",
            "pipeline",
            "--by",
            "customer.sector",
            "--since",
            "2016-01-01",
            "--format",
            "csv",
        ],
    );
    let group = |g: &str,
                 size,
                 open,
                 value: &str,
                 weighted: &str,
                 won,
                 won_value: &str,
                 lost,
                 rate: &str,
                 cycle: &str| {
        format!(
            "{g},group,size,deals,{size}\n\
             {g},open_by_stage,5,deals,{open}\n\
             {g},open_by_stage,5,value,{value}\n\
             {g},open_by_stage,5,weighted,{weighted}\n\
             {g},closed,won,value,{won}\n\
             {g},closed,won_value,value,{won_value}\n\
             {g},closed,lost,value,{lost}\n\
             {g},closed,win_rate,value,{rate}\n\
             {g},closed,cycle_days_median,value,{cycle}\n"
        )
    };
    let want = String::from("group,section,row,column,value\n")
        + &group(
            "retail",
            6,
            1,
            "USD 10000",
            "USD 1000",
            5,
            "USD 15500",
            0,
            "1",
            "19",
        )
        + &group(
            "hospitality",
            4,
            1,
            "USD 8000",
            "USD 4000",
            1,
            "USD 2000",
            2,
            "0.3333",
            "10",
        )
        + &group("(none)", 1, 1, "USD 100", "USD 10", 0, "0", 0, "", "");
    assert_eq!(out, want);
    // A deal's own field: won d01 d02 d03 d05 d06 d10 (6), then lost d04 d07 and new d09
    // d11 (2 each, by name), then proposal d08.
    let json = run(
        &f,
        &[
            "report",
            "pipeline",
            "--by",
            "stage",
            "--since",
            "2016-01-01",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = v["sections"]["groups"]["rows"].as_array().unwrap();
    let got: Vec<(String, u64, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["value"].as_str().unwrap().to_string(),
                r["deals"].as_u64().unwrap(),
                r["won"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, u64, u64)> = [
        ("won", 6, 6),
        ("lost", 2, 0),
        ("new", 2, 0),
        ("proposal", 1, 0),
    ]
    .into_iter()
    .map(|(s, n, w)| (s.to_string(), n, w))
    .collect();
    assert_eq!(got, want);
}

/// Customers by tags, November: vip (c01–c04): 4 customers now; buyers c01 (d01, d10:
/// repeat), c02, c03 = 3; value of 12 months 1500 + 2000 + 3000 = 6500; none at risk.
/// b2b (c04, c11): 2 now, no buyer, at risk c11. (none) (the other 25): now c06–c10,
/// c12–c14, c21, c22 = 10; new c13, c14, c21, c22; churned c05; buyers c13, c21: 11000;
/// at risk c09, c10. c04 is in both tag groups: the note says so.
#[test]
fn customers_by_a_list_field() {
    let f = voice();
    let out = run(
        &f,
        &[
            "report",
            "customers",
            "--by",
            "tags",
            "--format",
            "markdown",
        ],
    );
    let want = "# Customers by tags\n\n\
As of 2026-11-30, period 2026-11-01 to 2026-11-30.\n\n\
## By tags: each group's figures are the report's over its customers alone\n\n\
| tags | Customers | Customers now | New | Churned | Buyers | Repeat | Value, 12 months | At risk |\n\
|---|---|---|---|---|---|---|---|---|\n\
| (none) | 25 | 10 | 4 | 1 | 2 | 0 | USD 11,000 | 2 |\n\
| vip | 4 | 4 | 0 | 0 | 3 | 1 | USD 6,500 | 0 |\n\
| b2b | 2 | 2 | 0 | 0 | 0 | 0 | USD 0 | 1 |\n\n\
tags is a list: a record counts in the group of each of its items, so the groups can add up to more than the whole\n";
    assert_eq!(out, want);
}

#[test]
fn by_names_a_field_the_records_can_hold() {
    let f = voice();
    let err = |args: &[&str]| {
        let out = f.crm().env("CRM_TODAY", TODAY).args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stderr).unwrap(),
            out.stdout.len(),
        )
    };
    assert_eq!(
        err(&["report", "funnel", "--by", "industri"]),
        (
            Some(2),
            "error: --by: no customer has a field `industri` (did you mean `industry`?); `crm schema customer` lists the fields\n".into(),
            0
        )
    );
    assert_eq!(
        err(&["report", "customers", "--by", "score"]),
        (
            Some(2),
            "error: --by score: `score` is computed for each record; group by a field the records hold\n".into(),
            0
        )
    );
    assert_eq!(
        err(&["report", "leads", "--by", "source"]),
        (
            Some(2),
            "error: --by breaks down the funnel, pipeline, customers and feedback reports\n".into(),
            0
        )
    );
}
