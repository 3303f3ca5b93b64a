//! What real clients read wrongly (issue 29): one TSV rule, `-o` paths, messages that
//! point at the right line.

use crate::common;

use common::Folder;

#[test]
fn export_and_list_write_tsv_by_one_rule() {
    let f = Folder::new();
    f.write(
        "customers/m-aaaa.yaml",
        "name: M\nstage: lead\nnotes: \"two\\nlines\\twith a tab\"\n",
    );
    let listed = f.ok(&[
        "list",
        "customers",
        "--fields",
        "id,notes",
        "--format",
        "tsv",
    ]);
    assert_eq!(listed, "id\tnotes\nm-aaaa\ttwo\\nlines\\twith a tab\n");
    let exported = f.ok(&[
        "export",
        "customers",
        "--fields",
        "id,notes",
        "--format",
        "tsv",
    ]);
    assert_eq!(exported, listed);
}

#[test]
fn an_output_file_is_where_the_user_ran_crm() {
    let f = Folder::empty();
    let crm_dir = f.path("crm");
    f.crm().args(["init", "crm"]).assert().success();
    f.crm()
        .args(["-C", "crm", "export", "customers", "-o", "out.csv"])
        .assert()
        .success();
    assert!(f.path("out.csv").is_file());
    assert!(!crm_dir.join("out.csv").exists());
    // A folder that does not exist: the message names the file, not a temporary one.
    let err = f.fails(
        1,
        &["-C", "crm", "export", "customers", "-o", "nowhere/out.csv"],
    );
    assert_eq!(
        err,
        "error: nowhere/out.csv: No such file or directory (os error 2)\n"
    );
}

#[test]
fn check_points_at_the_right_line() {
    let f = Folder::new();
    f.write(
        "deals/open-aaaa.yaml",
        "# yaml-language-server: $schema=../schema/deal.schema.json\ntitle: Open\ncustomer: c-aaaa\nstage: proposal\nclosed: 2026-11-01\n",
    );
    f.write(
        "customers/c-aaaa.yaml",
        "# yaml-language-server: $schema=../schema/customer.schema.json\nstage: lead\n",
    );
    assert_eq!(
        f.check().1,
        "customers/c-aaaa.yaml:2:1: error: field `name`: is required\n\
         deals/open-aaaa.yaml:5:9: warning: deal is open (stage proposal) but has a `closed` date; remove it, or move the deal to a won or lost stage\n"
    );
}

/// A phone is text: guarded in csv even when it reads as a number, and an import that
/// would only strip its `+` (a spreadsheet's doing) says so.
#[test]
fn phones_survive_a_spreadsheet_or_the_import_says_they_did_not() {
    let f = Folder::new();
    f.add(&[
        "customer",
        "--id",
        "p-aaaa",
        "--name",
        "P",
        "--email",
        "p@x.co",
        "--phone",
        "+628120095028",
    ]);
    let csv = f.ok(&["export", "customers", "--fields", "id,email,phone"]);
    assert_eq!(csv, "id,email,phone\np-aaaa,p@x.co,'+628120095028\n");
    f.write("back.csv", &csv);
    let out = f
        .crm()
        .args(["import", "customers", "back.csv"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "imported customers: created 0, updated 0, unchanged 1, skipped 0\n"
    );
    // What LibreOffice saves after opening it as numbers.
    f.write(
        "mangled.csv",
        "id,email,phone\np-aaaa,p@x.co,628120095028\n",
    );
    let out = f
        .crm()
        .args(["import", "customers", "mangled.csv", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "warning: 1 value would only lose a `+`, a leading 0 or spaces (did the file go through a spreadsheet? see the README on opening CSV files):\n  line 2: p-aaaa phone \"+628120095028\" -> \"628120095028\"\ndry run, nothing written: would have created 0, updated 1, unchanged 0, skipped 0\n"
    );
}

/// The schemas follow crm.toml: a write after a stage is added writes them anew, and
/// `crm check` says when it had to.
#[test]
fn schemas_follow_the_settings() {
    let f = Folder::new();
    f.with_toko();
    let toml = f.read("crm.toml");
    let with_trial = toml.replacen(
        "[[pipeline]]",
        "[[pipeline]]\nname = \"trial\"\nprobability = 30\n\n[[pipeline]]",
        1,
    );
    assert_ne!(with_trial, toml);
    // A second later: the settings are newer than the schemas.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(f.path("crm.toml"), &with_trial).unwrap();
    assert!(!f.read("schema/deal.schema.json").contains("\"trial\""));
    f.ok(&["stage", "annual", "trial"]);
    assert!(f.read("schema/deal.schema.json").contains("\"trial\""));
    // Changed again, and only checked: check writes them and says so.
    std::fs::write(f.path("crm.toml"), &toml).unwrap();
    let text = f.check().1;
    assert!(
        text.contains("schema/deal.schema.json:1:1: warning: was out of date with crm.toml (its stages or declared fields); crm wrote it anew: commit it\n"),
        "{text}"
    );
    assert!(!f.read("schema/deal.schema.json").contains("\"trial\""));
    assert!(!f.check().1.contains("schema/"));
}
