//! Real git repositories in temporary folders, with a hermetic git configuration:
//! records merged through `crm merge-driver`.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::Folder;

/// `git ARGS` in `dir`, hermetic: no user or system configuration, fixed identity and
/// dates. Whether it succeeded, and its output.
pub(crate) fn git(dir: &Path, args: &[&str]) -> (bool, String) {
    git_in(dir, args, None)
}

/// `git` as [`git`] runs it, with `PATH` set to `path` when given.
fn git_in(dir: &Path, args: &[&str], path: Option<&std::ffi::OsStr>) -> (bool, String) {
    let mut cmd = Command::new("git");
    if let Some(p) = path {
        cmd.env("PATH", p);
    }
    let out = cmd
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_AUTHOR_DATE", "2026-11-22T10:00:00+00:00")
        .env("GIT_COMMITTER_DATE", "2026-11-22T10:00:00+00:00")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

fn ok(dir: &Path, args: &[&str]) {
    let (success, text) = git(dir, args);
    assert!(success, "git {args:?}: {text}");
}

/// A repository whose root is a crm folder with one customer and one deal, committed on main.
fn repo() -> Folder {
    let f = Folder::empty();
    let dir = f.root();
    ok(dir, &["init", "-q", "-b", "main"]);
    let out = f.crm().arg("init").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!("created a crm folder in .\nregistered the crm merge driver in this repository (crm git-setup)\n")
    );
    f.with_toko();
    ok(dir, &["add", "-A"]);
    ok(dir, &["commit", "-q", "-m", "start"]);
    f
}

fn branch(f: &Folder, name: &str, change: &[&[&str]]) {
    ok(f.root(), &["checkout", "-q", "-b", name, "main"]);
    for args in change {
        f.ok(args);
    }
    ok(f.root(), &["commit", "-q", "-am", name]);
}

#[test]
fn init_registers_the_driver() {
    let f = repo();
    let (_, cfg) = git(f.root(), &["config", "--local", "merge.crm.driver"]);
    assert!(
        cfg.trim_end().ends_with(" merge-driver %O %A %B %P"),
        "{cfg}"
    );
    assert!(cfg.contains("crm"), "{cfg}");
    let (_, name) = git(f.root(), &["config", "--local", "merge.crm.name"]);
    assert_eq!(name, "crm: merge records field by field\n");
    assert_eq!(
        git(
            f.root(),
            &["check-attr", "merge", "deals/annual-plan-a1b2.yaml"]
        )
        .1,
        "deals/annual-plan-a1b2.yaml: merge: crm\n"
    );
}

#[test]
fn different_fields_merge_cleanly_and_canonically() {
    let f = repo();
    branch(&f, "a", &[&["set", "annual", "owner=ayu"]]);
    branch(
        &f,
        "b",
        &[&["set", "annual", "probability=40", "value=15000000"]],
    );
    ok(f.root(), &["checkout", "-q", "a"]);
    ok(f.root(), &["merge", "-q", "--no-edit", "b"]);
    assert_eq!(
        f.record("deals/annual-plan-a1b2.yaml"),
        "title: Annual plan\ncustomer: toko-maju-k7q2\nstage: new\nhistory:\n- stage: new\n  at: 2026-11-22T00:00:00+00:00\nvalue: 15000000\ncurrency: IDR\nprobability: 40\nowner: ayu\ncreated: 2026-11-22\n"
    );
    f.crm().arg("check").assert().success();
}

#[test]
fn histories_appended_on_both_sides_are_united() {
    let f = repo();
    ok(f.root(), &["checkout", "-q", "-b", "a", "main"]);
    f.crm()
        .env("CRM_TODAY", "2026-11-25")
        .args(["stage", "annual", "proposal"])
        .assert()
        .success();
    ok(f.root(), &["commit", "-q", "-am", "a"]);
    ok(f.root(), &["checkout", "-q", "-b", "b", "main"]);
    f.crm()
        .env("CRM_TODAY", "2026-11-24")
        .args(["stage", "annual", "proposal"])
        .assert()
        .success();
    ok(f.root(), &["commit", "-q", "-am", "b"]);
    ok(f.root(), &["merge", "-q", "--no-edit", "a"]);
    assert!(
        f.record("deals/annual-plan-a1b2.yaml").contains(
            "stage: proposal\nhistory:\n- stage: new\n  at: 2026-11-22T00:00:00+00:00\n- stage: proposal\n  at: 2026-11-24T00:00:00+00:00\n- stage: proposal\n  at: 2026-11-25T00:00:00+00:00\nvalue:"
        ),
        "{}",
        f.read("deals/annual-plan-a1b2.yaml")
    );
}

