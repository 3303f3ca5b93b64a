//! Eight crm processes writing one folder at once: writers take turns through the
//! folder's write lock, and an update re-reads its record under the lock, so no id is
//! given twice and no update is lost. `CONCURRENCY_ROUNDS` sets the rounds per process
//! (default 250: 250 adds and 250 sets each).

use crate::common;

use std::collections::BTreeSet;

use common::Folder;
use crm::model::RecordType;

const PROCESSES: usize = 8;

#[test]
fn eight_writers_lose_no_update_and_share_no_id() {
    let rounds: usize = std::env::var("CONCURRENCY_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(250);
    let f = Folder::new();
    let customer = f.ok(&["add", "customer", "Toko Maju"]).trim().to_string();
    let shared: Vec<String> = (0..4)
        .map(|i| {
            f.ok(&[
                "add",
                "deal",
                &format!("Shared {i}"),
                "--customer",
                &customer,
            ])
            .trim()
            .to_string()
        })
        .collect();
    let added: Vec<Vec<String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..PROCESSES)
            .map(|p| {
                let (f, customer, shared) = (&f, &customer, &shared);
                s.spawn(move || {
                    let mut ids = Vec::new();
                    for i in 0..rounds {
                        let run = |args: &[&str]| {
                            let out = f.process().args(args).output().unwrap();
                            assert!(out.status.success(), "{args:?}: {out:?}");
                            String::from_utf8(out.stdout).unwrap()
                        };
                        let title = format!("P{p} deal {i}");
                        ids.push(
                            run(&["add", "deal", &title, "--customer", customer])
                                .trim()
                                .to_string(),
                        );
                        // Every process appends to the same four deals' tags: a lost
                        // update would drop a tag.
                        let deal = &shared[(p + i) % shared.len()];
                        run(&["set", deal, &format!("tags+=p{p}-{i}")]);
                    }
                    ids
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ids: BTreeSet<&String> = added.iter().flatten().collect();
    assert_eq!(ids.len(), PROCESSES * rounds, "an id was given twice");
    let mut tags = BTreeSet::new();
    for d in &shared {
        let text = f.record(&format!("deals/{d}.yaml"));
        let r = crm::store::read::parse::parse_record(
            RecordType::Deal,
            std::path::Path::new("deals/x.yaml"),
            text.as_bytes(),
        )
        .unwrap();
        let list = r.get("tags").and_then(|t| t.as_sequence()).unwrap();
        for t in list {
            assert!(tags.insert(t.as_str().unwrap().to_string()), "{t:?} twice");
        }
    }
    let expected: BTreeSet<String> = (0..PROCESSES)
        .flat_map(|p| (0..rounds).map(move |i| format!("p{p}-{i}")))
        .collect();
    assert_eq!(tags, expected, "an update was lost");
    // Every file parses and the folder checks.
    f.ok(&["check"]);
    let listed = f.ok(&["list", "deals", "--format", "ids"]);
    assert_eq!(listed.lines().count(), PROCESSES * rounds + shared.len());
}

/// Eight writers each add a customer and then try to add its e-mail again, while two
/// loops list the customers (reads used to rewrite an e-mail index without the lock,
/// erasing lines writers had just added): not one duplicate gets in.
#[test]
fn an_email_stays_unique_while_others_read() {
    let rounds: usize = std::env::var("CONCURRENCY_ROUNDS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .map_or(125, |r| r / 2);
    let f = Folder::new();
    f.ok(&["add", "customer", "Seed", "--email", "seed@x.co"]);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let duplicates: usize = std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let out = f.process().args(["list", "customers"]).output().unwrap();
                    assert!(out.status.success(), "{out:?}");
                }
            });
        }
        let writers: Vec<_> = (0..PROCESSES)
            .map(|p| {
                let f = &f;
                s.spawn(move || {
                    let mut duplicates = 0;
                    for i in 0..rounds {
                        let email = format!("p{p}-{i}@x.co");
                        let add = |name: &str, email: &str| {
                            f.process()
                                .args(["add", "customer", name, "--email", email])
                                .output()
                                .unwrap()
                        };
                        let first = add(&format!("P{p} {i}"), &email);
                        assert!(first.status.success(), "{first:?}");
                        let again = add(&format!("Again {p} {i}"), &email.to_uppercase());
                        if again.status.success() {
                            duplicates += 1;
                        } else {
                            assert!(
                                String::from_utf8_lossy(&again.stderr)
                                    .contains("is already the e-mail of customer"),
                                "{again:?}"
                            );
                        }
                    }
                    duplicates
                })
            })
            .collect();
        let n = writers.into_iter().map(|h| h.join().unwrap()).sum();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        n
    });
    assert_eq!(duplicates, 0, "of {} attempts", PROCESSES * rounds);
    f.ok(&["check"]);
}
