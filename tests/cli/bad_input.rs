//! Bad input: each case with its exact message, its exit code, and nothing written.

use crate::common;

use common::Folder;

/// `crm check` on a folder holding one bad customer file: the finding, exit 1, and the
/// listing still works (exit 0) with the same problem as a warning. Nothing is written.
fn bad_file(rel: &str, bytes: &[u8], finding: &str) {
    let f = Folder::new();
    if let Some(dir) = f.path(rel).parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(f.path(rel), bytes).unwrap();
    let before = f.snapshot();
    let out = f.crm().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{finding}\n"));
    let out = f.crm().args(["list", "customers"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let (place, message) = finding.split_once(": error: ").unwrap();
    // Read-only commands warn with the same place (the cache-less line:col form).
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        stderr.starts_with(&format!("warning: {}", place.trim_end_matches(":1:1"))),
        "{stderr}"
    );
    assert!(stderr.contains(message), "{stderr}");
    assert!(
        stderr.ends_with(
            "warning: skipped 1 file that could not be read (`crm check` lists every problem)\n"
        ),
        "{stderr}"
    );
    assert_eq!(f.snapshot(), before);
}

#[test]
fn yaml_with_tabs() {
    bad_file(
        "customers/tabs.yaml",
        b"name: Tab\nstage: lead\n\temail: t@x.co\n",
        "customers/tabs.yaml:3:1: error: does not parse as YAML: a tab is used for indentation; YAML indents with spaces",
    );
}

#[test]
fn duplicate_keys() {
    bad_file(
        "customers/dup.yaml",
        b"name: One\nstage: lead\nname: Two\n",
        "customers/dup.yaml:3:1: error: does not parse as YAML: the key `name` is written twice",
    );
}

#[test]
fn an_alias_bomb() {
    let mut text = String::from(
        "name: Bomb\nstage: lead\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    let mut prev = 'a';
    for n in "bcdefghi".chars() {
        text.push_str(&format!(
            "{n}: &{n} [{}]\n",
            vec![format!("*{prev}"); 9].join(", ")
        ));
        prev = n;
    }
    bad_file(
        "customers/bomb.yaml",
        text.as_bytes(),
        "customers/bomb.yaml:4:8: error: does not parse as YAML: its aliases (*name) expand to too much data (an alias bomb?)",
    );
}

#[test]
fn a_50_mb_file() {
    let mut bytes = b"name: Big\nstage: lead\nnotes: \"".to_vec();
    bytes.resize(50 * 1024 * 1024, b'x');
    bytes.extend_from_slice(b"\"\n");
    bad_file(
        "customers/big.yaml",
        &bytes,
        "customers/big.yaml:1:1: error: is 52428802 bytes, more than a record file may be (1048576 bytes); not read",
    );
}

#[test]
fn binary_garbage() {
    bad_file(
        "customers/bin.yaml",
        b"name: x\n\x7fELF\x02\x01\x01\x00\x00\x00",
        "customers/bin.yaml:2:8: error: is binary (it holds a NUL byte), not a YAML text file",
    );
}

#[test]
fn non_utf8_text() {
    bad_file(
        "customers/latin.yaml",
        "name: Caf\u{e9} Jaya\nstage: lead\n"
            .chars()
            .map(|c| c as u8)
            .collect::<Vec<u8>>()
            .as_slice(),
        "customers/latin.yaml:1:10: error: is not UTF-8 text (byte 0xE9 cannot start a character); save it as UTF-8",
    );
}

#[test]
fn a_symlink_pointing_outside_the_folder() {
    let f = Folder::new();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.yaml");
    std::fs::write(&secret, "name: Secret Person\nstage: lead\n").unwrap();
    std::os::unix::fs::symlink(&secret, f.path("customers/secret.yaml")).unwrap();
    std::os::unix::fs::symlink(outside.path(), f.path("customers/more")).unwrap();
    let before = f.snapshot();
    let out = f.crm().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "customers/more:1:1: error: is a symbolic link (to {}); crm does not follow links, so nothing outside the folder is read or written\n\
             customers/secret.yaml:1:1: error: is a symbolic link (to {}); crm does not follow links, so nothing outside the folder is read or written\n",
            outside.path().display(),
            secret.display()
        )
    );
    // Neither by listing nor by naming it is the file outside read.
    let out = f
        .crm()
        .args(["list", "customers", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "[]\n");
    let err = f.fails(1, &["show", "secret"]);
    assert!(!err.contains("Secret Person"), "{err}");
    assert!(
        err.ends_with(&format!("error: \"secret\" is customers/secret.yaml, which exists but cannot be read: is a symbolic link (to {}); crm does not follow links, so nothing outside the folder is read or written\n", outside.path().join("secret.yaml").display())),
        "{err}"
    );
    assert_eq!(f.snapshot(), before);
}

#[test]
fn ids_with_dot_dot() {
    let f = Folder::new();
    f.with_toko();
    let outside = f.path("../outside.yaml");
    std::fs::write(&outside, "name: Outside\nstage: lead\n").unwrap();
    let before = f.snapshot();
    assert_eq!(
        f.fails(2, &["add", "customer", "Evil", "--id", "../evil"]),
        "error: --id: invalid id \"../evil\": an id is lower-case letters, digits and '-', and starts with a letter or digit\n"
    );
    assert_eq!(
        f.fails(1, &["show", "../outside"]),
        "error: no record matches \"../outside\"\n"
    );
    assert_eq!(
        f.fails(1, &["set", "../customers/toko-maju-k7q2", "notes=x"]),
        "error: no record matches \"../customers/toko-maju-k7q2\"\n"
    );
    assert_eq!(
        f.fails(1, &["add", "deal", "X", "--customer", "../outside"]),
        "error: invalid value: field `customer`: no customer matches \"../outside\"\n"
    );
    assert_eq!(f.snapshot(), before);
    std::fs::remove_file(outside).unwrap();
}

#[test]
fn crm_toml_with_a_wrong_type() {
    let f = Folder::new();
    let toml = f
        .read("crm.toml")
        .replace("stale_days = 30", "stale_days = \"thirty\"");
    f.write("crm.toml", &toml);
    let before = f.snapshot();
    let err = f.fails(1, &["add", "customer", "X"]);
    assert_eq!(
        err,
        format!(
            "error: {}: TOML parse error at line 14, column 14\n   |\n14 | stale_days = \"thirty\"\n   |              ^^^^^^^^\ninvalid type: string \"thirty\", expected u32\n",
            f.path("crm.toml").display()
        )
    );
    assert_eq!(f.snapshot(), before);
}

#[test]
fn a_csv_with_ragged_rows() {
    let f = Folder::new();
    f.write(
        "leads.csv",
        "name,email,phone\nAda,ada@x.co,1\nBo,bo@x.co\nCy,cy@x.co,3,extra\n",
    );
    let before = f.snapshot();
    assert_eq!(
        f.fails(1, &["import", "customers", "leads.csv"]),
        "error: 2 bad rows in leads.csv; nothing was imported\n\
         leads.csv:3:3: this row has 2 cells, the header has 3: too few cells (quote cells that hold the delimiter)\n\
         leads.csv:4:4: this row has 4 cells, the header has 3: too many cells (quote cells that hold the delimiter)\n"
    );
    assert_eq!(f.snapshot(), before);
}

#[test]
fn a_csv_that_is_really_a_zip_file() {
    let f = Folder::new();
    // The start of a zip archive (an .xlsx is one): local file header, then a name.
    let mut zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
    zip.extend_from_slice(&[0u8; 20]);
    zip.extend_from_slice(b"[Content_Types].xml");
    std::fs::write(f.path("leads.csv"), &zip).unwrap();
    let before = f.snapshot();
    assert_eq!(
        f.fails(1, &["import", "customers", "leads.csv"]),
        "error: 1 bad row in leads.csv; nothing was imported\n\
         leads.csv:1:1: this is a zip archive (a spreadsheet such as .xlsx?), not text; save it as CSV and import that\n"
    );
    assert_eq!(f.snapshot(), before);
}

#[test]
fn a_date_that_does_not_exist() {
    let f = Folder::new();
    let (_, deal) = f.with_toko();
    let before = f.snapshot();
    assert_eq!(
        f.fails(1, &["set", &deal, "expected_close=2026-02-30"]),
        "error: invalid value: field `expected_close`: \"2026-02-30\" is not a date (YYYY-MM-DD)\n"
    );
    // Hand-written into a file, `crm check` finds it at its line.
    f.write(
        "deals/feb.yaml",
        "title: Feb\ncustomer: toko-maju-k7q2\nstage: new\nexpected_close: 2026-02-30\n",
    );
    let out = f.crm().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "deals/feb.yaml:4:17: error: field `expected_close`: \"2026-02-30\" is not a date (YYYY-MM-DD)\n"
    );
    std::fs::remove_file(f.path("deals/feb.yaml")).unwrap();
    assert_eq!(f.snapshot(), before);
}

