//! `crm export` and `crm import`.

use crate::common;

use common::Folder;

fn import(f: &Folder, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    let out = f.crm().args(&all).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A folder with customers, deals, tickets, campaigns and interactions made by crm.
fn populated() -> Folder {
    let f = Folder::new();
    f.add(&[
        "campaign",
        "Fair",
        "--id",
        "fair-0001",
        "--budget",
        "500",
        "--cost",
        "400.50",
    ]);
    f.add(&[
        "customer",
        "Toko Maju",
        "--id",
        "toko-0001",
        "--email",
        "budi@tokomaju.id",
        "--tag",
        "vip,retail",
        "--source",
        "fair-0001",
        "--set",
        "preferences.channel=email",
        "--set",
        "employees=12",
        "--set",
        "erp.code=0042",
        "--set",
        "notes=Line one\nLine \"two\", with comma",
    ]);
    f.add(&[
        "customer",
        "Budi",
        "--id",
        "budi-0001",
        "--organisation",
        "toko",
        "--social",
        "whatsapp=+62812",
        "--phone",
        "=1+1",
        "--stage",
        "prospect",
        "--created",
        "2026-10-01",
    ]);
    f.ok(&["stage", "budi", "customer"]);
    f.add(&[
        "deal",
        "Plan",
        "--id",
        "plan-0001",
        "--customer",
        "toko",
        "--value",
        "1500.50",
        "--currency",
        "IDR",
        "--product",
        "pos,printer",
        "--campaign",
        "fair",
    ]);
    f.ok(&["stage", "plan", "won"]);
    f.add(&[
        "ticket",
        "Broken",
        "--id",
        "broken-0001",
        "--customer",
        "budi",
        "--deal",
        "plan",
        "--satisfaction",
        "4",
    ]);
    f.ok(&[
        "log",
        "toko",
        "--id",
        "call-0001",
        "--channel",
        "call",
        "--deal",
        "plan",
        "First call",
    ]);
    f
}

const TYPES: [&str; 5] = ["campaigns", "customers", "deals", "tickets", "interactions"];

#[test]
fn export_then_import_into_an_empty_folder_gives_the_same_bytes() {
    let f = populated();
    let g = Folder::new();
    for format in ["csv", "tsv", "json", "jsonl"] {
        let g = Folder::new();
        for ty in TYPES {
            let file = g.path(&format!("{ty}.{format}"));
            f.ok(&["export", ty, "-o", file.to_str().unwrap()]);
            let (code, _, err) = import(&g, &[ty, file.to_str().unwrap()]);
            assert_eq!(code, 0, "{format} {ty}: {err}");
        }
        for ty in TYPES {
            assert_eq!(
                g.ok(&["export", ty, "--format", format]),
                f.ok(&["export", ty, "--format", format]),
                "{format} {ty}"
            );
        }
        // The records themselves are the same files.
        for (rel, bytes) in f.snapshot().into_iter().filter(|(p, _)| {
            !p.starts_with("crm.toml") && p.extension().is_some_and(|e| e == "yaml")
        }) {
            assert_eq!(
                std::fs::read(g.path(rel.to_str().unwrap())).unwrap(),
                bytes,
                "{format} {}",
                rel.display()
            );
        }
    }
    let _ = g;
}

#[test]
fn export_columns_quoting_and_formulas() {
    let f = populated();
    let csv_text = f.ok(&["export", "customers"]);
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        headers,
        [
            "id",
            "name",
            "kind",
            "organisation",
            "email",
            "emails",
            "phone",
            "phones",
            "social.whatsapp",
            "stage",
            "history",
            "source",
            "owner",
            "tags",
            "city",
            "region",
            "country",
            "industry",
            "preferences.channel",
            "preferences.frequency",
            "preferences.consent",
            "preferences.consent_at",
            "preferences.do_not_contact",
            "preferences.interests",
            "next_action.on",
            "next_action.note",
            "loyalty.points",
            "notes",
            "created",
            "employees",
            "erp.code",
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let cell = |row: usize, col: &str| {
        rows[row][headers.iter().position(|h| h == col).unwrap()].to_string()
    };
    assert_eq!(cell(0, "id"), "budi-0001");
    assert_eq!(cell(0, "phone"), "'=1+1");
    // A phone is text even where it reads as a number: a spreadsheet would drop its +.
    assert_eq!(cell(0, "social.whatsapp"), "'+62812");
    assert_eq!(
        cell(0, "history"),
        "prospect 2026-10-01T00:00:00+00:00;customer 2026-11-22T00:00:00+00:00"
    );
    assert_eq!(cell(1, "tags"), "vip;retail");
    assert_eq!(cell(1, "notes"), "Line one\nLine \"two\", with comma");
    assert_eq!(cell(1, "erp.code"), "0042");
    assert_eq!(cell(1, "employees"), "12");
    // The quoting is the csv crate's: a cell with a quote, comma or newline is quoted.
    assert!(
        csv_text.contains(",\"Line one\nLine \"\"two\"\", with comma\","),
        "{csv_text}"
    );
    let raw = f.ok(&["export", "customers", "--raw", "--fields", "id,phone"]);
    assert_eq!(raw, "id,phone\nbudi-0001,=1+1\ntoko-0001,\n");
    // Negative numbers stay numbers.
    f.ok(&["set", "toko", "balance=-5"]);
    assert_eq!(
        f.ok(&["export", "customers", "--fields", "id,balance"]),
        "id,balance\nbudi-0001,\ntoko-0001,-5\n"
    );
    let bom = f
        .crm()
        .args(["export", "campaigns", "--bom"])
        .output()
        .unwrap()
        .stdout;
    assert!(bom.starts_with(b"\xEF\xBB\xBFid,name,"));
    let plain = f
        .crm()
        .args(["export", "campaigns"])
        .output()
        .unwrap()
        .stdout;
    assert!(plain.starts_with(b"id,name,"));
    let json: serde_json::Value =
        serde_json::from_str(&f.ok(&["export", "deals", "--format", "json"])).unwrap();
    assert_eq!(json[0]["products"], serde_json::json!(["pos", "printer"]));
    assert_eq!(json[0]["value"], serde_json::json!(1500.5));
    let err = common::stderr_of(f.crm().args(["export", "deals", "--format", "yaml"]), 2);
    assert!(
        err.contains("--format yaml is not offered by `crm export`"),
        "{err}"
    );
}

#[test]
fn export_to_a_file_is_atomic_and_leaves_no_temporary_file() {
    let f = populated();
    let out = f.path("out/deals.csv");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(&out, "old").unwrap();
    f.ok(&["export", "deals", "-o", out.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .starts_with("id,title,customer,"));
    assert_eq!(std::fs::read_dir(out.parent().unwrap()).unwrap().count(), 1);
}

#[test]
fn contacts_from_another_crm() {
    let f = Folder::new();
    f.write(
        "contacts.csv",
        "First Name,Last Name,Email Address,Phone Number,Company Name,Lifecycle Stage,Create Date,Contact Owner,Favourite Colour\n\
         Budi,Santoso,budi@tokomaju.id,+62 812 1,Toko Maju,Customer,2026-03-04,ayu@ourco.id,blue\n\
         Sari,,sari@example.com,,,Lead,2026-11-01,,\n\
         Tiga,,,,PT Tiga,Lead,2026-11-02,,\n",
    );
    let (code, out, err) = import(&f, &["customers", "contacts.csv"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert_eq!(
        err,
        "imported customers: created 3, updated 0, unchanged 0, skipped 0\n"
    );
    let ids = f.ok(&["list", "customers", "--format", "ids", "--sort", "name"]);
    let ids: Vec<&str> = ids.lines().collect();
    assert!(
        ids[0].starts_with("budi-santoso-") && ids[1].starts_with("sari-"),
        "{ids:?}"
    );
    assert_eq!(
        f.record(&format!("customers/{}.yaml", ids[0])),
        "name: Budi Santoso\nemail: budi@tokomaju.id\nphone: +62 812 1\nstage: customer\nhistory:\n- stage: customer\n  at: 2026-03-04T00:00:00+00:00\nowner: ayu@ourco.id\ncreated: 2026-03-04\ncompany: Toko Maju\nfavourite_colour: blue\n"
    );
    // Importing it again changes nothing; Tiga, without an e-mail to match by, is found by
    // the stable id the first run gave it.
    let before = f.snapshot();
    let (code, _, err) = import(&f, &["customers", "contacts.csv"]);
    assert_eq!(
        (code, err.as_str()),
        (
            0,
            "imported customers: created 0, updated 0, unchanged 3, skipped 0\n"
        )
    );
    assert_eq!(f.snapshot(), before);
    // --ignore-unmapped drops the unknown column; --map names it.
    let g = Folder::new();
    g.write("c.csv", "Email,Colour,Rank\na@b.co,red,3\n");
    let (code, _, err) = import(
        &g,
        &[
            "customers",
            "c.csv",
            "--ignore-unmapped",
            "--map",
            "Email=name",
            "--map",
            "Rank=loyalty.points",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let id = g.ok(&["list", "customers", "--format", "ids"]);
    assert_eq!(g.record(&format!("customers/{}.yaml", id.trim())), "name: a@b.co\nstage: lead\nhistory:\n- stage: lead\n  at: 2026-11-22T00:00:00+00:00\nloyalty:\n  points: 3\ncreated: 2026-11-22\n");
}

#[test]
fn deals_name_customers_by_email_and_by_name() {
    let f = Folder::new();
    f.add(&[
        "customer",
        "Toko Maju",
        "--id",
        "toko-0001",
        "--email",
        "budi@tokomaju.id",
    ]);
    f.write(
        "deals.csv",
        "Deal Name,Company,Amount,Deal Stage,Close Date,Deal Owner\n\
         By email,budi@tokomaju.id,\"1.234,50\",Closed Won,25/11/2026,ayu\n\
         By name,toko maju,99,Appointment,31/12/2026,ayu\n",
    );
    let (code, _, err) = import(
        &f,
        &[
            "deals",
            "deals.csv",
            "--decimal-mark",
            ",",
            "--date-format",
            "%d/%m/%Y",
            "--map-value",
            "stage:Closed Won=won",
            "--map-value",
            "stage:Appointment=qualified",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let rows = f.ok(&[
        "list",
        "deals",
        "--fields",
        "title,customer,value,stage,closed,expected_close",
        "--sort",
        "title",
        "--no-header",
    ]);
    assert_eq!(rows, "By email\ttoko-0001\t1234.5\twon\t2026-11-25\t\nBy name\ttoko-0001\t99\tqualified\t\t2026-12-31\n");
    // An unknown customer is an error for its row, unless --create-missing-customers.
    f.write("more.csv", "title,customer\nNew one,Warung Baru\n");
    let (code, _, err) = import(&f, &["deals", "more.csv"]);
    assert_eq!(code, 1);
    assert_eq!(err, "error: 1 bad row in more.csv; nothing was imported\nmore.csv:2:2: field `customer`: no customer has the id, e-mail or name \"Warung Baru\" (--create-missing-customers adds it)\n");
    let (code, _, err) = import(&f, &["deals", "more.csv", "--create-missing-customers"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        "imported deals: created 2, updated 0, unchanged 0, skipped 0\n"
    );
    assert_eq!(
        f.ok(&[
            "list",
            "customers",
            "--where",
            "name = \"Warung Baru\"",
            "--format",
            "ids"
        ])
        .lines()
        .count(),
        1
    );
}

#[test]
fn update_by_email_changes_one_field_and_nothing_else() {
    let f = Folder::new();
    f.add(&[
        "customer",
        "Toko Maju",
        "--id",
        "toko-0001",
        "--email",
        "budi@tokomaju.id",
        "--city",
        "Bandung",
        "--set",
        "erp.code=7",
    ]);
    let before = f.record("customers/toko-0001.yaml");
    f.write("u.csv", "Email,City\nBUDI@tokomaju.id,Jakarta\n");
    let (code, out, err) = import(&f, &["customers", "u.csv", "--dry-run"]);
    assert_eq!(code, 0);
    assert_eq!(out, "update customer toko-0001 (line 2): city\n");
    assert_eq!(
        err,
        "dry run, nothing written: would have created 0, updated 1, unchanged 0, skipped 0\n"
    );
    assert_eq!(f.record("customers/toko-0001.yaml"), before);
    let (_, _, err) = import(&f, &["customers", "u.csv"]);
    assert_eq!(
        err,
        "imported customers: created 0, updated 1, unchanged 0, skipped 0\n"
    );
    assert_eq!(
        f.record("customers/toko-0001.yaml"),
        before.replace("city: Bandung", "city: Jakarta")
    );
    // A stage change appends history.
    f.write("s.csv", "email,stage\nbudi@tokomaju.id,prospect\n");
    import(&f, &["customers", "s.csv"]);
    assert!(f
        .record("customers/toko-0001.yaml")
        .contains("- stage: prospect\n  at: 2026-11-22T00:00:00+00:00\n"));
}

#[test]
fn a_bad_row_writes_nothing_and_is_named_by_line_and_column() {
    let f = Folder::new();
    let mut text = String::from("name,email,loyalty.points\n");
    for i in 1..=2001 {
        if i == 1000 {
            // Line 1,001 of the file.
            text.push_str("Bad,bad@example.com,many\n");
        } else {
            text.push_str(&format!("Customer {i},c{i}@example.com,{i}\n"));
        }
    }
    f.write("big.csv", &text);
    let before = f.snapshot();
    let (code, out, err) = import(&f, &["customers", "big.csv"]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "error: 1 bad row in big.csv; nothing was imported\nbig.csv:1001:3: field `loyalty.points`: \"many\" is not a whole number of 0 or more\n"
    );
    assert_eq!(f.snapshot(), before);
    // More than 50 bad rows: 50 listed, then a count.
    let bad: String = (1..=60).map(|i| format!("C{i},c{i}@x.co,x\n")).collect();
    f.write("bad.csv", &format!("name,email,loyalty.points\n{bad}"));
    let (_, _, err) = import(&f, &["customers", "bad.csv"]);
    assert!(
        err.starts_with("error: 60 bad rows in bad.csv; nothing was imported\nbad.csv:2:3: "),
        "{err}"
    );
    assert!(err.ends_with("bad.csv:51:3: field `loyalty.points`: \"x\" is not a whole number of 0 or more\n… and 10 more\n"), "{err}");
}

#[test]
fn json_jsonl_stdin_and_encodings() {
    let f = Folder::new();
    f.write("c.json", "[\n  {\"name\": \"A\", \"email\": \"a@x.co\", \"tags\": [\"vip\"]},\n  {\"name\": \"B\", \"preferences\": {\"consent\": \"maybe\"}}\n]\n");
    let (code, _, err) = import(&f, &["customers", "c.json"]);
    assert_eq!(code, 1);
    assert_eq!(err, "error: 1 bad row in c.json; nothing was imported\nc.json:3:1: field `preferences.consent`: expected true or false, found text \"maybe\"\n");
    f.write("c.jsonl", "{\"name\": \"A\", \"email\": \"a@x.co\", \"tags\": [\"vip\"]}\n\n{\"name\": \"B\", \"loyalty\": {\"points\": 5}}\n");
    let (code, _, err) = import(&f, &["customers", "c.jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        f.ok(&[
            "list",
            "customers",
            "--fields",
            "name,tags,loyalty.points",
            "--no-header",
            "--sort",
            "name"
        ]),
        "A\tvip\t\nB\t\t5\n"
    );
    let out = f
        .crm()
        .args(["import", "customers", "-", "--format", "csv"])
        .write_stdin("name,email\nC,c@x.co\n")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A byte order mark is fine; Latin-1 is not.
    f.write("bom.csv", "\u{feff}name,email\nD,d@x.co\n");
    assert_eq!(import(&f, &["customers", "bom.csv"]).0, 0);
    std::fs::write(f.path("latin1.csv"), b"name,email\nJos\xe9,j@x.co\n").unwrap();
    let (code, _, err) = import(&f, &["customers", "latin1.csv"]);
    assert_eq!(code, 1);
    assert_eq!(err, "error: 1 bad row in latin1.csv; nothing was imported\nlatin1.csv:2:1: this line is not UTF-8 text; save the file as UTF-8 and import it again\n");
    let err = common::stderr_of(f.crm().args(["import", "customers", "c.txt"]), 2);
    assert!(err.contains("cannot tell the format of c.txt"), "{err}");
}

#[test]
fn formula_guards_come_off_on_import_unless_raw() {
    let f = Folder::new();
    f.write("c.csv", "name,phone\nA,'+62 1\nB,'quoted\n");
    import(&f, &["customers", "c.csv", "--match", "name"]);
    assert_eq!(
        f.ok(&[
            "list",
            "customers",
            "--fields",
            "name,phone",
            "--no-header",
            "--sort",
            "name",
            "--raw"
        ]),
        "A\t+62 1\nB\t'quoted\n"
    );
    let g = Folder::new();
    g.write("c.csv", "name,phone\nA,'+62 1\n");
    import(&g, &["customers", "c.csv", "--raw"]);
    assert_eq!(
        g.ok(&[
            "list",
            "customers",
            "--fields",
            "phone",
            "--no-header",
            "--raw"
        ]),
        "'+62 1\n"
    );
}

/// No write makes a record file that reads would refuse (over 1 MiB): an import row with a
/// huge note is a bad row, naming its column; `crm set` of huge fields is refused.
#[test]
fn no_write_makes_a_file_reads_refuse() {
    let f = Folder::new();
    let note = "n".repeat(1 << 20);
    f.write(
        "big.csv",
        &format!("name,email,notes\nSmall,s@x.id,short\nHuge,h@x.id,{note}\n"),
    );
    let before = f.snapshot();
    let (code, _, err) = import(&f, &["customers", "big.csv"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "big.csv:3:3: customer huge-"
        ) && err.contains(
            " bytes, 1048577 of them in field `notes`, more than a record file may be (1048576 bytes, the most crm reads); nothing was written"
        ),
        "{err}"
    );
    assert_eq!(f.snapshot(), before);
    // Ten fields of 110 kB each: every one fits an argument, together they do not fit a file.
    let id = f.add(&["customer", "Toko", "--id", "toko"]);
    let before = f.snapshot();
    let chunk = "x".repeat(110_000);
    let args: Vec<String> = (0..10).map(|i| format!("f{i}={chunk}")).collect();
    let mut all = vec!["set", id.as_str()];
    all.extend(args.iter().map(String::as_str));
    let err = common::stderr_of(f.crm().args(&all), 1);
    assert!(
        err.starts_with(
            "error: customer toko would be 1100211 bytes, 110001 of them in field `f9`"
        ) && err.contains("of them in field `f")
            && err.ends_with("nothing was written (keep long text in a file of its own)\n"),
        "{err}"
    );
    assert_eq!(f.snapshot(), before);
    assert_eq!(f.check().0, Some(0));
}
