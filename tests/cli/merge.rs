//! `crm merge KEEP GONE`: values united, every reference moved, GONE removed last, and a
//! run stopped anywhere completed by running it again.

use crate::common;

use std::path::Path;
use std::time::Duration;

use common::Folder;
use crm::store::{ClockPins, Store};

/// Two records of Toko Maju, and records of every type naming the second: a person of
/// it, a deal, a ticket on that deal, an interaction on deal and ticket; a campaign that
/// two records name and its duplicate.
fn folder() -> Folder {
    let f = Folder::new();
    f.write(
        "campaigns/expo.yaml",
        "name: Coffee expo\nchannel: meeting\nnotes: Booth 12.\n",
    );
    f.write(
        "campaigns/expo-2.yaml",
        "name: Coffee Expo 2026\nchannel: meeting\nstart: 2026-03-01\nnotes: Booth 12, hall B.\n",
    );
    f.write(
        "customers/toko.yaml",
        "name: Toko Maju\nemail: toko@maju.id\nstage: lead\nhistory:\n- {stage: lead, at: 2026-02-01T10:00:00+07:00}\n\
         tags: [vip]\ncity: Bandung\nsource: expo\ncreated: 2026-02-01\n",
    );
    f.write(
        "customers/toko-pt.yaml",
        "# the one Ayu added from the expo\nname: Toko Maju PT\nemail: Owner@Maju.id\nphone: '+6281234567890'\n\
         stage: customer\nhistory:\n- {stage: lead, at: 2026-01-10T09:00:00+07:00}\n- {stage: customer, at: 2026-03-05T09:00:00+07:00}\n\
         tags: [retail, vip]\ncity: Bandung\nindustry: retail\nsource: expo-2\nnotes: Met at the expo.\ncreated: 2026-01-10\n",
    );
    f.write(
        "customers/budi.yaml",
        "name: Budi\nkind: person\norganisation: toko-pt\nstage: lead\nsource: expo-2\n",
    );
    f.write(
        "deals/pos.yaml",
        "title: POS system\ncustomer: toko-pt\nstage: won\nvalue: 1200\ncurrency: USD\ncampaign: expo-2\nclosed: 2026-03-05\n",
    );
    f.write(
        "tickets/broken.yaml",
        "subject: Printer broken\ncustomer: toko-pt\ndeal: pos\nstatus: open\nopened: 2026-04-01T09:00:00+07:00\n",
    );
    f.write(
        "interactions/2026/04/call.yaml",
        "customer: toko-pt\nat: 2026-04-01T10:00:00+07:00\nchannel: call\nsummary: Printer\ndeal: pos\nticket: broken\ncampaign: expo-2\n",
    );
    f.write(
        "interactions/2026/02/visit.yaml",
        "customer: toko\nat: 2026-02-01T10:00:00+07:00\nchannel: meeting\n",
    );
    f
}

