//! `crm import`: rows from csv, tsv, json or jsonl into records.
//!
//! The whole file is read, mapped and checked first ([`plan`]); only a plan with no bad
//! row is written (`write.rs`), one atomic file at a time. A new record without an `id`
//! column gets a stable id derived from what identifies it (a customer's e-mail, a
//! deal's title and customer, …), so running the same import again, or again after it
//! was interrupted, matches the records it made instead of making them twice.

//!
//! The stages, one file each, run in this order and depend only on the ones before:
//! `read` turns the input into rows of text cells with their lines, `map` names the
//! field each column goes to, `plan` converts the cells and matches each row to a new or
//! existing record (checking each planned record, its references and shared e-mails
//! with `check`), and `write` writes a checked plan.

mod check;
mod map;
mod plan;
mod read;
pub mod vcard;
mod write;

use std::fmt;

use crate::model::{Record, RecordType};
use crate::store::load::Loaded;

pub use crate::error::{ImportErrors, RowError, MAX_LISTED};
pub use map::snake_case;
pub use plan::plan;
pub use write::{describe, stripped_values, write};

/// The formats rows are read in: [`crate::render::Format::DATA`] (one output format enum serves both).
pub use crate::render::Format as DataFormat;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchBy {
    Email,
    Id,
    Name,
    None,
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub ty: RecordType,
    /// The file's name for messages (`-` for standard input).
    pub source: String,
    pub format: DataFormat,
    /// `--map COL=FIELD`.
    pub maps: Vec<(String, String)>,
    /// `--map-value FIELD:FROM=TO`.
    pub value_maps: Vec<(String, String, String)>,
    pub ignore_unmapped: bool,
    /// `--date-format`, a chrono format such as `%d/%m/%Y`.
    pub date_format: Option<String>,
    /// `.` (default) or `,`.
    pub decimal_mark: char,
    /// Default: e-mail for customers, id for the others.
    pub match_by: Option<MatchBy>,
    pub create_missing_customers: bool,
    /// Keep a leading `'` (crm export's guard against formulas) as data.
    pub raw: bool,
}

impl ImportOptions {
    /// An import of `source` as `ty` records with every option at its default (as
    /// `crm import` without flags): columns named like fields, `.` decimals, matched by
    /// the type's default key, no customer created.
    pub fn new(ty: RecordType, source: impl Into<String>, format: DataFormat) -> ImportOptions {
        ImportOptions {
            ty,
            source: source.into(),
            format,
            maps: Vec::new(),
            value_maps: Vec::new(),
            ignore_unmapped: false,
            date_format: None,
            decimal_mark: '.',
            match_by: None,
            create_missing_customers: false,
            raw: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Create,
    /// The top-level fields that change.
    Update(Vec<String>),
    Unchanged,
}

#[derive(Debug)]
pub struct Planned<'s> {
    /// The input line of the row (0 for a customer made by --create-missing-customers).
    pub line: usize,
    pub action: Action,
    pub record: Record,
    pub original: Option<&'s Loaded>,
}

#[derive(Debug, Default)]
pub struct Plan<'s> {
    pub items: Vec<Planned<'s>>,
    /// Rows with no value at all.
    pub skipped: usize,
    /// Customer rows with an address or number of an erased customer (`crm forget`):
    /// never made a customer again.
    pub erased: usize,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub erased: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "created {}, updated {}, unchanged {}, skipped {}",
            self.created, self.updated, self.unchanged, self.skipped
        )?;
        if self.erased > 0 {
            write!(f, ", erased {}", self.erased)?;
        }
        Ok(())
    }
}

impl Plan<'_> {
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            skipped: self.skipped,
            erased: self.erased,
            ..Summary::default()
        };
        for i in &self.items {
            match i.action {
                Action::Create => s.created += 1,
                Action::Update(_) => s.updated += 1,
                Action::Unchanged => s.unchanged += 1,
            }
        }
        s
    }
}
