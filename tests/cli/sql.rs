//! `crm sql` and `crm export all --format sqlite|parquet`: SQL answers checked against
//! crm's own reports on the reports fixture (tests/fixtures/reports, as of 2026-11-22),
//! custom fields and joins, a read-only connection, a database kept up to date as files
//! change, a `.crm/` handed over by a stranger, and Parquet files read back by the
//! `parquet` crate's reader and, where Python has it, by DuckDB.

use std::path::Path;

use crate::common;

use common::Folder;

/// A copy of a fixture folder in a temporary directory (its `.crm/` left behind), so
/// that the database crm keeps is written there.
fn copy_of(name: &str) -> Folder {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let name = e.file_name();
            if name == ".crm" {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &to.join(&name));
            } else {
                std::fs::copy(e.path(), to.join(&name)).unwrap();
            }
        }
    }
    let f = Folder::empty();
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    copy(&from, f.root());
    f
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

/// November's deals (to the 22nd): won d03, d05 and d06 for USD 4,000 in all, of which
/// USD 1,200 by the customer in Jakarta and 2,800 by customers with no city; lost d10,
/// d11, d12: a win rate of 3 / 6. The same figures as the pipeline report's, overall and
/// per city (`--by customer.city`).
#[test]
fn sql_answers_what_the_reports_answer() {
    let f = copy_of("reports");
    let won = json(&f.ok(&[
        "sql",
        "select count(*) as won, sum(value) as value from deals \
         where stage = 'won' and closed between '2026-11-01' and '2026-11-22'",
        "--format",
        "json",
    ]));
    assert_eq!(won, serde_json::json!([{"won": 3, "value": 4000.0}]));
    let rate = json(&f.ok(&[
        "sql",
        "select round(1.0 * sum(stage = 'won') / count(*), 4) as win_rate from deals \
         where stage in ('won', 'lost') and closed between '2026-11-01' and '2026-11-22'",
        "--format",
        "json",
    ]));
    let report = json(&f.ok(&["report", "pipeline", "--format", "json"]));
    let closed = &report["sections"]["closed"]["figures"];
    assert_eq!(closed["won"], won[0]["won"]);
    assert_eq!(closed["won_value"]["USD"], 4000);
    assert_eq!(rate[0]["win_rate"], closed["win_rate"]);
    assert_eq!(rate[0]["win_rate"], 0.5);
    // Per city, through the join of deals.customer to customers.id.
    let by_city = f.ok(&[
        "sql",
        "select coalesce(c.city, '(none)') as city, sum(d.value) as won_value \
         from deals d join customers c on c.id = d.customer \
         where d.stage = 'won' and d.closed between '2026-11-01' and '2026-11-22' \
         group by 1 order by 1",
        "--format",
        "csv",
    ]);
    assert_eq!(by_city, "city,won_value\n(none),2800\nJakarta,1200\n");
    let groups = json(&f.ok(&[
        "report",
        "pipeline",
        "--by",
        "customer.city",
        "--format",
        "json",
    ]));
    let mut from_report: Vec<(String, i64)> = groups["sections"]["groups"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| {
            Some((
                g["value"].as_str()?.to_string(),
                g["won_value"]["USD"].as_i64()?,
            ))
        })
        .collect();
    from_report.sort();
    assert_eq!(
        from_report,
        [("(none)".to_string(), 2800), ("Jakarta".to_string(), 1200)]
    );
}

