//! Shell completions and the man page.

use crate::common;

use std::path::Path;

use common::Folder;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn committed_completions_are_up_to_date() {
    let f = Folder::empty();
    for (shell, file) in [
        ("bash", "crm.bash"),
        ("zsh", "crm.zsh"),
        ("fish", "crm.fish"),
        ("elvish", "crm.elv"),
        ("powershell", "crm.ps1"),
    ] {
        let committed =
            std::fs::read_to_string(Path::new(ROOT).join("completions").join(file)).unwrap();
        assert_eq!(
            f.ok(&["completions", shell]),
            committed,
            "completions/{file} is out of date: regenerate it with `crm completions {shell} > completions/{file}`"
        );
    }
}

#[test]
fn ids_and_type_names_complete() {
    let f = Folder::new();
    f.with_toko();
    let complete = |words: &[&str]| {
        let out = f
            .crm()
            .env("COMPLETE", "fish")
            .arg("--")
            .args(words)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(
        complete(&["crm", "show", "tok"]),
        "toko-maju-k7q2\tToko Maju\n"
    );
    assert_eq!(
        complete(&["crm", "stage", "ann"]),
        "annual-plan-a1b2\tAnnual plan\n"
    );
    assert_eq!(complete(&["crm", "list", "d"]), "deals\n");
    assert_eq!(
        complete(&["crm", "log", "to"]),
        "toko-maju-k7q2\tToko Maju\n"
    );
    assert_eq!(
        complete(&["crm", "add", "deal", "--customer", "t"]),
        "toko-maju-k7q2\tToko Maju\n"
    );
    // The documented TYPE/REF form; stage names by the record's type; field names.
    assert_eq!(
        complete(&["crm", "show", "deal/ann"]),
        "deal/annual-plan-a1b2\tAnnual plan\n"
    );
    assert_eq!(complete(&["crm", "show", "ticket/ann"]), "");
    assert_eq!(
        complete(&["crm", "stage", "annual", "ne"]),
        "new\nnegotiation\n"
    );
    assert_eq!(
        complete(&["crm", "stage", "toko", "c"]),
        "customer\nchurned\n"
    );
    assert_eq!(
        complete(&["crm", "get", "toko", "preferences.c"]),
        "preferences.channel\npreferences.consent\npreferences.consent_at\n"
    );
    assert_eq!(complete(&["crm", "set", "annual", "val"]), "value=\n");
    assert_eq!(
        complete(&["crm", "unset", "annual", "expected_c"]),
        "expected_close\n"
    );
    // `-C DIR` typed earlier on the line is where the ids come from.
    let elsewhere = Folder::empty();
    let out = elsewhere
        .crm()
        .env("COMPLETE", "fish")
        .arg("--")
        .args(["crm", "-C", f.root().to_str().unwrap(), "show", "tok"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "toko-maju-k7q2\tToko Maju\n"
    );
}

/// zsh loads `_crm` from `fpath` on the first TAB: the script then completes at once
/// (as sourced, it registers the completer).
#[test]
fn zsh_completes_on_the_first_tab() {
    let f = Folder::empty();
    let script = f.ok(&["completions", "zsh"]);
    assert!(
        script.ends_with("if [ \"${funcstack[1]}\" = \"_crm\" ]; then\n    _clap_dynamic_completer_crm \"$@\"\nelse\n    compdef _clap_dynamic_completer_crm crm\nfi\n"),
        "{script}"
    );
    let out = f.crm().env("COMPLETE", "zsh").output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), script);
}

#[test]
fn the_man_page_renders() {
    let f = Folder::empty();
    let page = f.ok(&["man"]);
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n.TH crm 1"),
        "{}",
        &page[..200]
    );
    for word in [
        "init",
        "add",
        "list",
        "report",
        "check",
        "merge\\-driver",
        "completions",
    ] {
        assert!(page.contains(word), "{word}");
    }
    // Where groff is installed, the page renders to text naming crm.
    let file = f.path("crm.1");
    std::fs::write(&file, &page).unwrap();
    if let Ok(out) = std::process::Command::new("groff")
        .args(["-man", "-Tutf8"])
        .arg(&file)
        .output()
    {
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.starts_with("crm(1)"), "{text}");
    }
}

