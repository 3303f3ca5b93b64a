//! A folder from a stranger's commit: links under `.crm/` and in the record folders lead
//! nowhere, rewrites keep a file's mode, read-only files are kept.
#![cfg(unix)]

use crate::common;

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};

use common::Folder;

/// A file outside the crm folder that a hostile link points at.
fn precious(f: &Folder) -> std::path::PathBuf {
    let p = f.root().parent().unwrap().join(format!(
        "precious-{}",
        f.root().file_name().unwrap().to_string_lossy()
    ));
    fs::write(&p, "export PATH=keep\n").unwrap();
    p
}

fn link_message(rel: &str, target: &std::path::Path) -> String {
    format!(
        "{rel}: is a symbolic link (to {}); crm does not follow links, so nothing outside the folder is read or written",
        target.display()
    )
}

#[test]
fn a_committed_link_as_the_lock_empties_nothing() {
    let f = Folder::new();
    f.with_toko();
    let outside = precious(&f);
    fs::remove_file(f.path(".crm/lock")).ok();
    symlink(&outside, f.path(".crm/lock")).unwrap();
    let err = f.fails(1, &["set", "toko", "city=Jakarta"]);
    assert_eq!(
        err,
        format!("error: {}\n", link_message(".crm/lock", &outside))
    );
    assert_eq!(fs::read_to_string(&outside).unwrap(), "export PATH=keep\n");
    assert!(!f.read("customers/toko-maju-k7q2.yaml").contains("Jakarta"));
    // crm check names it.
    let (code, stdout) = f.check();
    assert_eq!(code, Some(1));
    assert_eq!(
        stdout,
        format!(".crm/lock:1:1: error: is a symbolic link (to {}) inside .crm/, which is crm's own (it came in a commit?); crm writes nothing through it: remove it\n", outside.display())
    );
    fs::remove_file(&outside).unwrap();
}

#[test]
fn the_watch_log_is_not_written_through_a_link() {
    let f = Folder::new();
    f.with_toko();
    let outside = precious(&f);
    symlink(&outside, f.path(".crm/watch.log")).unwrap();
    let out = f.crm().args(["watch", "--detach"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains(".crm/watch.log"));
    assert_eq!(fs::read_to_string(&outside).unwrap(), "export PATH=keep\n");
    fs::remove_file(&outside).unwrap();
}

#[test]
fn a_linked_crm_or_cache_folder_receives_nothing() {
    let f = Folder::new();
    f.with_toko();
    let elsewhere = tempfile::tempdir().unwrap();
    fs::remove_dir_all(f.path(".crm")).ok();
    symlink(elsewhere.path(), f.path(".crm")).unwrap();
    // Reads go on without the cache; writes are refused, naming the link.
    assert_eq!(
        f.ok(&["list", "customers", "--format", "ids"]),
        "toko-maju-k7q2\n"
    );
    let err = f.fails(1, &["set", "toko", "city=Jakarta"]);
    assert_eq!(
        err,
        format!("error: {}\n", link_message(".crm", elsewhere.path()))
    );
    assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0);

    fs::remove_file(f.path(".crm")).unwrap();
    fs::create_dir(f.path(".crm")).unwrap();
    symlink(elsewhere.path(), f.path(".crm/cache")).unwrap();
    fs::write(elsewhere.path().join(".crm-new-keep"), "theirs").unwrap();
    assert_eq!(
        f.ok(&["list", "customers", "--format", "ids"]),
        "toko-maju-k7q2\n"
    );
    f.ok(&["set", "toko", "city=Jakarta"]);
    assert_eq!(f.ok(&["get", "toko", "city"]), "Jakarta\n");
    f.crm().args(["check", "--fix"]).output().unwrap();
    let names: Vec<_> = fs::read_dir(elsewhere.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from(".crm-new-keep")]);
}

