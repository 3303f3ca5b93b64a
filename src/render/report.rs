//! Drawing a report: table (with bars), markdown, json, csv. The same report always
//! renders to the same bytes.

use std::io::{self, Write};

use rust_decimal::Decimal;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::cell::{cell_text, dec};
use super::Format;
use crate::model::money::MoneyStyle;
use crate::report::stats::round;
use crate::report::{Body, Cell, Column, Figure, Report, Section};

/// How wide the longest bar is, in characters.
const BAR_WIDTH: u64 = 20;

/// A number for machines: whole numbers as JSON integers, others as JSON decimals.
struct JsonNumber(Decimal);

impl Serialize for JsonNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0.normalize();
        if d.scale() == 0 {
            if let Ok(i) = i64::try_from(d.mantissa()) {
                return s.serialize_i64(i);
            }
        }
        match dec(d).parse::<f64>() {
            Ok(f) if f.is_finite() => s.serialize_f64(f),
            _ => s.serialize_unit(),
        }
    }
}

/// A cell for machines: rates as fractions (4 places), amounts per currency.
struct JsonCell<'a>(&'a Cell);

impl Serialize for JsonCell<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let number = |n: Option<Decimal>, places| n.map(|n| JsonNumber(round(n, places)));
        match self.0 {
            Cell::Text(t) => s.serialize_str(t),
            Cell::Count(n) => s.serialize_u64(*n),
            Cell::Money(a) | Cell::MoneyChange(a) => {
                let mut m = s.serialize_map(None)?;
                for (cur, v) in &a.by_currency {
                    m.serialize_entry(cur, &JsonNumber(round(*v, 2)))?;
                }
                if let Some((cur, v)) = &a.converted {
                    m.serialize_entry(
                        "converted",
                        &Converted {
                            currency: cur,
                            amount: JsonNumber(round(*v, 2)),
                        },
                    )?;
                }
                m.end()
            }
            Cell::Rate(r) => number(*r, 4).serialize(s),
            Cell::Number(n) | Cell::Delta(n) | Cell::Points(n) => number(*n, 1).serialize(s),
            Cell::Factor(n) => number(*n, 2).serialize(s),
        }
    }
}

#[derive(Serialize)]
struct Converted<'a> {
    currency: &'a str,
    amount: JsonNumber,
}

/// A report for machines, written as it is walked: a report's rows can be tens of
/// thousands (stale deals), and a JSON tree of them would double the run's memory.
struct JsonReport<'a>(&'a Report);

impl Serialize for JsonReport<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("report", r.name)?;
        m.serialize_entry("title", &r.title)?;
        m.serialize_entry("as_of", &r.as_of.to_string())?;
        m.serialize_entry(
            "period",
            &JsonPeriod {
                since: r.period.since.to_string(),
                until: r.period.until.to_string(),
            },
        )?;
        m.serialize_entry("skipped", &r.skipped)?;
        if let Some(by) = &r.by {
            m.serialize_entry("by", &by.field)?;
        }
        m.serialize_entry("sections", &JsonSections(&r.sections))?;
        m.end()
    }
}

#[derive(Serialize)]
struct JsonPeriod {
    since: String,
    until: String,
}

struct JsonSections<'a>(&'a [Section]);

impl Serialize for JsonSections<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for section in self.0 {
            m.serialize_entry(&section.id, &JsonSection(section))?;
        }
        m.end()
    }
}

/// `{"title", "figures": {id: value}}` or `{"title", "rows": [{column: value}]}`.
struct JsonSection<'a>(&'a Section);

impl Serialize for JsonSection<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("title", &self.0.title)?;
        match &self.0.body {
            Body::Figures(f) => m.serialize_entry("figures", &JsonFigures(f))?,
            Body::Table { columns, rows, .. } => {
                m.serialize_entry("rows", &JsonRows(columns, rows))?
            }
        }
        m.end()
    }
}

struct JsonFigures<'a>(&'a [Figure]);

impl Serialize for JsonFigures<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for f in self.0 {
            m.serialize_entry(&f.id, &JsonCell(&f.value))?;
        }
        m.end()
    }
}

struct JsonRows<'a>(&'a [Column], &'a [Vec<Cell>]);

