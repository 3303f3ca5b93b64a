//! The record cache under .crm/: every change on disk is seen, it can be bypassed, it
//! never changes an answer, and concurrent writers never corrupt it.

use crate::common;

use std::time::Duration;

use common::Folder;

fn folder() -> Folder {
    let f = Folder::new();
    f.add(&["customer", "Alpha", "--id", "alpha"]);
    f.add(&["customer", "Bravo", "--id", "bravo"]);
    assert_eq!(f.names(), "alpha\tAlpha\nbravo\tBravo\n");
    assert!(f.path(".crm/cache/customers.bin").is_file());
    f
}

#[test]
fn a_same_size_edit_in_the_same_second_is_seen() {
    let f = folder();
    f.edit("customers/alpha.yaml", "name: Alpha", "name: Alpho");
    assert_eq!(f.names(), "alpha\tAlpho\nbravo\tBravo\n");
}

#[test]
fn an_edit_that_keeps_size_and_modification_time_is_seen() {
    let f = folder();
    // Let the cache entries age past the two seconds in which they are re-read anyway.
    std::thread::sleep(Duration::from_millis(2100));
    let path = f.path("customers/alpha.yaml");
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    assert_eq!(f.names(), "alpha\tAlpha\nbravo\tBravo\n");
    // Rewrite in place, same size, and put the old modification time back: only the
    // change time tells.
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Alpha", "Alpho");
    std::fs::write(&path, text).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(f.names(), "alpha\tAlpho\nbravo\tBravo\n");
}

#[test]
fn deleted_renamed_and_new_files_are_seen() {
    let f = folder();
    std::fs::remove_file(f.path("customers/bravo.yaml")).unwrap();
    assert_eq!(f.names(), "alpha\tAlpha\n");
    std::fs::create_dir_all(f.path("customers/vip")).unwrap();
    std::fs::rename(
        f.path("customers/alpha.yaml"),
        f.path("customers/vip/charlie.yaml"),
    )
    .unwrap();
    assert_eq!(f.names(), "charlie\tAlpha\n");
    f.write("customers/delta.yaml", "name: Delta\nstage: lead\n");
    // Folder order is path order: customers/delta.yaml before customers/vip/….
    assert_eq!(f.names(), "delta\tDelta\ncharlie\tAlpha\n");
    f.delta_breaks("charlie\n");
}

#[test]
fn the_cache_can_be_bypassed() {
    let f = Folder::new();
    f.add(&["customer", "Alpha", "--id", "alpha"]);
    std::fs::remove_dir_all(f.path(".crm")).ok();
    f.crm()
        .args(["--no-cache", "list", "customers"])
        .assert()
        .success();
    f.crm()
        .env("CRM_NO_CACHE", "1")
        .args(["report", "funnel"])
        .assert()
        .success();
    assert!(!f.path(".crm").exists());
    f.ok(&["list", "customers"]);
    assert!(f.path(".crm/cache/customers.bin").is_file());
}

#[test]
fn a_corrupt_cache_is_rebuilt_without_a_word() {
    let f = folder();
    std::fs::write(f.path(".crm/cache/customers.bin"), b"\x01garbage").unwrap();
    let out = f
        .crm()
        .args(["list", "customers", "--fields", "id,name", "--no-header"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "alpha\tAlpha\nbravo\tBravo\n"
    );
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
    assert!(
        std::fs::read(f.path(".crm/cache/customers.bin"))
            .unwrap()
            .len()
            > 20
    );
}

#[test]
fn every_list_and_report_is_the_same_with_and_without_the_cache() {
    let f = Folder::empty();
    f.ok(&[
        "generate",
        "g",
        "--seed",
        "7",
        "--customers",
        "300",
        "--deals",
        "200",
        "--tickets",
        "80",
        "--interactions",
        "600",
    ]);
    let run = |cache: bool, args: &[&str]| {
        let mut c = f.crm();
        c.arg("-C").arg("g");
        if !cache {
            c.env("CRM_NO_CACHE", "1");
        }
        let out = c.args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        out.stdout
    };
    let commands: Vec<Vec<&str>> = vec![
        vec!["list", "customers", "--format", "json"],
        vec!["list", "deals", "--where", "stage = won", "--format", "csv"],
        vec!["list", "tickets", "--format", "jsonl"],
        vec![
            "list",
            "interactions",
            "--where",
            "customer.city = Jakarta",
            "--format",
            "tsv",
        ],
        vec!["report", "funnel", "--format", "json"],
        vec!["report", "pipeline", "--format", "json"],
        // Deals are read as views; --where reads their records.
        vec![
            "report",
            "pipeline",
            "--where",
            "kind = renewal",
            "--format",
            "json",
        ],
        vec!["report", "campaigns", "--format", "json"],
        vec!["report", "service", "--format", "json"],
        vec!["report", "customers", "--format", "json"],
        vec!["report", "weekly", "--format", "json"],
        vec!["agenda", "--format", "json"],
    ];
    // Build the cache, then compare a warm run and a run without it.
    for args in &commands {
        run(true, args);
    }
    for args in &commands {
        assert_eq!(run(true, args), run(false, args), "{args:?}");
    }
}

#[test]
fn concurrent_writers_never_corrupt_the_cache() {
    let f = Folder::new();
    for i in 0..20 {
        f.add(&[
            "customer",
            &format!("C{i}"),
            "--id",
            &format!("c{i}"),
            "--email",
            &format!("c{i}@x.co"),
        ]);
    }
    f.ok(&["list", "customers"]);
    let bin = assert_cmd::cargo::cargo_bin("crm");
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut c = std::process::Command::new(&bin);
            c.current_dir(f.root()).env("CRM_TODAY", common::TODAY);
            if i % 2 == 0 {
                c.args(["set", &format!("c{i}"), &format!("city=Town{i}")]);
            } else {
                c.args(["list", "customers", "--format", "ids"]);
            }
            c.stdout(std::process::Stdio::null()).spawn().unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let with = f.ok(&[
        "list",
        "customers",
        "--fields",
        "id,city",
        "--no-header",
        "--sort",
        "id",
    ]);
    let without = f
        .crm()
        .env("CRM_NO_CACHE", "1")
        .args([
            "list",
            "customers",
            "--fields",
            "id,city",
            "--no-header",
            "--sort",
            "id",
        ])
        .output()
        .unwrap();
    assert_eq!(with, String::from_utf8(without.stdout).unwrap());
    assert!(
        with.contains("c0\tTown0\n") && with.contains("c6\tTown6\n"),
        "{with}"
    );
}

#[test]
fn the_email_index_keeps_emails_unique_on_the_write_path() {
    let f = folder();
    f.ok(&["add", "customer", "Echo", "--email", "echo@x.co"]);
    let err = common::stderr_of(
        f.crm()
            .args(["add", "customer", "Other", "--email", "ECHO@x.co"]),
        1,
    );
    assert!(
        err.contains("\"ECHO@x.co\" is already the e-mail of customer echo-"),
        "{err}"
    );
    f.ok(&["set", "alpha", "email=alpha@x.co"]);
    let err = common::stderr_of(f.crm().args(["set", "bravo", "email=Alpha@x.co"]), 1);
    assert!(
        err.contains("is already the e-mail of customer alpha"),
        "{err}"
    );
    f.ok(&["rm", "alpha"]);
    f.ok(&["set", "bravo", "email=alpha@x.co"]);
}