/// Custom fields become columns (declared ones typed; others as written), lists child
/// tables, groups flattened, anything else in `extra`.
#[test]
fn custom_fields_lists_and_groups_are_columns() {
    let f = Folder::new();
    let toml = f.read("crm.toml").replace(
        "[fields.customer]\n",
        "[fields.customer]\nemployees = \"integer\"\n",
    );
    f.write("crm.toml", &toml);
    f.write(
        "customers/kopi.yaml",
        "name: Kopi\nstage: customer\nsector: retail\nemployees: 12\ntags: [vip, b2b]\n\
         preferences: {channel: whatsapp, consent: true}\nodd: [1, 2]\ncreated: 2026-10-01\n",
    );
    f.write(
        "customers/teh.yaml",
        "name: Teh\nstage: lead\nsector: hospitality\ncreated: 2026-10-02\n",
    );
    f.write(
        "deals/d1.yaml",
        "title: Beans\ncustomer: kopi\nstage: won\nvalue: 1200.50\nclosed: 2026-11-02\n\
         products: [beans, grinder]\ncreated: 2026-10-20\n",
    );
    f.write(
        "deals/d2.yaml",
        "title: Tea\ncustomer: teh\nstage: won\nvalue: 300\nclosed: 2026-11-03\ncreated: 2026-10-21\n",
    );
    assert_eq!(
        f.ok(&[
            "sql",
            "select c.sector, count(*) as deals, sum(d.value) as won from deals d \
             join customers c on c.id = d.customer where d.stage = 'won' \
             group by c.sector order by c.sector",
        ]),
        "sector\tdeals\twon\nhospitality\t1\t300\nretail\t1\t1200.5\n"
    );
    assert_eq!(
        f.ok(&[
            "sql",
            "select id, employees, typeof(employees), preferences_channel, preferences_consent, \
             extra ->> '$.odd[1]' as odd from customers order by id",
            "--format",
            "csv",
        ]),
        "id,employees,typeof(employees),preferences_channel,preferences_consent,odd\n\
         kopi,12,integer,whatsapp,1,2\nteh,,null,,,\n"
    );
    assert_eq!(
        f.ok(&[
            "sql",
            "select type, id, tag from tags order by tag; ",
            "--format",
            "tsv",
            "--no-header",
        ]),
        "customers\tkopi\tb2b\ncustomers\tkopi\tvip\n"
    );
    assert_eq!(
        f.ok(&["sql", "select deal, product from products order by product"]),
        "deal\tproduct\nd1\tbeans\nd1\tgrinder\n"
    );
    // The exact amount beside the REAL one, which has 15 or so digits.
    f.write(
        "deals/d3.yaml",
        "title: Big\ncustomer: teh\nstage: new\nvalue: '999999999999999.99'\ncreated: 2026-10-22\n",
    );
    assert_eq!(
        f.ok(&["sql", "select value, value_text from deals where id = 'd3'"]),
        "value\tvalue_text\n1000000000000000\t999999999999999.99\n"
    );
    let schema = f.ok(&["sql", "--schema", "--format", "csv"]);
    for line in [
        "customers,employees,INTEGER,\n",
        "customers,sector,ANY,\n",
        "deals,customer,TEXT,customers\n",
        "deals,value,REAL,\n",
        "deals,value_text,TEXT,\n",
        "deals,closed,TEXT,\n",
        "history,at,TEXT,\n",
        "products,deal,TEXT,deals\n",
    ] {
        assert!(schema.contains(line), "{line}: {schema}");
    }
}

#[test]
fn the_connection_is_read_only_and_bad_sql_is_a_usage_error() {
    let f = copy_of("reports");
    let err = f.fails(1, &["sql", "delete from deals"]);
    assert_eq!(err, "error: sql: attempt to write a readonly database\n");
    let err = f.fails(2, &["sql", "selec 1"]);
    assert_eq!(
        err,
        "error: near \"selec\": syntax error in selec 1 at offset 0\n"
    );
    let err = f.fails(2, &["sql", "select nope from deals"]);
    assert!(err.starts_with("error: no such column: nope"), "{err}");
    // Nothing was deleted.
    assert_eq!(
        f.ok(&[
            "sql",
            "select count(*) from deals",
            "--format",
            "csv",
            "--no-header"
        ]),
        "17\n"
    );
}

