//! Wrong answers from a second new-user trial (issue 30).

use crate::common;

use common::Folder;

/// When the as-of day is today, a deadline is missed once now has passed it; the end of
/// the as-of day applies to past days (and to a day pinned without a moment).
#[test]
fn a_ticket_is_past_its_target_only_once_now_is() {
    let f = Folder::new();
    f.with_toko();
    f.write(
        "tickets/t-aaaa.yaml",
        "subject: Down\ncustomer: toko-maju-k7q2\npriority: urgent\nstatus: open\nopened: 2026-11-22T04:11:50+00:00\n",
    );
    let at = |now: &str| {
        let out = f
            .crm()
            .env("CRM_NOW", now)
            .args(["agenda", "--format", "tsv"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(!at("2026-11-22T04:12:00+00:00").contains("t-aaaa"));
    assert!(at("2026-11-22T05:12:00+00:00").contains("t-aaaa"));
    // The urgent row of the SLA table: (first response met, resolution met).
    let urgent = |now: Option<&str>| {
        let mut c = f.crm();
        if let Some(n) = now {
            c.env("CRM_NOW", n);
        }
        let out = c
            .args(["report", "service", "--format", "json"])
            .output()
            .unwrap();
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let row = &r["sections"]["sla"]["rows"][0];
        assert_eq!(row["priority"], "urgent");
        (row["first_response"].clone(), row["resolution"].clone())
    };
    let null = serde_json::Value::Null;
    // Seconds after it was opened: nothing is due, nothing is missed.
    assert_eq!(
        urgent(Some("2026-11-22T04:12:00+00:00")),
        (null.clone(), null.clone())
    );
    // An hour later the first response is late; the resolution (8 h) is not due yet.
    assert_eq!(
        urgent(Some("2026-11-22T05:12:00+00:00")),
        (serde_json::json!(0), null)
    );
    // A day pinned without a moment is judged as of its end.
    assert_eq!(urgent(None), (serde_json::json!(0), serde_json::json!(0)));
}

/// `crm set T status=resolved` records when (and the first response, if none was); the
/// service report then counts it; reopening clears it; `crm check` warns about a
/// resolved ticket without the time.
#[test]
fn resolving_a_ticket_by_set_records_the_time() {
    let f = Folder::new();
    f.with_toko();
    let t = f.add(&[
        "ticket",
        "Printer",
        "--customer",
        "toko",
        "--priority",
        "high",
    ]);
    f.ok(&["set", &t, "status=resolved", "satisfaction=5"]);
    assert_eq!(
        f.ok(&["get", &t, "resolved"]),
        "2026-11-22T00:00:00+00:00\n"
    );
    assert_eq!(
        f.ok(&["get", &t, "first_response"]),
        "2026-11-22T00:00:00+00:00\n"
    );
    let out = f.ok(&["report", "service", "--format", "json"]);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["sections"]["tickets"]["figures"]["resolved"], 1);
    assert_eq!(
        r["sections"]["tickets"]["figures"]["csat"],
        serde_json::json!(1)
    );
    f.ok(&["set", &t, "status=open"]);
    let err = f.fails(1, &["get", &t, "resolved"]);
    assert!(err.ends_with("has no field `resolved`\n"), "{err}");
    f.write(
        "tickets/hand-aaaa.yaml",
        "subject: S\ncustomer: toko-maju-k7q2\nstatus: closed\n",
    );
    assert_eq!(
        f.check().1,
        "tickets/hand-aaaa.yaml:3:9: warning: ticket is closed but has no `resolved` time; the service report cannot count it resolved (`crm set hand-aaaa status=…` records it)\n"
    );
}

/// A copy of a record under a subfolder counts once in reports, and every read command
/// says which file it used.
#[test]
fn a_record_in_two_folders_counts_once() {
    let f = Folder::new();
    let (_, d) = f.with_toko();
    f.ok(&["stage", &d, "won"]);
    let text = f.read(&format!("deals/{d}.yaml"));
    f.write(&format!("deals/archive/{d}.yaml"), &text);
    let note = format!("deals/archive/{d}.yaml: holds the id {d}, as deals/{d}.yaml does; read commands count it once, as deals/{d}.yaml (keep one of the two)");
    let out = f
        .crm()
        .args(["report", "pipeline", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["sections"]["closed"]["figures"]["won"], 1);
    assert_eq!(
        r["sections"]["closed"]["figures"]["won_value"],
        serde_json::json!({"IDR": 12000000})
    );
    assert_eq!(r["skipped"], serde_json::json!([note]));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .starts_with(&format!("warning: {note}\n")));
    let out = f
        .crm()
        .args(["list", "deals", "--format", "ids"])
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stderr).unwrap().contains(&note));
}

/// Two rows of one file for one record are refused with both lines; JSON Lines on
/// standard input is read as such; a CRLF file's errors point at the right line.
#[test]
fn imports_refuse_doubled_rows_sniff_json_and_count_crlf_lines() {
    let f = Folder::new();
    f.write("d.csv", "name,email\nDup One,dup@x.co\nDup Two,DUP@x.co\n");
    let err = f.fails(1, &["import", "customers", "d.csv"]);
    assert_eq!(
        err,
        "error: 1 bad row in d.csv; nothing was imported\nd.csv:3:1: this row names the same record as line 2 (by e-mail or phone); a file holds one row per record\n"
    );
    let out = f
        .crm()
        .args(["import", "customers", "-"])
        .write_stdin(
            "{\"name\": \"J\", \"email\": \"j@x.co\"}\n{\"name\": \"K\", \"email\": \"k@x.co\"}\n",
        )
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "imported customers: created 2, updated 0, unchanged 0, skipped 0\n"
    );
    f.write("crlf.csv", "name,email\r\nA,a@x.co\r\nB,b@x.co,extra\r\n");
    let err = f.fails(1, &["import", "customers", "crlf.csv"]);
    assert!(err.ends_with("crlf.csv:3:3: this row has 3 cells, the header has 2: too many cells (quote cells that hold the delimiter)\n"), "{err}");
}

