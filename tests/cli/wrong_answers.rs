//! Wrong answers and silent losses a user found (issue 25).

use crate::common;

use common::Folder;

/// A HubSpot-style file without "Create Date": the closed deal is created on its close
/// day and its won entry is dated then, so the pipeline's cycle is 0 days, not −2.
#[test]
fn an_imported_closed_deal_is_created_no_later_than_it_closed() {
    let f = Folder::new();
    f.add(&[
        "customer",
        "Toko Maju",
        "--id",
        "toko",
        "--email",
        "budi@tokomaju.id",
    ]);
    f.write(
        "deals.csv",
        "Deal Name,Company,Amount,Deal Stage,Close Date\n\
         Annual plan,budi@tokomaju.id,500,Closed Won,2026-11-20\n\
         Open one,budi@tokomaju.id,100,Appointment,2026-12-20\n",
    );
    f.ok(&[
        "import",
        "deals",
        "deals.csv",
        "--map-value",
        "stage:Closed Won=won",
        "--map-value",
        "stage:Appointment=qualified",
    ]);
    let rows = f.ok(&[
        "list",
        "deals",
        "--fields",
        "title,stage,created,closed,history",
        "--sort",
        "title",
        "--format",
        "jsonl",
    ]);
    assert_eq!(
        rows,
        "{\"id\":\"annual-plan-ezbs\",\"title\":\"Annual plan\",\"stage\":\"won\",\"created\":\"2026-11-20\",\"closed\":\"2026-11-20\",\"history\":[{\"stage\":\"won\",\"at\":\"2026-11-20T00:00:00+00:00\"}]}\n\
         {\"id\":\"open-one-adjf\",\"title\":\"Open one\",\"stage\":\"qualified\",\"created\":\"2026-11-22\",\"closed\":null,\"history\":[{\"stage\":\"qualified\",\"at\":\"2026-11-22T00:00:00+00:00\"}]}\n"
    );
    let (code, out) = f.check();
    assert_eq!((code, out.as_str()), (Some(0), ""));
    let cycle = |f: &Folder| {
        let r: serde_json::Value = serde_json::from_str(&f.ok(&[
            "report", "pipeline", "--month", "2026-11", "--format", "json",
        ]))
        .unwrap();
        let figures = &r["sections"]["closed"]["figures"];
        (
            figures["cycle_days_mean"].clone(),
            figures["cycle_days_median"].clone(),
        )
    };
    assert_eq!(cycle(&f), (serde_json::json!(0), serde_json::json!(0)));
}

/// A deal closed before it was created (by hand) is left out of the cycle times, with a
/// note; `crm check` names it, and history entries after today or before `created`.
#[test]
fn dates_that_contradict_each_other_are_reported_and_never_averaged() {
    let f = Folder::new();
    f.add(&["customer", "Toko Maju", "--id", "toko"]);
    f.write(
        "deals/backwards.yaml",
        "title: Backwards\ncustomer: toko\nstage: won\nvalue: 10\ncreated: 2026-11-20\nclosed: 2026-11-08\n\
         history:\n- stage: won\n  at: 2026-11-08T00:00:00+00:00\n",
    );
    f.write(
        "deals/fine.yaml",
        "title: Fine\ncustomer: toko\nstage: won\nvalue: 10\ncreated: 2026-11-01\nclosed: 2026-11-05\n\
         history:\n- stage: won\n  at: 2026-11-05T00:00:00+00:00\n",
    );
    f.write(
        "deals/future.yaml",
        "title: Future\ncustomer: toko\nstage: new\ncreated: 2026-11-01\n\
         history:\n- stage: new\n  at: 2026-11-30T09:00:00+00:00\n",
    );
    let (code, out) = f.check();
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        out,
        "deals/backwards.yaml:6:9: warning: field `closed`: 2026-11-08 is before the deal was created (2026-11-20); reports leave it out of cycle times\n\
         deals/backwards.yaml:7:1: warning: field `history[0].at`: 2026-11-08 00:00:00 +00:00 is before the record was created (2026-11-20)\n\
         deals/future.yaml:5:1: warning: field `history[0].at`: 2026-11-30 09:00:00 +00:00 is after today (2026-11-22)\n"
    );
    let r: serde_json::Value = serde_json::from_str(&f.ok(&[
        "report", "pipeline", "--month", "2026-11", "--format", "json",
    ]))
    .unwrap();
    let figures = &r["sections"]["closed"]["figures"];
    // Only "Fine" has a cycle: 4 days.
    assert_eq!(figures["cycle_days_mean"], serde_json::json!(4));
    assert_eq!(figures["cycle_days_median"], serde_json::json!(4));
    let page = f.ok(&[
        "report", "pipeline", "--month", "2026-11", "--format", "markdown",
    ]);
    assert!(
        page.contains("\nCycle days, created to closed (mean): 1 won deal closed before it was created is left out; crm check lists them\n"),
        "{page}"
    );
}