/// The database follows the folder: an edited, a new and a removed file, and a new
/// custom field (a new column), each seen by the next query.
#[test]
fn the_database_follows_the_folder() {
    let f = copy_of("reports");
    let count = |f: &Folder| {
        f.ok(&[
            "sql",
            "select count(*), sum(value) from deals",
            "--format",
            "csv",
            "--no-header",
        ])
    };
    let before = count(&f);
    f.ok(&["set", "d03", "value=5000"]);
    f.ok(&[
        "add",
        "deal",
        "Extra",
        "--customer",
        "c01",
        "--value",
        "10",
        "--id",
        "extra-1",
    ]);
    let after = count(&f);
    assert_ne!(before, after);
    assert_eq!(
        f.ok(&[
            "sql",
            "select value from deals where id in ('d03', 'extra-1') order by id",
            "--format",
            "csv",
            "--no-header"
        ]),
        "5000\n10\n"
    );
    std::fs::remove_file(f.path("deals/extra-1.yaml")).unwrap();
    assert_eq!(
        f.ok(&[
            "sql",
            "select count(*) from deals where id = 'extra-1'",
            "--format",
            "csv",
            "--no-header"
        ]),
        "0\n"
    );
    f.ok(&["set", "c01", "sector=retail"]);
    assert_eq!(
        f.ok(&[
            "sql",
            "select id, sector from customers where sector is not null",
            "--format",
            "csv",
            "--no-header"
        ]),
        "c01,retail\n"
    );
    // A history entry changes with the record: c01's stages as its file has them.
    let stages = f.ok(&[
        "sql",
        "select count(*) from history where type = 'customers' and id = 'c01'",
        "--format",
        "csv",
        "--no-header",
    ]);
    f.ok(&["stage", "c01", "churned"]);
    let more = f.ok(&[
        "sql",
        "select count(*) from history where type = 'customers' and id = 'c01'",
        "--format",
        "csv",
        "--no-header",
    ]);
    assert_eq!(
        more.trim().parse::<u32>().unwrap(),
        stages.trim().parse::<u32>().unwrap() + 1
    );
}

