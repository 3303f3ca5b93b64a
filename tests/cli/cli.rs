use crate::common;

use std::io::Read;
use std::process::Stdio;

use common::Folder;

#[test]
fn a_broken_file_does_not_stop_a_command_that_does_not_need_it() {
    let f = Folder::new();
    f.with_toko();
    f.write("customers/broken.yaml", "name: Broken\nemail: [unclosed\n");
    f.write("customers/notes.txt", "not yaml at all: [");
    f.write("customers/.hidden.yaml", "[");
    f.write("customers/list.yaml", "- just\n- a list\n");
    let out = f.crm().args(["show", "toko-maju"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        f.record("customers/toko-maju-k7q2.yaml")
    );
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "warning: customers/broken.yaml:3:1: does not parse as YAML: did not find expected ',' or ']', while parsing a flow sequence at line 2 column 8\n\
         warning: customers/list.yaml:1:1: is a list, not a customer record (a record is a mapping of fields)\n\
         warning: skipped 2 files that could not be read (`crm check` lists every problem)\n"
    );
    // Writes work too, and leave the broken file alone.
    f.ok(&["set", "toko", "city=Jakarta"]);
    assert_eq!(
        f.read("customers/broken.yaml"),
        "name: Broken\nemail: [unclosed\n"
    );
    // -q keeps the warnings off stderr.
    f.crm()
        .args(["-q", "show", "toko-maju"])
        .assert()
        .success()
        .stderr("");
}

#[test]
fn records_in_subfolders_are_found() {
    let f = Folder::new();
    f.with_toko();
    std::fs::create_dir_all(f.path("customers/enterprise")).unwrap();
    std::fs::rename(
        f.path("customers/toko-maju-k7q2.yaml"),
        f.path("customers/enterprise/toko-maju-k7q2.yaml"),
    )
    .unwrap();
    f.ok(&["set", "toko", "city=Jakarta"]);
    assert!(f
        .record("customers/enterprise/toko-maju-k7q2.yaml")
        .contains("city: Jakarta\n"));
    assert!(!f.path("customers/toko-maju-k7q2.yaml").exists());
}

#[test]
fn works_from_subfolders_and_with_c_and_crm_dir() {
    let f = Folder::new();
    f.with_toko();
    f.crm()
        .current_dir(f.path("deals"))
        .args(["get", "toko", "name"])
        .assert()
        .success()
        .stdout("Toko Maju\n");
    let elsewhere = tempfile::tempdir().unwrap();
    f.crm()
        .current_dir(elsewhere.path())
        .args(["-C", f.root().to_str().unwrap(), "get", "toko", "name"])
        .assert()
        .success()
        .stdout("Toko Maju\n");
    f.crm()
        .current_dir(elsewhere.path())
        .env("CRM_DIR", f.path("customers"))
        .args(["get", "toko", "name"])
        .assert()
        .success()
        .stdout("Toko Maju\n");
    // A new record made from a subfolder still lands in the folder's type folder.
    let id = f
        .crm()
        .current_dir(f.path("tickets"))
        .args(["add", "customer", "--name", "Sub"])
        .output()
        .unwrap();
    let id = String::from_utf8(id.stdout).unwrap();
    assert!(f
        .path(&format!("customers/{}.yaml", id.trim_end()))
        .is_file());
}

#[test]
fn usage_errors_exit_2_and_failures_exit_1() {
    let f = Folder::new();
    f.with_toko();
    f.crm().args(["show"]).assert().code(2);
    f.crm().args(["frobnicate"]).assert().code(2);
    f.crm()
        .args(["--as-of", "2026-02-30", "show", "toko"])
        .assert()
        .code(2);
    f.crm().args(["show", "nobody"]).assert().code(1);
    f.crm().args(["--help"]).assert().code(0);
    f.crm()
        .env("CRM_NOW", "yesterday")
        .args(["show", "toko"])
        .assert()
        .code(2)
        .stderr("error: CRM_NOW=\"yesterday\" is not an RFC 3339 moment\n");
}

#[test]
fn color_follows_the_flag_and_no_color() {
    let f = Folder::new();
    let always = f
        .crm()
        .args(["--color", "always", "show", "x"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(always.stderr).unwrap(),
        "\u{1b}[1m\u{1b}[31merror\u{1b}[0m: no record matches \"x\"\n"
    );
    let never = f
        .crm()
        .args(["--color", "never", "show", "x"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(never.stderr).unwrap(),
        "error: no record matches \"x\"\n"
    );
    // NO_COLOR turns off the automatic choice (stderr is not a terminal here either way).
    let auto = f
        .crm()
        .env("NO_COLOR", "1")
        .args(["show", "x"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(auto.stderr).unwrap(),
        "error: no record matches \"x\"\n"
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let f = Folder::new();
    f.with_toko();
    // Notes far larger than a pipe's buffer, so the write meets the closed pipe.
    let big = "x".repeat(900_000);
    let text = f.record("customers/toko-maju-k7q2.yaml");
    f.write(
        "customers/toko-maju-k7q2.yaml",
        &format!("{text}notes: {big}\n"),
    );
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("crm"))
        .current_dir(f.root())
        .env("CRM_TODAY", common::TODAY)
        .args(["show", "toko", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(err, "");
}

#[test]
fn files_are_written_with_ordinary_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let f = Folder::new();
    f.with_toko();
    let mode = std::fs::metadata(f.path("customers/toko-maju-k7q2.yaml"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o044, 0o044, "{mode:o}");
}