/// `crm man --dir` writes every subcommand's page; each names its options' values, leaves
/// the global options to crm(1) and has the README's ENVIRONMENT table.
#[test]
fn every_subcommand_has_its_man_page() {
    let f = Folder::empty();
    let dir = f.path("man");
    f.ok(&["man", "--dir", dir.to_str().unwrap()]);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for page in [
        "crm.1",
        "crm-init.1",
        "crm-list.1",
        "crm-campaign-log-send.1",
        "crm-add-customer.1",
        "crm-merge-driver.1",
    ] {
        assert!(names.contains(&page.to_string()), "{page} in {names:?}");
    }
    assert!(
        !names
            .iter()
            .any(|n| n.contains("generate") || n.contains("help")),
        "{names:?}"
    );
    // Every page crm(1) refers to exists.
    let root = std::fs::read_to_string(dir.join("crm.1")).unwrap();
    for name in &names {
        let stem = name.strip_suffix(".1").unwrap();
        if stem != "crm" {
            assert!(
                root.contains(&format!("\\fB{}\\fR(1)", stem.replace('-', "\\-"))),
                "{stem}"
            );
        }
    }
    let list = std::fs::read_to_string(dir.join("crm-list.1")).unwrap();
    assert_eq!(list, f.ok(&["man", "list"]));
    assert!(list.starts_with(".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n.TH crm-list 1  \"crm 0.1.0\" \"crm manual\"\n.SH NAME\n"), "{list}");
    assert_eq!(list.matches(".ds Aq").count(), 2, "one preamble");
    let synopsis = list
        .lines()
        .skip_while(|l| *l != ".SH SYNOPSIS")
        .nth(1)
        .unwrap();
    assert_eq!(
        synopsis,
        "\\fBcrm list\\fR [\\-w|\\-\\-where EXPR\\[u2026]] [\\-\\-sort [\\-]FIELD[,...]] [\\-\\-limit N] [\\-\\-fields FIELD,...] [\\-\\-no\\-header] [\\-\\-raw] [\\-h|\\-\\-help] [\\-V|\\-\\-version] \\fITYPE\\fR"
    );
    assert!(
        !list.contains("\\-\\-as\\-of\\fR"),
        "global options are left to crm(1)"
    );
    assert!(list.contains(".SH \"GLOBAL OPTIONS\"\nThe options of \\fBcrm\\fR(1) apply here too: \\-C DIR, \\-\\-format FORMAT"), "{list}");
    assert!(
        list.contains(".SH \"SEE ALSO\"\n\\fBcrm\\fR(1), \\fBgit\\fR(1)\n"),
        "{list}"
    );
    let log_send = std::fs::read_to_string(dir.join("crm-campaign-log-send.1")).unwrap();
    assert!(
        log_send.contains("\\fBcrm\\fR(1), \\fBcrm\\-campaign\\fR(1), \\fBgit\\fR(1)"),
        "{log_send}"
    );
    // No byte past ASCII: plain groff reads input as Latin-1.
    for name in &names {
        let page = std::fs::read(dir.join(name)).unwrap();
        assert!(page.is_ascii(), "{name}");
    }
    // The ENVIRONMENT section lists the README's table, in its order.
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let table = readme.split("## Environment\n").nth(1).unwrap();
    let rows: Vec<(String, String)> = table
        .lines()
        .skip(3)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            let names = cells[0].trim_start_matches("| ").replace('`', "");
            let meaning = cells[1].trim_end_matches(" |").replace('`', "");
            (names, meaning)
        })
        .collect();
    assert_eq!(rows.len(), 9, "{rows:?}");
    let env = list.split(".SH ENVIRONMENT\n").nth(1).unwrap();
    let env = env.split("\n.SH").next().unwrap();
    let shown: Vec<(String, String)> = env
        .split(".TP\n")
        .skip(1)
        .map(|item| {
            let (head, text) = item.trim_end().split_once('\n').unwrap();
            let unroff = |s: &str| {
                s.replace("\\fB", "")
                    .replace("\\fR", "")
                    .replace("\\-", "-")
            };
            (unroff(head), unroff(text))
        })
        .collect();
    assert_eq!(shown, rows);
    // Where groff is installed, every page renders without a warning.
    for name in &names {
        if let Ok(out) = std::process::Command::new("groff")
            .args(["-ww", "-man", "-z"])
            .arg(dir.join(name))
            .output()
        {
            assert!(out.status.success(), "{name}");
            assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{name}");
        }
    }
    let err = f.fails(2, &["man", "bogus"]);
    assert_eq!(
        err,
        "error: crm has no subcommand \"bogus\" (see `crm man`)\n"
    );
}

#[test]
fn the_pre_commit_example_runs_crm_check() {
    let hook = std::fs::read_to_string(Path::new(ROOT).join("examples/git/pre-commit")).unwrap();
    assert!(hook.starts_with("#!/bin/sh\n"));
    assert!(hook.contains("crm -q check"));
}
