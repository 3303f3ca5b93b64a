//! What a new user hits on day one (issue 18).

use crate::common;

use common::Folder;

/// Every free-text value may begin with `-`: names, titles, subjects, summaries, notes,
/// any `--FIELD VALUE`; numbers still go through their field's check.
#[test]
fn values_may_begin_with_a_hyphen() {
    let f = Folder::new();
    let c = f.add(&["customer", "--name", "-Weird Name", "--city", "-Jakarta"]);
    assert_eq!(f.ok(&["get", &c, "name"]), "-Weird Name\n");
    assert_eq!(f.ok(&["get", &c, "city"]), "-Jakarta\n");
    let c2 = f.add(&["customer", "-Positional Name"]);
    assert_eq!(f.ok(&["get", &c2, "name"]), "-Positional Name\n");
    let d = f.add(&[
        "deal",
        "-5% off plan",
        "--customer",
        &c,
        "--notes",
        "- call back",
    ]);
    assert_eq!(f.ok(&["get", &d, "title"]), "-5% off plan\n");
    assert_eq!(f.ok(&["get", &d, "notes"]), "- call back\n");
    let t = f.add(&["ticket", "--subject", "-printer offline", "--customer", &c]);
    assert_eq!(f.ok(&["get", &t, "subject"]), "-printer offline\n");
    let k = f.add(&["campaign", "-Ramadan", "--phase", "acquire"]);
    assert_eq!(f.ok(&["get", &k, "name"]), "-Ramadan\n");
    let i = f
        .ok(&[
            "log",
            &c,
            "--channel",
            "call",
            "--outcome",
            "-none",
            "-5% discount asked",
        ])
        .trim()
        .to_string();
    assert_eq!(f.ok(&["get", &i, "summary"]), "-5% discount asked\n");
    assert_eq!(f.ok(&["get", &i, "outcome"]), "-none\n");
    f.ok(&["set", &c, "notes=-set note"]);
    assert_eq!(f.ok(&["get", &c, "notes"]), "-set note\n");
    // A number is checked as before.
    let err = f.fails(1, &["add", "deal", "X", "--customer", &c, "--value", "-5"]);
    assert!(
        err.ends_with("field `value`: -5 is negative; an amount is 0 or more\n"),
        "{err}"
    );
}

/// On a terminal `crm show` starts with the id and the path as a comment; piped, it is
/// the record alone.
#[test]
fn show_names_the_id_on_a_terminal() {
    let f = Folder::new();
    let (_, d) = f.with_toko();
    let piped = f.ok(&["show", &d]);
    assert!(piped.starts_with("title: Annual plan\n"), "{piped}");
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped the terminal half: `script` (util-linux) is not installed");
        return;
    }
    let crm = assert_cmd::cargo::cargo_bin!("crm");
    let out = std::process::Command::new("script")
        .args(["-qec"])
        .arg(format!("{} show {d}", crm.display()))
        .arg("/dev/null")
        .current_dir(f.root())
        .env("CRM_TODAY", common::TODAY)
        .env_remove("CRM_DIR")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n");
    assert!(
        text.starts_with(
            "# deal/annual-plan-a1b2  deals/annual-plan-a1b2.yaml\ntitle: Annual plan\n"
        ),
        "{text:?}"
    );
}