#[test]
fn the_same_field_changed_two_ways_conflicts_around_that_field() {
    let f = repo();
    branch(&f, "a", &[&["set", "annual", "owner=ayu", "notes=from a"]]);
    branch(&f, "b", &[&["set", "annual", "owner=budi"]]);
    let (success, out) = git(f.root(), &["merge", "--no-edit", "a"]);
    assert!(!success, "{out}");
    assert!(out.contains("CONFLICT"), "{out}");
    assert_eq!(
        f.read("deals/annual-plan-a1b2.yaml"),
        "# yaml-language-server: $schema=../schema/deal.schema.json\ntitle: Annual plan\ncustomer: toko-maju-k7q2\nstage: new\nhistory:\n- stage: new\n  at: 2026-11-22T00:00:00+00:00\nvalue: 12000000\ncurrency: IDR\n<<<<<<< ours\nowner: budi\n=======\nowner: ayu\n>>>>>>> theirs\nnotes: from a\ncreated: 2026-11-22\n"
    );
}

#[test]
fn deleted_on_one_side_and_edited_on_the_other_conflicts() {
    let f = repo();
    ok(f.root(), &["checkout", "-q", "-b", "a", "main"]);
    f.ok(&["rm", "annual"]);
    ok(f.root(), &["commit", "-q", "-am", "a"]);
    branch(&f, "b", &[&["set", "annual", "owner=budi"]]);
    let (success, out) = git(f.root(), &["merge", "--no-edit", "a"]);
    assert!(!success, "{out}");
    assert!(out.contains("CONFLICT (modify/delete)"), "{out}");
}

#[test]
fn git_setup_outside_a_repository_fails() {
    let f = Folder::new();
    let err = common::stderr_of(f.crm().arg("git-setup"), 1);
    assert!(err.contains("is not inside a git work tree"), "{err}");
}