impl Serialize for JsonRows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.1.iter().map(|r| JsonRow(self.0, r)))
    }
}

struct JsonRow<'a>(&'a [Column], &'a [Cell]);

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len().min(self.1.len())))?;
        for (c, v) in self.0.iter().zip(self.1) {
            m.serialize_entry(&c.id, &JsonCell(v))?;
        }
        m.end()
    }
}

/// A cell in the long csv: rates as fractions, n/a as empty.
fn cell_csv(c: &Cell) -> String {
    match c {
        Cell::Rate(Some(r)) => dec(round(*r, 4)),
        Cell::Rate(None)
        | Cell::Number(None)
        | Cell::Factor(None)
        | Cell::Delta(None)
        | Cell::Points(None) => String::new(),
        Cell::Points(Some(d)) => dec(*d),
        Cell::Money(a) | Cell::MoneyChange(a) if !a.is_empty() => {
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
        // Text from records (names, ids) is guarded as every csv cell is.
        other => super::guard::neutralise(&cell_text(other, &MoneyStyle::default())),
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

/// Writes a report; `money` is how the human formats write amounts (json and csv keep
/// them exact).
#[expect(
    clippy::too_many_lines,
    reason = "one match over the output formats of reports"
)]
pub fn write_report(
    out: &mut dyn Write,
    r: &Report,
    format: Format,
    unicode: bool,
    money: &MoneyStyle,
) -> io::Result<()> {
    match format {
        Format::Html => super::html::write_html(out, r, money),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &JsonReport(r))?;
            writeln!(out)
        }
        Format::Csv if r.by.is_some() => write_grouped_csv(out, r),
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
            for (i, s) in r.skipped.iter().enumerate() {
                w.write_record(["skipped", &(i + 1).to_string(), "file", s])?;
            }
            w.flush()
        }
        Format::Markdown => {
            writeln!(out, "# {}\n", r.title)?;
            writeln!(out, "As of {}, period {}.", r.as_of, r.period.label())?;
            if let Some(line) = r.skipped_line() {
                writeln!(out, "\n**{line}**")?;
            }
            for s in &r.sections {
                writeln!(out, "\n## {}\n", s.title)?;
                let (header, rows) = rows_of(&s.body, money);
                if rows.is_empty() {
                    writeln!(out, "None.")?;
                    continue;
                }
                super::rows::write_rows(
                    out,
                    &header,
                    &rows,
                    Format::Markdown,
                    super::rows::RowOptions::HUMAN,
                )?;
                for note in s.notes() {
                    writeln!(out, "\n{}", super::guard::markdown_text(&note))?;
                }
            }
            Ok(())
        }
        Format::Jsonl
        | Format::Yaml
        | Format::Tsv
        | Format::Ids
        | Format::Text
        | Format::Github
        | Format::Ics
        | Format::Vcf
        | Format::Sqlite
        | Format::Parquet => Err(io::Error::other(format!(
            "reports are not written as {format}"
        ))),
        Format::Table => {
            writeln!(
                out,
                "{}: as of {}, period {}",
                r.title,
                r.as_of,
                r.period.label()
            )?;
            if let Some(line) = r.skipped_line() {
                writeln!(out, "{line}")?;
            }
            let width = super::table::page_width();
            for s in &r.sections {
                writeln!(out, "\n{}", super::table::wrap(&s.title, width, ""))?;
                let (mut header, mut rows) = rows_of(&s.body, money);
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
                    // Bars of nothing are left out; drawn ones are headed by what they draw.
                    if max > 0 {
                        header.push(format!("{} (bar)", header[*col]));
                        for (row, cells) in rows.iter_mut().zip(cells) {
                            row.push(bar(&cells[*col], max, unicode));
                        }
                    }
                }
                super::rows::write_rows(
                    out,
                    &header,
                    &rows,
                    Format::Table,
                    super::rows::RowOptions::HUMAN,
                )?;
                for note in s.notes() {
                    let note = format!("  {}", super::guard::printable(&note));
                    writeln!(out, "{}", super::table::wrap(&note, width, "    "))?;
                }
            }
            Ok(())
        }
    }
}

