//! `crm ingest mail`, on mailboxes written by Python's standard `mailbox` and `email`
//! modules (tests/fixtures/mail/make.py): exact interactions per message, the counts,
//! idempotence, bad input, and a run killed midway.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use common::Folder;

const MAIL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mail");

fn fixture(name: &str) -> String {
    format!("{MAIL}/{name}")
}

/// Toko Maju (budi@tokomaju.id) with its deal, and Kafe Dewi (dewi@kafedewi.id, and
/// dewi.owner@gmail.test in `emails`).
fn folder() -> Folder {
    let f = Folder::new();
    f.with_toko();
    f.with_dewi(true);
    f
}

/// Every interaction file, by path, with its text.
fn interactions(f: &Folder) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(f.path("interactions"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(f.root()).unwrap();
            out.push((
                rel.display().to_string(),
                std::fs::read_to_string(e.path()).unwrap(),
            ));
        }
    }
    out
}

fn ingest(f: &Folder, args: &[&str]) -> (Option<i32>, String) {
    let out = f
        .crm()
        .args(["ingest", "mail", "--me", "@ourco.test"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn each_message_becomes_one_interaction_per_customer_it_names() {
    let f = folder();
    let (code, err) = ingest(&f, &[&fixture("inbox.mbox")]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        err,
        "ingested 5, already there 1, skipped 3 (no customer 1, ours 1, automated 1)\n"
    );
    let got = interactions(&f);
    let paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "interactions/2026/11/mail-e2cysvcb4k84.yaml",
            "interactions/2026/11/mail-frqw4qkgcc40.yaml",
            "interactions/2026/11/mail-fzay78tm2thw.yaml",
            "interactions/2026/11/mail-kwtb9p7fenv7.yaml",
            "interactions/2026/11/mail-xeg6rdzmedw8.yaml",
        ]
    );
    let text = |id: &str| {
        got.iter()
            .find(|(p, _)| p.ends_with(&format!("{id}.yaml")))
            .map(|(_, t)| t.clone())
            .unwrap()
    };
    // An encoded subject with an emoji, a deal named in it, the quote and signature cut.
    assert_eq!(
        text("mail-frqw4qkgcc40"),
        "# yaml-language-server: $schema=../../../schema/interaction.schema.json\ncustomer: toko-maju-k7q2\nat: 2026-11-20T09:15:00+07:00\nchannel: email\ndirection: inbound\nsummary: Pesanan kopi untuk Desember ☕ [deal/annual-plan-a1b2]\ndeal: annual-plan-a1b2\nmessage_id: m1@tokomaju.id\nnotes: |-\n  Halo Sari,\n\n  Kami mau pesan 20 kg arabika untuk Desember.\n\n  Salam,\n  Budi\n"
    );
    // Our reply: outbound, by us, in the thread so on the same deal.
    assert_eq!(
        text("mail-xeg6rdzmedw8"),
        "# yaml-language-server: $schema=../../../schema/interaction.schema.json\ncustomer: toko-maju-k7q2\nat: 2026-11-20T10:00:00+07:00\nchannel: email\ndirection: outbound\nsummary: 'Re: Pesanan kopi untuk Desember ☕'\ndeal: annual-plan-a1b2\nby: sari@ourco.test\nmessage_id: r1@ourco.test\nnotes: Siap, Pak Budi. Kami kirim Senin.\n"
    );
    // An HTML-only message: its text.
    assert_eq!(
        text("mail-fzay78tm2thw"),
        "# yaml-language-server: $schema=../../../schema/interaction.schema.json\ncustomer: kafe-dewi-m3n4\nat: 2026-11-19T14:30:00+07:00\nchannel: email\ndirection: inbound\nsummary: Sampel\nmessage_id: h1@kafedewi.id\nnotes: Halo, kami mau coba sampel.\n"
    );
    // One message to two customers (Dewi by an address of `emails`): two interactions,
    // the attachment listed by name.
    for (id, customer) in [
        ("mail-kwtb9p7fenv7", "toko-maju-k7q2"),
        ("mail-e2cysvcb4k84", "kafe-dewi-m3n4"),
    ] {
        assert_eq!(
            text(id),
            format!("# yaml-language-server: $schema=../../../schema/interaction.schema.json\ncustomer: {customer}\nat: 2026-11-21T08:00:00+07:00\nchannel: email\ndirection: outbound\nsummary: Harga baru 2027\nby: sari@ourco.test\nmessage_id: p1@ourco.test\nattachments:\n- harga-2027.pdf\nnotes: Harga baru terlampir.\n")
        );
    }
    assert_eq!(f.check().0, Some(0));
}

#[test]
fn ingesting_again_changes_no_byte() {
    let f = folder();
    ingest(&f, &[&fixture("inbox.mbox"), &fixture("maildir")]);
    let before = f.snapshot();
    let (code, err) = ingest(&f, &[&fixture("inbox.mbox"), &fixture("maildir")]);
    assert_eq!(code, Some(0));
    assert_eq!(
        err,
        "ingested 0, already there 8, skipped 3 (no customer 1, ours 1, automated 1)\n"
    );
    assert_eq!(f.snapshot(), before);
}

#[test]
fn maildirs_single_files_and_standard_input() {
    let f = folder();
    let (code, err) = ingest(&f, &[&fixture("maildir"), &fixture("single.eml")]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        err,
        "ingested 3, already there 0, skipped 0 (no customer 0, ours 0, automated 0)\n"
    );
    let summaries = f.ok(&[
        "list",
        "interactions",
        "--fields",
        "at,customer,summary",
        "--format",
        "tsv",
        "--sort",
        "at",
    ]);
    assert_eq!(
        summaries,
        "at\tcustomer\tsummary\n2026-11-21T15:00:00+07:00\tkafe-dewi-m3n4\tTerima kasih\n2026-11-22T09:00:00+07:00\ttoko-maju-k7q2\tKonfirmasi pengiriman\n2026-11-22T13:00:00+07:00\tkafe-dewi-m3n4\tJadwal kunjungan\n"
    );
    // One message on standard input, without a Date, Subject or Message-ID: the moment
    // is now (a warning says so), the summary its first line, the id from its headers.
    let out = f
        .crm()
        .env("CRM_NOW", "2026-11-22T16:00:00+07:00")
        .args(["ingest", "mail", "-", "--me", "@ourco.test"])
        .write_stdin(
            "From: budi@tokomaju.id\nTo: sari@ourco.test\n\nTolong kirim invoice.\nTerima kasih\n",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "warning: -:1: the message has no usable Date; taken as 2026-11-22T09:00:00+00:00 (now: it has no file)\ningested 1, already there 0, skipped 0 (no customer 0, ours 0, automated 0)\n"
    );
    let got = interactions(&f);
    let (_, text) = got.iter().find(|(_, t)| t.contains("invoice")).unwrap();
    assert_eq!(
        text,
        "# yaml-language-server: $schema=../../../schema/interaction.schema.json\ncustomer: toko-maju-k7q2\nat: 2026-11-22T09:00:00+00:00\nchannel: email\ndirection: inbound\nsummary: Tolong kirim invoice.\nnotes: |-\n  Tolong kirim invoice.\n  Terima kasih\n"
    );
}

#[test]
fn bad_mailboxes_are_named_with_their_line_and_the_rest_is_ingested() {
    let f = folder();
    let (code, err) = ingest(&f, &[&fixture("broken.mbox"), &fixture("notmail.txt")]);
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        format!(
            "error: {MAIL}/notmail.txt:1: not a mailbox: an mbox starts with a \"From \" line and a message with headers (\"From: …\")\n\
             error: {MAIL}/broken.mbox:13: not an e-mail message (no header fields)\n\
             ingested 2, already there 0, skipped 0 (no customer 0, ours 0, automated 0)\n\
             error: 2 mailboxes or messages could not be read (the rest was ingested)\n"
        )
    );
    let summaries = f.ok(&[
        "list",
        "interactions",
        "--fields",
        "summary",
        "--format",
        "ids",
    ]);
    assert_eq!(summaries.lines().count(), 2);
}

