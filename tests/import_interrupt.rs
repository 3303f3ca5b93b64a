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
            skipped: 0
        }
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("customers"))
            .unwrap()
            .count(),
        10
    );
}