#[test]
fn an_unparsable_side_falls_back_to_a_text_merge() {
    let f = Folder::empty();
    f.write("crm.toml", "");
    f.write("base.yaml", "title: T\ncustomer: c\nstage: new\n");
    f.write("ours.yaml", "title: [broken\ncustomer: c\nstage: new\n");
    f.write("theirs.yaml", "title: T\ncustomer: c\nstage: won\n");
    let out = f
        .crm()
        .args([
            "merge-driver",
            "base.yaml",
            "ours.yaml",
            "theirs.yaml",
            "deals/d.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("our side does not parse"), "{err}");
    assert!(err.contains("deals/d.yaml: merged as text"), "{err}");
    // git merge-file merged the lines: our broken title, their stage.
    assert_eq!(
        f.read("ours.yaml"),
        "title: [broken\ncustomer: c\nstage: won\n"
    );
}

/// A: lead → prospect. B: lead → prospect → lead, later. B pulls: B's last move stands,
/// and tags added on both sides are both kept.
#[test]
fn the_latest_stage_move_and_both_sides_tags_survive_a_merge() {
    let f = repo();
    let at = |day: &str, args: &[&str]| {
        f.crm().env("CRM_TODAY", day).args(args).assert().success();
    };
    ok(f.root(), &["checkout", "-q", "-b", "a", "main"]);
    at("2026-11-24", &["stage", "toko", "prospect"]);
    at("2026-11-24", &["set", "toko", "tags+=x"]);
    ok(f.root(), &["commit", "-q", "-am", "a"]);
    ok(f.root(), &["checkout", "-q", "-b", "b", "main"]);
    at("2026-11-23", &["stage", "toko", "prospect"]);
    at("2026-11-25", &["stage", "toko", "lead"]);
    at("2026-11-25", &["set", "toko", "tags+=y"]);
    ok(f.root(), &["commit", "-q", "-am", "b"]);
    ok(f.root(), &["merge", "-q", "--no-edit", "a"]);
    assert_eq!(
        f.record("customers/toko-maju-k7q2.yaml"),
        "name: Toko Maju\nemail: budi@tokomaju.id\nstage: lead\nhistory:\n- stage: lead\n  at: 2026-11-22T00:00:00+00:00\n- stage: prospect\n  at: 2026-11-23T00:00:00+00:00\n- stage: prospect\n  at: 2026-11-24T00:00:00+00:00\n- stage: lead\n  at: 2026-11-25T00:00:00+00:00\ntags:\n- y\n- x\ncreated: 2026-11-22\n"
    );
    f.crm().arg("check").assert().success();
}

/// crm moved after `crm git-setup`: the driver falls back to git's line merge (never
/// "ours" kept silently), and `crm check` says the driver cannot run.
#[test]
fn a_stale_merge_driver_still_merges_and_check_warns() {
    let f = repo();
    let gone = f.root().parent().unwrap().join(format!(
        "crm-moved-{}",
        f.root().file_name().unwrap().to_string_lossy()
    ));
    std::fs::copy(assert_cmd::cargo::cargo_bin!("crm"), &gone).unwrap();
    let out = Command::new(&gone)
        .arg("git-setup")
        .current_dir(f.root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    std::fs::remove_file(&gone).unwrap();
    let path = std::env::var("PATH").unwrap();
    let without_crm: Vec<_> = std::env::split_paths(&path)
        .filter(|d| !d.join("crm").exists())
        .collect();
    let path = std::env::join_paths(without_crm).unwrap();
    let out = f.crm().arg("check").env("PATH", &path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(".gitattributes:2:1: warning: the merge driver registered in git (merge.crm.driver) runs {}, which is not there, and no crm is on PATH; merges of records would keep one side: run `crm git-setup` again\n", gone.display())
    );
    branch(&f, "a", &[&["set", "annual", "owner=ayu"]]);
    branch(&f, "b", &[&["set", "annual", "probability=40"]]);
    // No crm on PATH: git's own merge of the lines runs; the two changes are on
    // neighbouring lines, so it marks them (before, "ours" was kept without a word).
    let (merged_clean, _) = git_in(f.root(), &["merge", "-q", "--no-edit", "a"], Some(&path));
    assert!(!merged_clean);
    let merged = f.read("deals/annual-plan-a1b2.yaml");
    assert!(
        merged.contains("<<<<<<< ours\nprobability: 40\n=======\nowner: ayu\n>>>>>>> theirs\n"),
        "{merged}"
    );
}

/// Other YAML of the repository (a CI workflow) is not routed through the driver, and the
/// driver, given one by an older `.gitattributes`, merges it as git does: comments, key
/// order, anchors and `3.10` kept.
#[test]
fn other_yaml_merges_as_text() {
    let f = repo();
    assert_eq!(
        git(
            f.root(),
            &["check-attr", "merge", ".github/workflows/ci.yml"]
        )
        .1,
        ".github/workflows/ci.yml: merge: unspecified\n"
    );
    let base = "# CI\nname: ci\nversions: &v [3.10, 3.11]\njobs:\n  test:\n    python: *v\n    run: make\n";
    let ours = base.replace("name: ci", "name: ci # ours");
    let theirs = base.replace("run: make", "run: make test");
    for (name, text) in [
        ("base", base),
        ("ours", ours.as_str()),
        ("theirs", theirs.as_str()),
    ] {
        f.write(&format!("{name}.yml"), text);
    }
    f.ok(&[
        "merge-driver",
        "base.yml",
        "ours.yml",
        "theirs.yml",
        ".github/workflows/ci.yml",
    ]);
    assert_eq!(
        f.read("ours.yml"),
        "# CI\nname: ci # ours\nversions: &v [3.10, 3.11]\njobs:\n  test:\n    python: *v\n    run: make test\n"
    );
    // An older folder's `*.yaml merge=crm` is replaced by `crm git-setup`.
    std::fs::write(
        f.path(".gitattributes"),
        "*.yaml merge=crm\n*.yml merge=crm\n*.png binary\n",
    )
    .unwrap();
    f.ok(&["git-setup"]);
    assert_eq!(
        f.read(".gitattributes"),
        "*.png binary\ncustomers/** merge=crm\ndeals/** merge=crm\ntickets/** merge=crm\ncampaigns/** merge=crm\ninteractions/** merge=crm\n"
    );
}

/// Two sides that each fit, merged into one file reads would refuse: a conflict, not a
/// clean merge that nobody can read afterwards.
#[test]
fn a_merge_too_big_to_read_is_a_conflict() {
    let f = Folder::empty();
    f.write("crm.toml", "");
    let half = "y".repeat(600_000);
    f.write("base.yaml", "name: T\n");
    f.write("ours.yaml", &format!("name: T\na: {half}\n"));
    f.write("theirs.yaml", &format!("name: T\nb: {half}\n"));
    let out = f
        .crm()
        .args([
            "merge-driver",
            "base.yaml",
            "ours.yaml",
            "theirs.yaml",
            "customers/t.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: customers/t.yaml: the merge is 1200079 bytes, more than a record file may be \
         (1048576 bytes); shorten it before committing\n"
    );
}