#[test]
fn a_linked_type_folder_is_refused_by_writes_too() {
    let f = Folder::new();
    let elsewhere = tempfile::tempdir().unwrap();
    let theirs = "name: Theirs\nstage: lead\n";
    fs::write(elsewhere.path().join("theirs-aaaa.yaml"), theirs).unwrap();
    fs::remove_dir_all(f.path("customers")).unwrap();
    symlink(elsewhere.path(), f.path("customers")).unwrap();
    let message = link_message("customers", elsewhere.path());
    let err = f.fails(1, &["add", "customer", "--name", "New"]);
    assert_eq!(err, format!("error: {message}\n"));
    for args in [
        &["show", "theirs-aaaa"][..],
        &["get", "theirs-aaaa", "name"],
        &["set", "theirs-aaaa", "city=X"],
    ] {
        let err = f.fails(1, args);
        assert_eq!(
            err,
            format!("warning: {message}\nwarning: skipped 1 file that could not be read (`crm check` lists every problem)\nerror: no record matches \"theirs-aaaa\"\n"),
            "{args:?}"
        );
    }
    assert_eq!(
        fs::read_to_string(elsewhere.path().join("theirs-aaaa.yaml")).unwrap(),
        theirs
    );
    assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 1);
}

#[test]
fn a_rewrite_keeps_the_mode_and_a_read_only_record_is_kept() {
    let f = Folder::new();
    f.with_toko();
    let path = f.path("customers/toko-maju-k7q2.yaml");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    f.ok(&["set", "toko", "city=Jakarta"]);
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let before = f.read("customers/toko-maju-k7q2.yaml");
    let err = f.fails(1, &["set", "toko", "city=Bandung"]);
    assert_eq!(
        err,
        format!(
            "error: {}: is read-only; crm does not replace it (make it writable first, e.g. chmod u+w)\n",
            path.display()
        )
    );
    assert_eq!(f.read("customers/toko-maju-k7q2.yaml"), before);
}

#[test]
fn a_file_with_conflict_markers_is_named_and_still_holds_its_id() {
    let f = Folder::new();
    f.with_toko();
    f.write(
        "customers/toko-maju-k7q2.yaml",
        "name: Toko Maju\n<<<<<<< ours\nstage: lead\n=======\nstage: prospect\n>>>>>>> theirs\n",
    );
    let message =
        "has an unresolved merge conflict (<<<<<<< … >>>>>>>); resolve it, then `git add` the file";
    // At the marker's line, and the deal pointing at it is not "dangling".
    assert_eq!(
        f.check(),
        (
            Some(1),
            format!("customers/toko-maju-k7q2.yaml:2:1: error: {message}\n")
        )
    );
    let err = f.fails(1, &["show", "toko-maju-k7q2"]);
    assert!(
        err.ends_with(&format!("error: \"toko-maju-k7q2\" is customers/toko-maju-k7q2.yaml, which exists but cannot be read: line 2: {message}\n")),
        "{err}"
    );
}