/// A campaign's ROI is over its life to the as-of date: a month without wins does not
/// make it −100 %. Cost over budget is flagged; the name is shown beside the id.
#[test]
fn campaign_roi_is_over_its_life_and_cost_over_budget_is_flagged() {
    let f = Folder::new();
    f.write(
        "campaigns/fair.yaml",
        "name: Trade fair\nphase: acquire\nstatus: completed\nbudget: 500\ncost: 600\ncurrency: USD\n",
    );
    f.write(
        "customers/toko.yaml",
        "name: Toko\nstage: customer\nsource: fair\ncreated: 2026-09-01\n\
         history:\n- stage: customer\n  at: 2026-09-01T00:00:00+00:00\n",
    );
    f.write(
        "deals/big.yaml",
        "title: Big\ncustomer: toko\nstage: won\nvalue: 1500\ncurrency: USD\ncreated: 2026-09-01\nclosed: 2026-09-20\n\
         history:\n- stage: won\n  at: 2026-09-20T00:00:00+00:00\n",
    );
    let r: serde_json::Value = serde_json::from_str(&f.ok(&[
        "report",
        "campaigns",
        "--month",
        "2026-11",
        "--format",
        "json",
    ]))
    .unwrap();
    // November: no lead, nothing won. To date: 1 lead, acquired, USD 1500 won against a
    // cost of 600: (1500 - 600) / 600 = 150 %.
    assert_eq!(
        r["sections"]["campaigns"]["rows"],
        serde_json::json!([{
            "campaign": "fair", "name": "Trade fair", "phase": "acquire",
            "budget": {"USD": 500}, "cost": {"USD": 600}, "over_budget": "yes",
            "leads": 0, "acquired": 0, "won_value": {},
            "leads_to_date": 1, "acquired_to_date": 1, "won_to_date": {"USD": 1500},
            "roi": 1.5, "cost_per_lead": {"USD": 600}, "cost_per_acquisition": {"USD": 600},
            "responses": 0
        }])
    );
}

/// Touches are due only at an active stage; `--owner` matches the part of an e-mail
/// before `@`; an empty agenda says so.
#[test]
fn the_agenda_keeps_in_touch_with_active_customers_only() {
    let f = Folder::new();
    for (id, stage) in [
        ("gone", "churned"),
        ("nope", "disqualified"),
        ("warm", "lead"),
    ] {
        f.write(
            &format!("customers/{id}.yaml"),
            &format!(
                "name: {id}\nstage: {stage}\nowner: ayu@sinarkopi.id\ncreated: 2026-11-01\n\
                 preferences:\n  frequency: weekly\n"
            ),
        );
    }
    assert_eq!(
        f.ok(&["agenda", "--format", "tsv"]),
        "Record\tDue\tTitle\tWhy\ncustomer/warm\t2026-11-01\twarm\tdue a weekly touch: no outbound contact yet\n"
    );
    assert_eq!(
        f.ok(&["agenda", "--owner", "Ayu", "--format", "ids"]),
        "customer/warm\n"
    );
    assert_eq!(
        f.ok(&["agenda", "--owner", "sari", "--format", "table"]),
        "(nothing due)\n"
    );
    assert_eq!(f.ok(&["agenda", "--owner", "sari", "--format", "ids"]), "");
}

