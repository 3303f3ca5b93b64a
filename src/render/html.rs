//! A report as one self-contained HTML page: inline CSS and SVG, nothing loaded from the
//! network, no JavaScript. Readable on a phone (tables scroll sideways, charts scale) and
//! on paper (print styles). Tables with a `bar` column get a bar chart, sections with a
//! [`Chart`] a column chart per series. A column of keys (`id`) is left out. The same
//! report always renders to the same bytes.

use std::fmt::Write as _;
use std::io::{self, Write};

use rust_decimal::prelude::ToPrimitive;

use super::cell::cell_text;
use crate::model::money::MoneyStyle;
use crate::report::{Body, Cell, Chart, Report, Section};

const STYLE: &str = "\
:root{--ink:#1f2933;--muted:#616e7c;--line:#d9e2ec;--bar:#2f6f9f;--bar2:#d97706;--bg:#fff}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0 0}
h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
.meta{color:var(--muted);margin:.25rem 0 1rem}
.skipped{color:#8a1c00;font-weight:600;margin:0 0 1rem}
.scroll{overflow-x:auto;background:linear-gradient(to right,var(--bg) 30%,#fff0) 0 0/2.5rem 100% no-repeat local,linear-gradient(to left,var(--bg) 30%,#fff0) 100% 0/2.5rem 100% no-repeat local,radial-gradient(farthest-side at 0 50%,#0003,#0000) 0 0/.9rem 100% no-repeat scroll,radial-gradient(farthest-side at 100% 50%,#0003,#0000) 100% 0/.9rem 100% no-repeat scroll}
td.date{white-space:nowrap}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.none{color:var(--muted);font-style:italic}
svg{display:block;width:100%;height:auto;margin:.5rem 0}
svg.hbars{max-width:475px}
svg.cols{max-width:375px}
svg text{font:13px system-ui,sans-serif;fill:var(--ink)}
svg .bar{fill:var(--bar)}
svg .bar2{fill:var(--bar2)}
svg .axis{stroke:var(--line)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
.charts figure{margin:0}
figcaption{font-size:.85rem;color:var(--muted)}
@media print{body{font-size:11pt}main{max-width:none;padding:0}section{break-inside:avoid}.scroll{overflow:visible;background:none}}
";

/// Text for HTML content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The number a chart draws for a cell: counts and numbers as they are, rates in
/// percent, amounts as their converted total, else their only currency's amount.
fn magnitude(c: &Cell) -> Option<f64> {
    match c {
        Cell::Count(n) => Some(*n as f64),
        Cell::Number(Some(d)) | Cell::Factor(Some(d)) => d.to_f64(),
        Cell::Rate(Some(d)) => (*d * rust_decimal::Decimal::ONE_HUNDRED).to_f64(),
        Cell::Money(a) => match (&a.converted, a.by_currency.len()) {
            (Some((_, v)), _) => v.to_f64(),
            (None, 0) => Some(0.0),
            (None, 1) => a.by_currency.values().next().and_then(|v| v.to_f64()),
            _ => None,
        },
        _ => None,
    }
}

/// Per row: its label (first cell), the magnitude of column `col`, and that cell as text.
fn points(rows: &[Vec<Cell>], col: usize, m: &MoneyStyle) -> Vec<(String, Option<f64>, String)> {
    rows.iter()
        .filter_map(|r| {
            let cell = r.get(col)?;
            let label = r.first().map(|c| cell_text(c, m)).unwrap_or_default();
            Some((label, magnitude(cell), cell_text(cell, m)))
        })
        .collect()
}

/// A date, moment, month or week (`2026-08-24`, `2026-11`, `2026-W47`, `2026-Q4`).
fn is_date(c: &Cell) -> bool {
    let Cell::Text(t) = c else { return false };
    let b = t.as_bytes();
    b.len() >= 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && !t.contains(' ')
        && t[5..]
            .bytes()
            .all(|x| x.is_ascii_alphanumeric() || b"-:+T".contains(&x))
}

fn is_numeric(c: &Cell) -> bool {
    !matches!(c, Cell::Text(_))
}

/// Horizontal bars, one per row, labelled by the row's first cell.
fn bars(out: &mut String, title: &str, rows: &[Vec<Cell>], col: usize, m: &MoneyStyle) {
    // Rows whose value cannot be drawn (amounts in several currencies) have no bar.
    let values: Vec<(String, f64, String)> = points(rows, col, m)
        .into_iter()
        .filter_map(|(label, v, shown)| Some((label, v?, shown)))
        .collect();
    if values.is_empty() {
        return;
    }
    let max = values.iter().map(|v| v.1).fold(0.0_f64, f64::max);
    // Drawn about as wide as a phone (380 units): its 13-unit text stays 11 px or more
    // on a 390-pixel screen, and grows to no more than 16 px on a wide one.
    let (label_w, bar_w, row_h) = (110.0, 150.0, 26.0);
    let height = row_h * values.len() as f64 + 8.0;
    let _ = write!(
        out,
        "<svg class=\"hbars\" role=\"img\" viewBox=\"0 0 380 {height}\" aria-label=\"{}\"><title>{}</title>",
        esc(title),
        esc(title)
    );
    for (i, (label, v, shown)) in values.iter().enumerate() {
        let y = 4.0 + row_h * i as f64;
        let w = if max > 0.0 { v / max * bar_w } else { 0.0 };
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect class=\"bar\" x=\"{label_w}\" y=\"{}\" width=\"{w:.1}\" height=\"{}\"><title>{}: {}</title></rect>\
             <text x=\"{:.1}\" y=\"{}\">{}</text>",
            label_w - 8.0,
            y + 17.0,
            esc(label),
            y + 3.0,
            row_h - 8.0,
            esc(label),
            esc(shown),
            label_w + w + 6.0,
            y + 17.0,
            esc(shown)
        );
    }
    out.push_str("</svg>");
}

/// A column chart of one column over the rows (oldest first), labelled by first cells.
fn column_chart(
    out: &mut String,
    caption: &str,
    rows: &[Vec<Cell>],
    col: usize,
    class: &str,
    m: &MoneyStyle,
) {
    // A week whose value cannot be drawn keeps its slot, empty.
    let values: Vec<(String, f64, String)> = points(rows, col, m)
        .into_iter()
        .map(|(label, v, shown)| (label, v.unwrap_or(0.0), shown))
        .collect();
    if values.is_empty() {
        return;
    }
    let max = values.iter().map(|v| v.1).fold(0.0_f64, f64::max);
    // 300 units wide in a column at least 16rem wide: 13-unit text stays 11 px or more.
    let (w, h, base) = (300.0, 170.0, 145.0);
    let slot = w / values.len() as f64;
    let _ = write!(
        out,
        "<figure><svg class=\"cols\" role=\"img\" viewBox=\"0 0 {w} {h}\" aria-label=\"{}\"><title>{}</title>\
         <line class=\"axis\" x1=\"0\" y1=\"{base}\" x2=\"{w}\" y2=\"{base}\"/>",
        esc(caption),
        esc(caption)
    );
    for (i, (label, v, shown)) in values.iter().enumerate() {
        let bh = if max > 0.0 {
            v / max * (base - 10.0)
        } else {
            0.0
        };
        let x = slot * i as f64 + slot * 0.15;
        let _ = write!(
            out,
            "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\"><title>{}: {}</title></rect>",
            base - bh,
            slot * 0.7,
            esc(label),
            esc(shown)
        );
        // Every third label fits under the columns.
        if i % 3 == 0 {
            let short = label.get(5..).unwrap_or(label);
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x + slot * 0.35,
                base + 16.0,
                esc(short)
            );
        }
    }
    let top = values
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|v| v.2.clone())
        .unwrap_or_default();
    let _ = write!(
        out,
        "</svg><figcaption>{} (highest: {})</figcaption></figure>",
        esc(caption),
        esc(&top)
    );
}

fn table(out: &mut String, labels: &[String], rows: &[Vec<Cell>], m: &MoneyStyle) {
    let numeric: Vec<bool> = (0..labels.len())
        .map(|i| rows.iter().any(|r| r.get(i).is_some_and(is_numeric)))
        .collect();
    out.push_str("<div class=\"scroll\"><table><thead><tr>");
    for (i, l) in labels.iter().enumerate() {
        let class = if numeric[i] { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th{class}>{}</th>", esc(l));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        out.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if numeric.get(i).copied().unwrap_or(false) {
                " class=\"num\""
            } else if is_date(c) {
                // Kept whole: a narrow column broke `2026-08-24` after `2026-`.
                " class=\"date\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{}</td>", esc(&cell_text(c, m)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
}

fn section(out: &mut String, s: &Section, m: &MoneyStyle) {
    let _ = write!(
        out,
        "<section id=\"{}\"><h2>{}</h2>",
        esc(&s.id),
        esc(&s.title)
    );
    match &s.body {
        Body::Figures(figures) => {
            let labels = ["Figure".to_string(), "Value".to_string()];
            let rows: Vec<Vec<Cell>> = figures
                .iter()
                .map(|f| vec![Cell::Text(f.label.clone()), f.value.clone()])
                .collect();
            table(out, &labels, &rows, m);
            for note in s.notes() {
                let _ = write!(out, "<p class=\"note\">{}</p>", esc(&note));
            }
        }
        Body::Table { rows, .. } if rows.is_empty() => {
            out.push_str("<p class=\"none\">None.</p>");
        }
        Body::Table { columns, rows, bar } => {
            if let Some(col) = bar {
                bars(out, &s.title, rows, *col, m);
            }
            if let Some(Chart::Columns(series)) = &s.chart {
                out.push_str("<div class=\"charts\">");
                for (k, col) in series.iter().enumerate() {
                    let name = columns.get(*col).map(|c| c.label.as_str()).unwrap_or("");
                    let class = if k % 2 == 0 { "bar" } else { "bar2" };
                    column_chart(out, name, rows, *col, class, m);
                }
                out.push_str("</div>");
            }
            // A column of keys (`id`) is for scripts (json, csv); people read the labels.
            let keep: Vec<usize> = (0..columns.len())
                .filter(|i| columns[*i].id != "id" || columns.len() == 1)
                .collect();
            let labels: Vec<String> = keep.iter().map(|i| columns[*i].label.clone()).collect();
            let rows: Vec<Vec<Cell>> = rows
                .iter()
                .map(|r| keep.iter().filter_map(|i| r.get(*i).cloned()).collect())
                .collect();
            table(out, &labels, &rows, m);
            for note in s.notes() {
                let _ = write!(out, "<p class=\"note\">{}</p>", esc(&note));
            }
        }
    }
    out.push_str("</section>\n");
}

/// Writes the page.
pub fn write_html(out: &mut dyn Write, r: &Report, m: &MoneyStyle) -> io::Result<()> {
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} (as of {})</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <header><h1>{}</h1><p class=\"meta\">As of {}, period {}.</p></header>\n",
        esc(&r.title),
        r.as_of,
        esc(&r.title),
        r.as_of,
        esc(&r.period.label())
    );
    if let Some(line) = r.skipped_line() {
        let _ = writeln!(page, "<p class=\"skipped\">{}</p>", esc(&line));
    }
    for s in &r.sections {
        section(&mut page, s, m);
    }
    page.push_str("</main>\n</body>\n</html>\n");
    out.write_all(page.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_in_text() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