#[test]
fn reports_say_which_files_they_skipped() {
    let f = Folder::new();
    f.with_toko();
    f.write("deals/broken.yaml", "title: [\n");
    let out = f
        .crm()
        .args(["-q", "report", "pipeline", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["skipped"],
        serde_json::json!([
            "deals/broken.yaml:2:1: does not parse as YAML: did not find expected node content, while parsing a flow node"
        ])
    );
    let line = "Skipped 1 file that could not be read, so these figures leave it out: deals/broken.yaml (`crm check` lists every problem)";
    let table = f.ok(&["-q", "report", "pipeline", "--format", "table"]);
    assert_eq!(table.lines().nth(1), Some(line), "{table}");
    let md = f.ok(&["-q", "report", "pipeline", "--format", "markdown"]);
    assert!(md.contains(&format!("\n\n**{line}**\n")), "{md}");
    let html = f.ok(&["-q", "report", "pipeline", "--format", "html"]);
    assert!(
        html.contains(&format!("</header>\n<p class=\"skipped\">{line}</p>\n")),
        "{html}"
    );
    let csv = f.ok(&["-q", "report", "pipeline", "--format", "csv"]);
    assert!(csv.ends_with("skipped,1,file,\"deals/broken.yaml:2:1: does not parse as YAML: did not find expected node content, while parsing a flow node\"\n"), "{csv}");
    let err = f.fails(
        1,
        &["-q", "report", "pipeline", "--strict", "--format", "json"],
    );
    assert_eq!(err, "error: --strict: 1 file could not be read\n");
    f.write(
        "deals/broken.yaml",
        "title: B\ncustomer: toko-maju-k7q2\nstage: new\n",
    );
    f.ok(&["report", "pipeline", "--strict"]);
}

#[test]
fn a_byte_order_mark_is_read_past_and_never_written() {
    let f = Folder::new();
    fs::write(
        f.path("customers/bom-aaaa.yaml"),
        "\u{feff}name: Bom\nemail: bom@x.id\nstage: lead\n",
    )
    .unwrap();
    assert_eq!(f.ok(&["get", "bom", "name"]), "Bom\n");
    f.crm().arg("check").assert().success();
    f.ok(&["set", "bom", "city=Jakarta"]);
    assert_eq!(
        f.record("customers/bom-aaaa.yaml"),
        "name: Bom\nemail: bom@x.id\nstage: lead\ncity: Jakarta\n"
    );
    // An export with a BOM imports again as the same records.
    let csv = f.path("out.csv");
    f.ok(&["export", "customers", "--bom", "-o", csv.to_str().unwrap()]);
    let out = f
        .crm()
        .args(["import", "customers", csv.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "imported customers: created 0, updated 0, unchanged 1, skipped 0\n"
    );
}

#[test]
fn merge_keys_are_refused_as_yaml_1_1() {
    let f = Folder::new();
    f.write(
        "customers/m-aaaa.yaml",
        "name: M\nstage: lead\nbase: &b\n  city: X\nother:\n  <<: *b\n  region: Y\n",
    );
    let (code, stdout) = f.check();
    assert_eq!(code, Some(1));
    assert_eq!(
        stdout,
        "customers/m-aaaa.yaml:6:3: error: merge keys (<<: *name) are YAML 1.1, and tools disagree on them; write the fields out\n"
    );
}

/// A byte of the cache changed behind crm's back, in a way that still decodes: the
/// entry's checksum fails and the file itself is read.
#[test]
fn a_changed_byte_in_the_cache_is_not_served() {
    let f = Folder::new();
    f.with_toko();
    // Past the racy window (an entry written within 2 s of its file's change is read
    // again anyway), so that the entry is trusted by its stat alone.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let names = "toko-maju-k7q2\tToko Maju\n";
    assert_eq!(f.names(), names);
    let cache = f.path(".crm/cache/customers.bin");
    let mut bytes = fs::read(&cache).unwrap();
    let at = bytes
        .windows(9)
        .position(|w| w == b"Toko Maju")
        .expect("the name is in the cache");
    bytes[at + 6] = b'b';
    fs::write(&cache, &bytes).unwrap();
    assert_eq!(f.names(), names);
}

/// An e-mail is taken by a customer file written by another program a moment ago (a
/// `git pull`), and by one that does not parse (a merge conflict left in it).
#[test]
fn an_email_is_taken_by_pulled_and_broken_files() {
    let f = Folder::new();
    f.with_toko();
    f.ok(&["list", "customers"]);
    f.write(
        "customers/pulled-aaaa.yaml",
        "name: Pulled\nemail: pulled@x.id\nstage: lead\n",
    );
    f.write(
        "customers/broken-aaaa.yaml",
        "name: Broken\n<<<<<<< ours\nemail: broken@x.id\n=======\nemail: other@x.id\n>>>>>>> theirs\nstage: lead\n",
    );
    for (email, owner) in [
        ("PULLED@x.id", "pulled-aaaa"),
        ("broken@x.id", "broken-aaaa"),
        ("other@x.id", "broken-aaaa"),
    ] {
        let err = f.fails(1, &["add", "customer", "--name", "New", "--email", email]);
        assert!(
            err.ends_with(&format!(
                "field `email`: {email:?} is already the e-mail of customer {owner}\n"
            )),
            "{err}"
        );
    }
    f.add(&["customer", "--name", "New", "--email", "new@x.id"]);
}

/// An editor saving in place has written half of the file when `crm set` runs: crm waits
/// for the file to be quiet and changes the whole of it, losing neither half.
#[test]
fn a_file_being_saved_is_not_read_half_written() {
    use std::io::Write;
    let f = Folder::new();
    f.with_toko();
    let path = f.path("customers/toko-maju-k7q2.yaml");
    let mut file = fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    file.write_all(b"name: Toko Maju\nemail: budi@tokomaju.id\nstage: lead\n")
        .unwrap();
    file.flush().unwrap();
    let set = f
        .process()
        .args(["set", "toko-maju-k7q2", "city=Jakarta"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    file.write_all(b"industry: retail\nnotes: the second half\n")
        .unwrap();
    drop(file);
    let out = set.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        f.record("customers/toko-maju-k7q2.yaml"),
        "name: Toko Maju\nemail: budi@tokomaju.id\nstage: lead\ncity: Jakarta\nindustry: retail\nnotes: the second half\n"
    );
}

/// A file that keeps changing is never rewritten: crm gives up after a few seconds.
#[test]
fn a_file_that_keeps_changing_is_left_alone() {
    use std::io::Write;
    let f = Folder::new();
    f.with_toko();
    let path = f.path("customers/toko-maju-k7q2.yaml");
    let stop = std::sync::atomic::AtomicBool::new(false);
    let out = std::thread::scope(|s| {
        s.spawn(|| {
            let mut file = fs::OpenOptions::new().append(true).open(&path).unwrap();
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                writeln!(file, "# line {n}").unwrap();
                n += 1;
                std::thread::sleep(std::time::Duration::from_millis(150));
            }
        });
        let out = f
            .crm()
            .args(["set", "toko-maju-k7q2", "city=Jakarta"])
            .output()
            .unwrap();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        out
    });
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "error: {}: is being written by another program (it keeps changing); nothing was written: try again\n",
            path.display()
        )
    );
    assert!(!f.read("customers/toko-maju-k7q2.yaml").contains("Jakarta"));
}

