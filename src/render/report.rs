//! Drawing a report: table (with bars), markdown, json, csv. The same report always
//! renders to the same bytes.

use std::io::{self, Write};

use rust_decimal::Decimal;

use super::Format;
use crate::report::stats::round;
use crate::report::{Amounts, Body, Cell, Report};

/// How wide the longest bar is, in characters.
const BAR_WIDTH: u64 = 20;

fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

fn money_text(a: &Amounts) -> String {
    if a.is_empty() {
        return "0".into();
    }
    let parts: Vec<String> = a
        .by_currency
        .iter()
        .map(|(c, v)| format!("{c} {}", dec(round(*v, 2))))
        .collect();
    let mut s = parts.join("; ");
    if let Some((c, v)) = &a.converted {
        s.push_str(&format!(" (total {c} {} converted)", dec(round(*v, 2))));
    }
    s
}

/// A cell as people read it.
pub fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Count(n) => n.to_string(),
        Cell::Money(a) => money_text(a),
        Cell::Rate(Some(r)) => format!("{}%", dec(round(*r * Decimal::ONE_HUNDRED, 1))),
        Cell::Number(Some(n)) => dec(round(*n, 1)),
        Cell::Factor(Some(n)) => dec(round(*n, 2)),
        Cell::Delta(Some(d)) if d.is_sign_positive() && !d.is_zero() => format!("+{}", dec(*d)),
        Cell::Delta(Some(d)) => dec(*d),
        Cell::Rate(None) | Cell::Number(None) | Cell::Factor(None) | Cell::Delta(None) => {
            "n/a".into()
        }
    }
}

