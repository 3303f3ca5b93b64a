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