/// Brackets nested thousands deep (which took the YAML parser minutes) are refused
/// before parsing, with their place, by every reader.
#[test]
fn nesting_bombs_are_refused_at_once() {
    let f = Folder::new();
    let bomb = format!("name: B\nstage: lead\nnotes: {}\n", "[".repeat(500_000));
    f.write("customers/bomb-aaaa.yaml", &bomb);
    let message = "brackets nest more than 64 deep; crm reads no deeper (a nesting bomb?)";
    assert_eq!(
        f.check().1,
        format!("customers/bomb-aaaa.yaml:3:72: error: {message}\n")
    );
    // The merge driver falls back to git's line merge.
    let side = f.path("side.yaml");
    fs::write(&side, &bomb).unwrap();
    let s = side.to_str().unwrap();
    let err = f.fails(1, &["merge-driver", s, s, s, "customers/bomb-aaaa.yaml"]);
    assert!(
        err.starts_with(&format!("warning: customers/bomb-aaaa.yaml: the common ancestor does not parse: line 3: {message}; merging it line by line\n")),
        "{err}"
    );
    // An import's JSON, and crm.toml.
    let json = f.path("in.json");
    fs::write(&json, format!("[{{\"name\": {}}}]", "[".repeat(100_000))).unwrap();
    let err = f.fails(1, &["import", "customers", json.to_str().unwrap()]);
    assert!(
        err.ends_with(&format!("in.json:1:73: {message}\n")),
        "{err}"
    );
    fs::remove_file(f.path("customers/bomb-aaaa.yaml")).unwrap();
    fs::write(f.path("crm.toml"), format!("x = {}\n", "[".repeat(100_000))).unwrap();
    assert_eq!(f.check().1, format!("crm.toml:1:69: error: {message}\n"));
}

