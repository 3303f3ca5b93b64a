//! `crm import`: rows from csv, tsv, json or jsonl into records.
//!
//! The whole file is read, mapped and checked first ([`plan`]); only a plan with no bad
//! row is written ([`write`]), one atomic file at a time. A new record without an `id`
//! column gets a stable id derived from what identifies it (a customer's e-mail, a
//! deal's title and customer, …), so running the same import again, or again after it
//! was interrupted, matches the records it made instead of making them twice.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use serde_yaml::{Mapping, Value};

use super::add::fill_defaults;
use super::export::LIST_SEP;
use crate::error::Error;
use crate::model::clock::{format_moment, parse_date, parse_moment};
use crate::model::fold;
use crate::model::id::{check_id, stable_id};
use crate::model::spec::{self, FieldKind};
use crate::model::stage::change_stage;
use crate::model::value::{parse_input, validate, FieldError};
use crate::model::{Record, RecordType};
use crate::render::guard::unneutralise;
use crate::store::load::Loaded;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    Csv,
    Tsv,
    Json,
    Jsonl,
}

impl DataFormat {
    pub fn parse(s: &str) -> Option<DataFormat> {
        match s {
            "csv" => Some(DataFormat::Csv),
            "tsv" | "tab" => Some(DataFormat::Tsv),
            "json" => Some(DataFormat::Json),
            "jsonl" | "ndjson" => Some(DataFormat::Jsonl),
            _ => None,
        }
    }

    /// The format a file name's extension names.
    pub fn from_path(path: &std::path::Path) -> Option<DataFormat> {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(|e| DataFormat::parse(&e.to_ascii_lowercase()))
    }
}

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

/// A bad row: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Why nothing was imported.
#[derive(Debug)]
pub struct ImportErrors {
    pub source: String,
    pub errors: Vec<RowError>,
}

/// How many bad rows are listed before the rest are only counted.
pub const MAX_LISTED: usize = 50;

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        write!(
            f,
            "{n} bad row{} in {}; nothing was imported",
            if n == 1 { "" } else { "s" },
            self.source
        )?;
        for e in self.errors.iter().take(MAX_LISTED) {
            write!(
                f,
                "\n{}:{}:{}: {}",
                self.source, e.line, e.column, e.message
            )?;
        }
        if n > MAX_LISTED {
            write!(f, "\n… and {} more", n - MAX_LISTED)?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportErrors {}

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
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub skipped: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "created {}, updated {}, unchanged {}, skipped {}",
            self.created, self.updated, self.unchanged, self.skipped
        )
    }
}

impl Plan<'_> {
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            skipped: self.skipped,
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

/// One value from the input.
#[derive(Debug, Clone)]
enum In {
    Text(String),
    Json(serde_json::Value),
}

#[derive(Debug)]
struct Row {
    line: usize,
    /// (column number, header, value)
    cells: Vec<(usize, String, In)>,
}

fn input_error(source: &str, line: usize, message: impl Into<String>) -> ImportErrors {
    ImportErrors {
        source: source.to_string(),
        errors: vec![RowError {
            line,
            column: 1,
            message: message.into(),
        }],
    }
}

/// UTF-8 text, without a byte order mark; anything else is an error naming the line.
fn decode<'a>(bytes: &'a [u8], source: &str) -> Result<&'a str, ImportErrors> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(input_error(
            source,
            1,
            "this is a zip archive (a spreadsheet such as .xlsx?), not text; save it as CSV and import that",
        ));
    }
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
        return Err(input_error(
            source,
            line,
            "this line holds binary data (a NUL byte), not text; save the file as CSV, TSV or JSON and import that",
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        input_error(
            source,
            line,
            "this line is not UTF-8 text; save the file as UTF-8 and import it again",
        )
    })
}

/// The 1-based line of byte offsets that mostly move forward: newlines are counted from
/// the last offset asked for, not from the start.
#[derive(Default)]
struct LineCounter {
    at: usize,
    newlines: usize,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], at: usize) -> usize {
        if at < self.at {
            *self = LineCounter::default();
        }
        self.newlines += bytes[self.at..at].iter().filter(|b| **b == b'\n').count();
        self.at = at;
        self.newlines + 1
    }
}

