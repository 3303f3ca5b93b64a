//! Timelines, the agenda, consent-aware campaign audiences, sends and follow-ups, on the
//! fixture tests/fixtures/contact (today 2026-11-22): customers who opted out, gave no
//! consent, were contacted recently, and are due a touch.

use crate::common;

use common::Folder;

fn fixture(args: &[&str]) -> String {
    common::fixture_ok("contact", args)
}

#[test]
fn the_audience_leaves_each_customer_out_for_its_reason() {
    assert_eq!(
        fixture(&["campaign", "audience", "k-mail", "--explain", "--format", "tsv"]),
        "Id\tName\tStatus\tReason\n\
         due\tDue Weekly\tincluded\t\n\
         inbound-only\tInbound Only\tincluded\t\n\
         never\tNever Contacted\tincluded\t\n\
         no-consent\tNo Consent\texcluded\tno consent for email\n\
         no-pref\tNo Preferences\texcluded\tno consent for email\n\
         opted-out\tOpted Out\texcluded\tdo not contact\n\
         recent\tRecently Called\texcluded\tcontacted on 2026-11-12, within their monthly preference\n"
    );
    // In Bandung is not in the audience query (city = Jakarta) at all. An inbound message
    // does not count as contact.
    assert_eq!(
        fixture(&["campaign", "audience", "k-mail", "--format", "ids"]),
        "due\ninbound-only\nnever\n"
    );
    let json: serde_json::Value = serde_json::from_str(&fixture(&[
        "campaign", "audience", "k-mail", "--format", "json",
    ]))
    .unwrap();
    assert_eq!(
        json[0],
        serde_json::json!({"id": "due", "name": "Due Weekly", "email": "", "phone": "", "channel": ""})
    );
    let csv_text = fixture(&["campaign", "audience", "k-mail", "--format", "csv"]);
    assert!(
        csv_text.starts_with("Id,Name,E-mail,Phone,Preferred channel\ndue,Due Weekly,,,\n"),
        "{csv_text}"
    );
    // Calls need no consent, and the call campaign has no audience query: everyone who
    // is not do-not-contact and not contacted too recently.
    assert_eq!(
        fixture(&["campaign", "audience", "k-call", "--format", "ids"]),
        "bandung\ndue\ninbound-only\nnever\nno-consent\nno-pref\n"
    );
}

fn copy_fixture() -> Folder {
    let f = Folder::empty();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contact");
    for e in walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".crm")
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let rel = e.path().strip_prefix(&src).unwrap();
        f.write(
            rel.to_str().unwrap(),
            &std::fs::read_to_string(e.path()).unwrap(),
        );
    }
    f
}