#[test]
fn a_merge_unites_the_records_and_moves_every_reference() {
    let f = folder();
    let before = f.snapshot();
    // --dry-run: every file, nothing written.
    let out = f
        .crm()
        .args(["merge", "toko", "toko-pt", "--dry-run"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let planned = "M customers/toko.yaml\nM customers/budi.yaml\nM deals/pos.yaml\nM tickets/broken.yaml\nM interactions/2026/04/call.yaml\nD customers/toko-pt.yaml\n";
    assert_eq!(String::from_utf8(out.stdout).unwrap(), planned);
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "would merge customer toko-pt into toko: 6 files to change\n"
    );
    assert_eq!(f.snapshot(), before);

    let out = f.crm().args(["merge", "toko", "toko-pt"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), planned);
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "merged customer toko-pt into toko (4 records pointed at it)\n"
    );
    // KEEP's values, GONE's where KEEP had none, lists and history united, the later
    // stage, the earlier creation, GONE's e-mail kept in `emails`.
    assert_eq!(
        f.record("customers/toko.yaml"),
        "name: Toko Maju\nemail: toko@maju.id\nemails:\n- Owner@Maju.id\nphone: '+6281234567890'\nstage: customer\n\
         history:\n- stage: lead\n  at: 2026-01-10T09:00:00+07:00\n- stage: lead\n  at: 2026-02-01T10:00:00+07:00\n- stage: customer\n  at: 2026-03-05T09:00:00+07:00\n\
         source: expo\ntags:\n- vip\n- retail\ncity: Bandung\nindustry: retail\nnotes: Met at the expo.\ncreated: 2026-01-10\nmerged:\n- toko-pt\n"
    );
    assert!(!f.path("customers/toko-pt.yaml").exists());
    assert!(f
        .read("customers/budi.yaml")
        .contains("organisation: toko\n"));
    assert!(f.read("deals/pos.yaml").contains("customer: toko\n"));
    assert!(f.read("tickets/broken.yaml").contains("customer: toko\n"));
    assert!(f
        .read("interactions/2026/04/call.yaml")
        .contains("customer: toko\n"));
    // Untouched: what did not name GONE.
    assert_eq!(
        f.read("interactions/2026/02/visit.yaml"),
        "customer: toko\nat: 2026-02-01T10:00:00+07:00\nchannel: meeting\n"
    );
    assert_eq!(f.check(), (Some(0), String::new()));
    assert_eq!(
        f.fails(1, &["show", "toko-pt"]),
        "error: customer toko-pt was merged into toko (`crm show customer/toko`)\n"
    );
    // Run again: nothing left to do.
    let out = f.crm().args(["merge", "toko", "toko-pt"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, b"");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "customer toko-pt is already merged into toko; nothing left to do\n"
    );

    // Campaigns: a customer's source, a deal's and an interaction's campaign move.
    let out = f.ok(&["merge", "expo", "expo-2"]);
    assert_eq!(
        out,
        "M campaigns/expo.yaml\nM customers/budi.yaml\nM deals/pos.yaml\nM interactions/2026/04/call.yaml\nD campaigns/expo-2.yaml\n"
    );
    assert_eq!(
        f.record("campaigns/expo.yaml"),
        "name: Coffee expo\nchannel: meeting\nstart: 2026-03-01\nnotes: |-\n  Booth 12.\n\n  Booth 12, hall B.\nmerged:\n- expo-2\n"
    );
    assert!(f.read("customers/budi.yaml").contains("source: expo\n"));
    assert!(f.read("deals/pos.yaml").contains("campaign: expo\n"));
    assert_eq!(f.check(), (Some(0), String::new()));
}

#[test]
fn deals_tickets_and_interactions_merge_too() {
    let f = folder();
    f.write(
        "deals/pos-2.yaml",
        "title: POS System\ncustomer: toko-pt\nstage: proposal\nvalue: 1000\nproducts: [printer]\n",
    );
    f.write(
        "tickets/broken-2.yaml",
        "subject: Printer is broken\ncustomer: toko-pt\ndeal: pos-2\nopened: 2026-04-01T08:00:00+07:00\ndescription: It beeps.\n",
    );
    f.write(
        "interactions/2026/04/call-2.yaml",
        "customer: toko-pt\nat: 2026-04-01T11:00:00+07:00\nchannel: call\nticket: broken-2\ndeal: pos-2\n",
    );
    assert_eq!(
        f.ok(&["merge", "deal/pos", "pos-2"]),
        "M deals/pos.yaml\nM tickets/broken-2.yaml\nM interactions/2026/04/call-2.yaml\nD deals/pos-2.yaml\n"
    );
    // KEEP's value and stage (it has no history, so the stage is its own), GONE's products.
    assert_eq!(
        f.record("deals/pos.yaml"),
        "title: POS system\ncustomer: toko-pt\nstage: won\nvalue: 1200\ncurrency: USD\nproducts:\n- printer\ncampaign: expo-2\nclosed: 2026-03-05\nmerged:\n- pos-2\n"
    );
    assert_eq!(
        f.ok(&["merge", "ticket/broken", "broken-2"]),
        "M tickets/broken.yaml\nM interactions/2026/04/call-2.yaml\nD tickets/broken-2.yaml\n"
    );
    assert!(f
        .read("tickets/broken.yaml")
        .contains("description: It beeps.\n"));
    assert_eq!(
        f.record("interactions/2026/04/call-2.yaml"),
        "customer: toko-pt\nat: 2026-04-01T11:00:00+07:00\nchannel: call\ndeal: pos\nticket: broken\n"
    );
    assert_eq!(
        f.ok(&["merge", "interaction/call", "call-2"]),
        "M interactions/2026/04/call.yaml\nD interactions/2026/04/call-2.yaml\n"
    );
    assert_eq!(f.check(), (Some(0), String::new()));
    // A won deal whose duplicate's later history moved it back to an open stage: the
    // stage follows the history, and `closed` goes with the won stage.
    f.write(
        "deals/a.yaml",
        "title: Beans\ncustomer: toko\nstage: won\nclosed: 2026-10-05\nhistory:\n- {stage: won, at: 2026-10-05T09:00:00+00:00}\n",
    );
    f.write(
        "deals/b.yaml",
        "title: Beans\ncustomer: toko\nstage: proposal\nhistory:\n- {stage: proposal, at: 2026-11-01T09:00:00+00:00}\n",
    );
    f.ok(&["merge", "deal/a", "deal/b"]);
    assert_eq!(
        f.record("deals/a.yaml"),
        "title: Beans\ncustomer: toko\nstage: proposal\nhistory:\n- stage: won\n  at: 2026-10-05T09:00:00+00:00\n- stage: proposal\n  at: 2026-11-01T09:00:00+00:00\nmerged:\n- b\n"
    );
    assert_eq!(f.check(), (Some(0), String::new()));
    // Usage: one record into itself, records of two types.
    assert_eq!(
        f.fails(2, &["merge", "pos", "deal/pos"]),
        "error: deal pos cannot be merged into itself\n"
    );
    assert_eq!(
        f.fails(1, &["merge", "toko", "deal/pos"]),
        "error: no customer matches \"deal/pos\"\n"
    );
}