fn read_rows(text: &str, opts: &ImportOptions) -> Result<Vec<Row>, ImportErrors> {
    if matches!(opts.format, DataFormat::Json | DataFormat::Jsonl) {
        if let Some((line, column)) = crate::model::nesting::too_deep(text.as_bytes()) {
            return Err(ImportErrors {
                source: opts.source.clone(),
                errors: vec![RowError {
                    line,
                    column,
                    message: crate::model::nesting::too_deep_message(),
                }],
            });
        }
    }
    match opts.format {
        DataFormat::Csv | DataFormat::Tsv => {
            let mut r = csv::ReaderBuilder::new()
                .delimiter(if opts.format == DataFormat::Tsv {
                    b'\t'
                } else {
                    b','
                })
                .flexible(true)
                // TSV has no quoting: its cells escape tabs and line breaks (as crm
                // writes them: see render::table::tsv_escape).
                .quoting(opts.format != DataFormat::Tsv)
                .from_reader(text.as_bytes());
            let tsv = opts.format == DataFormat::Tsv;
            let headers: Vec<String> = r
                .headers()
                .map_err(|e| {
                    input_error(&opts.source, 1, format!("cannot read the header row: {e}"))
                })?
                .iter()
                .map(|h| h.trim().to_string())
                .collect();
            let mut rows = Vec::new();
            let mut ragged = Vec::new();
            // Lines counted from the byte offset: the csv crate's own count is one short
            // after CRLF line ends (a record then starts at the `\n` of the CRLF before
            // it). Counted on from the previous row, as rows only move forward: counting
            // from the start each time made 20,000 rows take 5 s.
            let mut lines = LineCounter::default();
            for rec in r.records() {
                let mut line_at = |p: Option<&csv::Position>| {
                    p.map_or(0, |p| {
                        let bytes = text.as_bytes();
                        let mut at = (p.byte() as usize).min(bytes.len());
                        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
                            at += 1;
                        }
                        lines.line_at(bytes, at)
                    })
                };
                let rec = rec.map_err(|e| {
                    let line = line_at(e.position());
                    input_error(&opts.source, line, format!("cannot read this row: {e}"))
                })?;
                let line = line_at(rec.position());
                // A row with more or fewer cells than the header has its cells under the
                // wrong columns, or lost some: refused, never guessed at.
                if rec.len() != headers.len() {
                    let (column, what) = if rec.len() < headers.len() {
                        (rec.len() + 1, "too few")
                    } else {
                        (headers.len() + 1, "too many")
                    };
                    ragged.push(RowError {
                        line,
                        column,
                        message: format!(
                            "this row has {} cells, the header has {}: {what} cells (quote cells that hold the delimiter)",
                            rec.len(),
                            headers.len()
                        ),
                    });
                    continue;
                }
                let cells = rec
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| {
                        headers.get(i).map(|h| {
                            let v = if tsv {
                                crate::render::table::tsv_unescape(v)
                            } else {
                                v.to_string()
                            };
                            (i + 1, h.clone(), In::Text(v))
                        })
                    })
                    .collect();
                rows.push(Row { line, cells });
            }
            if !ragged.is_empty() {
                return Err(ImportErrors {
                    source: opts.source.clone(),
                    errors: ragged,
                });
            }
            Ok(rows)
        }
        DataFormat::Json => {
            let items: Vec<&serde_json::value::RawValue> =
                serde_json::from_str(text).map_err(|e| {
                    input_error(
                        &opts.source,
                        e.line(),
                        format!("not a JSON array of objects: {e}"),
                    )
                })?;
            let mut lines = LineCounter::default();
            items
                .into_iter()
                .map(|raw| {
                    let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
                    let line = lines.line_at(text.as_bytes(), offset);
                    let value: serde_json::Value = serde_json::from_str(raw.get())
                        .map_err(|e| input_error(&opts.source, line, e.to_string()))?;
                    json_row(value, line, &opts.source)
                })
                .collect()
        }
        DataFormat::Jsonl => text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                let value: serde_json::Value = serde_json::from_str(l).map_err(|e| {
                    input_error(&opts.source, i + 1, format!("not a JSON object: {e}"))
                })?;
                json_row(value, i + 1, &opts.source)
            })
            .collect(),
    }
}

fn json_row(value: serde_json::Value, line: usize, source: &str) -> Result<Row, ImportErrors> {
    let serde_json::Value::Object(obj) = value else {
        return Err(input_error(
            source,
            line,
            "expected a JSON object for each record",
        ));
    };
    Ok(Row {
        line,
        cells: obj.into_iter().map(|(k, v)| (1, k, In::Json(v))).collect(),
    })
}

/// Where a column goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Field(String),
    FirstName,
    LastName,
    Company,
    CloseDate,
    Ignore,
}

