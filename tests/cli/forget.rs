//! `crm forget CUSTOMER`: personal data erased, report figures kept, the erased customer
//! left out of audiences, ingests and dedupe, and personal data refused on it later.

use crate::common;

use std::path::Path;

use common::Folder;

/// The report fixture copied into a temporary folder, with personal data added to
/// customer c01 ("Ayu Store") and its records, and a custom field declared personal.
fn reports_folder() -> Folder {
    let f = Folder::empty();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reports");
    let files = walkdir::WalkDir::new(&from)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".crm")
        .flatten();
    for e in files.filter(|e| e.file_type().is_file()) {
        let to = f.root().join(e.path().strip_prefix(&from).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(e.path(), to).unwrap();
    }
    let toml = f.read("crm.toml") + "\n[fields.customer.birthday]\npersonal = true\n";
    f.write("crm.toml", &toml);
    f.edit(
        "customers/c01.yaml",
        "name: Ayu Store\n",
        "name: Ayu Store\nemail: ayu@ayustore.id\nemails: [owner@ayustore.id]\nphone: '+6281211112222'\n\
         social: {instagram: ayustore}\nnotes: Prefers mornings.\nnext_action: {on: 2026-12-01, note: Call Ayu about the order}\n\
         birthday: 1990-04-01\n",
    );
    f.edit(
        "tickets/t01.yaml",
        "customer: c01\n",
        "customer: c01\ndescription: Ayu's card was charged twice.\nresolution: Refunded to Ayu.\n",
    );
    f.edit(
        "interactions/2026/11/i01.yaml",
        "customer: c01\n",
        "customer: c01\nsummary: Ayu called about her order\nnotes: She lives at Jl. Melati 3.\n",
    );
    f.edit(
        "deals/d01.yaml",
        "customer: c01\n",
        "customer: c01\nnotes: Ayu pays by card.\n",
    );
    f
}

const REPORTS: [&str; 8] = [
    "funnel",
    "pipeline",
    "campaigns",
    "service",
    "customers",
    "feedback",
    "weekly",
    "leads",
];

fn reports(f: &Folder) -> Vec<String> {
    REPORTS
        .iter()
        .map(|r| f.ok(&["report", r, "--since", "2025-01-01", "--format", "json"]))
        .collect()
}

