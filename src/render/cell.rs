//! A report's cell as people read it (table, markdown, html): amounts grouped in the
//! folder's `[format]` style, rates as percentages, missing figures as `n/a`.

use rust_decimal::Decimal;

use crate::model::money::MoneyStyle;
use crate::report::stats::round;
use crate::report::{Amounts, Cell};

use super::guard;

pub(crate) fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

fn money_text(a: &Amounts, m: &MoneyStyle) -> String {
    if a.is_empty() {
        return "0".into();
    }
    let parts: Vec<String> = a.by_currency.iter().map(|(c, v)| m.amount(c, *v)).collect();
    let mut s = parts.join("; ");
    if let Some((c, v)) = &a.converted {
        s.push_str(&format!(" (total {} converted)", m.amount(c, *v)));
    }
    s
}

/// A signed number: `+2`, `-2`, `0`.
pub(crate) fn signed(d: Decimal) -> String {
    if d.is_sign_positive() && !d.is_zero() {
        format!("+{}", dec(d))
    } else {
        dec(d)
    }
}

/// Changes of amounts, each signed before its currency: `+IDR 30,000,000; -USD 5`.
fn money_change_text(a: &Amounts, m: &MoneyStyle) -> String {
    if a.is_empty() {
        return "0".into();
    }
    a.by_currency
        .iter()
        .map(|(c, v)| {
            let v = round(*v, 2);
            let sign = if v.is_zero() {
                ""
            } else if v.is_sign_negative() {
                "-"
            } else {
                "+"
            };
            format!("{sign}{}", m.amount(c, v.abs()))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A cell as people read it: amounts grouped in the folder's style (`[format]`).
pub fn cell_text(c: &Cell, m: &MoneyStyle) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Count(n) => n.to_string(),
        Cell::Money(a) => money_text(a, m),
        Cell::Rate(Some(r)) => format!("{}%", dec(round(*r * Decimal::ONE_HUNDRED, 1))),
        Cell::Number(Some(n)) => dec(round(*n, 1)),
        Cell::Factor(Some(n)) => dec(round(*n, 2)),
        Cell::Delta(Some(d)) => signed(*d),
        Cell::Points(Some(d)) => format!("{} pp", signed(*d)),
        Cell::MoneyChange(a) => money_change_text(a, m),
        Cell::Rate(None)
        | Cell::Number(None)
        | Cell::Factor(None)
        | Cell::Delta(None)
        | Cell::Points(None) => "n/a".into(),
    }
}

/// How rows are written besides their format.
#[derive(Debug, Clone, Copy)]
pub struct RowOptions {
    /// A header row in csv and tsv (table and markdown always have one).
    pub header: bool,
    /// Cells of csv and tsv as they are, formula-like ones included (`--raw`); else
    /// such a cell gets a leading `'` (see [`guard::neutralise`]).
    pub raw: bool,
}

impl RowOptions {
    /// A header, and formulas guarded.
    pub const HUMAN: RowOptions = RowOptions {
        header: true,
        raw: false,
    };
}

/// A cell as written: guarded against formulas unless raw (see [`guard::neutralise_in`]).
pub(super) fn guarded(header: &[String], opts: RowOptions, i: usize, c: &str) -> String {
    if opts.raw {
        c.to_string()
    } else {
        guard::neutralise_in(header.get(i).map_or("", String::as_str), c)
    }
}