/// Amounts have a maximum (10^15) that writes and `crm check` enforce; at the maximum
/// every report runs, and a hand-written amount past it fails the report, named.
#[test]
fn amounts_stop_at_the_maximum_and_reports_never_overflow() {
    let f = Folder::new();
    f.with_toko();
    let err = f.fails(
        1,
        &[
            "add",
            "deal",
            "Huge",
            "--customer",
            "toko",
            "--value",
            "1000000000000001",
        ],
    );
    assert!(
        err.ends_with("field `value`: 1000000000000001 is more than the largest amount crm takes (1000000000000000)\n"),
        "{err}"
    );
    for i in 0..2 {
        f.add(&[
            "deal",
            &format!("Max {i}"),
            "--customer",
            "toko",
            "--value",
            "1000000000000000",
            "--probability",
            "100",
            "--stage",
            "won",
        ]);
    }
    for report in ["pipeline", "weekly", "funnel", "customers", "campaigns"] {
        f.ok(&["report", report, "--format", "json"]);
    }
    let pipeline = f.ok(&["report", "pipeline", "--format", "csv"]);
    assert!(
        pipeline.contains("\nclosed,won_value,value,USD 2000000000000000\n"),
        "{pipeline}"
    );
    f.write(
        "deals/hand-aaaa.yaml",
        "title: Hand\ncustomer: toko-maju-k7q2\nstage: won\nvalue: \"50000000000000000000000000000\"\ncreated: 2026-11-01\n",
    );
    assert_eq!(
        f.check().1,
        "deals/hand-aaaa.yaml:3:8: warning: deal is won but has no `closed` date\ndeals/hand-aaaa.yaml:4:8: error: field `value`: 50000000000000000000000000000 is more than the largest amount crm takes (1000000000000000)\n"
    );
    for report in ["pipeline", "weekly", "funnel", "customers"] {
        let err = f.fails(1, &["report", report]);
        assert_eq!(
            err,
            "error: amounts over the largest crm takes (1000000000000000) would make the report's figures overflow; fix them (`crm check` lists them): deal hand-aaaa has value 50000000000000000000000000000\n",
            "{report}"
        );
    }
}

/// Escape sequences, formulas and markup in records stay text in human outputs, and
/// csv/tsv cells are guarded wherever they are printed (`--raw` to turn it off).
#[test]
fn hostile_text_stays_text_in_every_output() {
    let f = Folder::new();
    f.write(
        "customers/evil-aaaa.yaml",
        "name: \"Evil\\e]52;c;ZXZpbA==\\a\\e[2J\"\nstage: lead\ncity: \"=HYPERLINK(\\\"http://x\\\")\"\nindustry: \"＝1+1\"\nnotes: \"<img src=http://evil/x.png> ![p](http://evil/y.png) @team\"\n",
    );
    let table = f.ok(&[
        "list",
        "customers",
        "--fields",
        "id,name",
        "--format",
        "table",
    ]);
    assert!(
        !table.contains('\u{1b}') && !table.contains('\u{7}'),
        "{table:?}"
    );
    assert!(
        table.contains("Evil\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J"),
        "{table}"
    );
    let csv = f.ok(&[
        "list",
        "customers",
        "--fields",
        "id,city,industry",
        "--format",
        "csv",
    ]);
    assert_eq!(
        csv,
        "id,city,industry\nevil-aaaa,\"'=HYPERLINK(\"\"http://x\"\")\",'＝1+1\n"
    );
    let raw = f.ok(&[
        "list",
        "customers",
        "--fields",
        "city",
        "--format",
        "csv",
        "--raw",
        "--no-header",
    ]);
    assert_eq!(raw, "\"=HYPERLINK(\"\"http://x\"\")\"\n");
    let tsv = f.ok(&["show", "evil-aaaa", "--format", "tsv"]);
    assert!(
        tsv.contains("\t'=HYPERLINK(\"http://x\")\t'＝1+1\t"),
        "{tsv}"
    );
    assert!(!tsv.contains('\u{1b}'), "{tsv:?}");
    let md = f.ok(&[
        "list",
        "customers",
        "--fields",
        "notes",
        "--format",
        "markdown",
    ]);
    assert_eq!(
        md,
        "| notes |\n|---|\n| &lt;img src=http://evil/x.png&gt; \\!\\[p\\](http://evil/y.png) @\u{200b}team |\n"
    );
    // JSON keeps the text as it is, escaped by JSON.
    let json = f.ok(&["show", "evil-aaaa", "--format", "json"]);
    assert!(
        json.contains("\"name\": \"Evil\\u001b]52;c;ZXZpbA==\\u0007\\u001b[2J\""),
        "{json}"
    );
}

