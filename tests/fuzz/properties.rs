//! What each fuzz target checks, shared by `fuzz/fuzz_targets/*` (cargo fuzz) and by
//! `tests/fuzz_regressions.rs`, which runs every input the fuzzers once crashed on.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use crm::model::RecordType;

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

/// Any text as a `--where` expression: an error or a query, never a panic; a query that
/// builds is evaluated against a record.
pub fn query_parser(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let _ = crm::query::lexer::lex(src);
    let _ = crm::query::parser::parse(src, today());
    let cfg = crm::config::Config::default();
    for ty in RecordType::ALL {
        if let Ok(q) = crm::query::Query::new(&[src.to_string()], ty, &cfg, today(), &NoRecords) {
            let record = crm::store::read::parse::parse_record(
                ty,
                Path::new("x/a.yaml"),
                b"title: A\nname: A\nstage: new\nvalue: 5\ntags: [a, b]\ncreated: 2026-11-01\n",
            )
            .unwrap();
            let _ = q.matches(&record, &NoRecords);
        }
    }
}

struct NoRecords;

impl crm::query::Records for NoRecords {
    fn record(&self, _: RecordType, _: &str) -> Option<&crm::model::Record> {
        None
    }
}

/// Any bytes as a record file: a record or an issue, never a panic. A record's cache
/// encoding reads back as the same fields. A record that validates is written
/// canonically; that text reads back to a record that validates and is written the same
/// again (the canonical form is a fixed point; writing may normalise, e.g. `budget: 000`
/// is written `budget: 0`).
pub fn record_loader(data: &[u8]) {
    let cfg = crm::config::Config::default();
    for ty in RecordType::ALL {
        let rel = PathBuf::from(format!("{}/a.yaml", ty.dir()));
        let Ok(record) = crm::store::read::parse::parse_record(ty, &rel, data) else {
            continue;
        };
        let bytes = crm::store::encoding::encode(&record.fields);
        let back = crm::store::encoding::Pairs::of_record(&bytes)
            .unwrap_or_else(|| panic!("the cache's encoding does not read back: {bytes:?}"));
        assert_eq!(back.to_mapping(), record.fields);
        if !crm::rules::validate(ty, &record.fields, &cfg).is_empty() {
            continue;
        }
        let text = crm::model::canonical::file_text(&record, &rel);
        let again = crm::store::read::parse::parse_record(ty, &rel, text.as_bytes())
            .unwrap_or_else(|e| panic!("crm's own text does not read back: {e}\n{text}"));
        let problems = crm::rules::validate(ty, &again.fields, &cfg);
        assert!(problems.is_empty(), "{problems:?}\n{text}");
        assert_eq!(crm::model::canonical::file_text(&again, &rel), text);
    }
}

/// Any bytes as a record's cache encoding (a corrupt cache): read as whole records, as
/// the views reports read, and field by field, never a panic; what reads as a whole
/// record holds the same fields once encoded and read again.
pub fn cache_reader(data: &[u8]) {
    use crm::store::encoding::{encode, Pairs};
    use crm::store::read::Encoded;
    if let Some(whole) = Pairs::of_record(data) {
        let fields = whole.to_mapping();
        let again = encode(&fields);
        assert_eq!(
            Pairs::of_record(&again).map(|p| p.to_mapping()),
            Some(fields)
        );
    }
    for (_, v) in Pairs::open(data).raw() {
        if let Some(v) = v.val() {
            let _ = (v.untag(), v.decimal(), v.to_value());
        }
        let _ = v.text();
    }
    let e = Encoded {
        path: "deals/a.yaml",
        bytes: data,
    };
    let cfg = crm::config::Config::default();
    let deal = crm::report::Deal::of(e, &cfg);
    let _ = deal.products().count();
    let _ = crm::report::Touch::of(e, cfg.tz(), false);
}