/// `Create Date` → `create_date`.
pub fn snake_case(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// The column names other CRMs use in their exports, by what they mean here.
fn alias(ty: RecordType, header: &str) -> Option<Target> {
    let h = header.trim().to_ascii_lowercase();
    let field = |f: &str| Some(Target::Field(f.to_string()));
    match (ty, h.as_str()) {
        (RecordType::Customer, "first name" | "firstname" | "given name") => {
            Some(Target::FirstName)
        }
        (RecordType::Customer, "last name" | "lastname" | "surname" | "family name") => {
            Some(Target::LastName)
        }
        (RecordType::Customer, "full name" | "contact name") => field("name"),
        (RecordType::Customer, "email" | "email address" | "e-mail" | "e-mail address") => {
            field("email")
        }
        (RecordType::Customer, "phone" | "phone number" | "mobile" | "mobile phone number") => {
            field("phone")
        }
        (_, "company" | "company name" | "associated company") => Some(Target::Company),
        (RecordType::Customer, "lifecycle stage") => field("stage"),
        (RecordType::Deal, "deal name") => field("title"),
        (RecordType::Deal, "amount") => field("value"),
        (RecordType::Deal, "close date") => Some(Target::CloseDate),
        (RecordType::Deal, "deal stage" | "pipeline stage") => field("stage"),
        (RecordType::Ticket, "ticket name" | "subject") => field("subject"),
        (_, "create date" | "created" | "created at" | "created date" | "date created")
            if ty != RecordType::Interaction =>
        {
            field("created")
        }
        (_, "owner" | "contact owner" | "deal owner" | "record owner")
            if ty != RecordType::Interaction =>
        {
            field("owner")
        }
        _ => None,
    }
}

fn target_of(header: &str, store: &Store, opts: &ImportOptions) -> Target {
    if let Some((_, f)) = opts
        .maps
        .iter()
        .find(|(c, _)| c == header || c.eq_ignore_ascii_case(header))
    {
        return if f == "-" {
            Target::Ignore
        } else {
            Target::Field(f.clone())
        };
    }
    let ty = opts.ty;
    let known = |p: &str| {
        p == "id"
            || spec::lookup(ty.spec(), p).is_some()
            || store.config.custom_field(ty, p).is_some()
    };
    if known(header)
        || (header.contains('.') && known(header.split('.').next().unwrap_or_default()))
    {
        return Target::Field(header.to_string());
    }
    if let Some(t) = alias(ty, header) {
        return t;
    }
    // A field path as crm writes one (`erp.code`) is kept as it is.
    let is_path = header.split('.').all(|seg| {
        !seg.is_empty()
            && seg
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    });
    if is_path && !opts.ignore_unmapped {
        return Target::Field(header.to_string());
    }
    let snake = snake_case(header);
    if snake.is_empty() || opts.ignore_unmapped {
        Target::Ignore
    } else {
        Target::Field(snake)
    }
}

/// Reads amounts written with another decimal mark or with thousands separators.
fn normalise_number(raw: &str, mark: char) -> String {
    let s = raw.trim().replace(' ', "");
    if mark == ',' {
        s.replace('.', "").replace(',', ".")
    } else {
        // Commas only as thousands separators: 1,234,567.89.
        let int = s.split('.').next().unwrap_or_default();
        let groups: Vec<&str> = int.trim_start_matches(['-', '+']).split(',').collect();
        let thousands = groups.len() > 1 && groups[1..].iter().all(|g| g.len() == 3);
        if thousands {
            s.replace(',', "")
        } else {
            s
        }
    }
}

struct Planner<'s, 'o> {
    store: &'s Store,
    opts: &'o ImportOptions,
    /// The `id` cells of the whole file, so a row may name a record a later row creates.
    file_ids: std::collections::HashSet<String>,
    /// New records planned so far, by type and id (references may point at them).
    new_ids: HashMap<(RecordType, String), usize>,
    /// For each planned record, the column of each field, for messages.
    columns: HashMap<usize, BTreeMap<String, usize>>,
    plan: Plan<'s>,
    /// Planned records by match key (see [`key_text`]), so that a row is matched without
    /// a scan of every row before it; an entry may be stale (its record changed since),
    /// so candidates are checked again.
    planned_by_key: HashMap<String, Vec<usize>>,
    /// The folder's records of the import's type by match key, built on first use.
    stored_by_key: std::cell::OnceCell<HashMap<String, Vec<&'s Loaded>>>,
}

/// The index key of a match key: its kind and text, e-mails case-folded (as they match).
fn key_text(key: &MatchKey) -> Option<String> {
    match key {
        MatchKey::Id(id) => Some(format!("i:{id}")),
        MatchKey::Email(e) => Some(format!("e:{}", fold::fold(e))),
        MatchKey::Name(n) => Some(format!("n:{n}")),
        MatchKey::None => None,
    }
}

/// Every index key a record can be found by.
fn keys_of(r: &Record) -> impl Iterator<Item = String> {
    [
        Some(MatchKey::Id(r.id.clone())),
        r.str("email").map(|e| MatchKey::Email(e.to_string())),
        r.title().map(|n| MatchKey::Name(n.to_string())),
    ]
    .into_iter()
    .flatten()
    .filter_map(|k| key_text(&k))
}

impl<'s> Planner<'s, '_> {
    /// The value of a cell for a field of `kind` at `path`, or `None` for an empty cell.
    fn value(
        &mut self,
        path: &str,
        kind: Option<FieldKind>,
        v: &In,
    ) -> Result<Option<Value>, String> {
        // Only csv and tsv cells carry the export's formula guard; JSON strings are data.
        let cell = matches!(v, In::Text(_));
        let text = match v {
            In::Json(serde_json::Value::Null) => return Ok(None),
            In::Json(serde_json::Value::String(s)) => s.clone(),
            In::Json(j @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => {
                return Ok(Some(serde_yaml::to_value(j).map_err(|e| e.to_string())?))
            }
            In::Json(j) => {
                // Lists and groups as they are; their items are checked with the record.
                let y = serde_yaml::to_value(j).map_err(|e| e.to_string())?;
                return Ok(Some(y));
            }
            In::Text(t) => t.clone(),
        };
        let text = if self.opts.raw || !cell {
            text.as_str()
        } else {
            unneutralise(&text)
        };
        // Free text is taken as it is (spaces and line breaks are part of a note, and an
        // export imports back as the same records); every other value is trimmed.
        if text.trim().is_empty() {
            return Ok(None);
        }
        let mut exact = text.to_string();
        let mut text = text.trim().to_string();
        for (field, from, to) in &self.opts.value_maps {
            if field == path && from.eq_ignore_ascii_case(&text) {
                text = to.clone();
                exact = to.clone();
            }
        }
        let cfg = &self.store.config;
        let Some(kind) = kind else {
            // A field crm does not know: a JSON array is a list, else as `crm set` reads it.
            if text.starts_with('[') {
                if let Ok(j) = serde_json::from_str::<serde_json::Value>(&text) {
                    return Ok(Some(serde_yaml::to_value(j).map_err(|e| e.to_string())?));
                }
            }
            return Ok(Some(match super::assign::infer_value(&text) {
                Value::String(_) => Value::String(exact),
                other => other,
            }));
        };
        let value = match kind {
            FieldKind::Text => Value::String(exact),
            FieldKind::Enum(words) => {
                let w = words
                    .iter()
                    .find(|w| w.eq_ignore_ascii_case(&text))
                    .map(|w| w.to_string());
                parse_input(kind, &w.unwrap_or(text), cfg)?
            }
            FieldKind::Lifecycle | FieldKind::Pipeline => {
                let names = if kind == FieldKind::Lifecycle {
                    cfg.lifecycle.names()
                } else {
                    cfg.pipeline.names()
                };
                let w = names
                    .iter()
                    .find(|w| w.eq_ignore_ascii_case(&text))
                    .map(|w| w.to_string());
                parse_input(kind, &w.unwrap_or(text), cfg)?
            }
            FieldKind::Date => Value::String(self.date(&text)?.to_string()),
            FieldKind::Moment => Value::String(self.moment(&text)?),
            FieldKind::Money
            | FieldKind::Percent
            | FieldKind::Count
            | FieldKind::Integer
            | FieldKind::Rating => {
                parse_input(kind, &normalise_number(&text, self.opts.decimal_mark), cfg)?
            }
            FieldKind::List => Value::Sequence(
                text.split(LIST_SEP)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| Value::String(s.to_string()))
                    .collect(),
            ),
            FieldKind::History => {
                let mut items = Vec::new();
                for part in text
                    .split(LIST_SEP)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    let (stage, at) = part
                        .split_once(' ')
                        .ok_or_else(|| format!("{part:?} is not a history entry (STAGE MOMENT)"))?;
                    let mut m = Mapping::new();
                    m.insert("stage".into(), stage.into());
                    m.insert("at".into(), self.moment(at.trim())?.into());
                    items.push(Value::Mapping(m));
                }
                Value::Sequence(items)
            }
            FieldKind::Ref(ty) => Value::String(self.reference(ty, &text)?),
            other => parse_input(other, &text, cfg)?,
        };
        Ok(Some(value))
    }

    fn date(&self, text: &str) -> Result<NaiveDate, String> {
        if let Some(d) = parse_date(text) {
            return Ok(d);
        }
        if let Ok(m) = chrono::DateTime::parse_from_rfc3339(text) {
            return Ok(m.date_naive());
        }
        if let Some(f) = &self.opts.date_format {
            if let Ok(d) = NaiveDate::parse_from_str(text, f) {
                return Ok(d);
            }
            if let Ok(dt) = NaiveDateTime::parse_from_str(text, f) {
                return Ok(dt.date());
            }
        }
        Err(self.date_help(text))
    }

    fn moment(&self, text: &str) -> Result<String, String> {
        if parse_moment(text).is_some() {
            return Ok(text.to_string());
        }
        if let Some(f) = &self.opts.date_format {
            let tz = self.store.config.tz();
            let local = NaiveDateTime::parse_from_str(text, f).ok().or_else(|| {
                NaiveDate::parse_from_str(text, f)
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
            });
            if let Some(m) = local.and_then(|l| tz.from_local_datetime(&l).earliest()) {
                return Ok(format_moment(&m.fixed_offset()));
            }
        }
        Err(self.date_help(text))
    }

    fn date_help(&self, text: &str) -> String {
        match &self.opts.date_format {
            Some(f) => format!("{text:?} is not a date in YYYY-MM-DD, RFC 3339 or {f:?}"),
            None => format!(
                "{text:?} is not a date (YYYY-MM-DD or RFC 3339; --date-format reads others)"
            ),
        }
    }

    /// A reference by id, a customer's e-mail, or the exact name/title (any case), among
    /// the folder's records and those this import creates.
    fn reference(&mut self, ty: RecordType, text: &str) -> Result<String, String> {
        let own = ty == self.opts.ty && self.file_ids.contains(text);
        if own
            || self.store.get(ty, text).is_some()
            || self.new_ids.contains_key(&(ty, text.to_string()))
        {
            return Ok(text.to_string());
        }
        let matches = |r: &Record| {
            r.title().is_some_and(|t| t.eq_ignore_ascii_case(text))
                || (ty == RecordType::Customer
                    && r.str("email").is_some_and(|e| e.eq_ignore_ascii_case(text)))
        };
        let mut found: Vec<String> = self
            .store
            .records(ty)
            .filter(|l| matches(&l.record))
            .map(|l| l.record.id.clone())
            .collect();
        found.extend(
            self.plan
                .items
                .iter()
                .filter(|p| p.record.ty == ty && p.action == Action::Create && matches(&p.record))
                .map(|p| p.record.id.clone()),
        );
        found.dedup();
        match found.len() {
            1 => Ok(found.remove(0)),
            0 if ty == RecordType::Customer && self.opts.create_missing_customers => {
                let mut c = Record::new(RecordType::Customer, "");
                c.fields.insert("name".into(), text.into());
                if text.contains('@') {
                    c.fields
                        .insert("email".into(), text.to_ascii_lowercase().into());
                }
                c.id = stable_id(text, "customer", &text.to_ascii_lowercase());
                fill_defaults(self.store, &mut c, true);
                let id = c.id.clone();
                self.push(Planned {
                    line: 0,
                    action: Action::Create,
                    record: c,
                    original: None,
                });
                Ok(id)
            }
            0 => Err(format!(
                "no {ty} has the id, {}name {text:?}{}",
                if ty == RecordType::Customer {
                    "e-mail or "
                } else {
                    ""
                },
                if ty == RecordType::Customer {
                    " (--create-missing-customers adds it)"
                } else {
                    ""
                }
            )),
            _ => Err(format!(
                "{text:?} names {} {}s: {}",
                found.len(),
                ty,
                found.join(", ")
            )),
        }
    }

    fn push(&mut self, p: Planned<'s>) {
        if p.action == Action::Create {
            self.new_ids
                .insert((p.record.ty, p.record.id.clone()), self.plan.items.len());
        }
        self.plan.items.push(p);
        self.index(self.plan.items.len() - 1);
    }

    /// Files planned record `i` under each key it can be found by now.
    fn index(&mut self, i: usize) {
        for k in keys_of(&self.plan.items[i].record) {
            let at = self.planned_by_key.entry(k).or_default();
            if !at.contains(&i) {
                at.push(i);
            }
        }
    }

    /// The record a row names, if any: by the chosen key, among the folder and this import.
    fn find(&self, key: &MatchKey) -> Option<Found<'s>> {
        let ty = self.opts.ty;
        let hit = |r: &Record| match key {
            MatchKey::Id(id) => r.id == *id,
            MatchKey::Email(e) => r.str("email").is_some_and(|x| fold::same(x, e)),
            MatchKey::Name(n) => r.title().is_some_and(|x| x == n),
            MatchKey::None => false,
        };
        let k = key_text(key)?;
        // The first planned record that matches, as a scan in plan order would find.
        if let Some(i) = self.planned_by_key.get(&k).and_then(|at| {
            at.iter()
                .copied()
                .filter(|i| {
                    let r = &self.plan.items[*i].record;
                    r.ty == ty && hit(r)
                })
                .min()
        }) {
            return Some(Found::Planned(i));
        }
        let stored = self.stored_by_key.get_or_init(|| {
            let mut by: HashMap<String, Vec<&'s Loaded>> = HashMap::new();
            for l in self.store.records(ty) {
                for k in keys_of(&l.record) {
                    by.entry(k).or_default().push(l);
                }
            }
            by
        });
        stored
            .get(&k)?
            .iter()
            .copied()
            .find(|l| hit(&l.record))
            .map(Found::Stored)
    }
}

