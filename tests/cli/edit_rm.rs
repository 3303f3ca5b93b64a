use crate::common;

use std::os::unix::fs::PermissionsExt;

use common::Folder;

/// Writes an editor script into the folder's parent temp dir and returns its path.
fn editor(f: &Folder, name: &str, body: &str) -> String {
    let p = f.path(&format!(".{name}.sh"));
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p.display().to_string()
}

#[test]
fn edit_saves_a_valid_change_with_stage_history() {
    let f = Folder::new();
    f.with_toko();
    let ed = editor(
        &f,
        "ed",
        "sed -i -e 's/^stage: new/stage: proposal/' -e 's/^value: .*/value: 15000000/' \"$1\"",
    );
    f.crm()
        .env("EDITOR", &ed)
        .args(["--as-of", "2026-11-23", "edit", "annual"])
        .assert()
        .success();
    assert_eq!(
        f.record("deals/annual-plan-a1b2.yaml"),
        "title: Annual plan\ncustomer: toko-maju-k7q2\nstage: proposal\nhistory:\n- stage: new\n  at: 2026-11-22T00:00:00+00:00\n- stage: proposal\n  at: 2026-11-23T00:00:00+00:00\nvalue: 15000000\ncurrency: IDR\ncreated: 2026-11-22\n"
    );
}

#[test]
fn edit_reopens_with_the_error_on_top_until_fixed() {
    let f = Folder::new();
    f.with_toko();
    // First round: break the value. Second round: check the error is shown, then fix it.
    let ed = editor(
        &f,
        "ed",
        "if grep -q '^# crm: ' \"$1\"; then cp \"$1\" \"$1.seen\"; cp \"$1\" /dev/null; sed -i 's/^value: .*/value: 14000000/' \"$1\"; cp \"$1.seen\" \"${CRM_SEEN}\"; else sed -i 's/^value: .*/value: lots/' \"$1\"; fi",
    );
    let seen = f.path(".seen.yaml");
    let Some((code, screen)) = common::on_terminal(
        &f,
        &[("EDITOR", &ed), ("CRM_SEEN", seen.to_str().unwrap())],
        &["edit", "annual"],
        "",
    ) else {
        return;
    };
    assert_eq!(code, 0, "{screen}");
    let shown = std::fs::read_to_string(&seen).unwrap();
    assert!(
        shown.starts_with("# crm: this record was not saved; fix these problems, or leave the file unchanged to give up:\n# crm:   line 8, column 8: field `value`: expected a decimal amount, found text \"lots\"\n# yaml-language-server: $schema=../schema/deal.schema.json\ntitle: Annual plan\n"),
        "{shown}"
    );
    assert!(f
        .record("deals/annual-plan-a1b2.yaml")
        .contains("value: 14000000\n"));
}

#[test]
fn edit_gives_up_when_the_invalid_file_is_left_unchanged() {
    let f = Folder::new();
    f.with_toko();
    let before = f.snapshot();
    let ed = editor(
        &f,
        "ed",
        "grep -q '^# crm: ' \"$1\" || sed -i 's/^value: .*/value: lots/' \"$1\"",
    );
    let Some((code, err)) = common::on_terminal(&f, &[("EDITOR", &ed)], &["edit", "annual"], "")
    else {
        return;
    };
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "edit of deal annual-plan-a1b2 abandoned: it still has errors; nothing was written"
        ),
        "{err}"
    );
    // The editor script lives in the folder; only it differs from before.
    let after: Vec<_> = f
        .snapshot()
        .into_iter()
        .filter(|(p, _)| !p.to_string_lossy().starts_with(".ed"))
        .collect();
    let before: Vec<_> = before
        .into_iter()
        .filter(|(p, _)| !p.to_string_lossy().starts_with(".ed"))
        .collect();
    assert_eq!(after, before);
}

#[test]
fn edit_does_nothing_when_nothing_changed() {
    let f = Folder::new();
    f.with_toko();
    let before = f.snapshot();
    let out = f
        .crm()
        .env("VISUAL", "true")
        .env("EDITOR", "false")
        .args(["edit", "toko"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "customer toko-maju-k7q2 unchanged\n"
    );
    assert_eq!(f.snapshot(), before);
}

#[test]
fn an_update_fails_when_the_file_changed_after_it_was_read() {
    let f = Folder::new();
    f.with_toko();
    // The "editor" is another writer: it changes the record's file while crm holds its copy.
    let target = f.path("deals/annual-plan-a1b2.yaml");
    let ed = editor(
        &f,
        "ed",
        &format!(
            "sed -i 's/^value: .*/value: 1/' \"$1\"; printf 'owner: someone-else\\n' >> '{}'",
            target.display()
        ),
    );
    let err = common::stderr_of(f.crm().env("EDITOR", &ed).args(["edit", "annual"]), 1);
    assert!(
        err.contains(
            "deals/annual-plan-a1b2.yaml: changed on disk since crm read it; nothing was written"
        ),
        "{err}"
    );
    let text = f.record("deals/annual-plan-a1b2.yaml");
    assert!(
        text.contains("owner: someone-else\n") && text.contains("value: 12000000\n"),
        "{text}"
    );
    // No lock or temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(f.path("deals"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers,
        vec![std::ffi::OsString::from("annual-plan-a1b2.yaml")]
    );
}