/// A `.crm/` from someone else: a database that is a link is not followed (the file it
/// points to is untouched), a journal beside it is not replayed, and a database crm did
/// not write (a copy with other figures put in its place) is rebuilt, not believed.
#[cfg(unix)]
#[test]
fn a_strangers_database_is_not_believed() {
    let f = copy_of("reports");
    let outside = f.path("outside.txt");
    std::fs::write(&outside, "keep me\n").unwrap();
    std::fs::create_dir_all(f.path(".crm/cache")).unwrap();
    std::os::unix::fs::symlink(&outside, f.path(".crm/cache/crm.sqlite")).unwrap();
    std::os::unix::fs::symlink(&outside, f.path(".crm/cache/crm.sqlite-journal")).unwrap();
    let total = || {
        f.ok(&[
            "sql",
            "select sum(value) from deals where stage = 'won'",
            "--format",
            "csv",
            "--no-header",
        ])
    };
    let real = total();
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep me\n");
    assert!(!std::fs::symlink_metadata(f.path(".crm/cache/crm.sqlite"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::symlink_metadata(f.path(".crm/cache/crm.sqlite-journal")).is_err());
    // A copy of crm's database with its figures changed, moved into place.
    let db = f.path(".crm/cache/crm.sqlite");
    let forged = f.path("forged.sqlite");
    std::fs::copy(&db, &forged).unwrap();
    let Some(python) = common::python() else {
        eprintln!("skipped the forged database: no python3");
        return;
    };
    let ok = std::process::Command::new(python)
        .args([
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('update deals set value = 1'); c.commit()",
        ])
        .arg(&forged)
        .status()
        .unwrap();
    assert!(ok.success());
    std::fs::rename(&forged, &db).unwrap();
    assert_eq!(total(), real);
}

/// The Parquet files, read back with the `parquet` crate: every column's type, and the
/// won value summed from the decimals.
#[test]
fn parquet_files_read_back_typed() {
    use parquet::basic::{LogicalType, Type as Physical};
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    let f = copy_of("reports");
    let out = f.path("warehouse");
    f.ok(&[
        "export",
        "all",
        "--format",
        "parquet",
        "-o",
        out.to_str().unwrap(),
    ]);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "README",
            "campaigns.parquet",
            "customers.parquet",
            "deals.parquet",
            "emails.parquet",
            "history.parquet",
            "interactions.parquet",
            "phones.parquet",
            "products.parquet",
            "tags.parquet",
            "tickets.parquet"
        ]
    );
    let open = |t: &str| {
        SerializedFileReader::new(std::fs::File::open(out.join(format!("{t}.parquet"))).unwrap())
            .unwrap()
    };
    // A table's columns, in order, each with its type.
    let columns = |t: &str| -> Vec<(String, (Physical, Option<LogicalType>))> {
        open(t)
            .metadata()
            .file_metadata()
            .schema_descr_ptr()
            .columns()
            .iter()
            .map(|c| {
                (
                    c.name().to_string(),
                    (c.physical_type(), c.logical_type_ref().cloned()),
                )
            })
            .collect()
    };
    let col = |t: &str, name: &str| {
        columns(t)
            .into_iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no column {name} in {t}"))
            .1
    };
    // Every column of deals.parquet, in order, with its type.
    let text = || (Physical::BYTE_ARRAY, Some(LogicalType::String));
    let date = || (Physical::INT32, Some(LogicalType::Date));
    let want: Vec<(String, (Physical, Option<LogicalType>))> = [
        ("id", text()),
        ("title", text()),
        ("customer", text()),
        ("stage", text()),
        (
            "value",
            (
                Physical::FIXED_LEN_BYTE_ARRAY,
                Some(LogicalType::decimal(0, 28)),
            ),
        ),
        ("value_text", text()),
        ("currency", text()),
        ("probability", (Physical::DOUBLE, None)),
        ("kind", text()),
        ("campaign", text()),
        ("expected_close", date()),
        ("closed", date()),
        ("lost_reason", text()),
        ("owner", text()),
        ("next_action_on", date()),
        ("next_action_note", text()),
        ("notes", text()),
        ("created", date()),
        ("extra", text()),
    ]
    .into_iter()
    .map(|(n, t)| (n.to_string(), t))
    .collect();
    assert_eq!(columns("deals"), want);
    assert_eq!(
        col("interactions", "at"),
        (
            Physical::INT64,
            Some(LogicalType::timestamp(
                true,
                parquet::basic::TimeUnit::MICROS
            ))
        )
    );
    assert_eq!(
        col("customers", "preferences_consent"),
        (Physical::BOOLEAN, None)
    );
    assert_eq!(col("history", "at"), col("interactions", "at"));
    assert_eq!(col("tags", "tag"), text());
    let deals = open("deals");
    // Won in November: USD 4,000, summed from the decimal column.
    let mut won = 0i128;
    for row in deals.get_row_iter(None).unwrap() {
        let row = row.unwrap();
        let get = |name: &str| {
            row.get_column_iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
        };
        let november =
            matches!(get("closed"), Some(Field::Date(d)) if (20758..=20779).contains(&d));
        let is_won = matches!(get("stage"), Some(Field::Str(s)) if s == "won");
        if november && is_won {
            if let Some(Field::Decimal(d)) = get("value") {
                won += i128::from_be_bytes(d.data().try_into().unwrap());
            }
        }
    }
    assert_eq!(won, 4000);
    let readme = std::fs::read_to_string(out.join("README")).unwrap();
    assert!(
        readme.contains("\ndeals.parquet:\n  id string\n"),
        "{readme}"
    );
    assert!(
        readme.contains("  customer string -> customers.id\n"),
        "{readme}"
    );
}

