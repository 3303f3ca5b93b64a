//! `crm ingest whatsapp`, on chat exports written byte for byte as phones write them
//! (tests/fixtures/whatsapp/make.py): Android's 24- and 12-hour layouts, iOS's text and
//! shared zip, a group chat; exact interactions, a longer export, bad lines.

use crate::common;

use common::Folder;

const CHATS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/whatsapp");

fn chat(name: &str) -> String {
    format!("{CHATS}/{name}")
}

/// A folder in Jakarta whose phone region is Indonesia, with Budi Santoso (0812-3456-7890)
/// and Kafe Dewi (+62 812-9999-0000).
fn folder() -> Folder {
    let f = Folder::new();
    f.edit(
        "crm.toml",
        "timezone = \"UTC\"",
        "timezone = \"Asia/Jakarta\"",
    );
    f.edit("crm.toml", "# region = \"ID\"", "region = \"ID\"");
    f.add(&[
        "customer",
        "--id",
        "budi-santoso-b001",
        "--name",
        "Budi Santoso",
        "--phone",
        "0812-3456-7890",
    ]);
    f.add(&[
        "customer",
        "--id",
        "kafe-dewi-m3n4",
        "--name",
        "Kafe Dewi",
        "--phone",
        "+62 812-9999-0000",
    ]);
    f
}