#[test]
fn log_send_records_one_outbound_interaction_per_member_once_a_day() {
    let f = copy_fixture();
    let out = f
        .crm()
        .env("CRM_NOW", "2026-11-22T09:00:00+00:00")
        .args(["campaign", "log-send", "k-call"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let ids: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(ids.len(), 6);
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "logged 6 sends of campaign k-call; 0 already logged that day\n"
    );
    let sent = f.record(&format!("interactions/2026/11/{}.yaml", ids[0]));
    assert_eq!(
        sent,
        "customer: bandung\nat: 2026-11-22T09:00:00+00:00\nchannel: call\ndirection: outbound\nsummary: Sent campaign Phone round\ncampaign: k-call\n"
    );
    // Again the same day: nothing new, and all six count as already logged (the weekly
    // and quarterly ones are "contacted recently" now, but their send of the day is
    // found by its id all the same).
    let out = f
        .crm()
        .env("CRM_NOW", "2026-11-22T15:00:00+00:00")
        .args(["campaign", "log-send", "k-call"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "logged 0 sends of campaign k-call; 6 already logged that day\n"
    );
    // The campaign report ties the sends back: they are outbound, so not responses.
    let v: serde_json::Value =
        serde_json::from_str(&f.ok(&["report", "campaigns", "--format", "json"])).unwrap();
    assert_eq!(
        v["sections"]["campaigns"]["rows"][0]["responses"],
        serde_json::json!(0)
    );
    assert_eq!(
        f.ok(&[
            "list",
            "interactions",
            "--where",
            "campaign = k-call and direction = outbound",
            "--format",
            "ids"
        ])
        .lines()
        .count(),
        6
    );
    let err = common::stderr_of(
        f.crm()
            .args(["campaign", "log-send", "k-call", "--at", "soon"]),
        2,
    );
    assert!(err.contains("--at \"soon\" is not a moment"), "{err}");
}

#[test]
fn the_agenda_is_most_urgent_first_and_says_why() {
    assert_eq!(
        fixture(&["agenda", "--format", "tsv"]),
        "Record\tDue\tTitle\tWhy\n\
         customer/never\t2026-06-01\tNever Contacted\tdue a quarterly touch: no outbound contact yet\n\
         deal/d-stale\t2026-10-15\tBig one\tstale: no stage change or interaction for 68 days (since 2026-09-15)\n\
         customer/due\t2026-11-08\tDue Weekly\tdue a weekly touch: last outbound contact 21 days ago\n\
         customer/inbound-only\t2026-11-10\tInbound Only\tdue a weekly touch: no outbound contact yet\n\
         customer/due\t2026-11-20\tDue Weekly\tfollow-up was due 2 days ago: send catalogue\n\
         ticket/t-late\t2026-11-21\tCannot print\thigh ticket past its first response target of 4 h (due 2026-11-21 12:00)\n\
         deal/d-open\t2026-11-22\tUpgrade\tfollow-up due today: call back\n"
    );
    // Not there: the won deal's and the resolved ticket's old follow-ups, the follow-up
    // due next month, the do-not-contact customer, the monthly one contacted 10 days ago.
    assert_eq!(
        fixture(&["agenda", "--owner", "AYU", "--format", "ids"]),
        "customer/never\ndeal/d-stale\nticket/t-late\n"
    );
    let earlier = common::fixture("contact")
        .args(["--as-of", "2026-11-09", "agenda", "--format", "ids"])
        .output()
        .unwrap();
    // On Nov 9 the monthly customer had not been contacted yet (that was Nov 12), and
    // the records created later did not exist.
    assert_eq!(
        String::from_utf8(earlier.stdout).unwrap(),
        "customer/recent\ncustomer/never\ndeal/d-stale\ncustomer/due\n"
    );
}

#[test]
fn a_timeline_mixes_every_record_type_in_time_order() {
    assert_eq!(
        fixture(&["timeline", "due", "--format", "tsv"]),
        "When\tRecord\tWhat\n\
         2026-10-01T00:00:00+00:00\tcustomer/due\tbecame lead\n\
         2026-10-01\tcustomer/due\tcame from campaign k-call (Phone round)\n\
         2026-10-05\tdeal/d-due\tdeal \"Starter\" created (USD 500)\n\
         2026-10-20T00:00:00+00:00\tcustomer/due\tbecame customer\n\
         2026-10-20T00:00:00+00:00\tdeal/d-due\tdeal \"Starter\" moved to won\n\
         2026-10-20\tdeal/d-due\tdeal \"Starter\" closed as won\n\
         2026-11-01T10:00:00+00:00\tinteraction/i-due\toutbound call: Quarterly check-in\n\
         2026-11-21T08:00:00+00:00\tticket/t-late\tticket \"Cannot print\" opened (high priority)\n"
    );
    assert_eq!(
        fixture(&[
            "timeline",
            "due",
            "--since",
            "2026-10-21",
            "--format",
            "ids"
        ]),
        "interaction/i-due\nticket/t-late\n"
    );
    let never = fixture(&["timeline", "never", "--format", "tsv"]);
    assert_eq!(
        never,
        "When\tRecord\tWhat\n\
         2026-06-01\tcustomer/never\tadded as customer\n\
         2026-11-01T08:00:00+00:00\tticket/t-closed\tticket \"Old question\" opened (normal priority)\n\
         2026-11-01T09:00:00+00:00\tticket/t-closed\tticket \"Old question\" first response\n\
         2026-11-02T09:00:00+00:00\tticket/t-closed\tticket \"Old question\" resolved\n"
    );
}

#[test]
fn log_next_sets_the_customers_follow_up() {
    let f = Folder::new();
    f.with_toko();
    f.ok(&[
        "log",
        "toko",
        "--channel",
        "call",
        "--direction",
        "outbound",
        "--next",
        "2026-12-01 call back about the quote",
        "Discussed price",
    ]);
    assert!(f
        .record("customers/toko-maju-k7q2.yaml")
        .contains("next_action:\n  on: 2026-12-01\n  note: call back about the quote\n"));
    f.ok(&[
        "log",
        "toko",
        "--channel",
        "call",
        "--next",
        "2026-12-05",
        "Again",
    ]);
    assert!(f
        .record("customers/toko-maju-k7q2.yaml")
        .contains("next_action:\n  on: 2026-12-05\ncreated"));
    let before = f.snapshot();
    let err = common::stderr_of(
        f.crm().args([
            "log",
            "toko",
            "--channel",
            "call",
            "--next",
            "someday call",
            "x",
        ]),
        1,
    );
    assert!(
        err.contains("field `next_action.on`: \"someday\" is not a date (YYYY-MM-DD)"),
        "{err}"
    );
    assert_eq!(f.snapshot(), before);
}

/// A send is logged only when it could have happened: not for a completed or cancelled
/// campaign, not at a moment still to come, and not to customers created after it.
#[test]
fn log_send_refuses_what_could_not_have_been_sent() {
    let f = copy_fixture();
    // On 2026-10-15 "recent" had not been called yet (its call is on 2026-11-12), so seven
    // are in the audience; inbound-only was created on 2026-11-10, after the send, and is
    // left out.
    let out = f
        .crm()
        .env("CRM_NOW", "2026-11-22T09:00:00+00:00")
        .args(["campaign", "log-send", "k-call", "--at", "2026-10-15"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "logged 6 sends of campaign k-call; 0 already logged that day; \
         1 created after the day of the send left out\n"
    );
    assert!(out.status.success());
    let err = common::stderr_of(
        f.crm().env("CRM_NOW", "2026-11-22T09:00:00+00:00").args([
            "campaign",
            "log-send",
            "k-call",
            "--at",
            "2026-11-22T10:00:00+00:00",
        ]),
        2,
    );
    assert_eq!(
        err,
        "error: --at 2026-11-22T10:00:00+00:00 is in the future: a send is logged once it has happened\n"
    );
    // With only the day pinned, the next day is the future and today is not.
    let err = common::stderr_of(
        f.crm()
            .args(["campaign", "log-send", "k-call", "--at", "2026-11-23"]),
        2,
    );
    assert!(err.contains("is in the future"), "{err}");
    for status in ["completed", "cancelled"] {
        f.ok(&["set", "k-call", &format!("status={status}")]);
        let before = f.snapshot();
        let err = common::stderr_of(f.crm().args(["campaign", "log-send", "k-call"]), 1);
        assert_eq!(
            err,
            format!(
                "error: campaign k-call is {status}: sends are logged only for a planned or \
                 active campaign (`crm set k-call status=active` if it runs again)\n"
            )
        );
        assert_eq!(f.snapshot(), before);
    }
}
