//! Reports (README, "Reports"). Each report is a function from the folder's records, a period
//! and an as-of date to a [`Report`]: titled sections of figures and tables, which
//! `render::report` draws in every format. Every figure's definition sits beside the
//! code that computes it, and in the README.

pub mod breakdown;
pub mod campaigns;
pub mod customer;
pub mod customers;
pub mod data;
pub mod deal;
pub mod feedback;
pub mod funnel;
pub mod leads;
pub mod period;
pub mod pipeline;
pub mod segments;
pub mod service;
pub mod stats;
pub mod ticket;
pub mod touch;
pub mod weekly;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

pub use data::Data;
pub use deal::Deal;
pub use period::{Period, PeriodArgs};
pub use touch::Touch;

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// `funnel`, `pipeline`, …
    pub name: &'static str,
    pub title: String,
    pub as_of: NaiveDate,
    pub period: Period,
    pub sections: Vec<Section>,
    /// The files the report left out because they could not be read, each as
    /// `path:line:column: problem`: every format says so, so a figure over a folder with
    /// a broken file is never taken for the whole truth.
    pub skipped: Vec<String>,
    /// Set on a breakdown (`--by FIELD`, see [`breakdown`]): its one section, `groups`,
    /// is a table of the headline figures per value of the field.
    pub by: Option<By>,
}

/// What a breakdown groups by, and where each of its figure columns comes from in the
/// report it breaks down (the csv's long form names them so).
#[derive(Debug, Clone, PartialEq)]
pub struct By {
    /// The field path, as given (`industry`, `customer.sector`).
    pub field: String,
    /// For each column after the group's value and size: the section, row and column of
    /// the figure in the whole report's long form (`closed`, `won`, `value`).
    pub origins: Vec<[String; 3]>,
}

impl Report {
    /// The line under the title of the human formats, when files were skipped.
    pub fn skipped_line(&self) -> Option<String> {
        if self.skipped.is_empty() {
            return None;
        }
        let n = self.skipped.len();
        let paths: Vec<&str> = self
            .skipped
            .iter()
            .map(|s| s.split_once(':').map_or(s.as_str(), |(p, _)| p))
            .collect();
        Some(format!(
            "Skipped {n} file{} that could not be read, so these figures leave {} out: {} (`crm check` lists every problem)",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" },
            paths.join(", ")
        ))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// A stable snake_case key (json, csv).
    pub id: String,
    pub title: String,
    pub body: Body,
    /// A chart the HTML page draws beside the table (tables with a `bar` column get bars).
    pub chart: Option<Chart>,
    /// Lines under the section that say how to read it (a breakdown by a list field).
    pub notes: Vec<String>,
}

/// A chart of a table, for the HTML page.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// One column chart per listed column, a column per row (a trend over the rows, which
    /// are labelled by their first cell).
    Columns(Vec<usize>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// Named figures, one per line.
    Figures(Vec<Figure>),
    /// Rows of cells; `bar` names the count column drawn as a bar in table format.
    Table {
        columns: Vec<Column>,
        rows: Vec<Vec<Cell>>,
        bar: Option<usize>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub id: String,
    pub label: String,
    pub value: Cell,
    /// The definition of a figure whose label is short for it: the human formats print
    /// it as a line under the table, so the table fits a terminal.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub id: String,
    pub label: String,
}

/// One value of a report. Rates and averages are `None` where their denominator is
/// empty: shown as `n/a`, null in json; never NaN or infinity.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Count(u64),
    Money(Amounts),
    /// A share from 0 to 1 (shown as a percentage).
    Rate(Option<Decimal>),
    /// A plain number such as hours or days (one decimal place).
    Number(Option<Decimal>),
    /// A multiplier such as lift (two decimal places).
    Factor(Option<Decimal>),
    /// A change of a count or number from one period to the next (signed).
    Delta(Option<Decimal>),
    /// A change of a rate, in percentage points (shown signed, with "pp").
    Points(Option<Decimal>),
    /// A change of amounts, per currency (shown signed: `+IDR 30000000`).
    MoneyChange(Amounts),
}

/// Amounts per currency, never added across currencies; `converted` is their total in
/// the default currency when `crm.toml` gives a rate for every one of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Amounts {
    pub by_currency: BTreeMap<String, Decimal>,
    pub converted: Option<(String, Decimal)>,
}

