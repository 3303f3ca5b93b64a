//! What real clients read wrongly (issue 29): one TSV rule, `-o` paths, messages that
//! point at the right line.

mod common;

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
    let out = f.crm().arg("check").output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "customers/c-aaaa.yaml:2:1: error: field `name`: is required\n\
         deals/open-aaaa.yaml:5:1: warning: deal is open (stage proposal) but has a `closed` date; remove it, or move the deal to a won or lost stage\n"
    );
}