thread_local! {
    static FOLDER: (tempfile::TempDir, crm::store::Store) = {
        let dir = tempfile::tempdir().unwrap();
        crm::ops::init::init(dir.path()).unwrap();
        let pins = crm::store::ClockPins { today: Some(today()), now: None };
        let store = crm::store::Store::open(dir.path(), pins).unwrap();
        (dir, store)
    };
}

/// Any bytes as an import (the first byte picks the format and type): a plan or errors
/// naming rows, never a panic. Planning writes nothing.
pub fn csv_importer(data: &[u8]) {
    use crm::ops::import::{plan, DataFormat, ImportOptions};
    let (format, ty) = match data.first().copied().unwrap_or(0) % 8 {
        0 => (DataFormat::Tsv, RecordType::Customer),
        1 => (DataFormat::Json, RecordType::Customer),
        2 => (DataFormat::Jsonl, RecordType::Deal),
        3 => (DataFormat::Csv, RecordType::Deal),
        4 => (DataFormat::Csv, RecordType::Interaction),
        5 => (DataFormat::Csv, RecordType::Ticket),
        _ => (DataFormat::Csv, RecordType::Customer),
    };
    let body = data.get(1..).unwrap_or_default();
    FOLDER.with(|(_, store)| {
        let opts = ImportOptions {
            create_missing_customers: true,
            ..ImportOptions::new(ty, "in.csv", format)
        };
        let _ = plan(store, body, &opts);
    });
}

/// Any three texts (split at NUL bytes) as base, ours and theirs of a record: a merge or
/// an error (git then merges lines), never a panic. A clean merge reads back as YAML;
/// merging a side with itself has no conflict.
pub fn merge_driver(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(3, '\u{0}');
    let base = parts.next().unwrap_or_default();
    let ours = parts.next().unwrap_or_default();
    let theirs = parts.next().unwrap_or_default();
    let path = Path::new("crm/deals/a.yaml");
    if let Ok(m) = crm::ops::merge::merge(base, ours, theirs, path) {
        if m.conflicts.is_empty() && !m.text.is_empty() {
            let v: Result<serde_yaml::Value, _> = serde_yaml::from_str(&m.text);
            assert!(
                v.is_ok(),
                "a clean merge does not parse: {:?}\n{}",
                v.err(),
                m.text
            );
        }
    }
    if let Ok(m) = crm::ops::merge::merge(ours, ours, ours, path) {
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
    }
}

/// Any bytes as a hand-edited record file with comments: finding them never panics, and
/// putting them back into the record's canonical text gives a text that holds the same
/// fields, shows every comment not reported lost, and is a fixed point (its comments put
/// back into the same canonical text give it again).
pub fn comment_keeper(data: &[u8]) {
    use crm::model::comments::{comments, weave};
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let found = comments(src);
    let ty = RecordType::Customer;
    let rel = PathBuf::from("customers/a.yaml");
    let Ok(record) = crm::store::read::parse::parse_record(ty, &rel, data) else {
        return;
    };
    let canonical = crm::model::canonical::to_yaml(&record);
    let woven = weave(&canonical, &found);
    let fields = |text: &str| {
        crm::store::read::parse::parse_record(ty, &rel, text.as_bytes())
            .unwrap_or_else(|e| panic!("woven text does not read back: {e}\n{text}"))
            .fields
    };
    // The same fields as the canonical text (which may normalise: a tag dropped, say).
    assert_eq!(fields(&woven.text), fields(&canonical), "{}", woven.text);
    for c in &found {
        if !woven.lost.contains(c) {
            assert!(
                woven.text.contains(&c.text),
                "{c:?} missing:\n{}",
                woven.text
            );
        }
    }
    if woven.lost.is_empty() {
        let again = weave(&canonical, &comments(&woven.text));
        assert!(again.lost.is_empty(), "{:?}\n{}", again.lost, woven.text);
        assert_eq!(again.text, woven.text);
    }
}