#[test]
fn a_writer_waits_for_the_write_lock_and_gives_up_after_the_timeout() {
    let f = Folder::new();
    f.with_toko();
    f.ok(&["list", "deals"]);
    let lock = std::fs::File::create(f.path(".crm/lock")).unwrap();
    lock.lock().unwrap();
    let out = f
        .crm()
        .args(["set", "annual", "owner=x"])
        .env("CRM_LOCK_TIMEOUT", "0.2")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "error: another crm has been writing in this folder for more than 0.2 s (it holds {}); nothing was written\n",
            f.path(".crm/lock").display()
        )
    );
    assert!(!f.record("deals/annual-plan-a1b2.yaml").contains("owner"));
    // A writer started while the lock is held finishes once it is let go.
    let child = f
        .process()
        .args(["set", "annual", "owner=y"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!f.record("deals/annual-plan-a1b2.yaml").contains("owner"));
    lock.unlock().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(f
        .record("deals/annual-plan-a1b2.yaml")
        .contains("owner: y\n"));
}

#[test]
fn rm_refuses_while_referred_to_unless_forced() {
    let f = Folder::new();
    f.with_toko();
    let i = f.ok(&["log", "toko", "--channel", "call", "Hello"]);
    let before = f.snapshot();
    let err = f.fails(1, &["rm", "toko"]);
    assert_eq!(
        err,
        format!("error: customer/toko-maju-k7q2 is referred to by 2 records; remove or change them first, or pass --force:\n  deal/annual-plan-a1b2 (customer)\n  interaction/{} (customer)\n", i.trim_end())
    );
    assert_eq!(f.snapshot(), before);
    f.ok(&["rm", "annual"]);
    assert!(!f.path("deals/annual-plan-a1b2.yaml").exists());
    let out = f.crm().args(["rm", "toko", "--force"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "removed customer toko-maju-k7q2 (customers/toko-maju-k7q2.yaml)\nwarning: 1 reference to toko-maju-k7q2 now points at nothing\n"
    );
    assert!(!f.path("customers/toko-maju-k7q2.yaml").exists());
}

/// An editor that always saves something new and invalid: off a terminal crm fails at once
/// (it re-opened such an editor 2,144 times in 5 s), keeping the copy; on a terminal it
/// asks after three rounds whether to give up.
#[test]
fn an_invalid_save_without_a_terminal_fails_at_once() {
    let f = Folder::new();
    f.with_toko();
    let count = f.path(".rounds");
    let ed = editor(
        &f,
        "ed",
        &format!(
            "echo x >> {}; sed -i \"s/^value: .*/value: lots$(date +%N)/\" \"$1\"",
            count.display()
        ),
    );
    let before = f.record("deals/annual-plan-a1b2.yaml");
    let err = common::stderr_of(f.crm().env("EDITOR", &ed).args(["edit", "annual"]), 1);
    assert_eq!(std::fs::read_to_string(&count).unwrap(), "x\n");
    assert!(
        err.starts_with(
            "error: the edited record is not valid:\nline 8, column 8: field `value`: expected a decimal amount"
        ) && err.contains("\nnothing was written; the edit is kept in .crm/edit-"),
        "{err}"
    );
    assert_eq!(f.record("deals/annual-plan-a1b2.yaml"), before);
    // The kept copy is listed by crm check and removed by --fix.
    let (code, out) = f.check();
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains(
            ".yaml:1:1: warning: copy of a record left by a `crm edit` that did not finish"
        ),
        "{out}"
    );
    let fixed = f.crm().args(["check", "--fix"]).output().unwrap();
    assert!(String::from_utf8_lossy(&fixed.stderr).contains("removed .crm/edit-"));
    assert_eq!(f.check(), (Some(0), String::new()));

    // On a terminal: three rounds, then the question; "y" gives up.
    std::fs::remove_file(&count).unwrap();
    let Some((code, screen)) =
        common::on_terminal(&f, &[("EDITOR", &ed)], &["edit", "annual"], "y\n")
    else {
        return;
    };
    assert_eq!(code, 1, "{screen}");
    assert_eq!(std::fs::read_to_string(&count).unwrap(), "x\nx\nx\n");
    assert!(
        screen.contains("give up this edit? nothing will be written [y/N] ")
            && screen.contains("edit of deal annual-plan-a1b2 abandoned"),
        "{screen}"
    );
    assert_eq!(f.record("deals/annual-plan-a1b2.yaml"), before);
}

/// The copy of an edit whose crm still runs (its pid, in the name, is alive) is not a
/// leftover; one of a process that is gone is.
#[test]
fn only_a_dead_edit_leaves_a_leftover() {
    let f = Folder::new();
    f.write(
        &format!(".crm/edit-{}-live.yaml", std::process::id()),
        "name: x\n",
    );
    f.write(".crm/edit-999999999-dead.yaml", "name: x\n");
    let (_, out) = f.check();
    assert_eq!(
        out,
        ".crm/edit-999999999-dead.yaml:1:1: warning: copy of a record left by a `crm edit` that did not finish (never read as a record); copy from it what you need: `crm check --fix` removes it\n"
    );
}