/// The same figures through independent readers: Python's sqlite3 on the SQLite export,
/// DuckDB on the Parquet files (skipped with a message where DuckDB is missing).
#[test]
fn other_engines_read_the_exports() {
    let f = copy_of("reports");
    let db = f.path("crm.db");
    let pq = f.path("pq");
    f.ok(&[
        "export",
        "all",
        "--format",
        "sqlite",
        "-o",
        db.to_str().unwrap(),
    ]);
    f.ok(&[
        "export",
        "all",
        "--format",
        "parquet",
        "-o",
        pq.to_str().unwrap(),
    ]);
    let Some(python) = common::python() else {
        eprintln!("skipped: no python3");
        return;
    };
    let run = |script: &str| {
        let out = std::process::Command::new(python.clone())
            .args(["-c", script])
            .arg(&db)
            .arg(&pq)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, out, err) = run(
        "import sqlite3,sys\n\
         c = sqlite3.connect(sys.argv[1])\n\
         print(c.execute(\"select count(*), sum(value) from deals where stage = 'won' and closed between '2026-11-01' and '2026-11-22'\").fetchone())\n\
         print(sorted(r[0] for r in c.execute(\"select name from sqlite_master where type = 'table'\")))",
    );
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "(3, 4000.0)\n['campaigns', 'customers', 'deals', 'emails', 'history', 'interactions', 'phones', 'products', 'tags', 'tickets']\n"
    );
    let (has_duckdb, _, _) = run("import duckdb");
    if !has_duckdb {
        eprintln!("skipped the DuckDB half: Python has no duckdb (pip install duckdb)");
        return;
    }
    let (ok, out, err) = run(
        "import duckdb,sys\n\
         p = sys.argv[2]\n\
         print(duckdb.sql(f\"select count(*), sum(value)::bigint from '{p}/deals.parquet' where stage = 'won' and closed between DATE '2026-11-01' and DATE '2026-11-22'\").fetchall())\n\
         print(duckdb.sql(f\"select coalesce(c.city, '(none)'), sum(d.value)::bigint from '{p}/deals.parquet' d join '{p}/customers.parquet' c on c.id = d.customer where d.stage = 'won' and d.closed >= DATE '2026-11-01' group by 1 order by 1\").fetchall())\n\
         print(duckdb.sql(f\"select typeof(i.at) from '{p}/interactions.parquet' i limit 1\").fetchall())",
    );
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "[(3, 4000)]\n[('(none)', 2800), ('Jakarta', 1200)]\n[('TIMESTAMP WITH TIME ZONE',)]\n"
    );
}

/// With scoring rules, customers have a `score` column: the scores of `crm list`, as of
/// the day asked (an engagement point halves in 30 days).
#[test]
fn scores_are_a_column_as_of_today() {
    let f = Folder::new();
    let toml = f.read("crm.toml");
    f.write(
        "crm.toml",
        &format!(
            "{toml}\n[[scoring.fit]]\nwhere = \"city = Jakarta\"\npoints = 5\n\n\
             [[scoring.engagement]]\nwhere = \"direction = inbound\"\npoints = 8\n"
        ),
    );
    f.write("customers/a.yaml", "name: A\nstage: lead\ncity: Jakarta\n");
    f.write("customers/b.yaml", "name: B\nstage: lead\n");
    f.write(
        "interactions/i1.yaml",
        "customer: b\nat: 2026-11-22T09:00:00+00:00\nchannel: call\ndirection: inbound\n",
    );
    let scores = |today: &str| {
        let out = f
            .crm()
            .env("CRM_TODAY", today)
            .args([
                "sql",
                "select id, score from customers order by id",
                "--format",
                "csv",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(scores("2026-11-22"), "id,score\na,5\nb,8\n");
    assert_eq!(scores("2026-12-22"), "id,score\na,5\nb,4\n");
    assert_eq!(
        f.ok(&[
            "list",
            "customers",
            "--fields",
            "id,score",
            "--format",
            "csv"
        ]),
        "id,score\na,5\nb,8\n"
    );
}
