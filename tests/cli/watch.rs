//! `crm watch`: with a watcher running, commands read only what it says changed, and
//! still see every change; without one, or once it stops, they check every file.
#![cfg(target_os = "linux")]

use crate::common;

use common::Folder;

/// A watcher of a folder, started in the background and stopped when dropped.
struct Watching<'f>(&'f Folder);

impl<'f> Watching<'f> {
    fn start(f: &'f Folder) -> Watching<'f> {
        let err = f.ok(&["watch", "--detach"]);
        assert_eq!(err, "", "the watcher says nothing on stdout");
        Watching(f)
    }

    /// (questions answered with a list of changes, with "check everything").
    fn answers(&self) -> (u64, u64) {
        let status = self.0.ok(&["watch", "--status", "--format", "json"]);
        let s: serde_json::Value = serde_json::from_str(&status).unwrap();
        let n = |key: &str| s[key].as_u64().unwrap_or_else(|| panic!("{key}: {status}"));
        (n("answered_with_changes"), n("answered_all"))
    }
}

impl Drop for Watching<'_> {
    fn drop(&mut self) {
        let _ = self.0.crm().args(["watch", "--stop"]).output();
    }
}

/// The same listing read without the cache: what is on disk.
fn on_disk(f: &Folder) -> String {
    let out = f
        .crm()
        .env("CRM_NO_CACHE", "1")
        .args(["list", "customers", "--fields", "id,name", "--no-header"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_change_is_seen_through_the_watcher() {
    let f = Folder::new();
    f.add(&["customer", "Alpha", "--id", "alpha"]);
    f.add(&["customer", "Bravo", "--id", "bravo"]);
    let w = Watching::start(&f);
    let status = f.ok(&["watch", "--status"]);
    let folder = f.root().canonicalize().unwrap();
    assert!(
        status.contains(&format!(" folders of {} since ", folder.display()))
            && status.ends_with(
                "answered 0 questions with the changes and 0 with \"check everything\"\n"
            ),
        "{status}"
    );
    // The first command checks every file and keeps the watcher's token; the next ones
    // ask the watcher.
    assert_eq!(f.names(), "alpha\tAlpha\nbravo\tBravo\n");
    assert_eq!(f.names(), "alpha\tAlpha\nbravo\tBravo\n");
    let (listed, _) = w.answers();
    assert!(listed >= 1, "{:?}", w.answers());
    let step = |what: &str, expected: &str| {
        assert_eq!(f.names(), expected, "after {what}");
        assert_eq!(on_disk(&f), expected, "on disk after {what}");
    };
    // An edit in place that keeps the size, within the same second.
    f.edit("customers/alpha.yaml", "Alpha", "Alpho");
    step("a same-size edit", "alpha\tAlpho\nbravo\tBravo\n");
    // Removed, renamed into a new subfolder, created.
    std::fs::remove_file(f.path("customers/bravo.yaml")).unwrap();
    step("a removal", "alpha\tAlpho\n");
    std::fs::create_dir(f.path("customers/vip")).unwrap();
    std::fs::rename(
        f.path("customers/alpha.yaml"),
        f.path("customers/vip/charlie.yaml"),
    )
    .unwrap();
    step("a rename", "charlie\tAlpho\n");
    f.write("customers/delta.yaml", "name: Delta\nstage: lead\n");
    step("a new file", "delta\tDelta\ncharlie\tAlpho\n");
    // A folder made and filled at once, and one moved in from outside.
    std::fs::create_dir_all(f.path("customers/new/deeper")).unwrap();
    f.write("customers/new/deeper/echo.yaml", "name: Echo\n");
    step("a new folder", "delta\tDelta\necho\tEcho\ncharlie\tAlpho\n");
    let outside = f.path("outside");
    std::fs::create_dir_all(outside.join("inner")).unwrap();
    std::fs::write(outside.join("inner/fox.yaml"), "name: Fox\n").unwrap();
    std::fs::rename(&outside, f.path("customers/moved")).unwrap();
    step(
        "a folder moved in",
        "delta\tDelta\nfox\tFox\necho\tEcho\ncharlie\tAlpho\n",
    );
    // Changes inside the moved folder are watched too; then it is moved out again.
    f.write("customers/moved/inner/fox.yaml", "name: Foxy\n");
    step(
        "an edit in the moved folder",
        "delta\tDelta\nfox\tFoxy\necho\tEcho\ncharlie\tAlpho\n",
    );
    std::fs::rename(f.path("customers/moved"), f.path("gone")).unwrap();
    step(
        "a folder moved out",
        "delta\tDelta\necho\tEcho\ncharlie\tAlpho\n",
    );
    f.delta_breaks("echo\ncharlie\n");
    // The whole type's folder removed and made again: every file is checked.
    std::fs::remove_dir_all(f.path("customers")).unwrap();
    f.write("customers/golf.yaml", "name: Golf\n");
    step("the folder made again", "golf\tGolf\n");
    // Every command after the first was answered with the changes, not with "all".
    let (listed_after, all) = w.answers();
    assert!(
        listed_after > listed + 10,
        "{listed} then {listed_after}, {all} all"
    );
}

#[test]
fn crms_own_writes_are_seen_and_reports_match_a_read_without_the_cache() {
    let g = Folder::empty();
    g.ok(&[
        "generate",
        ".",
        "--seed",
        "3",
        "--customers",
        "120",
        "--deals",
        "80",
        "--tickets",
        "30",
        "--interactions",
        "300",
    ]);
    let w = Watching::start(&g);
    let commands: [&[&str]; 5] = [
        &["report", "pipeline", "--format", "json"],
        &["report", "weekly", "--format", "json"],
        &["report", "customers", "--format", "json"],
        &["list", "deals", "--where", "stage = won", "--format", "csv"],
        &["agenda", "--format", "json"],
    ];
    let same = |when: &str| {
        for args in commands {
            let cached = g.ok(args);
            let out = g
                .crm()
                .env("CRM_NO_CACHE", "1")
                .args(args)
                .output()
                .unwrap();
            assert_eq!(
                cached,
                String::from_utf8(out.stdout).unwrap(),
                "{args:?} {when}"
            );
        }
    };
    same("at first");
    same("warm");
    g.ok(&["set", "d-000003", "stage=won", "closed=2026-11-20"]);
    g.ok(&[
        "add",
        "deal",
        "Late",
        "--customer",
        "c-000001",
        "--value",
        "900",
    ]);
    g.ok(&[
        "log",
        "c-000002",
        "--channel",
        "call",
        "--deal",
        "d-000004",
        "called",
    ]);
    g.ok(&["stage", "c-000005", "churned"]);
    same("after crm's own writes");
    let (listed, _) = w.answers();
    assert!(listed >= 10, "{:?}", w.answers());
}

#[test]
fn without_a_watcher_commands_check_every_file() {
    let f = Folder::new();
    f.add(&["customer", "Alpha", "--id", "alpha"]);
    {
        let _w = Watching::start(&f);
        assert_eq!(f.names(), "alpha\tAlpha\n");
        assert_eq!(f.names(), "alpha\tAlpha\n");
        // A second watcher of the same folder is refused.
        let err = f.fails(1, &["watch"]);
        assert!(err.starts_with("error: a watcher already serves "), "{err}");
    }
    // Stopped: the socket is gone, and the cache's token is no longer vouched for.
    assert!(!f.path(".crm/watch.sock").exists());
    let err = f.fails(1, &["watch", "--status"]);
    assert!(err.starts_with("error: no watcher serves "), "{err}");
    f.edit("customers/alpha.yaml", "Alpha", "Alpho");
    assert_eq!(f.names(), "alpha\tAlpho\n");
    // A new watcher does not vouch for the old one's token: the first command checks.
    let w = Watching::start(&f);
    f.edit("customers/alpha.yaml", "Alpho", "Alphx");
    assert_eq!(f.names(), "alpha\tAlphx\n");
    let (_, all) = w.answers();
    assert!(all >= 1, "{:?}", w.answers());
}

#[test]
fn a_watcher_killed_leaves_a_socket_nobody_answers() {
    let f = Folder::new();
    f.add(&["customer", "Alpha", "--id", "alpha"]);
    let mut child = f
        .process()
        .arg("watch")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it answers.
    let started = std::time::Instant::now();
    while f
        .crm()
        .args(["watch", "--status"])
        .output()
        .unwrap()
        .status
        .code()
        != Some(0)
    {
        assert!(
            started.elapsed().as_secs() < 30,
            "the watcher never answered"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(f.names(), "alpha\tAlpha\n");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(f.path(".crm/watch.sock").exists());
    f.edit("customers/alpha.yaml", "Alpha", "Alpho");
    assert_eq!(f.names(), "alpha\tAlpho\n");
    // A new watcher takes the socket over.
    let _w = Watching::start(&f);
    assert_eq!(f.names(), "alpha\tAlpho\n");
}
