//! Nothing in a record makes crm run a command or reach outside the folder.

use crate::common;

use common::Folder;

/// Shell syntax and YAML tags in record data are only text, whatever command reads them.
#[test]
fn record_data_is_never_run() {
    let f = Folder::new();
    let (customer, _) = f.with_toko();
    let canary = f.path("pwned");
    let c = canary.display();
    f.write(
        "deals/hostile.yaml",
        &format!(
            "title: \"$(touch {c}) `touch {c}`\"\ncustomer: {customer}\nstage: new\ntags: [\"; touch {c}\", \"| touch {c}\"]\n"
        ),
    );
    f.write(
        "deals/tagged.yaml",
        &format!("title: T\ncustomer: {customer}\nstage: new\nnotes: !shell \"touch {c}; rm -rf ~\"\nextra: !!python/object/apply:os.system [\"touch {c}\"]\n"),
    );
    for args in [
        &["show", "hostile"][..],
        &["get", "hostile", "title"],
        &["list", "deals", "--format", "csv"],
        &["list", "deals", "--where", "title ~ touch"],
        &["export", "deals", "--format", "json"],
        &["report", "pipeline", "--format", "markdown"],
        &["timeline", &customer],
    ] {
        let out = f.crm().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
    }
    let shown = f.ok(&["get", "hostile", "title"]);
    assert_eq!(shown, format!("$(touch {c}) `touch {c}`\n"));
    // A tag means nothing to crm: the record is refused by every reader, with one
    // message at the tag (`crm check`, `crm show`, listings alike).
    let message = "the YAML tag !shell means nothing to crm (other tools would build an object from it); remove it, or quote the value to keep it as text";
    let out = f.crm().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("deals/tagged.yaml:4:8: error: {message}\n")
    );
    let err = f.fails(1, &["show", "tagged"]);
    assert!(err.ends_with(&format!("error: \"tagged\" is deals/tagged.yaml, which exists but cannot be read: line 4: {message}\n")), "{err}");
    let out = f
        .crm()
        .args(["list", "deals", "--format", "ids"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "annual-plan-a1b2\nhostile\n"
    );
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .starts_with(&format!("warning: deals/tagged.yaml:4:8: {message}\n")));
    assert!(!canary.exists());
}

/// $EDITOR gets the file to edit as an argument ("$1"), never inside the shell text; the
/// file is crm's own, inside `.crm/`, whatever the record's id looks like.
#[test]
fn the_editor_gets_the_path_as_an_argument() {
    let f = Folder::new();
    let (customer, _) = f.with_toko();
    let canary = f.path("pwned");
    // A file whose name (so whose id) is shell syntax.
    let hostile = "x$(touch pwned)`touch pwned`".to_string();
    std::fs::copy(
        f.path(&format!("customers/{customer}.yaml")),
        f.path(&format!("customers/{hostile}.yaml")),
    )
    .unwrap();
    let log = f.path("editor.log");
    let script = f.path("editor.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$#\" \"$@\" > {}\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let before = f.snapshot();
    let out = f
        .crm()
        .args(["edit", &hostile])
        .env("EDITOR", &script)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let got = std::fs::read_to_string(&log).unwrap();
    let mut lines = got.lines();
    assert_eq!(lines.next(), Some("1"));
    let path = std::path::PathBuf::from(lines.next().unwrap());
    assert_eq!(
        path.parent().unwrap(),
        f.path(".crm").canonicalize().unwrap_or(f.path(".crm"))
    );
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(
        name.starts_with("edit-") && name.ends_with(".yaml"),
        "{name}"
    );
    assert!(!canary.exists());
    // The record was left unchanged, and the copy edited is gone.
    std::fs::remove_file(&log).unwrap();
    assert_eq!(f.snapshot(), before);
    assert!(!path.exists());
}

/// References are ids, never paths: `../` in a field reads nothing outside the folder.
#[test]
fn references_do_not_reach_outside() {
    let f = Folder::new();
    f.with_toko();
    let outside = f.path("../outside-customer.yaml");
    std::fs::write(&outside, "name: Outside Secret\nstage: customer\n").unwrap();
    f.write(
        "deals/sneaky.yaml",
        "title: Sneaky\ncustomer: ../../outside-customer\nstage: new\n",
    );
    let out = f.crm().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "deals/sneaky.yaml:2:11: error: field `customer`: invalid id \"../../outside-customer\": an id is lower-case letters, digits and '-', and starts with a letter or digit\n\
         deals/sneaky.yaml:2:11: error: field `customer`: no customer has the id \"../../outside-customer\"\n"
    );
    let shown = f.ok(&["show", "sneaky", "--format", "json"]);
    assert!(!shown.contains("Outside Secret"), "{shown}");
    std::fs::remove_file(outside).unwrap();
}