/// Rough edges: an ambiguous ref shows the paths of one id in two files; `-C` to a
/// folder that does not exist says so; a subcommand's help lists its own flags first.
#[test]
fn rough_edges_say_what_is_wrong() {
    let f = Folder::new();
    f.write("customers/toko.yaml", "name: Toko\n");
    f.write("customers/old/toko.yaml", "name: Toko\n");
    f.write("customers/tomo.yaml", "name: Tomo\n");
    let err = f.fails(1, &["show", "to"]);
    assert!(
        err.ends_with(
            "error: \"to\" is ambiguous; it matches:\n  customer/toko  Toko  (customers/old/toko.yaml)\n  customer/toko  Toko  (customers/toko.yaml)\n  customer/tomo  Tomo\n"
        ),
        "{err}"
    );
    let missing = f.path("no/such/folder");
    let err = f.fails(2, &["-C", missing.to_str().unwrap(), "list", "customers"]);
    assert_eq!(
        err,
        format!(
            "error: {}: does not exist (the folder given by -C or CRM_DIR)\n",
            missing.display()
        )
    );
    let help = f.ok(&["list", "--help"]);
    let own = help.find("--where").unwrap();
    let global = help.find("Global options:").unwrap();
    assert!(own < global && help[global..].contains("--as-of"), "{help}");
    assert!(!help[..global].contains("--as-of"), "{help}");
}

/// Loyalty tiers are amounts in the folder's currency: `crm init --currency IDR` sizes
/// them to the rupiah (1,000 and 10,000 dollars' worth, about: 10 and 100 million), and
/// the report names the currency.
#[test]
fn loyalty_tiers_are_sized_to_the_folders_currency() {
    let f = Folder::empty();
    f.ok(&["init", "shop", "--currency", "idr"]);
    let toml = f.read("shop/crm.toml");
    assert!(toml.contains("\ncurrency = \"IDR\"\n"), "{toml}");
    assert!(
        toml.contains(
            "name = \"silver\"\nmin = 10000000\n\n[[loyalty]]\nname = \"gold\"\nmin = 100000000\n"
        ),
        "{toml}"
    );
    let shop = f.path("shop");
    let shop = shop.to_str().unwrap();
    f.ok(&[
        "-C", shop, "add", "customer", "Toko", "--id", "toko", "--stage", "customer",
    ]);
    f.ok(&[
        "-C",
        shop,
        "add",
        "deal",
        "Beans",
        "--customer",
        "toko",
        "--value",
        "15000000",
        "--stage",
        "won",
    ]);
    let r: serde_json::Value =
        serde_json::from_str(&f.ok(&["-C", shop, "report", "customers", "--format", "json"]))
            .unwrap();
    let loyalty = &r["sections"]["loyalty"];
    assert_eq!(
        loyalty["title"],
        "Customers per loyalty tier (won value of the last 12 months, in IDR)"
    );
    // IDR 15,000,000 reaches silver (10,000,000), not gold.
    assert_eq!(
        loyalty["rows"],
        serde_json::json!([
            {"tier": "bronze", "customers": 0},
            {"tier": "silver", "customers": 1},
            {"tier": "gold", "customers": 0}
        ])
    );
    // A code that is not three letters is refused, and nothing is written.
    let err = f.fails(2, &["init", "bad", "--currency", "rupiah"]);
    assert_eq!(
        err,
        "error: --currency \"RUPIAH\" is not an ISO 4217 code (e.g. USD, IDR)\n"
    );
    assert!(!f.path("bad").exists());
    let err = f.fails(2, &["init", "bad", "--currency", "XYZ"]);
    assert_eq!(
        err,
        "error: --currency \"XYZ\" is not an ISO 4217 code (e.g. USD, IDR)\n"
    );
    // A deal's currency must be ISO 4217 too, unless crm.toml adds the code.
    let deal = f.ok(&["-C", shop, "list", "deals", "--format", "ids"]);
    let deal = deal.trim();
    let err = f.fails(1, &["-C", shop, "set", deal, "currency=XYZ"]);
    assert!(
        err.ends_with("field `currency`: \"XYZ\" is not an ISO 4217 currency code (e.g. USD, IDR); crm.toml's extra_currencies may add others\n"),
        "{err}"
    );
    let toml = f
        .read("shop/crm.toml")
        .replace("extra_currencies = []", "extra_currencies = [\"PTS\"]");
    f.write("shop/crm.toml", &toml);
    f.ok(&["-C", shop, "set", deal, "currency=pts"]);
    assert_eq!(f.ok(&["-C", shop, "get", deal, "currency"]), "PTS\n");
}

