//! `crm agenda --format ics`: an iCalendar file that independent parsers read back
//! (the `icalendar` crate's, and Python's `icalendar` package when it is installed).

use crate::common;

use common::Folder;

fn agenda_folder() -> Folder {
    let f = Folder::new();
    f.with_toko();
    f.ok(&[
        "set",
        "toko-maju-k7q2",
        "next_action.on=2026-11-20",
        "next_action.note=Call about the order, price; terms",
    ]);
    f.ok(&[
        "set",
        "annual-plan-a1b2",
        "next_action.on=2026-11-30",
        "next_action.note=Send the contract",
    ]);
    f
}

fn ics(f: &Folder) -> String {
    let out = f
        .crm()
        .env("CRM_NOW", "2026-11-22T12:00:00+07:00")
        .args(["agenda", "--format", "ics"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_agenda_as_a_calendar_has_one_todo_per_item_and_every_follow_up() {
    let f = agenda_folder();
    let text = ics(&f);
    let name = f.root().file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(
        text,
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:ICALENDAR-RS\r\nCALSCALE:GREGORIAN\r\nNAME:{name}: agenda\r\nX-WR-CALNAME:{name}: agenda\r\n\
BEGIN:VTODO\r\nDESCRIPTION:follow-up was due 2 days ago: Call about the order\\, price\\; te\r\n rms\r\nDTSTAMP:20261122T050000Z\r\nDUE;VALUE=DATE:20261120\r\nSUMMARY:Toko Maju (customer toko-maju-k7q2)\r\nUID:follow-up-customer-toko-maju-k7q2@crm\r\nEND:VTODO\r\n\
BEGIN:VTODO\r\nDESCRIPTION:follow-up on 2026-11-30: Send the contract\r\nDTSTAMP:20261122T050000Z\r\nDUE;VALUE=DATE:20261130\r\nSUMMARY:Annual plan (deal annual-plan-a1b2)\r\nUID:follow-up-deal-annual-plan-a1b2@crm\r\nEND:VTODO\r\n\
END:VCALENDAR\r\n"
        )
    );
    // The table keeps to what is due.
    assert_eq!(
        f.ok(&["agenda", "--format", "ids"]),
        "customer/toko-maju-k7q2\n"
    );
    // The next day the item is the same to-do (same UID), its text updated.
    let later = f
        .crm()
        .env("CRM_TODAY", "2026-11-23")
        .args(["agenda", "--format", "ics"])
        .output()
        .unwrap();
    let later = String::from_utf8(later.stdout).unwrap();
    assert!(later.contains("UID:follow-up-customer-toko-maju-k7q2@crm\r\n"));
    assert!(later.contains("was due 3 days ago"));
}

#[test]
fn the_calendar_reads_back_with_the_icalendar_crate() {
    let f = agenda_folder();
    let cal: icalendar::Calendar = ics(&f).parse().unwrap();
    use icalendar::{Component, DatePerhapsTime};
    let todos: Vec<(String, String, Option<DatePerhapsTime>)> = cal
        .todos()
        .map(|t| {
            (
                t.get_uid().unwrap().to_string(),
                t.get_description().unwrap().to_string(),
                t.get_due(),
            )
        })
        .collect();
    assert_eq!(todos.len(), 2);
    assert_eq!(todos[0].0, "follow-up-customer-toko-maju-k7q2@crm");
    assert_eq!(
        todos[0].1,
        "follow-up was due 2 days ago: Call about the order, price; terms"
    );
    assert_eq!(
        todos[0].2,
        Some(DatePerhapsTime::Date(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
        ))
    );
}

#[test]
fn the_calendar_reads_back_with_python_icalendar() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import icalendar"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: Python's icalendar package is not installed (pip install icalendar)");
        return;
    }
    let f = agenda_folder();
    std::fs::write(f.path("agenda.ics"), ics(&f)).unwrap();
    let script = [
        "import icalendar, sys",
        "cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())",
        "for t in cal.walk('VTODO'):",
        "    print(t['UID'], t['DUE'].dt.isoformat(), t['SUMMARY'], '|', t['DESCRIPTION'], sep='\\t')",
    ]
    .join("\n");
    let out = std::process::Command::new("python3")
        .args(["-c", &script])
        .arg(f.path("agenda.ics"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "follow-up-customer-toko-maju-k7q2@crm\t2026-11-20\tToko Maju (customer toko-maju-k7q2)\t|\tfollow-up was due 2 days ago: Call about the order, price; terms\n\
follow-up-deal-annual-plan-a1b2@crm\t2026-11-30\tAnnual plan (deal annual-plan-a1b2)\t|\tfollow-up on 2026-11-30: Send the contract\n"
    );
}

const CAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/calendar");

