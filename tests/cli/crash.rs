//! Crash safety: crm killed with SIGKILL at random moments of its writes.
//!
//! After every kill each record file parses and is the old or the new version of
//! itself; the temporary files of killed writers are never read as records; the next
//! write (or `crm check --fix`) removes them; the write lock never stays taken.
//! `CRASH_KILLS` sets how many kills the first test makes (default 1,000).

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Folder;
use crm::model::RecordType;

/// What the new version of a changed file must satisfy.
type Expect = Box<dyn Fn(&crm::model::Record) -> bool>;

/// Every file below the record folders, by path relative to the crm folder.
fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for ty in RecordType::ALL {
        for e in walkdir::WalkDir::new(root.join(ty.dir()))
            .into_iter()
            .flatten()
        {
            if e.file_type().is_file() {
                let rel = e.path().strip_prefix(root).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

fn is_temp(p: &Path) -> bool {
    p.file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with(".crm-new-")
}

fn is_record(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "yaml")
        && !p.file_name().unwrap().to_string_lossy().starts_with('.')
}

fn parse(rel: &Path, bytes: &[u8]) -> crm::model::Record {
    let ty = RecordType::ALL
        .into_iter()
        .find(|t| rel.starts_with(t.dir()))
        .unwrap();
    crm::store::read::parse::parse_record(ty, rel, bytes)
        .unwrap_or_else(|e| panic!("{} does not parse after a kill: {e}", rel.display()))
}

/// Runs `cmd`, kills it after `delay` unless it has finished; true if it was killed.
fn run_and_kill(mut cmd: Command, delay: Duration) -> bool {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let running = child.try_wait().unwrap().is_none();
    if running {
        child.kill().unwrap();
    }
    let status = child.wait().unwrap();
    if running {
        use std::os::unix::process::ExitStatusExt;
        // It may have finished between the check and the kill.
        return status.signal() == Some(9);
    }
    assert!(status.success(), "{cmd:?} failed without being killed");
    false
}

/// The mean duration of a command (three runs), to spread kills over its whole life.
fn duration(f: &Folder, args: &[&str]) -> Duration {
    let start = Instant::now();
    for _ in 0..3 {
        let out = f.process().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
    }
    start.elapsed() / 3
}

fn ok(f: &Folder, args: &[&str]) -> String {
    let out = f.process().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn kills_during_set_stage_and_add_leave_old_or_new_files() {
    let kills_wanted: usize = std::env::var("CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let f = Folder::new();
    let customer = ok(
        &f,
        &[
            "add",
            "customer",
            "Toko Maju",
            "--email",
            "toko@example.com",
        ],
    );
    let customer = customer.trim();
    let deals: Vec<String> = (0..4)
        .map(|i| {
            ok(
                &f,
                &[
                    "add",
                    "deal",
                    &format!("Shared {i}"),
                    "--customer",
                    customer,
                ],
            )
            .trim()
            .to_string()
        })
        .collect();
    let stages = ["new", "qualified", "proposal", "negotiation"];
    let mut set_time = duration(&f, &["set", &deals[0], "notes=warm-up"]);
    let mut add_time = duration(&f, &["add", "deal", "Warm-up", "--customer", customer]);
    let mut rng = fastrand::Rng::with_seed(20261122);
    let (mut kills, mut runs, mut changed_by_killed, mut temp_left, mut temp_cleaned) =
        (0, 0, 0, 0, 0);
    let mut before = files(f.root());
    while kills < kills_wanted {
        runs += 1;
        assert!(
            runs < kills_wanted * 4,
            "too few kills landed: {kills} of {runs}"
        );
        let deal = &deals[rng.usize(..deals.len())];
        let op = rng.u8(..10);
        let (args, expected): (Vec<String>, Expect) = match op {
            0..=3 => {
                let v = format!("note {runs}");
                let want = v.clone();
                (
                    vec!["set".into(), deal.clone(), format!("notes={v}")],
                    Box::new(move |r| r.str("notes") == Some(want.as_str())),
                )
            }
            4..=6 => {
                let s = stages[rng.usize(..stages.len())];
                (
                    vec!["stage".into(), deal.clone(), s.into()],
                    Box::new(move |r| r.str("stage") == Some(s)),
                )
            }
            _ => (
                vec![
                    "add".into(),
                    "deal".into(),
                    format!("Added {runs}"),
                    "--customer".into(),
                    customer.to_string(),
                ],
                Box::new(|_| true),
            ),
        };
        let life = if op <= 6 { set_time } else { add_time };
        // Half the kills anywhere in the run, half in its last part, where it writes.
        let at = if rng.bool() {
            rng.f64() * 1.2
        } else {
            0.6 + rng.f64() * 0.5
        };
        let delay = life.mul_f64(at);
        let mut cmd = f.process();
        cmd.args(&args);
        let killed = run_and_kill(cmd, delay);
        kills += usize::from(killed);
        // The warm-up's timing may have been taken while the machine was busier or
        // idler than now (other tests run beside this one): a run that ended before its
        // kill shortens the estimate, a kill that landed lengthens it a little.
        let life = if op <= 6 {
            &mut set_time
        } else {
            &mut add_time
        };
        *life = life.mul_f64(if killed { 1.02 } else { 0.9 });
        let after = files(f.root());
        let target = format!("deals/{deal}.yaml");
        for (rel, bytes) in &after {
            if is_temp(rel) {
                continue;
            }
            assert!(is_record(rel), "unexpected file {}", rel.display());
            if before.get(rel) == Some(bytes) {
                continue;
            }
            let record = parse(rel, bytes);
            // A changed file is the new version: the target with the new value, or the
            // one deal this run added.
            if op <= 6 {
                assert_eq!(rel, Path::new(&target), "a kill changed another file");
                assert!(
                    expected(&record),
                    "{} is neither old nor new",
                    rel.display()
                );
            } else {
                assert!(!before.contains_key(rel), "add changed {}", rel.display());
                assert_eq!(record.str("title"), Some(args[2].as_str()));
            }
            changed_by_killed += usize::from(killed);
        }
        for rel in before.keys() {
            assert!(
                after.contains_key(rel) || is_temp(rel),
                "{} vanished",
                rel.display()
            );
        }
        let temps = after.keys().filter(|p| is_temp(p)).count();
        if temps > 0 {
            temp_left += 1;
            // Never read as records: the listing shows exactly the .yaml files, no warning.
            let out = f
                .process()
                .args(["list", "deals", "--format", "ids"])
                .output()
                .unwrap();
            assert!(out.status.success());
            assert_eq!(String::from_utf8_lossy(&out.stderr), "");
            let listed = String::from_utf8(out.stdout).unwrap().lines().count();
            let yaml = after
                .keys()
                .filter(|p| p.starts_with("deals") && is_record(p))
                .count();
            assert_eq!(listed, yaml);
            // The next write cleans up after the killed one.
            ok(&f, &["set", &deals[0], &format!("notes=after {runs}")]);
            let now = files(f.root());
            assert_eq!(now.keys().filter(|p| is_temp(p)).count(), 0, "{now:?}");
            temp_cleaned += 1;
            before = now;
        } else {
            before = after;
        }
    }
    // Whatever the kills left in the cache goes with `crm check --fix`; the folder checks.
    ok(&f, &["check", "--fix"]);
    let leftovers: Vec<_> = walkdir::WalkDir::new(f.root())
        .into_iter()
        .flatten()
        .filter(|e| is_temp(e.path()))
        .map(|e| e.into_path())
        .collect();
    assert_eq!(leftovers, Vec::<PathBuf>::new());
    ok(&f, &["check"]);
    eprintln!(
        "crash: {runs} runs, {kills} killed, {changed_by_killed} files changed by killed runs, \
         {temp_left} kills left temporary files, all {temp_cleaned} removed by the next write"
    );
}

#[test]
fn kills_during_an_import_of_2000_rows_then_a_rerun_completes_it() {
    let f = Folder::new();
    let csv: String = std::iter::once("name,email,phone,stage\n".to_string())
        .chain((0..2000).map(|i| format!("Customer {i},c{i}@example.com,+62 811 {i:04},lead\n")))
        .collect();
    std::fs::write(f.path("leads.csv"), &csv).unwrap();
    let mut rng = fastrand::Rng::with_seed(7);
    let mut kills = 0;
    let mut count = 0;
    let mut before = files(f.root());
    for _ in 0..12 {
        let mut cmd = f.process();
        cmd.args(["import", "customers", "leads.csv"]);
        // Early enough in the run to land among the writes of the rows left.
        kills += usize::from(run_and_kill(cmd, Duration::from_millis(rng.u64(30..300))));
        let after = files(f.root());
        for (rel, bytes) in &after {
            if is_temp(rel) || before.get(rel) == Some(bytes) {
                continue;
            }
            let r = parse(rel, bytes);
            let name = r.str("name").unwrap();
            let i: usize = name.strip_prefix("Customer ").unwrap().parse().unwrap();
            assert_eq!(r.str("email"), Some(format!("c{i}@example.com").as_str()));
        }
        let now = after.keys().filter(|p| is_record(p)).count();
        assert!(now >= count, "records went missing");
        count = now;
        before = after;
    }
    assert!(kills >= 8, "only {kills} kills landed");
    let out = f
        .process()
        .args(["import", "customers", "leads.csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        format!(
            "imported customers: created {}, updated 0, unchanged {count}, skipped 0\n",
            2000 - count
        )
    );
    let all = files(f.root());
    assert_eq!(all.keys().filter(|p| is_record(p)).count(), 2000);
    assert_eq!(all.keys().filter(|p| is_temp(p)).count(), 0);
    ok(&f, &["check", "--fix"]);
    ok(&f, &["check"]);
}
