//! `crm list --where` on a fixture folder of hand-written records (tests/fixtures/query),
//! today fixed at 2026-11-22: for each operator and combination, the exact ids returned.

use crate::common;

fn crm() -> assert_cmd::Command {
    common::fixture("query")
}

/// The ids `crm list TYPE --where EXPR` returns, in folder order.
fn ids(ty: &str, expr: &str) -> Vec<String> {
    let out = crm()
        .args(["list", ty, "--where", expr, "--format", "ids"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{expr}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{expr}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

fn check(ty: &str, expr: &str, want: &[&str]) {
    assert_eq!(ids(ty, expr), want, "crm list {ty} --where '{expr}'");
}

#[test]
fn and_binds_tighter_than_or() {
    check(
        "deals",
        "stage = lost or stage = proposal and value > 100",
        &["d-02", "d-03", "d-09"],
    );
    check(
        "deals",
        "(stage = lost or stage = proposal) and value > 100",
        &["d-03", "d-09"],
    );
    check(
        "deals",
        "not (stage = won or stage = lost)",
        &["d-03", "d-04", "d-05", "d-06", "d-08", "d-10"],
    );
    check(
        "deals",
        "NOT stage = won AND stage != lost",
        &["d-03", "d-04", "d-05", "d-06", "d-08", "d-10"],
    );
}

#[test]
fn decimals_compare_as_numbers() {
    check("deals", "value >= 50000", &["d-01", "d-05", "d-07"]);
    check(
        "deals",
        "value > 99.99",
        &["d-01", "d-03", "d-04", "d-05", "d-07", "d-08", "d-09"],
    );
    check("deals", "value = 99.99", &["d-02"]);
    check("deals", "value < 10", &["d-10"]);
    check("deals", "value <= 100", &["d-02", "d-04", "d-10"]);
    check(
        "deals",
        "value != 100",
        &[
            "d-01", "d-02", "d-03", "d-05", "d-07", "d-08", "d-09", "d-10",
        ],
    );
    check("customers", "employees > 60", &["c-zeta"]);
}

#[test]
fn dates_and_moments() {
    check(
        "deals",
        "expected_close > 2026-01-01",
        &["d-01", "d-02", "d-03", "d-08", "d-09"],
    );
    check("deals", "expected_close = 2026-01-01", &["d-05"]);
    check(
        "customers",
        "created > today-7d",
        &["c-alpha", "c-eta", "c-gamma"],
    );
    check(
        "customers",
        "created >= today-7d",
        &["c-alpha", "c-eps", "c-eta", "c-gamma"],
    );
    check("customers", "created < today-11m", &["c-zeta"]);
    check("deals", "closed >= today-1w", &["d-07"]);
    // A moment against a date compares its own calendar day; against a moment, the instant.
    check("tickets", "opened >= 2026-11-21", &["t-3", "t-4"]);
    check(
        "tickets",
        "opened > 2026-11-21T12:00:00+07:00",
        &["t-3", "t-4"],
    );
    check("tickets", "opened < 2026-11-20T02:00:00Z", &["t-2"]);
}

#[test]
fn joins_reach_the_linked_record() {
    check(
        "deals",
        "customer.city = Jakarta",
        &["d-01", "d-02", "d-04", "d-07", "d-08", "d-09"],
    );
    check(
        "deals",
        "customer.city ~ jakarta",
        &["d-01", "d-02", "d-04", "d-06", "d-07", "d-08", "d-09"],
    );
    check("tickets", "deal.stage = won", &["t-1"]);
    check("tickets", "customer.tags = vip", &["t-1", "t-4", "t-5"]);
    check("interactions", "campaign.phase = acquire", &["i-1"]);
    check("interactions", "ticket.priority = high", &["i-3"]);
}

#[test]
fn lists_match_on_any_item() {
    check("customers", "tags = vip", &["c-alpha", "c-delta"]);
    check("customers", "tags != vip", &["c-beta", "c-theta"]);
    check(
        "customers",
        "not tags = vip",
        &["c-beta", "c-eps", "c-eta", "c-gamma", "c-theta", "c-zeta"],
    );
    check("deals", "products = support", &["d-07"]);
    check(
        "customers",
        "tags",
        &["c-alpha", "c-beta", "c-delta", "c-theta"],
    );
}

#[test]
fn in_not_and_presence() {
    check(
        "customers",
        "stage in (lead, prospect)",
        &["c-beta", "c-eta", "c-gamma"],
    );
    check(
        "deals",
        "kind in (renewal, \"cross-sell\")",
        &["d-07", "d-08"],
    );
    check("customers", "email", &["c-alpha", "c-beta", "c-delta"]);
    check(
        "customers",
        "not email",
        &["c-eps", "c-eta", "c-gamma", "c-theta", "c-zeta"],
    );
    check("customers", "preferences.do_not_contact", &["c-beta"]);
    check(
        "customers",
        "not preferences.do_not_contact and email ~ \"@gmail\"",
        &["c-alpha"],
    );
    check("customers", "loyalty.points", &["c-theta"]);
    check("campaigns", "budget <= 500 or not budget", &["k-2", "k-3"]);
}

#[test]
fn strings() {
    check("customers", "name = \"Gamma, Ltd. Jaya\"", &["c-gamma"]);
    check("customers", "city = jakarta", &["c-eps"]);
    check("customers", "email ~ EXAMPLE", &["c-delta"]);
    check("customers", "email !~ gmail", &["c-beta", "c-delta"]);
    check(
        "customers",
        "email != alpha@gmail.com",
        &["c-beta", "c-delta"],
    );
    check("tickets", "subject ~ \"\\\"quoted\\\"\"", &["t-5"]);
    check(
        "interactions",
        "summary ~ \"\\\"voicemail\\\", will\"",
        &["i-5"],
    );
    check("customers", "id = c-beta", &["c-beta"]);
}

#[test]
fn ordered_words_compare_by_their_order() {
    check(
        "customers",
        "stage > prospect",
        &["c-alpha", "c-delta", "c-eps", "c-theta", "c-zeta"],
    );
    check("tickets", "priority >= high", &["t-1", "t-3", "t-5"]);
    check("deals", "stage < proposal", &["d-06", "d-08", "d-10"]);
}

#[test]
fn repeated_where_are_joined_with_and() {
    let out = crm()
        .args([
            "list",
            "deals",
            "--where",
            "value > 100",
            "--where",
            "customer.city = Jakarta",
            "--format",
            "ids",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "d-01\nd-07\nd-08\nd-09\n"
    );
}

#[test]
fn interactions_come_in_folder_order() {
    check(
        "interactions",
        "at >= today-7d and channel in (email, meeting)",
        &["i-1", "i-4"],
    );
    check(
        "interaction",
        "channel",
        &["i-5", "i-3", "i-1", "i-2", "i-4"],
    );
}

/// Each malformed expression: exit 2, the expression with a caret under the bad column,
/// and what was expected there.
#[test]
fn malformed_expressions_point_at_the_column() {
    let cases: &[(&str, &str, usize, &str)] = &[
        ("deals", "", 1, "expected a field name, `not` or `(`, found the end of the expression"),
        ("deals", "stage =", 8, "expected a value after `=`, found the end of the expression"),
        ("deals", "= won", 1, "expected a field name, `not` or `(`, found `=`"),
        ("deals", "stage won", 7, "expected `and`, `or` or the end of the expression, found `won`"),
        ("deals", "(stage = won", 13, "expected `)` to close the `(` at column 1, found the end of the expression"),
        ("deals", "stage = won)", 12, "this `)` closes no `(`"),
        ("deals", "stage in lead", 10, "expected `(` after `in`, found `lead`"),
        ("deals", "stage in (lead,)", 16, "expected a value after `,`, found `)`"),
        ("deals", "value >= 1000 and", 18, "expected a field name, `not` or `(`, found the end of the expression"),
        ("customers", "name = \"unclosed", 8, "this string is not closed: a `\"` is missing"),
        ("deals", "stage ! won", 7, "`!` stands only in `!=` and `!~` (use `not` to negate)"),
        ("customers", "created > today-7x", 11, "`today-7x` is not a date: write today, or today with an offset such as today-7d, today+2w, today-3m, today-1y"),
        ("deals", "value > abc", 9, "field `value` holds numbers; `abc` is not a number"),
        ("deals", "expected_close < soon", 18, "field `expected_close` holds dates; `soon` is not a date (YYYY-MM-DD, today, today-7d, today+2w, today-3m)"),
        ("customers", "name = and", 8, "expected a value after `=`, found the keyword `and` (quote it to mean the word: \"and\")"),
        ("deals", "stage = won or or", 16, "expected a field name, `not` or `(`, found the keyword `or`"),
        ("tickets", "priority = asap", 12, "`asap` is not a value of field `priority` (one of: low, normal, high, urgent)"),
        ("customers", "name.. = x", 1, "`name..` is not a field name (letters, digits, `_` and `-`, nested fields joined by `.`)"),
        ("customers", "preferences.consent < true", 23, "field `preferences.consent` is true or false: compare it with = or !="),
        ("deals", "customer.created > someday", 20, "field `customer.created` holds dates; `someday` is not a date (YYYY-MM-DD, today, today-7d, today+2w, today-3m)"),
    ];
    for (ty, expr, col, message) in cases {
        let out = crm().args(["list", ty, "--where", expr]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{expr}");
        assert!(out.stdout.is_empty());
        let want = format!(
            "error: invalid --where expression at column {col}: {message}\n  {expr}\n  {}^\n",
            " ".repeat(col - 1)
        );
        assert_eq!(String::from_utf8(out.stderr).unwrap(), want, "{expr}");
    }
}
