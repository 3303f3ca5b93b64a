//! An import stopped midway leaves whole files, and running it again completes it.

use crm::model::RecordType;
use crm::ops::import::{plan, write, DataFormat, ImportOptions, Summary};
use crm::store::{ClockPins, Store};

fn options() -> ImportOptions {
    ImportOptions::new(RecordType::Customer, "c.csv", DataFormat::Csv)
}

#[test]
fn rerunning_an_interrupted_import_completes_it() {
    let dir = tempfile::tempdir().unwrap();
    crm::ops::init::init(dir.path()).unwrap();
    let csv: String = std::iter::once("name,email\n".to_string())
        .chain((1..=10).map(|i| format!("C{i},c{i}@x.co\n")))
        .collect();
    let pins = ClockPins {
        today: Some("2026-11-22".parse().unwrap()),
        now: None,
    };
    {
        let store = Store::open(dir.path(), pins).unwrap();
        let p = plan(&store, csv.as_bytes(), &options()).unwrap();
        // The process dies after the fourth record is written.
        let mut n = 0;
        let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            write(&store, &p, &mut || {
                n += 1;
                if n == 4 {
                    panic!("killed");
                }
            })
        }));
        assert!(crashed.is_err());
    }
    let files: Vec<_> = std::fs::read_dir(dir.path().join("customers"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files.len(), 4, "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(dir.path().join("customers").join(f)).unwrap();
        assert!(
            text.starts_with(
                "# yaml-language-server: $schema=../schema/customer.schema.json\nname: C"
            ) && text.ends_with("created: 2026-11-22\n"),
            "{text}"
        );
    }
    let store = Store::open(dir.path(), pins).unwrap();
    let p = plan(&store, csv.as_bytes(), &options()).unwrap();
    let summary = write(&store, &p, &mut || {}).unwrap();
    assert_eq!(
        summary,
        Summary {
            created: 6,
            updated: 0,
            unchanged: 4,
            skipped: 0,
            erased: 0,
        }
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("customers"))
            .unwrap()
            .count(),
        10
    );
}

/// A write that fails part-way (here a month's folder that cannot be made, as a full disk
/// would fail it) says how many records were written and that a second run completes it.
#[test]
fn an_import_stopped_part_way_says_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    crm::ops::init::init(dir.path()).unwrap();
    let crm = || {
        let mut c = assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("crm"));
        c.current_dir(dir.path())
            .env("CRM_TODAY", "2026-12-20")
            .env_remove("CRM_DIR");
        c
    };
    crm()
        .args(["add", "customer", "--id", "toko-aaaa", "--name", "Toko"])
        .assert()
        .success();
    let csv = dir.path().join("calls.csv");
    std::fs::write(
        &csv,
        "customer,at,channel,summary\ntoko-aaaa,2026-11-02T10:00:00+00:00,call,one\ntoko-aaaa,2026-11-03T10:00:00+00:00,call,two\ntoko-aaaa,2026-12-01T10:00:00+00:00,call,three\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("interactions/2026")).unwrap();
    std::fs::write(dir.path().join("interactions/2026/12"), "in the way").unwrap();
    let out = crm()
        .args(["import", "interactions", csv.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.ends_with("\nthe import stopped after writing 2 of 3 records; the rest were not written. Fix the cause (free some space?) and run the same import again: it matches the records already written and completes the import\n"),
        "{err}"
    );
    std::fs::remove_file(dir.path().join("interactions/2026/12")).unwrap();
    let out = crm()
        .args(["import", "interactions", csv.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "imported interactions: created 1, updated 0, unchanged 2, skipped 0\n"
    );
}