#[test]
fn forgetting_keeps_every_report_figure_and_removes_the_personal_data() {
    let f = reports_folder();
    assert_eq!(f.check(), (Some(0), String::new()));
    let before = reports(&f);
    let audience_before = f.ok(&["campaign", "audience", "k-web", "--format", "ids"]);
    assert!(
        audience_before.lines().any(|l| l == "c01"),
        "{audience_before}"
    );

    // --dry-run: the files, nothing written.
    let snapshot = f.snapshot();
    let out = f
        .crm()
        .args(["forget", "ayu@ayustore.id", "--dry-run"])
        .output()
        .unwrap();
    let files = "deals/d01.yaml\ndeals/d02.yaml\ntickets/t01.yaml\ninteractions/2026/11/i01.yaml\ncustomers/c01.yaml\n";
    assert_eq!(String::from_utf8(out.stdout).unwrap(), files);
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "would erase customer c01: 5 files to change\n"
    );
    assert_eq!(f.snapshot(), snapshot);

    let out = f
        .crm()
        .args(["forget", "ayu@ayustore.id"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), files);
    // Not a git folder: nothing to say about history.
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "erased customer c01: 5 files changed\n"
    );
    // Every figure as before; only the name the leads report lists is the erased one.
    let after = reports(&f);
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        assert_eq!(
            b.replace("Ayu Store", "erased c01"),
            *a,
            "report {}",
            REPORTS[i]
        );
    }
    // The digests, as `printf %s 'phone:+6281211112222' | sha256sum` gives them (and
    // `email:owner@ayustore.id`, `email:ayu@ayustore.id`), sorted.
    assert_eq!(
        f.read("customers/c01.yaml"),
        "# yaml-language-server: $schema=../schema/customer.schema.json\n\
         name: erased c01\nstage: customer\nhistory:\n- stage: lead\n  at: 2026-01-10T00:00:00+00:00\n- stage: prospect\n  at: 2026-02-01T00:00:00+00:00\n\
         - stage: customer\n  at: 2026-03-01T00:00:00+00:00\nsource: k-fair\nowner: ayu\ncity: Jakarta\nindustry: retail\n\
         preferences:\n  do_not_contact: true\nnext_action:\n  on: 2026-12-01\ncreated: 2026-01-10\nerased: 2026-11-22\nerased_keys:\n\
         - sha256:10a47e464133463e8ae007baf7bcc3dbd17415b8bdac02155e811dfa1648d1e5\n\
         - sha256:9f40c820d28dc7935d6e542817daa496983ca24e64b0c9787448e1a3d95afd0f\n\
         - sha256:f5a351fcd6c6bd5d7646ab4d9b338bff195156b0139c9b7496da38a510732ff5\n"
    );
    let ticket = f.read("tickets/t01.yaml");
    assert!(
        !ticket.contains("Ayu") && ticket.contains("customer: c01\n"),
        "{ticket}"
    );
    let call = f.read("interactions/2026/11/i01.yaml");
    assert!(
        !call.contains("summary") && !call.contains("notes"),
        "{call}"
    );
    assert!(!f.read("deals/d01.yaml").contains("notes"));
    assert_eq!(f.check(), (Some(0), String::new()));

    // Left out of every audience (not even listed as left out), and of dedupe.
    let audience = f.ok(&["campaign", "audience", "k-web", "--format", "ids"]);
    assert!(!audience.lines().any(|l| l == "c01"), "{audience}");
    // Personal data written onto it again is refused, by the commands and by check.
    assert_eq!(
        f.fails(1, &["set", "c01", "email=ayu@ayustore.id"]),
        "error: cannot set fields of customer c01: field `email`: is personal data, and customer c01 was erased on 2026-11-22 (`crm forget`)\n"
    );
    assert_eq!(
        f.fails(1, &["set", "c01", "name=Ayu"]),
        "error: cannot set fields of customer c01: field `name`: is personal data, and customer c01 was erased on 2026-11-22 (`crm forget`): its name stays \"erased c01\"\n"
    );
    assert_eq!(
        f.fails(1, &["log", "c01", "--channel", "call", "Ayu again"]),
        "error: cannot add interaction: field `summary`: is personal data, and customer c01 was erased on 2026-11-22 (`crm forget`)\n"
    );
    // What reports need can still change.
    f.ok(&["set", "c01", "stage=churned"]);
    f.edit(
        "tickets/t01.yaml",
        "customer: c01\n",
        "customer: c01\ndescription: Ayu again\n",
    );
    let (code, out) = f.check();
    assert_eq!(code, Some(1));
    assert_eq!(
        out,
        "tickets/t01.yaml:4:14: error: field `description`: is personal data, and customer c01 was erased on 2026-11-22 (`crm forget`)\n"
    );
    f.write("c.csv", "id,stage,notes\nc01,customer,Ayu again\n");
    assert_eq!(
        f.fails(1, &["import", "customers", "c.csv"]),
        "error: 1 bad row in c.csv; nothing was imported\nc.csv:2:3: field `notes`: is personal data, and customer c01 was erased on 2026-11-22 (`crm forget`)\n"
    );
    // Forgetting again removes what came back.
    assert_eq!(f.ok(&["forget", "c01"]), "tickets/t01.yaml\n");
    assert_eq!(f.check(), (Some(0), String::new()));
}

fn git(dir: &Path, args: &[&str]) {
    let (ok, out) = crate::git::git(dir, args);
    assert!(ok, "git {args:?}: {out}");
}