/// Any bytes as a mailbox and as one message: split, parsed and cut to a snippet
/// without a panic; the split never adds bytes, and a snippet is at most 280 characters.
pub fn mail_reader(data: &[u8]) {
    use crm::ops::ingest::mail::{parse, source};
    let parts = source::split_mbox(data);
    assert!(parts.iter().map(|(_, b)| b.len()).sum::<usize>() <= data.len());
    for (line, body) in parts.iter().take(50) {
        assert!(*line >= 1);
        let _ = parse::parse(body);
    }
    if let Ok(m) = parse::parse(data) {
        let words = parse::own_words(&m.text);
        assert!(words.len() <= m.text.len());
        assert!(parse::first_chars(&words, 280).chars().count() <= 280);
        assert!(m.from.address.contains('@'));
        if let Some(d) = &m.date {
            assert!(chrono::DateTime::parse_from_rfc3339(d).is_ok(), "{d}");
        }
    }
}

/// Any text as an iCalendar file: meetings or an error, never a panic; every meeting's
/// moment is RFC 3339 and none is after the end of the as-of day.
pub fn calendar_reader(data: &[u8]) {
    use chrono::TimeZone;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let tz = chrono_tz::Asia::Jakarta;
    let until = tz
        .from_local_datetime(&today().and_hms_opt(23, 59, 59).unwrap())
        .earliest()
        .unwrap();
    if let Ok(found) = crm::ops::ingest::calendar::meetings(text, tz, until) {
        for m in found {
            let at = chrono::DateTime::parse_from_rfc3339(&m.at).expect("an RFC 3339 moment");
            if !m.key.contains('\n') {
                // A single event is logged only up to the as-of day.
                assert!(at <= until, "{} after {until}", m.at);
            }
        }
    }
}

/// Any text as a WhatsApp chat export, read day first and month first: messages, notices
/// and bad lines, never a panic; messages in the order of their lines, each line within
/// the file, and each line is at most one of them.
pub fn whatsapp_reader(data: &[u8]) {
    use crm::ops::ingest::whatsapp::parse::{parse, DateOrder};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.lines().count();
    for order in [DateOrder::Dmy, DateOrder::Mdy] {
        let chat = parse(text, order);
        let mut last = 0;
        for m in &chat.messages {
            assert!(
                m.line > last && m.line <= lines,
                "line {} after {last}",
                m.line
            );
            last = m.line;
        }
        for b in &chat.bad {
            assert!(b.line >= 1 && b.line <= lines.max(1));
        }
        assert!(chat.messages.len() + chat.notices + chat.bad.len() <= lines.max(1));
    }
}

/// Any text as a vCard file: cards or an error at a line of the file, never a panic.
/// Each card's name and note, written as crm writes a card (escaped, folded at 75
/// octets), read back the same.
pub fn vcard_reader(data: &[u8]) {
    use crm::ops::import::vcard::{card_cells, parse_cards};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let cards = match parse_cards(text) {
        Ok(c) => c,
        Err(e) => {
            assert!(e.line >= 1 && e.line <= text.split('\n').count());
            return;
        }
    };
    for c in cards {
        let cells = card_cells(&c);
        let get = |k: &str| {
            cells
                .iter()
                .find(|(f, _, _)| f == k)
                .map(|(_, v, _)| v.clone())
        };
        let mut r = crm::model::Record::new(RecordType::Customer, "c-1");
        for field in ["name", "notes"] {
            if let Some(v) = get(field).filter(|v| !v.contains('\r')) {
                r.fields.insert(field.into(), v.into());
            }
        }
        let written = crm::render::vcf::card(&r);
        for line in written.split("\r\n") {
            assert!(line.len() <= 75, "{line:?} is longer than 75 octets");
        }
        let back = parse_cards(&written).expect("crm's own card reads back");
        let again = card_cells(&back[0]);
        let get_again = |k: &str| {
            again
                .iter()
                .find(|(f, _, _)| f == k)
                .map(|(_, v, _)| v.clone())
        };
        for field in ["name", "notes"] {
            if let Some(v) = r.str(field) {
                assert_eq!(get_again(field).as_deref(), Some(v), "{field}");
            }
        }
    }
}