#[test]
fn leads_since_and_body() {
    let f = folder();
    let (code, err) = ingest(
        &f,
        &[
            &fixture("inbox.mbox"),
            "--create-leads",
            "--since",
            "2026-11-19",
            "--body",
            "none",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    // The newsletter (18 Nov), the stranger's message (17 Nov) and ours (16 Nov) are
    // older than --since: no lead is made for the stranger.
    assert_eq!(
        err,
        "ingested 5, already there 1, skipped 3 (no customer 0, ours 0, automated 0, older 3)\n"
    );
    assert!(interactions(&f).iter().all(|(_, t)| !t.contains("notes:")));

    let f = folder();
    let (code, err) = ingest(
        &f,
        &[&fixture("inbox.mbox"), "--create-leads", "--body", "full"],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        err,
        "ingested 6, already there 1, skipped 2 (no customer 0, ours 1, automated 1); new customers 1\n"
    );
    let lead = f.ok(&[
        "list",
        "customers",
        "--where",
        "source = email",
        "--fields",
        "id,name,email,stage",
        "--format",
        "tsv",
    ]);
    assert_eq!(
        lead,
        "id\tname\temail\tstage\nrina-wijaya-5aqf\tRina Wijaya\trina@warungrina.test\tlead\n"
    );
    let asked = f.ok(&[
        "list",
        "interactions",
        "--where",
        "customer = rina-wijaya-5aqf",
        "--fields",
        "summary,notes",
        "--format",
        "tsv",
    ]);
    assert_eq!(
        asked,
        "summary\tnotes\nTanya harga\tBerapa harga robusta per kg?\n"
    );
}

#[test]
fn dry_run_lists_and_writes_nothing() {
    let f = folder();
    let before = f.snapshot();
    let out = f
        .crm()
        .args([
            "ingest",
            "mail",
            "--me",
            "@ourco.test",
            "--dry-run",
            "--format",
            "tsv",
        ])
        .arg(fixture("maildir"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "id\tat\tcustomer\tchannel\tdirection\tsummary\nmail-g0xc77mqbaxt\t2026-11-21T15:00:00+07:00\tkafe-dewi-m3n4\temail\tinbound\tTerima kasih\nmail-42nfx1afcnzq\t2026-11-22T09:00:00+07:00\ttoko-maju-k7q2\temail\tinbound\tKonfirmasi pengiriman\n"
    );
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "would have ingested 2, already there 0, skipped 0 (no customer 0, ours 0, automated 0)\n"
    );
    assert_eq!(f.snapshot(), before);
}

/// An mbox of `n` messages from Budi, written here (the fixture mailboxes are small).
fn big_mbox(dir: &Path, n: usize) -> PathBuf {
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "From budi@tokomaju.id Mon Nov 16 09:00:00 2026\nFrom: Budi <budi@tokomaju.id>\nTo: sari@ourco.test\nSubject: Pesan {i}\nDate: Mon, 16 Nov 2026 09:{:02}:{:02} +0700\nMessage-ID: <big{i}@tokomaju.id>\n\nPesan nomor {i}.\n\n",
            i / 60 % 60,
            i % 60
        ));
    }
    let path = dir.join("big.mbox");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_run_killed_midway_and_run_again_ends_as_one_uninterrupted_run() {
    let whole = folder();
    let mbox = big_mbox(whole.root(), 400);
    let mbox = mbox.to_str().unwrap();
    let (code, _) = ingest(&whole, &[mbox]);
    assert_eq!(code, Some(0));

    let killed = folder();
    let mut kills = 0;
    for delay in [5u64, 15, 30, 60, 120, 200, 300, 450] {
        let mut child = killed
            .process()
            .args(["ingest", "mail", "--me", "@ourco.test", mbox])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
    }
    assert!(kills > 0, "no run was killed before it ended");
    let (code, err) = ingest(&killed, &[mbox]);
    assert_eq!(code, Some(0), "{err}");
    // Temporary files of killed writers are removed by the next write.
    assert_eq!(
        interactions(&killed),
        interactions(&whole),
        "after {kills} kills"
    );
    assert_eq!(interactions(&whole).len(), 400);
}