/// Toko Maju (budi@tokomaju.id) and Kafe Dewi (dewi@kafedewi.id).
fn meeting_folder() -> Folder {
    let f = Folder::new();
    f.with_toko();
    f.with_dewi(false);
    f
}

fn ingest_calendar(f: &Folder, file: &str) -> String {
    let out = f
        .crm()
        .args(["ingest", "calendar", "--me", "@ourco.test", file])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stderr).unwrap()
}

fn meetings(f: &Folder) -> String {
    f.ok(&[
        "list",
        "interactions",
        "--where",
        "channel = meeting",
        "--fields",
        "id,at,customer,summary,by",
        "--sort",
        "at",
        "--format",
        "tsv",
    ])
}

#[test]
fn events_with_customers_become_meetings_occurrences_up_to_today() {
    let f = meeting_folder();
    let err = ingest_calendar(&f, &format!("{CAL}/sari.ics"));
    assert_eq!(
        err,
        "logged 5, moved 0, removed 0, already there 0, skipped 2 (no customer 1, cancelled 1)\n"
    );
    // Weekly on Mondays from 2 Nov: the 9th moved to the 10th by its RECURRENCE-ID, the
    // 23rd after today; the all-day fair at its date's midnight; the 1 Dec visit later.
    assert_eq!(
        meetings(&f),
        "id\tat\tcustomer\tsummary\tby\n\
meet-mc00tznqt3av\t2026-11-02T02:00:00+00:00\tkafe-dewi-m3n4\tCek stok mingguan\tsari@ourco.test\n\
meet-zh3x5dsmyh4e\t2026-11-10T07:00:00+00:00\tkafe-dewi-m3n4\tCek stok mingguan (dipindah)\tsari@ourco.test\n\
meet-b8xvvhcp5gnw\t2026-11-16T02:00:00+00:00\tkafe-dewi-m3n4\tCek stok mingguan\tsari@ourco.test\n\
meet-1yj6eggkjhwz\t2026-11-18T03:00:00+00:00\ttoko-maju-k7q2\tDemo mesin kopi, Toko Maju\tsari@ourco.test\n\
meet-9c9xfby72455\t2026-11-21T00:00:00+00:00\ttoko-maju-k7q2\tPameran kopi Bandung\t\n"
    );
    let before = f.snapshot();
    let err = ingest_calendar(&f, &format!("{CAL}/sari.ics"));
    assert_eq!(
        err,
        "logged 0, moved 0, removed 0, already there 5, skipped 2 (no customer 1, cancelled 1)\n"
    );
    assert_eq!(f.snapshot(), before);
}

#[test]
fn an_updated_calendar_moves_and_removes_instead_of_adding() {
    let f = meeting_folder();
    ingest_calendar(&f, &format!("{CAL}/sari.ics"));
    let err = ingest_calendar(&f, &format!("{CAL}/sari-updated.ics"));
    assert_eq!(
        err,
        "logged 0, moved 1, removed 0, already there 4, skipped 2 (no customer 1, cancelled 1)\n"
    );
    assert!(meetings(&f).contains(
        "meet-1yj6eggkjhwz\t2026-11-19T08:00:00+00:00\ttoko-maju-k7q2\tDemo mesin kopi, Toko Maju\t"
    ));
    // Cancelled later: the meeting logged before is removed.
    let text = std::fs::read_to_string(format!("{CAL}/sari-updated.ics")).unwrap();
    let cancelled = text.replacen(
        "SUMMARY:Demo mesin kopi\\, Toko Maju\r\nSTATUS:CONFIRMED",
        "SUMMARY:Demo mesin kopi\\, Toko Maju\r\nSTATUS:CANCELLED",
        1,
    );
    assert_ne!(cancelled, text);
    std::fs::write(f.path("cancelled.ics"), cancelled).unwrap();
    let err = ingest_calendar(&f, "cancelled.ics");
    assert_eq!(
        err,
        "logged 0, moved 0, removed 1, already there 4, skipped 2 (no customer 1, cancelled 1)\n"
    );
    assert!(!meetings(&f).contains("meet-1yj6eggkjhwz"));
    assert_eq!(f.check().0, Some(0));
}

#[test]
fn a_file_that_is_not_a_calendar_is_named_and_fails() {
    let f = meeting_folder();
    f.write("notes.ics", "just some notes\n");
    let err = f.fails(1, &["ingest", "calendar", "notes.ics"]);
    assert!(
        err.starts_with("error: notes.ics:1: not an iCalendar file: "),
        "{err}"
    );
    assert!(err.ends_with("logged 0, moved 0, removed 0, already there 0, skipped 0 (no customer 0, cancelled 0)\nerror: 1 calendar could not be read (the rest was ingested)\n"), "{err}");
}