/// A key a typo away from a known field is refused with the field it was likely meant
/// to be, unless `--new-field`; other new fields are added with a note.
#[test]
fn typos_do_not_become_fields() {
    let f = Folder::new();
    f.add(&["customer", "Toko", "--id", "toko"]);
    f.add(&["deal", "Beans", "--id", "beans", "--customer", "toko"]);
    let before = f.read("customers/toko.yaml");
    for (args, err) in [
        (
            vec!["set", "toko", "stge=customer"],
            "error: no customer has a field `stge` (did you mean `stage`?); pass --new-field to add `stge` as a new field\n",
        ),
        (
            vec!["set", "toko", "emial=budi@toko.id"],
            "error: no customer has a field `emial` (did you mean `email`?); pass --new-field to add `emial` as a new field\n",
        ),
        (
            vec!["set", "toko", "preferences.chanel=whatsapp"],
            "error: no customer has a field `preferences.chanel` (did you mean `preferences.channel`?); pass --new-field to add `preferences.chanel` as a new field\n",
        ),
        (
            vec!["set", "beans", "vlaue=5"],
            "error: no deal has a field `vlaue` (did you mean `value`?); pass --new-field to add `vlaue` as a new field\n",
        ),
        (
            vec!["add", "customer", "Warung", "--set", "citi=Bandung"],
            "error: no customer has a field `citi` (did you mean `city`?); pass --new-field to add `citi` as a new field\n",
        ),
    ] {
        assert_eq!(f.fails(2, &args), err, "{args:?}");
    }
    assert_eq!(f.read("customers/toko.yaml"), before);
    assert!(!f.path("customers/warung.yaml").exists());
    // Meant: --new-field adds it; a field far from every known one is added with a note,
    // the first time only.
    let out = f
        .crm()
        .args(["set", "toko", "stge=x", "--new-field"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "note: `stge` is a new field of customers: no other customer has it (crm.toml's [fields.customer] can declare its type)\nupdated customer toko\n"
    );
    let out = f
        .crm()
        .args(["set", "toko", "favourite_bean=gayo"])
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .starts_with("note: `favourite_bean` is a new field of customers"));
    f.add(&["customer", "Warung", "--id", "warung"]);
    let out = f
        .crm()
        .args(["set", "warung", "favourite_bean=toraja"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "updated customer warung\n"
    );
    assert!(f
        .read("customers/toko.yaml")
        .contains("favourite_bean: gayo\nstge: x\n"));
}

/// One rule for empty values: empty text and an empty list are missing alike.
#[test]
fn empty_values_are_missing_values() {
    let f = Folder::new();
    f.write(
        "customers/a-empty.yaml",
        "name: A\nindustry: ''\ntags: []\n",
    );
    f.write("customers/b-absent.yaml", "name: B\n");
    f.write(
        "customers/c-set.yaml",
        "name: C\nindustry: cafe\ntags: [regular]\n",
    );
    let ids = |q: &str| f.ok(&["list", "customers", "--where", q, "--format", "ids"]);
    assert_eq!(ids("industry != retail"), "c-set\n");
    assert_eq!(ids("tags != VIP"), "c-set\n");
    assert_eq!(ids("not industry = retail"), "a-empty\nb-absent\nc-set\n");
    assert_eq!(ids("not tags = VIP"), "a-empty\nb-absent\nc-set\n");
    assert_eq!(ids("industry in (cafe, \"\")"), "c-set\n");
    assert_eq!(ids("industry"), "c-set\n");
}

/// Writes take what people type: a date and time without an offset in the folder's time
/// zone, a date alone as its first moment, amounts with the folder's separators.
#[test]
fn writes_take_dates_and_amounts_as_people_type_them() {
    let f = Folder::new();
    let toml = f
        .read("crm.toml")
        .replace("timezone = \"UTC\"", "timezone = \"Asia/Jakarta\"")
        .replace("thousands = \",\"", "thousands = \".\"")
        .replace("decimal = \".\"", "decimal = \",\"");
    f.write("crm.toml", &toml);
    f.add(&["customer", "Toko", "--id", "toko"]);
    for (at, stored) in [
        ("2026-11-20 14:00", "2026-11-20T14:00:00+07:00"),
        ("2026-11-20T14:00:30", "2026-11-20T14:00:30+07:00"),
        ("2026-11-19", "2026-11-19T00:00:00+07:00"),
        ("2026-11-18T09:00:00Z", "2026-11-18T09:00:00Z"),
    ] {
        let id = f.ok(&["log", "toko", "--channel", "call", "--at", at, "talked"]);
        let ids = f.ok(&[
            "list",
            "interactions",
            "--where",
            &format!("id = {}", id.trim()),
            "--fields",
            "at",
            "--no-header",
        ]);
        assert_eq!(ids, format!("{stored}\n"), "{at}");
    }
    f.add(&[
        "deal",
        "Big",
        "--id",
        "big",
        "--customer",
        "toko",
        "--value",
        "12.000.000",
    ]);
    assert_eq!(f.ok(&["get", "big", "value"]), "12000000\n");
    f.ok(&["set", "big", "value=1.500,50"]);
    assert_eq!(f.ok(&["get", "big", "value"]), "1500.5\n");
    // Not groups of three: refused, not guessed.
    let err = f.fails(1, &["set", "big", "value=12.00.000"]);
    assert!(err.contains("is not a decimal number"), "{err}");
}

/// Relative days on write, from the run's today (2026-11-22 in tests): in `crm set`,
/// and as the first word of `crm log --next`.
#[test]
fn writes_take_relative_days() {
    let f = Folder::new();
    f.add(&["customer", "Toko", "--id", "toko"]);
    f.ok(&["set", "toko", "next_action.on=today+3d"]);
    assert_eq!(f.ok(&["get", "toko", "next_action.on"]), "2026-11-25\n");
    f.ok(&["set", "toko", "next_action.on=TODAY+2w"]);
    assert_eq!(f.ok(&["get", "toko", "next_action.on"]), "2026-12-06\n");
    f.ok(&[
        "log",
        "toko",
        "--channel",
        "call",
        "called",
        "--next",
        "tomorrow send quote",
    ]);
    assert_eq!(
        f.ok(&["get", "toko", "next_action", "--format", "json"]),
        "{\"on\":\"2026-11-23\",\"note\":\"send quote\"}\n"
    );
    let id = f.ok(&[
        "log",
        "toko",
        "--channel",
        "call",
        "--at",
        "yesterday",
        "late note",
    ]);
    assert_eq!(
        f.ok(&["get", id.trim(), "at"]),
        "2026-11-21T00:00:00+00:00\n"
    );
    let err = f.fails(1, &["set", "toko", "next_action.on=today+3x"]);
    assert_eq!(
        err,
        "error: invalid value: field `next_action.on`: `today+3x` is not a date: write today, \
         or today with an offset such as today-7d, today+2w, today-3m, today-1y\n"
    );
}

/// The hand-edited customer of item 7: a note above the record and one after a field.
const COMMENTED: &str = "# yaml-language-server: $schema=../schema/customer.schema.json\n\
    # Our best customer!\n\
    name: Toko Maju\n\
    email: budi@tokomaju.id\n\
    stage: lead\n\
    industry: retail   # trailing note\n\
    tags:\n  - vip     # since 2024\n  - retail\n\
    created: 2026-11-22\n";

fn commented() -> Folder {
    let f = Folder::new();
    f.write("customers/toko-maju-k7q2.yaml", COMMENTED);
    f
}

#[test]
fn crm_set_keeps_comments_beside_their_fields() {
    let f = commented();
    f.ok(&["set", "toko", "stage=customer", "tags=retail,vip,new"]);
    assert_eq!(
        f.record("customers/toko-maju-k7q2.yaml"),
        "# Our best customer!\nname: Toko Maju\nemail: budi@tokomaju.id\nstage: customer\n\
         history:\n- stage: customer\n  at: 2026-11-22T00:00:00+00:00\n\
         tags:\n- retail\n- vip # since 2024\n- new\nindustry: retail # trailing note\ncreated: 2026-11-22\n"
    );
    // And again: a file crm wrote with comments is a fixed point of the next rewrite.
    f.ok(&["set", "toko", "owner=ayu"]);
    assert_eq!(
        f.record("customers/toko-maju-k7q2.yaml"),
        "# Our best customer!\nname: Toko Maju\nemail: budi@tokomaju.id\nstage: customer\n\
         history:\n- stage: customer\n  at: 2026-11-22T00:00:00+00:00\nowner: ayu\n\
         tags:\n- retail\n- vip # since 2024\n- new\nindustry: retail # trailing note\ncreated: 2026-11-22\n"
    );
}

#[test]
fn a_rewrite_that_would_drop_a_comment_is_refused_until_told() {
    let f = commented();
    let err = f.fails(1, &["unset", "toko", "industry"]);
    assert_eq!(
        err,
        "error: customers/toko-maju-k7q2.yaml: this change would drop a comment that crm cannot keep; nothing was written:\n  \
         line 6: # trailing note (on `industry`, which the change removes)\n\
         move or delete the comment in the file, or run again with --drop-comments to write without it\n"
    );
    assert_eq!(f.read("customers/toko-maju-k7q2.yaml"), COMMENTED);
    // Removing a tag that carries a comment is the same loss.
    f.fails(1, &["set", "toko", "tags=retail"]);
    f.ok(&["--drop-comments", "unset", "toko", "industry"]);
    let text = f.record("customers/toko-maju-k7q2.yaml");
    assert!(
        !text.contains("industry") && !text.contains("trailing note"),
        "{text}"
    );
    assert!(
        text.contains("# Our best customer!\nname: Toko Maju\n"),
        "{text}"
    );
}

fn editor(f: &Folder, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let p = f.path(".ed.sh");
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p.display().to_string()
}

#[test]
fn a_comment_added_in_crm_edit_is_a_change_and_is_kept() {
    let f = commented();
    // Only a comment added: before, "unchanged" and the comment was gone.
    let ed = editor(
        &f,
        "sed -i 's/^stage: lead$/stage: lead  # met at the fair/' \"$1\"",
    );
    let out = f
        .crm()
        .env("EDITOR", &ed)
        .args(["edit", "toko"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "updated customer toko-maju-k7q2\n"
    );
    assert_eq!(
        f.record("customers/toko-maju-k7q2.yaml"),
        "# Our best customer!\nname: Toko Maju\nemail: budi@tokomaju.id\nstage: lead # met at the fair\n\
         tags:\n- vip # since 2024\n- retail\nindustry: retail # trailing note\ncreated: 2026-11-22\n"
    );
    // Saved as it was: unchanged, nothing written.
    let before = f.snapshot();
    let out = f
        .crm()
        .env("EDITOR", "true")
        .args(["edit", "toko"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "customer toko-maju-k7q2 unchanged\n"
    );
    assert_eq!(f.snapshot(), before);
}

#[test]
fn crm_check_warns_about_a_comment_it_could_not_keep() {
    let f = Folder::new();
    // So many `#` in quotes that crm stops trying to tell which one starts the comment.
    let notes = "a #b ".repeat(600);
    f.write(
        "customers/toko-maju-k7q2.yaml",
        &format!("name: Toko Maju\nstage: lead\nnotes: \"{notes}\"  # real\ncreated: 2026-11-22\n"),
    );
    let (code, out) = f.check();
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        "customers/toko-maju-k7q2.yaml:3:11: warning: crm cannot tell which field the comment \
         \"#b a #b a #b a #b a #b a #b a #b a #b a #b a #b a #b a #b a …\" belongs to: \
         a rewrite of this record (crm set, edit, stage) refuses until it is moved onto a line \
         of its own above the field (or run with --drop-comments)\n"
    );
    // A file whose comments crm keeps gets no warning.
    let g = commented();
    assert_eq!(g.check(), (Some(0), String::new()));
}

#[test]
fn an_import_keeps_comments_or_refuses_before_writing_anything() {
    let f = commented();
    f.write(
        "c.csv",
        "email,industry,tags\nbudi@tokomaju.id,grocery,retail\n",
    );
    let err = f.fails(1, &["import", "customers", "c.csv"]);
    assert_eq!(
        err,
        "error: 1 bad row in c.csv; nothing was imported\n\
         c.csv:2:1: customers/toko-maju-k7q2.yaml: this change would drop a comment that crm cannot keep; nothing was written:\n  \
         line 8: # since 2024 (on `tags[vip]`, which the change removes)\n\
         move or delete the comment in the file, or run again with --drop-comments to write without it\n"
    );
    assert_eq!(f.read("customers/toko-maju-k7q2.yaml"), COMMENTED);
    f.write("d.csv", "email,industry\nbudi@tokomaju.id,grocery\n");
    f.ok(&["import", "customers", "d.csv"]);
    assert_eq!(
        f.record("customers/toko-maju-k7q2.yaml"),
        "# Our best customer!\nname: Toko Maju\nemail: budi@tokomaju.id\nstage: lead\n\
         tags:\n- vip # since 2024\n- retail\nindustry: grocery # trailing note\ncreated: 2026-11-22\n"
    );
}