/// Whole numbers as JSON integers, others as JSON decimals.
fn json_number(d: Decimal) -> serde_json::Value {
    let d = d.normalize();
    if d.scale() == 0 {
        if let Ok(i) = i64::try_from(d.mantissa()) {
            return serde_json::Value::from(i);
        }
    }
    dec(d)
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

/// A cell for machines: rates as fractions (4 places), amounts per currency.
pub fn cell_json(c: &Cell) -> serde_json::Value {
    use serde_json::Value as J;
    match c {
        Cell::Text(s) => J::String(s.clone()),
        Cell::Count(n) => J::from(*n),
        Cell::Money(a) => {
            let mut obj = serde_json::Map::new();
            for (cur, v) in &a.by_currency {
                obj.insert(cur.clone(), json_number(round(*v, 2)));
            }
            if let Some((cur, v)) = &a.converted {
                obj.insert(
                    "converted".into(),
                    serde_json::json!({"currency": cur, "amount": json_number(round(*v, 2))}),
                );
            }
            J::Object(obj)
        }
        Cell::Rate(r) => r.map(|r| json_number(round(r, 4))).unwrap_or(J::Null),
        Cell::Number(n) | Cell::Delta(n) => n.map(|n| json_number(round(n, 1))).unwrap_or(J::Null),
        Cell::Factor(n) => n.map(|n| json_number(round(n, 2))).unwrap_or(J::Null),
    }
}

/// A cell in the long csv: rates as fractions, n/a as empty.
fn cell_csv(c: &Cell) -> String {
    match c {
        Cell::Rate(Some(r)) => dec(round(*r, 4)),
        Cell::Rate(None) | Cell::Number(None) | Cell::Factor(None) | Cell::Delta(None) => {
            String::new()
        }
        Cell::Money(a) if !a.is_empty() => {
            let mut parts: Vec<String> = a
                .by_currency
                .iter()
                .map(|(c, v)| format!("{c} {}", dec(round(*v, 2))))
                .collect();
            if let Some((c, v)) = &a.converted {
                parts.push(format!("converted {c} {}", dec(round(*v, 2))));
            }
            parts.join(";")
        }
        other => cell_text(other),
    }
}

fn bar(value: &Cell, max: u64, unicode: bool) -> String {
    let Cell::Count(n) = value else {
        return String::new();
    };
    if max == 0 || *n == 0 {
        return String::new();
    }
    let len = ((n * BAR_WIDTH + max / 2) / max).max(1) as usize;
    (if unicode { "█" } else { "#" }).repeat(len)
}

pub fn write_report(
    out: &mut dyn Write,
    r: &Report,
    format: Format,
    unicode: bool,
) -> io::Result<()> {
    match format {
        Format::Html => super::html::write_html(out, r),
        Format::Json => {
            let mut sections = serde_json::Map::new();
            for s in &r.sections {
                let body = match &s.body {
                    Body::Figures(f) => serde_json::json!({
                        "title": s.title,
                        "figures": f.iter().map(|f| (f.id.clone(), cell_json(&f.value))).collect::<serde_json::Map<_, _>>(),
                    }),
                    Body::Table { columns, rows, .. } => serde_json::json!({
                        "title": s.title,
                        "rows": rows.iter().map(|row| columns.iter().zip(row).map(|(c, v)| (c.id.clone(), cell_json(v))).collect::<serde_json::Map<_, _>>()).collect::<Vec<_>>(),
                    }),
                };
                sections.insert(s.id.clone(), body);
            }
            let doc = serde_json::json!({
                "report": r.name,
                "title": r.title,
                "as_of": r.as_of.to_string(),
                "period": {"since": r.period.since.to_string(), "until": r.period.until.to_string()},
                "sections": sections,
            });
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(["section", "row", "column", "value"])?;
            for s in &r.sections {
                match &s.body {
                    Body::Figures(f) => {
                        for f in f {
                            w.write_record([s.id.as_str(), &f.id, "value", &cell_csv(&f.value)])?;
                        }
                    }
                    Body::Table { columns, rows, .. } => {
                        for (i, row) in rows.iter().enumerate() {
                            let n = (i + 1).to_string();
                            for (c, v) in columns.iter().zip(row) {
                                w.write_record([s.id.as_str(), &n, &c.id, &cell_csv(v)])?;
                            }
                        }
                    }
                }
            }
            w.flush()
        }
        Format::Markdown => {
            writeln!(out, "# {}\n", r.title)?;
            writeln!(out, "As of {}, period {}.", r.as_of, r.period.label())?;
            for s in &r.sections {
                writeln!(out, "\n## {}\n", s.title)?;
                let (header, rows) = rows_of(&s.body);
                if rows.is_empty() {
                    writeln!(out, "None.")?;
                    continue;
                }
                super::table::write_rows(out, &header, &rows, Format::Markdown, true)?;
            }
            Ok(())
        }
        _ => {
            writeln!(
                out,
                "{}: as of {}, period {}",
                r.title,
                r.as_of,
                r.period.label()
            )?;
            for s in &r.sections {
                writeln!(out, "\n{}", s.title)?;
                let (mut header, mut rows) = rows_of(&s.body);
                if rows.is_empty() {
                    writeln!(out, "  (none)")?;
                    continue;
                }
                if let Body::Table {
                    rows: cells,
                    bar: Some(col),
                    ..
                } = &s.body
                {
                    let max = cells
                        .iter()
                        .map(|r| match r.get(*col) {
                            Some(Cell::Count(n)) => *n,
                            _ => 0,
                        })
                        .max()
                        .unwrap_or(0);
                    header.push(String::new());
                    for (row, cells) in rows.iter_mut().zip(cells) {
                        row.push(bar(&cells[*col], max, unicode));
                    }
                }
                super::table::write_rows(out, &header, &rows, Format::Table, true)?;
            }
            Ok(())
        }
    }
}

fn rows_of(body: &Body) -> (Vec<String>, Vec<Vec<String>>) {
    match body {
        Body::Figures(f) => (
            vec!["Figure".into(), "Value".into()],
            f.iter()
                .map(|f| vec![f.label.clone(), cell_text(&f.value)])
                .collect(),
        ),
        Body::Table { columns, rows, .. } => (
            columns.iter().map(|c| c.label.clone()).collect(),
            rows.iter()
                .map(|r| r.iter().map(cell_text).collect())
                .collect(),
        ),
    }
}