#[test]
fn a_negative_value() {
    let f = Folder::new();
    let (_, deal) = f.with_toko();
    let before = f.snapshot();
    assert_eq!(
        f.fails(
            1,
            &[
                "add",
                "deal",
                "Refund",
                "--customer",
                "toko",
                "--value",
                "-5"
            ]
        ),
        "error: invalid value: field `value`: -5 is negative; an amount is 0 or more\n"
    );
    assert_eq!(
        f.fails(1, &["set", &deal, "value=-0.01"]),
        "error: invalid value: field `value`: -0.01 is negative; an amount is 0 or more\n"
    );
    assert_eq!(f.snapshot(), before);
}

#[test]
fn a_probability_of_1_5_and_of_150() {
    let f = Folder::new();
    let (_, deal) = f.with_toko();
    let before = f.snapshot();
    assert_eq!(
        f.fails(1, &["set", &deal, "probability=1.5"]),
        "error: invalid value: field `probability`: 1.5 is not a whole percentage from 0 to 100 (60 % is written 60, not 0.6)\n"
    );
    assert_eq!(
        f.fails(1, &["set", &deal, "probability=150"]),
        "error: invalid value: field `probability`: 150 is not a percentage from 0 to 100\n"
    );
    assert_eq!(f.snapshot(), before);
    f.ok(&["set", &deal, "probability=15"]);
    assert!(f
        .read(&format!("deals/{deal}.yaml"))
        .contains("probability: 15\n"));
}