/// A breakdown in the long form of its report with the group first: per group its size
/// (`group,size,customers,…`), then each headline figure where the whole report has it
/// (`cafe,closed,won,value,3`).
fn write_grouped_csv(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["group", "section", "row", "column", "value"])?;
    let origins = r.by.as_ref().map_or(&[][..], |b| b.origins.as_slice());
    for s in &r.sections {
        let Body::Table { columns, rows, .. } = &s.body else {
            continue;
        };
        for row in rows {
            let group = row.first().map(cell_csv).unwrap_or_default();
            if let (Some(c), Some(v)) = (columns.get(1), row.get(1)) {
                w.write_record([group.as_str(), "group", "size", &c.id, &cell_csv(v)])?;
            }
            for ([section, at, column], v) in origins.iter().zip(row.iter().skip(2)) {
                w.write_record([group.as_str(), section, at, column, &cell_csv(v)])?;
            }
        }
    }
    for (i, s) in r.skipped.iter().enumerate() {
        w.write_record(["", "skipped", &(i + 1).to_string(), "file", s])?;
    }
    w.flush()
}

fn rows_of(body: &Body, m: &MoneyStyle) -> (Vec<String>, Vec<Vec<String>>) {
    match body {
        Body::Figures(f) => (
            vec!["Figure".into(), "Value".into()],
            f.iter()
                .map(|f| vec![f.label.clone(), cell_text(&f.value, m)])
                .collect(),
        ),
        Body::Table { columns, rows, .. } => (
            columns.iter().map(|c| c.label.clone()).collect(),
            rows.iter()
                .map(|r| r.iter().map(|c| cell_text(c, m)).collect())
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{fig, Amounts, Period, Section};
    use chrono::NaiveDate;

    #[test]
    fn json_is_written_field_by_field_in_report_order() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let mut money = Amounts::default();
        money.add("USD", d("1000.50"));
        money.add("EUR", d("20"));
        money.converted = Some(("USD".into(), d("1030.504")));
        let r = Report {
            skipped: Vec::new(),
            by: None,
            name: "pipeline",
            title: "Pipeline".into(),
            as_of: day(22),
            period: Period {
                since: day(1),
                until: day(22),
            },
            sections: vec![
                Section::figures(
                    "closed",
                    "Closed",
                    vec![
                        fig("won", "Won", Cell::Count(3)),
                        fig("value", "Value", Cell::Money(money)),
                        fig("rate", "Rate", Cell::Rate(Some(d("0.666666")))),
                        fig("none", "None", Cell::Rate(None)),
                        // Halves round away from zero: 10.3.
                        fig("days", "Days", Cell::Number(Some(d("10.25")))),
                        fig("lift", "Lift", Cell::Factor(Some(d("1.5")))),
                        fig("delta", "Delta", Cell::Delta(Some(d("-2")))),
                    ],
                ),
                Section::table(
                    "stale",
                    "Stale",
                    &[("id", "Deal"), ("money", "Value")],
                    vec![vec![
                        Cell::Text("d1 \"x\"".into()),
                        Cell::Money(Amounts::default()),
                    ]],
                    None,
                ),
                Section::table("empty", "Empty", &[("id", "Deal")], vec![], None),
            ],
        };
        let mut out = Vec::new();
        write_report(&mut out, &r, Format::Json, false, &MoneyStyle::default()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{
  "report": "pipeline",
  "title": "Pipeline",
  "as_of": "2026-11-22",
  "period": {
    "since": "2026-11-01",
    "until": "2026-11-22"
  },
  "skipped": [],
  "sections": {
    "closed": {
      "title": "Closed",
      "figures": {
        "won": 3,
        "value": {
          "EUR": 20,
          "USD": 1000.5,
          "converted": {
            "currency": "USD",
            "amount": 1030.5
          }
        },
        "rate": 0.6667,
        "none": null,
        "days": 10.3,
        "lift": 1.5,
        "delta": -2
      }
    },
    "stale": {
      "title": "Stale",
      "rows": [
        {
          "id": "d1 \"x\"",
          "money": {}
        }
      ]
    },
    "empty": {
      "title": "Empty",
      "rows": []
    }
  }
}
"#
        );
    }
}