/// In a git repository (the crm folder a subfolder of it), forget says that the history
/// holds the old text, and gives the commands that remove it, with the repository's paths.
#[test]
fn in_git_forget_says_how_to_remove_the_old_text_from_history() {
    let repo = Folder::empty();
    git(repo.root(), &["init", "-q"]);
    let f = Folder {
        dir: tempfile::tempdir_in(repo.root()).unwrap(),
    };
    f.crm().arg("init").assert().success();
    f.write(
        "customers/ayu.yaml",
        "name: Ayu\nstage: lead\nemail: ayu@kopi.id\n",
    );
    f.write(
        "interactions/2026/11/call.yaml",
        "customer: ayu\nat: 2026-11-02T10:00:00+00:00\nchannel: call\nsummary: Ayu's order\n",
    );
    git(repo.root(), &["add", "-A"]);
    git(repo.root(), &["commit", "-qm", "records"]);
    let sub = f.root().file_name().unwrap().to_string_lossy().into_owned();
    let out = f.crm().args(["forget", "ayu"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "interactions/2026/11/call.yaml\ncustomers/ayu.yaml\n"
    );
    let p = |rel: &str| format!("{sub}/{rel}");
    let (i, c) = (p("interactions/2026/11/call.yaml"), p("customers/ayu.yaml"));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "erased customer ayu: 2 files changed\n\
             warning: git's history still holds what these files said before. To remove it, commit this change, then, from the repository's top folder (this rewrites every commit: each clone must be made again):\n  \
             tar -cf ../crm-forget.tar {i} {c}\n  \
             git filter-repo --invert-paths --path {i} --path {c}\n  \
             tar -xf ../crm-forget.tar && git add {i} {c} && git commit -m 'crm forget ayu'\n"
        )
    );
}

/// Ingests skip an erased customer's addresses and numbers, counted as `erased`; no
/// lead is made of them again.
#[test]
fn ingests_skip_an_erased_customers_addresses_and_numbers() {
    let f = Folder::new();
    f.write(
        "customers/ayu.yaml",
        "name: Ayu\nstage: lead\nemail: Ayu@Kopi.id\nphone: '+6281299990000'\n",
    );
    f.ok(&["forget", "ayu"]);
    f.write(
        "inbox.mbox",
        "From ayu@kopi.id Mon Nov 16 09:00:00 2026\nFrom: Ayu <ayu@kopi.id>\nTo: sari@ourco.test\nSubject: Hello again\n\
         Date: Mon, 16 Nov 2026 09:00:00 +0700\nMessage-ID: <a1@kopi.id>\n\nStill there?\n\n",
    );
    let out = f
        .crm()
        .args([
            "ingest",
            "mail",
            "inbox.mbox",
            "--me",
            "sari@ourco.test",
            "--create-leads",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "ingested 0, already there 0, skipped 1 (no customer 0, ours 0, automated 0, erased 1)\n"
    );
    assert_eq!(f.ok(&["list", "customers", "--format", "ids"]), "ayu\n");
    f.write(
        "meet.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\nBEGIN:VEVENT\r\nUID:m1@test\r\nDTSTAMP:20261101T000000Z\r\n\
         DTSTART:20261110T090000Z\r\nSUMMARY:Coffee\r\nORGANIZER:mailto:sari@ourco.test\r\nATTENDEE:mailto:AYU@kopi.id\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n",
    );
    let out = f
        .crm()
        .args(["ingest", "calendar", "meet.ics", "--me", "sari@ourco.test"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "logged 0, moved 0, removed 0, already there 0, skipped 1 (no customer 0, cancelled 0, erased 1)\n"
    );
    f.write(
        "chat.txt",
        "10/11/2026, 09:00 - +62 812-9999-0000: Halo kak\n10/11/2026, 09:05 - Sari: Halo\n",
    );
    let out = f
        .crm()
        .args(["ingest", "whatsapp", "chat.txt", "--me", "Sari"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "logged 0, updated 0, already there 0 (2 messages, 0 notices); chats with erased customers only, skipped: 1\n"
    );
    assert_eq!(f.ok(&["list", "interactions", "--format", "ids"]), "");
    // An old contact list imported again: the erased row is skipped, counted; the others
    // are imported.
    f.write(
        "old.csv",
        "name,email,phone\nAyu,AYU@kopi.id,\nAyu again,,+62 812-9999-0000\nBudi,budi@toko.id,\n",
    );
    let out = f
        .crm()
        .args(["import", "customers", "old.csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "imported customers: created 1, updated 0, unchanged 0, skipped 0, erased 2\n"
    );
    assert_eq!(
        f.ok(&["list", "customers", "--fields", "name", "--no-header"]),
        "erased ayu\nBudi\n"
    );
    // Named with --customer: skipped too.
    let out = f
        .crm()
        .args([
            "ingest",
            "whatsapp",
            "chat.txt",
            "--me",
            "Sari",
            "--customer",
            "ayu",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .ends_with("skipped: 1\n"));
    assert_eq!(f.ok(&["list", "interactions", "--format", "ids"]), "");
}