impl Amounts {
    pub fn add(&mut self, currency: &str, amount: Decimal) {
        // Found before inserting: a report adds to a handful of currencies tens of
        // thousands of times, and an entry would copy the name each time.
        match self.by_currency.get_mut(currency) {
            Some(total) => *total += amount,
            None => {
                self.by_currency.insert(currency.to_string(), amount);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_currency.is_empty()
    }
}

impl Report {
    /// A figure of a section, by ids.
    pub fn figure(&self, section: &str, id: &str) -> Option<&Cell> {
        self.sections
            .iter()
            .find(|s| s.id == section)
            .and_then(|s| match &s.body {
                Body::Figures(f) => f.iter().find(|f| f.id == id).map(|f| &f.value),
                Body::Table { .. } => None,
            })
    }

    /// The rows of a table section.
    /// The cells of one column of a table section, by the column's id.
    pub fn column<'r>(&'r self, section: &str, column: &str) -> impl Iterator<Item = &'r Cell> {
        let table = self.sections.iter().find(|s| s.id == section);
        let (rows, at) = match table.map(|s| &s.body) {
            Some(Body::Table { columns, rows, .. }) => {
                (rows.as_slice(), columns.iter().position(|c| c.id == column))
            }
            _ => (&[][..], None),
        };
        rows.iter().filter_map(move |r| r.get(at?))
    }

    pub fn rows(&self, section: &str) -> &[Vec<Cell>] {
        self.sections
            .iter()
            .find(|s| s.id == section)
            .and_then(|s| match &s.body {
                Body::Table { rows, .. } => Some(rows.as_slice()),
                Body::Figures(_) => None,
            })
            .unwrap_or(&[])
    }
}

impl Section {
    pub fn figures(id: &str, title: &str, figures: Vec<Figure>) -> Section {
        Section {
            id: id.into(),
            title: title.into(),
            body: Body::Figures(figures),
            chart: None,
            notes: Vec::new(),
        }
    }

    pub fn table(
        id: &str,
        title: &str,
        columns: &[(&str, &str)],
        rows: Vec<Vec<Cell>>,
        bar: Option<usize>,
    ) -> Section {
        Section {
            id: id.into(),
            title: title.into(),
            body: Body::Table {
                columns: columns
                    .iter()
                    .map(|(id, label)| Column {
                        id: id.to_string(),
                        label: label.to_string(),
                    })
                    .collect(),
                rows,
                bar,
            },
            chart: None,
            notes: Vec::new(),
        }
    }

    pub fn with_chart(mut self, chart: Chart) -> Section {
        self.chart = Some(chart);
        self
    }

    pub fn with_title(mut self, title: impl Into<String>) -> Section {
        self.title = title.into();
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Section {
        self.notes.push(note.into());
        self
    }

    /// The lines under the section: its figures' definitions, then its own notes.
    pub fn notes(&self) -> Vec<String> {
        let mut out = self.body.notes();
        out.extend(self.notes.iter().cloned());
        out
    }
}

pub fn fig(id: &str, label: &str, value: Cell) -> Figure {
    Figure {
        id: id.into(),
        label: label.into(),
        value,
        note: None,
    }
}

/// A figure with a short label and its definition as a note under the table.
pub fn fig_noted(id: &str, label: &str, note: &str, value: Cell) -> Figure {
    Figure {
        note: Some(note.into()),
        ..fig(id, label, value)
    }
}

impl Body {
    /// The notes under a table: each figure's label and definition.
    pub fn notes(&self) -> Vec<String> {
        match self {
            Body::Figures(f) => f
                .iter()
                .filter_map(|f| Some(format!("{}: {}", f.label, f.note.as_ref()?)))
                .collect(),
            Body::Table { .. } => Vec::new(),
        }
    }
}

pub fn count(n: usize) -> Cell {
    Cell::Count(n as u64)
}

pub fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}