/// GitHub annotations escape the file property as the runner expects: a `,` or `:` in a
/// file name no longer ends it, a line break no longer splits the command.
#[test]
fn github_annotations_escape_file_names() {
    let f = Folder::new();
    f.write("customers/a,b:c%.yaml", "stage: lead\n");
    let out = f
        .crm()
        .args(["check", "--format", "github"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        "::error file=customers/a%2Cb%3Ac%25.yaml,line=1,col=1::field `name`: is required"
    );
    assert!(
        text.lines()
            .all(|l| l.starts_with("::error file=customers/a%2Cb%3Ac%25.yaml,")),
        "{text}"
    );
}

/// Amounts for people are grouped (`IDR 155,500,000`, `EUR 1,500,000.50`) in tables,
/// markdown, html and the timeline, with `[format]`'s separators and symbols; json, csv
/// and tsv keep them exact.
#[test]
fn money_for_people_is_grouped_and_for_machines_exact() {
    let f = Folder::new();
    let toml = f
        .read("crm.toml")
        .replace("currency = \"USD\"", "currency = \"IDR\"");
    f.write("crm.toml", &toml);
    f.write(
        "customers/toko.yaml",
        "name: Toko\nstage: customer\ncreated: 2026-11-01\n",
    );
    f.write(
        "deals/big.yaml",
        "title: Big\ncustomer: toko\nstage: negotiation\nvalue: 155500000\ncurrency: IDR\ncreated: 2026-11-01\n",
    );
    f.write(
        "deals/euro.yaml",
        "title: Euro\ncustomer: toko\nstage: new\nvalue: 1500000.5\ncurrency: EUR\ncreated: 2026-11-02\n",
    );
    let md = f.ok(&["report", "pipeline", "--format", "markdown"]);
    assert!(
        md.contains("| negotiation | 1 | IDR 155,500,000 | IDR 116,625,000 |\n")
            && md.contains("| new | 1 | EUR 1,500,000.50 | EUR 150,000.05 |\n"),
        "{md}"
    );
    let html = f.ok(&["report", "pipeline", "--format", "html"]);
    assert!(
        html.contains("<td class=\"num\">IDR 155,500,000</td>"),
        "{html}"
    );
    let csv = f.ok(&["report", "pipeline", "--format", "csv"]);
    assert!(
        csv.contains("open_by_stage,4,value,IDR 155500000\n"),
        "{csv}"
    );
    let json = f.ok(&["report", "pipeline", "--format", "json"]);
    assert!(json.contains("\"IDR\": 155500000"), "{json}");
    assert_eq!(
        f.ok(&["list", "deals", "--fields", "id,value", "--format", "markdown"]),
        "| id | value |\n|---|---|\n| big | 155,500,000 |\n| euro | 1,500,000.50 |\n"
    );
    assert_eq!(
        f.ok(&["list", "deals", "--fields", "id,value"]),
        "id\tvalue\nbig\t155500000\neuro\t1500000.5\n"
    );
    assert!(f
        .ok(&["timeline", "toko", "--format", "markdown"])
        .contains("deal \"Big\" created (IDR 155,500,000)"));
    assert!(f
        .ok(&["timeline", "toko", "--format", "tsv"])
        .contains("deal \"Big\" created (IDR 155500000)"));

    // A folder in Indonesia.
    f.write(
        "crm.toml",
        &format!("{toml}\n").replace(
            "[format]\nthousands = \",\"\ndecimal = \".\"\n",
            "[format]\nthousands = \".\"\ndecimal = \",\"\nsymbols = { IDR = \"Rp\" }\n",
        ),
    );
    let md = f.ok(&["report", "pipeline", "--format", "markdown"]);
    assert!(
        md.contains("| negotiation | 1 | Rp 155.500.000 | Rp 116.625.000 |\n")
            && md.contains("| new | 1 | EUR 1.500.000,50 | EUR 150.000,05 |\n"),
        "{md}"
    );
    // The same separator twice is refused, at its place.
    f.write(
        "crm.toml",
        &toml.replace("decimal = \".\"", "decimal = \",\""),
    );
    let err = common::stderr_of(f.crm().args(["report", "pipeline"]), 1);
    assert!(
        err.contains("format: thousands and decimal are both \",\"; amounts would read two ways"),
        "{err}"
    );
}

fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// Tables fit: off a terminal 100 columns (or $COLUMNS); on a terminal that reports 0×0
/// (a pseudo-terminal nobody sized) $COLUMNS, else 80, instead of one letter a column.
/// The velocity's definition is a note under its table; the bar column has a header,
/// and is left out when every bar is empty.
#[test]
fn tables_fit_the_terminal_or_the_page() {
    let f = Folder::new();
    f.with_toko();
    let text = f.ok(&["report", "pipeline"]);
    assert!(widest(&text) <= 100, "{text}");
    assert!(
        text.contains("│ Sales velocity per day ")
            && text.contains(
                "\n  Sales velocity per day: open deals x average won value x win rate / mean cycle days\n"
            )
            && text.contains("┆ Deals (bar) "),
        "{text}"
    );
    let narrow = f
        .crm()
        .env("COLUMNS", "60")
        .args(["report", "pipeline"])
        .output()
        .unwrap();
    let narrow = String::from_utf8(narrow.stdout).unwrap();
    assert!(widest(&narrow) <= 60, "{narrow}");
    let md = f.ok(&["report", "pipeline", "--format", "markdown"]);
    assert!(
        md.contains("| Sales velocity per day | n/a |\n\nSales velocity per day: open deals x average won value x win rate / mean cycle days\n"),
        "{md}"
    );
    // No deal reached any stage of the funnel's bar: no bar column.
    let empty = Folder::new();
    let funnel = empty.ok(&["report", "funnel"]);
    assert!(!funnel.contains("(bar)"), "{funnel}");

    // A pseudo-terminal reports 0×0 until someone sizes it.
    let Some((code, screen)) = common::on_terminal(&f, &[], &["report", "pipeline"], "") else {
        return;
    };
    assert_eq!(code, 0, "{screen}");
    assert!(widest(&screen) <= 80, "{screen}");
    assert!(screen.contains("│ Stage       ┆ Deals ┆"), "{screen}");
    let Some((_, wide)) = common::on_terminal(&f, &[("COLUMNS", "120")], &["list", "deals"], "")
    else {
        return;
    };
    assert!(wide.contains("│ id "), "{wide}");
}