/// Custom fields holding moments compare with dates as moments do; `~` folds case as
/// Unicode does; a word that merely starts with "today" is text.
#[test]
fn queries_type_custom_moments_and_fold_case() {
    let f = Folder::new();
    f.write(
        "customers/a-aaaa.yaml",
        "name: ΟΣΑ Ltd\nstage: lead\nvisited: 2026-11-20T10:00:00+07:00\ndish: todays-special\n",
    );
    f.write(
        "customers/b-aaaa.yaml",
        "name: Straße\nstage: lead\nvisited: 2026-11-25T10:00:00+07:00\n",
    );
    let ids = |q: &str| f.ok(&["list", "customers", "--where", q, "--format", "ids"]);
    assert_eq!(ids("visited < today"), "a-aaaa\n");
    assert_eq!(ids("visited >= today"), "b-aaaa\n");
    assert_eq!(ids("visited > 2026-11-20"), "b-aaaa\n");
    assert_eq!(ids("visited = 2026-11-20"), "a-aaaa\n");
    assert_eq!(ids("name ~ ΟΣ"), "a-aaaa\n");
    assert_eq!(ids("name ~ STRASSE"), "b-aaaa\n");
    assert_eq!(ids("dish = todays-special"), "a-aaaa\n");
}

/// E-mail addresses compare with Unicode case folding everywhere: uniqueness, refs,
/// `crm check`.
#[test]
fn emails_compare_by_unicode_case_folding() {
    let f = Folder::new();
    f.add(&[
        "customer",
        "--id",
        "senor-aaaa",
        "--name",
        "Señor",
        "--email",
        "Señor@Example.COM",
    ]);
    let err = f.fails(
        1,
        &[
            "add",
            "customer",
            "--name",
            "Other",
            "--email",
            "SEÑOR@EXAMPLE.COM",
        ],
    );
    assert!(
        err.ends_with(
            "field `email`: \"SEÑOR@EXAMPLE.COM\" is already the e-mail of customer senor-aaaa\n"
        ),
        "{err}"
    );
    assert_eq!(f.ok(&["get", "SEÑOR@example.com", "name"]), "Señor\n");
    assert_eq!(f.ok(&["get", "señor@example.com", "name"]), "Señor\n");
    f.write(
        "customers/hand-aaaa.yaml",
        "name: Hand\nstage: lead\nemail: SEÑOR@EXAMPLE.COM\n",
    );
    assert_eq!(
        f.check().1,
        "customers/senor-aaaa.yaml:3:8: error: e-mail \"Señor@Example.COM\" is also the e-mail of customer hand-aaaa\n"
    );
}