/// A field name no record can hold is an error (exit 2) wherever a field is named, with
/// the closest known name; a field only some records hold, and keys of a free map, pass.
#[test]
fn field_name_typos_are_errors_everywhere() {
    let f = Folder::new();
    f.with_toko();
    let usage = |args: &[&str]| common::stderr_of(f.crm().args(args), 2);
    assert_eq!(
        usage(&["list", "deals", "--sort", "valeu"]),
        "error: --sort: no deal has a field `valeu` (did you mean `value`?); `crm schema deal` lists the fields\n"
    );
    assert_eq!(
        usage(&["list", "deals", "--fields", "id,valeu"]),
        "error: --fields: no deal has a field `valeu` (did you mean `value`?); `crm schema deal` lists the fields\n"
    );
    assert_eq!(
        usage(&["export", "deals", "--fields", "id,valeu"]),
        "error: --fields: no deal has a field `valeu` (did you mean `value`?); `crm schema deal` lists the fields\n"
    );
    assert_eq!(
        usage(&["report", "pipeline", "--where", "city = Jakarta"]),
        "error: invalid --where expression at column 1: no deal has a field `city` (did you mean `customer.city`?); `crm schema deal` lists the fields\n  city = Jakarta\n  ^\n"
    );
    assert_eq!(
        usage(&["list", "customers", "--where", "stage = lead and preferences.chanel = email"]),
        "error: invalid --where expression at column 18: no customer has a field `preferences.chanel` (did you mean `preferences.channel`?); `crm schema customer` lists the fields\n  stage = lead and preferences.chanel = email\n                   ^\n"
    );
    // Known ones: a joined field, a key of a free map, a field one record holds.
    f.ok(&["list", "deals", "--where", "customer.city = Jakarta"]);
    f.ok(&["list", "customers", "--where", "social.telegram = x"]);
    f.ok(&["set", "toko", "favourite_colour=blue"]);
    assert_eq!(
        f.ok(&[
            "list",
            "customers",
            "--where",
            "favourite_colour = blue",
            "--sort",
            "favourite_colour",
            "--format",
            "ids"
        ]),
        "toko-maju-k7q2\n"
    );
    // A campaign's audience is checked on add, set and by crm check.
    let err = common::stderr_of(
        f.crm()
            .args(["add", "campaign", "Promo", "--audience", "citty = Jakarta"]),
        1,
    );
    assert_eq!(
        err,
        "error: cannot add campaign: field `audience`: is not a customer query: at column 1: no customer has a field `citty` (did you mean `city`?); `crm schema customer` lists the fields\n"
    );
    let id = f.add(&["campaign", "Promo", "--audience", "city = Jakarta"]);
    let err = common::stderr_of(f.crm().args(["set", &id, "audience=stage = nope"]), 1);
    assert!(
        err.contains("field `audience`: is not a customer query: at column 9: `nope` is not a value of field `stage`"),
        "{err}"
    );
    f.write(
        &format!("campaigns/{id}.yaml"),
        "name: Promo\naudience: citty = Jakarta\n",
    );
    let (code, out) = f.check();
    assert_eq!(code, Some(1));
    assert!(
        out.contains(&format!("campaigns/{id}.yaml:2:")) && out.contains("field `audience`: is not a customer query: at column 1: no customer has a field `citty`"),
        "{out}"
    );
}

/// Off a terminal every command that prints rows defaults to TSV, as `crm list` does;
/// the timeline shows every moment in the folder's time zone.
#[test]
fn rows_are_tsv_in_a_pipe_and_the_timeline_keeps_one_clock() {
    let f = Folder::new();
    let toml = f.read("crm.toml");
    f.write(
        "crm.toml",
        &toml.replace("timezone = \"UTC\"", "timezone = \"Asia/Jakarta\""),
    );
    f.write(
        "customers/toko.yaml",
        "name: Toko\nstage: customer\nnext_action:\n  on: 2026-11-21\n  note: Send the quote\ncreated: 2026-11-01\n",
    );
    f.write(
        "interactions/2026/11/a.yaml",
        "customer: toko\nat: 2026-11-20T02:00:00+00:00\nchannel: call\ndirection: outbound\nsummary: Called\n",
    );
    f.write(
        "interactions/2026/11/b.yaml",
        "customer: toko\nat: 2026-11-20T10:30:00+07:00\nchannel: email\ndirection: inbound\nsummary: Wrote back\n",
    );
    f.write(
        "campaigns/k.yaml",
        "name: Calls\nchannel: call\nstatus: active\n",
    );
    assert_eq!(
        f.ok(&["timeline", "toko"]),
        "When\tRecord\tWhat\n\
         2026-11-01\tcustomer/toko\tadded as customer\n\
         2026-11-20T09:00:00+07:00\tinteraction/a\toutbound call: Called\n\
         2026-11-20T10:30:00+07:00\tinteraction/b\tinbound email: Wrote back\n"
    );
    assert_eq!(
        f.ok(&["agenda"]),
        "Record\tDue\tTitle\tWhy\ncustomer/toko\t2026-11-21\tToko\tfollow-up was due 1 day ago: Send the quote\n"
    );
    assert_eq!(
        f.ok(&["campaign", "audience", "k"]),
        "Id\tName\tE-mail\tPhone\tPreferred channel\ntoko\tToko\t\t\t\n"
    );
}