enum MatchKey {
    Id(String),
    Email(String),
    Name(String),
    None,
}

enum Found<'s> {
    Stored(&'s Loaded),
    Planned(usize),
}

/// The stable id a row without an `id` column gives a new record.
fn minted_id(r: &Record) -> String {
    stable_id(
        r.title()
            .unwrap_or_else(|| r.str("channel").unwrap_or_default()),
        r.ty.singular(),
        &identity(r),
    )
}

/// What identifies a new record of each type, for its stable id.
fn identity(r: &Record) -> String {
    let keys: &[&str] = match r.ty {
        RecordType::Customer => &["email", "name"],
        RecordType::Deal => &["title", "customer", "created"],
        RecordType::Ticket => &["subject", "customer", "opened"],
        RecordType::Campaign => &["name", "start"],
        RecordType::Interaction => &["customer", "at", "channel", "summary"],
    };
    keys.iter()
        .map(|k| {
            r.get(k)
                .and_then(crate::model::value::scalar_text)
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

/// Reads, maps and checks every row. Nothing is written.
pub fn plan<'s>(store: &'s Store, input: &[u8], opts: &ImportOptions) -> Result<Plan<'s>, Error> {
    let text = decode(input, &opts.source).map_err(import_err)?;
    let rows = read_rows(text, opts).map_err(import_err)?;
    let file_ids = rows
        .iter()
        .flat_map(|r| &r.cells)
        .filter(|(_, h, _)| target_of(h, store, opts) == Target::Field("id".into()))
        .filter_map(|(_, _, v)| match v {
            In::Text(t) => Some(t.trim().to_string()),
            In::Json(serde_json::Value::String(s)) => Some(s.trim().to_string()),
            _ => None,
        })
        .collect();
    let mut p = Planner {
        store,
        opts,
        file_ids,
        new_ids: HashMap::new(),
        columns: HashMap::new(),
        plan: Plan::default(),
        planned_by_key: HashMap::new(),
        stored_by_key: std::cell::OnceCell::new(),
    };
    let mut errors = Vec::new();
    let match_by = opts.match_by.unwrap_or(if opts.ty == RecordType::Customer {
        MatchBy::Email
    } else {
        MatchBy::Id
    });
    for row in &rows {
        if let Err(mut e) = plan_row(&mut p, row, match_by) {
            errors.append(&mut e);
        }
    }
    check_references(&p, &mut errors);
    check_emails(&p.plan, store, &mut errors);
    if errors.is_empty() {
        Ok(p.plan)
    } else {
        errors.sort_by_key(|e| (e.line, e.column));
        Err(import_err(ImportErrors {
            source: opts.source.clone(),
            errors,
        }))
    }
}

fn import_err(e: ImportErrors) -> Error {
    Error::Import(e)
}

fn plan_row(p: &mut Planner, row: &Row, match_by: MatchBy) -> Result<(), Vec<RowError>> {
    let ty = p.opts.ty;
    let err = |column: usize, message: String| RowError {
        line: row.line,
        column,
        message,
    };
    let mut values: Vec<(String, usize, Value)> = Vec::new();
    let mut errors = Vec::new();
    let (mut first, mut last, mut company, mut close) = (None, None, None, None);
    let mut id = None;
    for (col, header, cell) in &row.cells {
        let target = target_of(header, p.store, p.opts);
        let as_text = || match cell {
            In::Text(t) => Some(t.trim().to_string()).filter(|t| !t.is_empty()),
            In::Json(serde_json::Value::String(s)) => {
                Some(s.trim().to_string()).filter(|t| !t.is_empty())
            }
            In::Json(serde_json::Value::Null) => None,
            In::Json(other) => Some(other.to_string()),
        };
        match target {
            Target::Ignore => {}
            Target::FirstName => first = as_text().map(|t| (t, *col)),
            Target::LastName => last = as_text().map(|t| (t, *col)),
            Target::Company => company = as_text().map(|t| (t, *col)),
            Target::CloseDate => close = as_text().map(|t| (t, *col)),
            Target::Field(f) if f == "id" => id = as_text().map(|t| (t, *col)),
            Target::Field(path) => {
                let kind = super::assign::kind_of(p.store, ty, &path);
                match p.value(&path, kind, cell) {
                    Ok(Some(v)) => values.push((path, *col, v)),
                    Ok(None) => {}
                    Err(m) => errors.push(err(*col, format!("field `{path}`: {m}"))),
                }
            }
        }
    }
    // "First Name" + "Last Name" make the name; a company names an organisation's
    // record, or a person's company, or (on deals and tickets) the customer.
    let has = |values: &Vec<(String, usize, Value)>, f: &str| values.iter().any(|(p, _, _)| p == f);
    if (first.is_some() || last.is_some()) && !has(&values, "name") {
        let col = first.as_ref().or(last.as_ref()).map(|x| x.1).unwrap_or(1);
        let name = [first.map(|x| x.0), last.map(|x| x.0)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        values.push(("name".into(), col, name.into()));
    }
    if let Some((c, col)) = company {
        let field = match ty {
            RecordType::Customer if has(&values, "name") => Some("company"),
            RecordType::Customer => Some("name"),
            RecordType::Campaign => None,
            _ if has(&values, "customer") => None,
            _ => Some("customer"),
        };
        if let Some(field) = field {
            let kind = super::assign::kind_of(p.store, ty, field);
            match p.value(field, kind, &In::Text(c)) {
                Ok(Some(v)) => values.push((field.into(), col, v)),
                Ok(None) => {}
                Err(m) => errors.push(err(col, format!("field `{field}`: {m}"))),
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if values.is_empty() && id.is_none() {
        p.plan.skipped += 1;
        return Ok(());
    }

    let mut incoming = Record::new(ty, "");
    let mut columns: BTreeMap<String, usize> = BTreeMap::new();
    for (path, col, v) in &values {
        if let Err(e) = incoming.set(path, v.clone()) {
            errors.push(err(*col, e.to_string()));
        }
        columns.insert(path.split('.').next().unwrap_or(path).to_string(), *col);
    }
    // "Close Date": the day a won or lost deal closed, else the expected close.
    if let Some((text, col)) = close {
        let closed_stage = incoming
            .stage()
            .and_then(|s| p.store.config.pipeline_stage(s))
            .is_some_and(|s| s.is_closed());
        let field = if closed_stage {
            "closed"
        } else {
            "expected_close"
        };
        match p.date(&text) {
            Ok(d) => {
                incoming.fields.insert(field.into(), d.to_string().into());
                columns.insert(field.into(), col);
            }
            Err(m) => errors.push(err(col, format!("field `{field}`: {m}"))),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // A row without the key it is matched by (a customer without an e-mail) falls back to
    // the id a new record gets from it, so importing the same file again finds the record
    // the first run created instead of failing on its id.
    let by_id = || match &id {
        Some((i, _)) => MatchKey::Id(i.clone()),
        None => MatchKey::Id(minted_id(&incoming)),
    };
    let key = match match_by {
        MatchBy::Id => by_id(),
        MatchBy::Email => match incoming.str("email") {
            Some(e) => MatchKey::Email(e.to_string()),
            None => by_id(),
        },
        MatchBy::Name => match incoming.title() {
            Some(n) => MatchKey::Name(n.to_string()),
            None => by_id(),
        },
        MatchBy::None => MatchKey::None,
    };
    let found = p.find(&key);
    // Two rows of one file for one record would merge into one without a word ("Dup One"
    // becoming "Dup Two"): refused, naming both lines, as any bad row is.
    if let Some(Found::Planned(i)) = &found {
        let earlier = p.plan.items[*i].line;
        if earlier > 0 {
            return Err(vec![err(
                1,
                format!(
                    "this row names the same record as line {earlier} (by {}); a file holds one row per record",
                    match_by_name(match_by)
                ),
            )]);
        }
    }
    let (action, record, original) = match found {
        None => {
            let mut r = incoming.clone();
            r.id = match &id {
                Some((i, col)) => {
                    check_id(i).map_err(|e| vec![err(*col, e.to_string())])?;
                    i.clone()
                }
                None => minted_id(&r),
            };
            if p.store.get(ty, &r.id).is_some() || p.new_ids.contains_key(&(ty, r.id.clone())) {
                return Err(vec![err(
                    id.as_ref().map(|x| x.1).unwrap_or(1),
                    format!(
                        "{ty} {} already exists and this row does not match it by {}",
                        r.id,
                        match_by_name(match_by)
                    ),
                )]);
            }
            let history_given = r.get("history").is_some();
            if ty.has_stage() && !history_given {
                // The stage it arrives at is its first stage change; a `closed` the row
                // gives wins over the one the change would set.
                if let Some(stage) = r.fields.shift_remove("stage") {
                    change_stage(
                        &mut r,
                        stage.as_str().unwrap_or_default(),
                        &p.store.clock,
                        &p.store.config,
                    );
                }
                if let Some(closed) = incoming.get("closed") {
                    r.fields.insert("closed".into(), closed.clone());
                }
            }
            fill_defaults(p.store, &mut r, !history_given);
            (Action::Create, r, None)
        }
        Some(found) => {
            let (base, original) = match found {
                Found::Stored(l) => (l.record.clone(), Some(l)),
                Found::Planned(i) => (p.plan.items[i].record.clone(), p.plan.items[i].original),
            };
            let mut r = base.clone();
            let history_given = incoming.get("history").is_some();
            for (k, v) in &incoming.fields {
                let name = k.as_str().unwrap_or_default();
                let same_email = name == "email"
                    && matches!((r.str("email"), v.as_str()), (Some(a), Some(b)) if fold::same(a, b));
                if same_email {
                    // The e-mail it was matched by, in another case: not a change.
                    continue;
                }
                if name == "stage" && r.ty.has_stage() && !history_given {
                    change_stage(
                        &mut r,
                        v.as_str().unwrap_or_default(),
                        &p.store.clock,
                        &p.store.config,
                    );
                } else {
                    merge(&mut r.fields, k, v);
                }
            }
            if let Some(closed) = incoming.get("closed") {
                r.fields.insert("closed".into(), closed.clone());
            }
            let before = original.map(|o| &o.record).unwrap_or(&base);
            let changed: Vec<String> = changed_fields(before, &r);
            let action = if matches!(found, Found::Planned(i) if p.plan.items[i].action == Action::Create)
            {
                Action::Create
            } else if changed.is_empty() {
                Action::Unchanged
            } else {
                Action::Update(changed)
            };
            if let Found::Planned(i) = found {
                // A later row for the same record: it replaces the earlier plan.
                p.plan.items[i].record = r;
                p.plan.items[i].action = action;
                p.index(i);
                return check_row(p, i, &columns, row.line);
            }
            (action, r, original)
        }
    };
    p.push(Planned {
        line: row.line,
        action,
        record,
        original,
    });
    let i = p.plan.items.len() - 1;
    check_row(p, i, &columns, row.line)
}

fn match_by_name(m: MatchBy) -> &'static str {
    match m {
        MatchBy::Email => "e-mail",
        MatchBy::Id => "id",
        MatchBy::Name => "name",
        MatchBy::None => "anything",
    }
}

/// Sets a field, merging groups key by key so a row's `preferences.channel` leaves the
/// other preferences alone.
fn merge(fields: &mut Mapping, k: &Value, v: &Value) {
    match (fields.get_mut(k), v) {
        (Some(Value::Mapping(old)), Value::Mapping(new)) => {
            for (nk, nv) in new {
                merge(old, nk, nv);
            }
        }
        _ => {
            fields.insert(k.clone(), v.clone());
        }
    }
}

fn changed_fields(before: &Record, after: &Record) -> Vec<String> {
    let mut keys: Vec<String> = after
        .fields
        .iter()
        .filter(|(k, v)| before.fields.get(*k) != Some(*v))
        .filter_map(|(k, _)| k.as_str().map(String::from))
        .collect();
    keys.extend(
        before
            .fields
            .keys()
            .filter(|k| !after.fields.contains_key(*k))
            .filter_map(|k| k.as_str().map(String::from)),
    );
    keys
}

/// Checks a planned record's fields (its references are checked once every row is in).
fn check_row(
    p: &mut Planner,
    i: usize,
    columns: &BTreeMap<String, usize>,
    line: usize,
) -> Result<(), Vec<RowError>> {
    let r = &p.plan.items[i].record;
    let errors: Vec<FieldError> = validate(r.ty, &r.fields, &p.store.config);
    p.columns.insert(i, columns.clone());
    if errors.is_empty() {
        // A file reads would refuse is refused here, before anything is written.
        let rel = match &p.plan.items[i].original {
            Some(o) => o.path.clone(),
            None => p.store.path_for(r),
        };
        let text = crate::model::canonical::file_text(r, &rel);
        return match crate::store::load::oversize(r, &text) {
            Some((field, why)) => Err(vec![RowError {
                line,
                column: columns.get(&field).copied().unwrap_or(1),
                message: why,
            }]),
            None => Ok(()),
        };
    }
    Err(errors
        .into_iter()
        .map(|e| RowError {
            line,
            column: columns
                .get(e.path.split(['.', '[']).next().unwrap_or_default())
                .copied()
                .unwrap_or(1),
            message: e.to_string(),
        })
        .collect())
}

/// Every reference names a record of the folder or of this import.
fn check_references(p: &Planner, errors: &mut Vec<RowError>) {
    for (i, item) in p.plan.items.iter().enumerate() {
        for (field, ty, id) in item.record.references() {
            if field != "source"
                && p.store.get(ty, id).is_none()
                && !p.new_ids.contains_key(&(ty, id.to_string()))
            {
                errors.push(RowError {
                    line: item.line,
                    column: p
                        .columns
                        .get(&i)
                        .and_then(|c| c.get(field))
                        .copied()
                        .unwrap_or(1),
                    message: format!("field `{field}`: no {ty} has the id {id:?}"),
                });
            }
        }
    }
}

/// No two customers may share an e-mail, in the folder and this import together.
fn check_emails(plan: &Plan, store: &Store, errors: &mut Vec<RowError>) {
    let mut seen: HashMap<String, String> = HashMap::new();
    let planned: HashMap<&str, &Record> = plan
        .items
        .iter()
        .filter(|p| p.record.ty == RecordType::Customer)
        .map(|p| (p.record.id.as_str(), &p.record))
        .collect();
    for l in store.records(RecordType::Customer) {
        if planned.contains_key(l.record.id.as_str()) {
            continue;
        }
        if let Some(e) = l.record.str("email") {
            seen.insert(fold::fold(e), l.record.id.clone());
        }
    }
    for item in plan
        .items
        .iter()
        .filter(|p| p.record.ty == RecordType::Customer)
    {
        if let Some(e) = item.record.str("email") {
            if let Some(other) = seen.insert(fold::fold(e), item.record.id.clone()) {
                if other != item.record.id {
                    errors.push(RowError {
                        line: item.line,
                        column: 1,
                        message: format!(
                            "field `email`: {e:?} is already the e-mail of customer {other}"
                        ),
                    });
                }
            }
        }
    }
}

/// Writes a checked plan: new records first (created only if their file does not exist),
/// then updates (each checked against the file as it was read). `progress` is called
/// once per record.
pub fn write(store: &Store, plan: &Plan, progress: &mut dyn FnMut()) -> Result<Summary, Error> {
    // One turn of the write lock for the whole import.
    store.locked(|| write_locked(store, plan, progress))
}

fn write_locked(store: &Store, plan: &Plan, progress: &mut dyn FnMut()) -> Result<Summary, Error> {
    let total = plan
        .items
        .iter()
        .filter(|i| i.action != Action::Unchanged)
        .count();
    let mut written = 0;
    for item in &plan.items {
        let done = match &item.action {
            Action::Create => store.create(&item.record).map(|_| true),
            Action::Update(_) => {
                let original = item.original.expect("an update has the record it updates");
                store.update(original, &item.record)
            }
            Action::Unchanged => Ok(false),
        };
        match done {
            Ok(changed) => written += usize::from(changed),
            // Stopped part-way (a full disk, say): each record written is whole, and a
            // second run matches them and writes only the rest.
            Err(e) if written > 0 => {
                return Err(Error::Failed(format!(
                    "{e}\nthe import stopped after writing {written} of {total} records; the rest were not written. Fix the cause (free some space?) and run the same import again: it matches the records already written and completes the import"
                )))
            }
            Err(e) => return Err(e),
        }
        progress();
    }
    Ok(plan.summary())
}

/// The fields a spreadsheet is known to mangle: phones (and WhatsApp numbers) read as
/// numbers lose their `+` and leading `0`, e-mails gain or lose spaces.
const MANGLED: [&str; 3] = ["phone", "social.whatsapp", "email"];

/// The updates of this plan that change a phone or an e-mail only by dropping a `+`, a
/// leading `0` or spaces (as a CSV that went through a spreadsheet does), as
/// (line, id, field, before, after).
pub fn stripped_values(plan: &Plan) -> Vec<(usize, String, &'static str, String, String)> {
    let bare = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '+')
            .collect::<String>()
            .trim_start_matches('0')
            .to_string()
    };
    let mut out = Vec::new();
    for item in &plan.items {
        let (Action::Update(_), Some(original)) = (&item.action, item.original) else {
            continue;
        };
        for field in MANGLED {
            let (Some(before), Some(after)) = (
                original
                    .record
                    .get(field)
                    .and_then(crate::model::value::scalar_text),
                item.record
                    .get(field)
                    .and_then(crate::model::value::scalar_text),
            ) else {
                continue;
            };
            if before != after && bare(&before) == bare(&after) && after.len() < before.len() {
                out.push((item.line, item.record.id.clone(), field, before, after));
            }
        }
    }
    out
}

/// A line per planned record, for `--dry-run`.
pub fn describe(item: &Planned) -> String {
    let r = &item.record;
    let at = if item.line == 0 {
        " (a missing customer)".to_string()
    } else {
        format!(" (line {})", item.line)
    };
    match &item.action {
        Action::Create => format!("create {} {}{at}", r.ty, r.id),
        Action::Update(fields) => format!("update {} {}{at}: {}", r.ty, r.id, fields.join(", ")),
        Action::Unchanged => format!("unchanged {} {}{at}", r.ty, r.id),
    }
}

#[cfg(test)]
mod tests {
    use super::LineCounter;

    #[test]
    fn lines_are_counted_on_and_back() {
        let text = b"a\nb\r\nc\nd";
        let mut l = LineCounter::default();
        assert_eq!(l.line_at(text, 0), 1);
        assert_eq!(l.line_at(text, 2), 2);
        assert_eq!(l.line_at(text, 5), 3);
        assert_eq!(l.line_at(text, 8), 4);
        // Back to an earlier offset: counted again from the start.
        assert_eq!(l.line_at(text, 3), 2);
    }
}