fn ingest(f: &Folder, args: &[&str]) -> (Option<i32>, String, String) {
    let out = f
        .crm()
        .args(["ingest", "whatsapp", "--me", "Sari"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const HEADER: &str = "# yaml-language-server: $schema=../../../schema/interaction.schema.json\n";

#[test]
fn phones_are_stored_in_e164_and_name_customers() {
    let f = folder();
    assert!(f
        .read("customers/budi-santoso-b001.yaml")
        .contains("phone: '+6281234567890'\n"));
    assert_eq!(
        f.ok(&["show", "+6281234567890", "--format", "ids"]),
        "budi-santoso-b001\n"
    );
    assert_eq!(
        f.ok(&["show", "0812 3456 7890", "--format", "ids"]),
        "budi-santoso-b001\n"
    );
    f.ok(&[
        "log",
        "0812-9999-0000",
        "--channel",
        "call",
        "Called about the order",
    ]);
    // The one interaction is Kafe Dewi's, named by her number in its national form.
    assert_eq!(
        f.ok(&[
            "list",
            "interactions",
            "--format",
            "csv",
            "--fields",
            "customer,summary"
        ]),
        "customer,summary\nkafe-dewi-m3n4,Called about the order\n"
    );
    // A number that does not parse is kept as typed, and `crm check` says so at its line.
    f.add(&[
        "customer",
        "--id",
        "sari-s001",
        "--name",
        "Sari",
        "--phone",
        "12345",
    ]);
    assert!(f
        .read("customers/sari-s001.yaml")
        .contains("phone: '12345'\n"));
    let (code, out) = f.check();
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        "customers/sari-s001.yaml:3:8: warning: field `phone`: \"12345\" is not a phone number crm can read (in region ID, or with + and a country code); kept as typed, it matches only these digits\n"
    );
}

#[test]
fn an_android_chat_becomes_one_interaction_per_conversation() {
    let f = folder();
    let (code, out, err) = ingest(&f, &[&chat("android-24h.txt")]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "");
    assert_eq!(
        err,
        "logged 3, updated 0, already there 0 (7 messages, 1 notices)\n"
    );
    // 21:41–21:50 (four messages, Budi first), then 09:15–09:20 (we wrote first), then
    // 14:00: 4 hours 40 minutes after 09:20, longer than the 4-hour gap.
    assert_eq!(
        f.read("interactions/2025/12/wa-kyqmr9rw4dpt.yaml"),
        format!("{HEADER}customer: budi-santoso-b001\nat: 2025-12-31T21:41:00+07:00\nchannel: whatsapp\ndirection: inbound\nsummary: Halo kak, stok kopi Gayo masih ada?\nby: Sari\nmessages: 4\n")
    );
    assert_eq!(
        f.read("interactions/2026/01/wa-r4qhfnkenxj9.yaml"),
        format!("{HEADER}customer: budi-santoso-b001\nat: 2026-01-01T09:15:00+07:00\nchannel: whatsapp\ndirection: outbound\nsummary: Pagi kak, invoice sudah kami kirim\nby: Sari\nmessages: 2\n")
    );
    let last = "interactions/2026/01/wa-4y02t8phz2rx.yaml";
    assert_eq!(
        f.read(last),
        format!("{HEADER}customer: budi-santoso-b001\nat: 2026-01-01T14:00:00+07:00\nchannel: whatsapp\ndirection: inbound\nsummary: Sudah transfer ya\nmessages: 1\n")
    );

    // The same export again: nothing changes.
    let before = f.snapshot();
    let (code, _, err) = ingest(&f, &[&chat("android-24h.txt")]);
    assert_eq!(code, Some(0));
    assert_eq!(
        err,
        "logged 0, updated 0, already there 3 (7 messages, 1 notices)\n"
    );
    assert_eq!(f.snapshot(), before);

    // A later export of the chat: the last conversation grew, one is new, the rest as
    // they were, byte for byte (a note added by hand stays).
    f.edit(last, "messages: 1\n", "messages: 1\noutcome: paid\n");
    let first = f.read("interactions/2025/12/wa-kyqmr9rw4dpt.yaml");
    let (code, _, err) = ingest(&f, &[&chat("android-24h-later.txt")]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        err,
        "logged 1, updated 1, already there 2 (9 messages, 1 notices)\n"
    );
    assert_eq!(f.read("interactions/2025/12/wa-kyqmr9rw4dpt.yaml"), first);
    assert_eq!(
        f.read(last),
        format!("{HEADER}customer: budi-santoso-b001\nat: 2026-01-01T14:00:00+07:00\nchannel: whatsapp\ndirection: inbound\nsummary: Sudah transfer ya\noutcome: paid\nmessages: 2\n")
    );
    assert_eq!(
        f.read("interactions/2026/01/wa-vjjkcdtp17d6.yaml"),
        format!("{HEADER}customer: budi-santoso-b001\nat: 2026-01-02T10:00:00+07:00\nchannel: whatsapp\ndirection: inbound\nsummary: Kak, minggu depan pesan lagi ya\nmessages: 1\n")
    );
    // The shorter export again does not shrink what a longer one recorded.
    let (_, _, err) = ingest(&f, &[&chat("android-24h.txt")]);
    assert_eq!(
        err,
        "logged 0, updated 0, already there 3 (7 messages, 1 notices)\n"
    );
    assert!(f.read(last).ends_with("messages: 2\n"));
}

#[test]
fn twelve_hour_android_and_an_unsaved_number() {
    let f = folder();
    // 12/30/25 shows the order (month first); the sender is shown as a number, with the
    // marks Android puts around it, and matches Budi's phone.
    let (code, out, err) = ingest(
        &f,
        &[&chat("android-12h.txt"), "--dry-run", "--format", "csv"],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        out,
        "id,at,customer,channel,direction,summary\nwa-6csv0w632a6a,2025-12-30T21:41:00+07:00,budi-santoso-b001,whatsapp,inbound,\"Hi, is this Kopi Nusantara?\"\n"
    );
    assert_eq!(
        err,
        "would have logged 1, updated 0, already there 0 (2 messages, 1 notices)\n"
    );
    assert!(!f.path("interactions/2025").exists());
}

#[test]
fn ios_text_and_its_shared_zip_give_the_same_conversation() {
    let expected = format!("{HEADER}customer: kafe-dewi-m3n4\nat: 2025-12-29T08:05:11+07:00\nchannel: whatsapp\ndirection: outbound\nsummary: Selamat pagi Bu Dewi, ini katalog baru kami\nby: Sari\nattachments:\n- 00000003-PHOTO-2025-12-29-08-05-40.jpg\nmessages: 3\n");
    for file in ["ios.txt", "ios.zip"] {
        let f = folder();
        let (code, _, err) = ingest(&f, &[&chat(file)]);
        assert_eq!(code, Some(0), "{file}: {err}");
        assert_eq!(
            err, "logged 1, updated 0, already there 0 (3 messages, 1 notices)\n",
            "{file}"
        );
        assert_eq!(
            f.read("interactions/2025/12/wa-x5v9jx5653qp.yaml"),
            expected,
            "{file}"
        );
    }
}

#[test]
fn a_group_chat_logs_each_customer_who_wrote() {
    let f = folder();
    let (code, _, err) = ingest(&f, &[&chat("group.txt")]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        err,
        "logged 2, updated 0, already there 0 (4 messages, 3 notices); not customers: Andi\n"
    );
    let body = "at: 2026-01-02T10:05:00+07:00\nchannel: whatsapp\ndirection: outbound\nsummary: Selamat datang di grup pelanggan!\nby: Sari\nmessages: 4\n";
    assert_eq!(
        f.read("interactions/2026/01/wa-eqb55hkp1sn1.yaml"),
        format!("{HEADER}customer: budi-santoso-b001\n{body}")
    );
    assert_eq!(
        f.read("interactions/2026/01/wa-4ee4rqv78pxa.yaml"),
        format!("{HEADER}customer: kafe-dewi-m3n4\n{body}")
    );
}

#[test]
fn bad_lines_are_named_and_the_rest_is_ingested() {
    let f = folder();
    let (code, _, err) = ingest(&f, &[&chat("bad.txt")]);
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        format!("error: {}:2: 31/02/2026 is not a date (read as day/month/year)\nlogged 1, updated 0, already there 0 (2 messages, 0 notices)\nerror: 1 chat line or file could not be read (the rest was ingested)\n", chat("bad.txt"))
    );
    assert!(f
        .read("interactions/2026/01/wa-dtwyschk4a4n.yaml")
        .ends_with("messages: 2\n"));
}

#[test]
fn who_the_chat_is_with() {
    let f = folder();
    f.write(
        "chat.txt",
        "05/01/2026, 10:00 - Pak Joko: Halo\n05/01/2026, 10:01 - Sari: Halo pak\n",
    );
    // No sender is a customer: the file is refused, naming them, and nothing is written.
    let (code, _, err) = ingest(&f, &["chat.txt"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        "error: chat.txt: no sender in this chat is a customer by name or phone number (Pak Joko); name the customer with --customer, or give their number with `crm set CUSTOMER phone=…`\nlogged 0, updated 0, already there 0 (2 messages, 0 notices)\nerror: 1 chat line or file could not be read (the rest was ingested)\n"
    );
    assert!(!f.path("interactions/2026").exists());
    // --customer names them; 05/01 does not show the order, so the region's (day first)
    // reads it as 5 January, and --date-order mdy as 1 May.
    let (code, out, _) = ingest(
        &f,
        &[
            "chat.txt",
            "--customer",
            "kafe",
            "--dry-run",
            "--format",
            "csv",
        ],
    );
    assert_eq!(code, Some(0));
    assert!(
        out.contains(",2026-01-05T10:00:00+07:00,kafe-dewi-m3n4,whatsapp,inbound,Halo\n"),
        "{out}"
    );
    let (_, out, _) = ingest(
        &f,
        &[
            "chat.txt",
            "--customer",
            "kafe",
            "--date-order",
            "mdy",
            "--dry-run",
            "--format",
            "csv",
        ],
    );
    assert!(out.contains(",2026-05-01T10:00:00+07:00,"), "{out}");
    // --gap: one minute apart is still one conversation at 1m, two at 30s.
    let (_, out, _) = ingest(
        &f,
        &[
            "chat.txt",
            "--customer",
            "kafe",
            "--gap",
            "30s",
            "--dry-run",
            "--format",
            "ids",
        ],
    );
    assert_eq!(out.lines().count(), 2, "{out}");
    let err = f.fails(2, &["ingest", "whatsapp", "chat.txt", "--gap", "soon"]);
    assert!(err.contains("\"soon\" is not a duration"), "{err}");
}

#[test]
fn a_zip_without_a_chat_and_a_file_that_is_no_chat() {
    let f = folder();
    f.write("notes.txt", "just some notes\nnothing else\n");
    let (code, _, err) = ingest(&f, &["notes.txt"]);
    assert_eq!(code, Some(1));
    assert!(
        err.starts_with("error: notes.txt:1: not a line of a WhatsApp chat export"),
        "{err}"
    );
    // A zip with no .txt in it.
    let mut w = zip_writer();
    w.start_file("photo.jpg", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut w, b"\xff\xd8").unwrap();
    std::fs::write(f.path("media.zip"), w.finish().unwrap().into_inner()).unwrap();
    let (code, _, err) = ingest(&f, &["media.zip"]);
    assert_eq!(code, Some(1));
    assert!(
        err.starts_with("error: media.zip: the zip holds no .txt chat export\n"),
        "{err}"
    );
}

fn zip_writer() -> zip::ZipWriter<std::io::Cursor<Vec<u8>>> {
    zip::ZipWriter::new(std::io::Cursor::new(Vec::new()))
}
