//! Contacts both ways: `crm import customers FILE.vcf` on vCards as Android, iOS,
//! Thunderbird and Evolution write them (tests/fixtures/vcard/make.py), and
//! `crm export customers --format vcf`, read back by crm and by Python's `vobject`
//! (the library khard is built on) when it is installed.

use crate::common;

use common::Folder;

const CARDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/vcard");

fn card(name: &str) -> String {
    format!("{CARDS}/{name}")
}

/// A folder whose phone region is Indonesia, with Budi (by e-mail) and Kafe Dewi (by
/// phone) already there.
fn folder() -> Folder {
    let f = Folder::new();
    f.edit("crm.toml", "# region = \"ID\"", "region = \"ID\"");
    f.add(&[
        "customer",
        "--id",
        "budi-santoso-b001",
        "--name",
        "Budi Santoso",
        "--email",
        "budi@tokomaju.id",
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

fn import(f: &Folder, args: &[&str]) -> (Option<i32>, String) {
    let out = f
        .crm()
        .args(["import", "customers"])
        .args(args)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

const HEADER: &str = "# yaml-language-server: $schema=../schema/customer.schema.json\n";
const LEAD: &str = "stage: lead\nhistory:\n- stage: lead\n  at: 2026-11-22T00:00:00+00:00\n";

#[test]
fn android_cards_upsert_by_email_then_by_phone() {
    let f = folder();
    let out = f
        .crm()
        .args(["import", "customers", &card("android.vcf"), "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "update customer budi-santoso-b001 (line 1): phone, phones, company\nupdate customer kafe-dewi-m3n4 (line 10): notes\ncreate customer andi-t9sa (line 18)\n"
    );
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "dry run, nothing written: would have created 1, updated 2, unchanged 0, skipped 0\n"
    );
    let (code, err) = import(&f, &[&card("android.vcf")]);
    assert_eq!(code, Some(0), "{err}");
    // TEL;CELL and TEL;WORK: the first is the phone, both in E.164.
    assert_eq!(
        f.read("customers/budi-santoso-b001.yaml"),
        format!("{HEADER}name: Budi Santoso\nemail: budi@tokomaju.id\nphone: '+6281234567890'\nphones:\n- '+62215551234'\n{LEAD}created: 2026-11-22\ncompany: Toko Maju\n")
    );
    // Quoted-printable UTF-8 with a soft line break; matched by its number.
    assert_eq!(
        f.read("customers/kafe-dewi-m3n4.yaml"),
        format!("{HEADER}name: Kafe Dewi\nphone: '+6281299990000'\n{LEAD}notes: |-\n  Suka kopi susu ☕\n  Pelanggan sejak 2024\ncreated: 2026-11-22\n")
    );
    // N without FN: the given name.
    assert_eq!(
        f.read("customers/andi-t9sa.yaml"),
        format!("{HEADER}name: Andi\nphone: '+6281311112222'\n{LEAD}created: 2026-11-22\n")
    );
    // Again: nothing changes.
    let (_, err) = import(&f, &[&card("android.vcf")]);
    assert_eq!(
        err,
        "imported customers: created 0, updated 0, unchanged 3, skipped 0\n"
    );
}

#[test]
fn ios_thunderbird_and_evolution_cards() {
    let f = folder();
    for file in ["ios.vcf", "thunderbird.vcf", "evolution.vcf"] {
        let (code, err) = import(&f, &[&card(file)]);
        assert_eq!(code, Some(0), "{file}: {err}");
    }
    // iOS: item groups, type=pref, X-SOCIALPROFILE's x-user, ADR's parts, ORG's unit
    // left out, an escaped comma.
    assert_eq!(
        f.read("customers/rina-wijaya-mcya.yaml"),
        format!("{HEADER}name: Rina Wijaya\nemail: rina@kopibraga.id\nphone: '+6281122334455'\nphones:\n- '+622287654321'\nsocial:\n  instagram: kopibraga\n{LEAD}city: Bandung\nregion: Jawa Barat\ncountry: Indonesia\nnotes: Bertemu di pameran, Nov 2026\ncreated: 2026-11-22\ncompany: Kopi Braga\n")
    );
    // Thunderbird: CATEGORIES as tags; its UUID is not an id of ours, so not the id.
    assert_eq!(
        f.read("customers/ayu-lestari-4tka.yaml"),
        format!("{HEADER}name: Ayu Lestari\nemail: ayu@warungayu.id\nphone: '+6285712345678'\n{LEAD}tags:\n- grosir\n- jakarta\nnotes: Pelanggan grosir\ncreated: 2026-11-22\n")
    );
    // Evolution: a folded NOTE unfolded (one space removed), ORG's first part.
    assert_eq!(
        f.read("customers/hendra-gunawan-x836.yaml"),
        format!("{HEADER}name: Hendra Gunawan\nemail: hendra@gunawan-trading.co.id\nphone: '+6281277778888'\n{LEAD}city: Surabaya\nregion: Jawa Timur\ncountry: Indonesia\nnotes: Minta penawaran harga untuk 200 kg biji kopi robusta, kirim sebelum akhir bulan\ncreated: 2026-11-22\ncompany: PT Gunawan Trading\n")
    );
}

#[test]
fn the_export_is_vcard_4_and_imports_back_unchanged() {
    let f = folder();
    for file in ["android.vcf", "ios.vcf", "thunderbird.vcf", "evolution.vcf"] {
        import(&f, &[&card(file)]);
    }
    f.ok(&[
        "set",
        "kafe-dewi-m3n4",
        "tags=vip,cafe",
        "social.whatsapp=+6281299990000",
    ]);
    let out = f.ok(&[
        "export",
        "customers",
        "--format",
        "vcf",
        "--where",
        "id = kafe-dewi-m3n4",
    ]);
    assert_eq!(
        out,
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Kafe Dewi\r\nN:Dewi;Kafe;;;\r\nTEL;PREF=1:+6281299990000\r\nNOTE:Suka kopi susu ☕\\nPelanggan sejak 2024\r\nCATEGORIES:vip,cafe\r\nX-SOCIALPROFILE;TYPE=whatsapp:+6281299990000\r\nUID:kafe-dewi-m3n4\r\nREV:20261122T000000Z\r\nEND:VCARD\r\n"
    );
    let file = f.path("all.vcf");
    f.ok(&["export", "customers", "-o", file.to_str().unwrap()]);
    let before = f.snapshot();
    let (code, err) = import(&f, &[file.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        err,
        "imported customers: created 0, updated 0, unchanged 6, skipped 0\n"
    );
    assert_eq!(f.snapshot(), before);
    // Other types are not contacts.
    let err = f.fails(2, &["export", "deals", "--format", "vcf"]);
    assert_eq!(
        err,
        "error: vcf holds contacts: only customers are exported as vcf, not deals\n"
    );
}

#[test]
fn a_bad_card_names_its_line_and_nothing_is_written() {
    let f = folder();
    f.write(
        "bad.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ok\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nEMAIL:not-an-email\r\nEND:VCARD\r\n",
    );
    let before = f.snapshot();
    let (code, err) = import(&f, &["bad.vcf"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        "error: 1 bad row in bad.vcf; nothing was imported\nbad.vcf:8:1: field `email`: \"not-an-email\" is not an e-mail address\n"
    );
    // The good card before it was not written either.
    assert_eq!(f.snapshot(), before);
    f.write("cut.vcf", "BEGIN:VCARD\nVERSION:4.0\nFN:Cut short\n");
    let (code, err) = import(&f, &["cut.vcf"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        "error: 1 bad row in cut.vcf; nothing was imported\ncut.vcf:1:1: this card has no END:VCARD\n"
    );
}

/// Python's `vobject` (what khard reads address books with) reads the export: each
/// card's FN, EMAIL and TEL as crm wrote them, the folded NOTE whole.
#[test]
fn vobject_reads_the_export() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import vobject"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: Python's vobject package is not installed (pip install vobject)");
        return;
    }
    let f = folder();
    import(&f, &[&card("evolution.vcf")]);
    let file = f.path("all.vcf");
    f.ok(&["export", "customers", "-o", file.to_str().unwrap()]);
    let script = r#"
import sys, vobject
for c in vobject.readComponents(open(sys.argv[1], encoding="utf-8").read()):
    tel = [t.value for t in c.contents.get("tel", [])]
    email = [e.value for e in c.contents.get("email", [])]
    note = c.note.value if "note" in c.contents else ""
    print(c.fn.value, email, tel, c.uid.value, note, sep=" | ")
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script, file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "Budi Santoso | ['budi@tokomaju.id'] | [] | budi-santoso-b001 | \nHendra Gunawan | ['hendra@gunawan-trading.co.id'] | ['+6281277778888'] | hendra-gunawan-x836 | Minta penawaran harga untuk 200 kg biji kopi robusta, kirim sebelum akhir bulan\nKafe Dewi | [] | ['+6281299990000'] | kafe-dewi-m3n4 | \n"
    );
}