#[test]
fn an_outbound_message_to_a_do_not_contact_customer_is_logged_and_checked() {
    let f = folder();
    f.ok(&["set", "kafe-dewi-m3n4", "preferences.do_not_contact=true"]);
    let (code, _) = ingest(&f, &[&fixture("inbox.mbox")]);
    assert_eq!(code, Some(0));
    let (code, out) = f.check();
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        "interactions/2026/11/mail-e2cysvcb4k84.yaml:5:12: warning: an outbound email to kafe-dewi-m3n4, who asked not to be contacted (preferences.do_not_contact)\n"
    );
}

#[test]
fn an_mbox_cut_inside_a_message_s_headers_is_named() {
    let f = folder();
    let text = std::fs::read_to_string(fixture("inbox.mbox")).unwrap();
    // Cut in the middle of the second message's headers.
    let second = text.match_indices("\nFrom MAILER-DAEMON").next().unwrap().0;
    let cut = &text[..second
        + "\nFrom MAILER-DAEMON Thu Dec  3 00:00:00 2026\nFrom: Sari <sari@ourco.test>\nTo: Budi"
            .len()];
    f.write("cut.mbox", cut);
    let (code, err) = ingest(&f, &["cut.mbox"]);
    assert_eq!(code, Some(1));
    let line = cut[..second + 1].lines().count() + 1;
    assert_eq!(
        err,
        format!("error: cut.mbox:{line}: the message's headers do not end (a truncated message?)\ningested 1, already there 0, skipped 0 (no customer 0, ours 0, automated 0)\nerror: 1 mailbox or message could not be read (the rest was ingested)\n")
    );
}