/// Stopped after each of its writes in turn (the process dies there), the merge is
/// completed by the same command, and the folder ends as an unstopped merge leaves it.
#[test]
fn a_merge_stopped_after_any_write_is_completed_by_running_it_again() {
    let whole = folder();
    whole.ok(&["merge", "toko", "toko-pt"]);
    let want = records(&whole);
    let pins = ClockPins {
        today: Some(common::TODAY.parse().unwrap()),
        now: None,
    };
    // KEEP, four records naming GONE, GONE's removal: six writes.
    for stop in 1..=6 {
        let f = folder();
        {
            let store = Store::open(f.root(), pins).unwrap();
            let mut n = 0;
            let stopped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                store.locked(|| {
                    let p = crm::ops::merge_records::plan(&store, "toko", "toko-pt")?;
                    crm::ops::merge_records::apply(&store, &p, &mut || {
                        n += 1;
                        if n == stop {
                            panic!("killed");
                        }
                    })
                })
            }));
            assert!(stopped.is_err(), "stop {stop} never came");
        }
        let (code, out) = f.check();
        assert_eq!(code, Some(0), "{out}");
        // While GONE is still there, check says how to finish.
        assert_eq!(
            out.contains("`crm merge toko toko-pt` completes it"),
            stop < 6,
            "{out}"
        );
        f.ok(&["merge", "toko", "toko-pt"]);
        assert_eq!(records(&f), want, "after a stop at write {stop}");
        assert_eq!(f.check(), (Some(0), String::new()));
    }
}

#[test]
fn check_warns_of_a_stopped_merge() {
    let f = folder();
    f.edit(
        "customers/toko.yaml",
        "created: 2026-02-01\n",
        "created: 2026-02-01\nmerged: [toko-pt]\n",
    );
    let out = f.crm().arg("check").output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "customers/toko.yaml:10:9: warning: field `merged`: customer toko-pt is still there (a merge that was stopped): `crm merge toko toko-pt` completes it\n"
    );
}

/// Killed by SIGKILL at random moments: each time the files are whole, and the next run
/// completes the merge.
#[test]
fn a_merge_killed_at_random_moments_completes() {
    let whole = folder();
    let start = std::time::Instant::now();
    whole.ok(&["merge", "toko", "toko-pt"]);
    let life = start.elapsed();
    let want = records(&whole);
    let mut rng = fastrand::Rng::with_seed(20261203);
    let mut kills = 0;
    for _ in 0..12 {
        let f = folder();
        let mut child = f
            .process()
            .args(["merge", "toko", "toko-pt"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(life.mul_f64(0.3 + rng.f64()));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        for (rel, bytes) in f.snapshot() {
            if rel.extension().is_some_and(|e| e == "yaml") && !is_temp(&rel) {
                let text = String::from_utf8(bytes).unwrap();
                assert!(
                    serde_yaml::from_str::<serde_yaml::Value>(&text).is_ok(),
                    "{} is not whole: {text}",
                    rel.display()
                );
            }
        }
        f.ok(&["merge", "toko", "toko-pt"]);
        assert_eq!(records(&f), want);
        std::thread::sleep(Duration::from_millis(1));
    }
    eprintln!("{kills} of 12 merges killed");
}

/// The record files and their bytes (crm.toml names its temporary folder, which differs).
fn records(f: &Folder) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    f.snapshot()
        .into_iter()
        .filter(|(p, _)| {
            crm::model::RecordType::ALL
                .iter()
                .any(|t| p.starts_with(t.dir()))
                && !is_temp(p)
        })
        .collect()
}

fn is_temp(p: &Path) -> bool {
    p.file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with(".crm-new-")
}
