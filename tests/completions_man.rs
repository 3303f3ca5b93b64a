//! Shell completions and the man page.

mod common;

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

#[test]
fn the_pre_commit_example_runs_crm_check() {
    let hook = std::fs::read_to_string(Path::new(ROOT).join("examples/git/pre-commit")).unwrap();
    assert!(hook.starts_with("#!/bin/sh\n"));
    assert!(hook.contains("crm -q check"));
}