/// Export then import gives the same records: spaces, a final newline and a leading
/// `'=` that was in the data all survive.
#[test]
fn an_export_imports_back_as_the_same_records() {
    let f = Folder::new();
    f.write(
        "customers/rt-aaaa.yaml",
        "name: RT\nemail: rt@x.co\nstage: lead\nnotes: \"  padded  \"\ncity: \"'=literal\"\nindustry: \"ends with newline\\n\"\nregion: \"''=x\"\n",
    );
    let before = f.ok(&["show", "rt-aaaa", "--format", "json"]);
    for format in ["csv", "tsv", "json", "jsonl"] {
        let out = f.path(&format!("out.{format}"));
        f.ok(&[
            "export",
            "customers",
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
        ]);
        let o = f
            .crm()
            .args(["import", "customers", out.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8(o.stderr).unwrap(),
            "imported customers: created 0, updated 0, unchanged 1, skipped 0\n",
            "{format}"
        );
        assert_eq!(
            f.ok(&["show", "rt-aaaa", "--format", "json"]),
            before,
            "{format}"
        );
    }
}

/// Two files with one id: a write refuses, naming both (acting on the first would be a
/// guess); and the losing one of two edits keeps what the user typed.
#[test]
fn one_id_in_two_files_is_refused_and_a_lost_edit_is_kept() {
    let f = Folder::new();
    f.with_toko();
    let text = f.read("deals/annual-plan-a1b2.yaml");
    f.write("deals/archive/annual-plan-a1b2.yaml", &text);
    for args in [
        &["set", "annual-plan-a1b2", "owner=x"][..],
        &["rm", "annual-plan-a1b2"],
    ] {
        let err = f.fails(1, args);
        assert_eq!(
            err,
            "error: id annual-plan-a1b2 is used by 2: deals/annual-plan-a1b2.yaml and deals/archive/annual-plan-a1b2.yaml; keep one (rename or remove the other; `crm check` lists such ids)\n",
            "{args:?}"
        );
    }
    fs::remove_file(f.path("deals/archive/annual-plan-a1b2.yaml")).unwrap();
    // An "editor" that saves its change while another writer changes the file.
    let script = f.path("editor.sh");
    fs::write(
        &script,
        format!(
            "#!/bin/sh\nsed -i 's/^title: .*/title: Mine/' \"$1\"\n{} -C {} set annual owner=other >/dev/null 2>&1\n",
            assert_cmd::cargo::cargo_bin!("crm").display(),
            f.root().display()
        ),
    )
    .unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    let out = f
        .crm()
        .args(["edit", "annual"])
        .env("EDITOR", &script)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    let kept = err
        .lines()
        .find_map(|l| l.strip_prefix("your edit is kept in "))
        .and_then(|l| l.split(' ').next())
        .unwrap_or_else(|| panic!("{err}"));
    assert!(kept.starts_with(".crm/edit-"), "{err}");
    assert!(f.read(kept).contains("title: Mine\n"));
    assert!(f
        .read("deals/annual-plan-a1b2.yaml")
        .contains("owner: other\n"));
}

/// A crm.toml of 200,000 stages is refused at once, not parsed for a minute.
#[test]
fn too_many_stages_are_refused() {
    let f = Folder::new();
    let mut toml = String::from("[[pipeline]]\nname = \"s0\"\nprobability = 0\n");
    for i in 1..200_000 {
        toml.push_str(&format!("[[pipeline]]\nname = \"s{i}\"\nprobability = 0\n"));
    }
    toml.truncate(1 << 20);
    let cut = toml.rfind("[[pipeline]]").unwrap();
    toml.truncate(cut);
    fs::write(f.path("crm.toml"), &toml).unwrap();
    let err = f.fails(1, &["list", "deals"]);
    assert!(err.contains("stages; crm takes at most 100"), "{err}");
    let big = "# padding\n".repeat(200_000);
    fs::write(f.path("crm.toml"), big).unwrap();
    let err = f.fails(1, &["list", "deals"]);
    assert!(err.contains("more than 1048576 bytes; not read"), "{err}");
}
