//! `crm dedupe`: a pair for every reason, and near-misses that must not pair.

use crate::common;

use common::Folder;

fn customer(f: &Folder, id: &str, yaml: &str) {
    f.write(
        &format!("customers/{id}.yaml"),
        &format!("stage: lead\n{yaml}"),
    );
}

/// - e-mail: a1 `Ayu@Kopi.id` and a2's second address `ayu@kopi.id` (any case, `emails`);
/// - phone: p1 `+6281234567890` and p2 `0812-3456-7890` written nationally, p3's
///   `social.whatsapp` the same number;
/// - handle: s1 and s2 share `social.instagram` (`@kopitua` and `kopitua`);
/// - names: "PT Kopi Kenangan Tbk" and "Kopi Kenangan" in Jakarta (suffixes dropped,
///   1.00); "Arunika Coffee" and "Arunika Cofee" in Surabaya (a typo: Jaro–Winkler of
///   `coffee` and `cofee`, after the shared `arunika`, 0.96);
/// - near-misses: "Kopi Rantau" and "Kopi Tua" in Jakarta (a shared first word), "Cafe
///   Bambu" and "Cafe Bumi", "Kopi Kenangan" in Bandung (another city), an erased copy.
#[test]
fn every_reason_pairs_and_near_misses_do_not() {
    let f = Folder::new();
    customer(&f, "a1", "name: Ayu\nemail: Ayu@Kopi.id\n");
    customer(
        &f,
        "a2",
        "name: Ayu Lestari\nemail: ayu.l@toko.id\nemails: [ayu@kopi.id]\n",
    );
    customer(&f, "p1", "name: Budi\nphone: '+6281234567890'\n");
    customer(&f, "p2", "name: Budi S\nphone: 0812-3456-7890\n");
    customer(
        &f,
        "p3",
        "name: Warung B\nsocial: {whatsapp: '+6281234567890'}\n",
    );
    customer(
        &f,
        "s1",
        "name: Kopi Tua Satu\nsocial: {instagram: '@kopitua'}\n",
    );
    customer(&f, "s2", "name: KT Dua\nsocial: {instagram: kopitua}\n");
    customer(&f, "n1", "name: PT Kopi Kenangan Tbk\ncity: Jakarta\n");
    customer(&f, "n2", "name: Kopi Kenangan\ncity: Jakarta\n");
    customer(&f, "n3", "name: Kopi Kenangan\ncity: Bandung\n");
    customer(&f, "t1", "name: Arunika Coffee\ncity: Surabaya\n");
    customer(&f, "t2", "name: Arunika Cofee\ncity: Surabaya\n");
    customer(&f, "m1", "name: Kopi Rantau\ncity: Jakarta\n");
    customer(&f, "m2", "name: Kopi Tua\ncity: Jakarta\n");
    customer(&f, "m3", "name: Cafe Bambu\ncity: Jakarta\n");
    customer(&f, "m4", "name: Cafe Bumi\ncity: Jakarta\n");
    customer(
        &f,
        "e1",
        "name: Arunika Coffee\ncity: Surabaya\nerased: 2026-11-01\n",
    );
    let toml = f
        .read("crm.toml")
        .replace("[phone]\n", "[phone]\nregion = \"ID\"\n");
    f.write("crm.toml", &toml);
    let out = f.ok(&["dedupe", "--format", "tsv"]);
    assert_eq!(
        out,
        "a\tb\tscore\treasons\n\
         a1\ta2\t1\tsame e-mail ayu@kopi.id\n\
         n1\tn2\t1\tnames alike (1.00), same city jakarta\n\
         p1\tp2\t1\tsame phone +6281234567890\n\
         p1\tp3\t1\tsame phone +6281234567890\n\
         p2\tp3\t1\tsame phone +6281234567890\n\
         s1\ts2\t1\tsame instagram handle kopitua\n\
         t1\tt2\t0.9611111111111111\tnames alike (0.96), same city surabaya\n"
    );
    // A lower bar lets the near-miss "Cafe Bambu" / "Cafe Bumi" in: `bambu` and `bumi`
    // share b and m within a character of their places, and a first letter: 0.67.
    let loose = f.ok(&["dedupe", "--min", "0.6", "--format", "ids"]);
    assert!(loose.contains("m3 m4\n"), "{loose}");
    let json: serde_json::Value =
        serde_json::from_str(&f.ok(&["dedupe", "--format", "json"])).unwrap();
    assert_eq!(
        json[0],
        serde_json::json!({"a": "a1", "b": "a2", "score": 1.0, "reasons": ["same e-mail ayu@kopi.id"]})
    );
    let err = f.fails(2, &["dedupe", "--min", "2"]);
    assert!(
        err.contains("\"2\" is not a similarity from 0 to 1"),
        "{err}"
    );
}

/// Deals: one customer's, titles alike, dates overlapping; another customer's or a later
/// one's do not pair.
#[test]
fn deals_pair_when_one_customers_titles_and_dates_meet() {
    let f = Folder::new();
    customer(&f, "c1", "name: C1\n");
    customer(&f, "c2", "name: C2\n");
    let deal = |id: &str, customer: &str, title: &str, created: &str, closed: &str| {
        f.write(
            &format!("deals/{id}.yaml"),
            &format!(
                "title: {title}\ncustomer: {customer}\nstage: won\nclosed: {closed}\ncreated: {created}\n"
            ),
        );
    };
    deal(
        "d1",
        "c1",
        "POS for the Kemang branch",
        "2026-10-01",
        "2026-10-20",
    );
    deal(
        "d2",
        "c1",
        "POS for Kemang branch",
        "2026-10-10",
        "2026-10-30",
    );
    deal(
        "d3",
        "c1",
        "POS for the Kemang branch",
        "2026-11-05",
        "2026-11-20",
    );
    deal(
        "d4",
        "c2",
        "POS for the Kemang branch",
        "2026-10-01",
        "2026-10-20",
    );
    assert_eq!(f.ok(&["dedupe", "deals", "--format", "ids"]), "d1 d2\n");
}
