//! Planning: each row becomes a new record or an update of one it matches, its cells
//! converted to typed values. Nothing is written.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use serde_yaml::{Mapping, Value};

use super::check::{check_emails, check_references, check_row};
use super::map::{normalise_number, target_of, Target};
use super::read::{decode, read_rows, In, Row};
use super::{Action, ImportOptions, MatchBy, Plan, Planned};
use crate::error::{Error, ImportErrors, RowError};
use crate::model::clock::{format_moment, parse_date, parse_moment};
use crate::model::id::{check_id, stable_id};
use crate::model::spec::FieldKind;
use crate::model::{fold, Record, RecordType};
use crate::ops::add::fill_defaults;
use crate::ops::export::LIST_SEP;
use crate::render::guard::unneutralise;
use crate::rules::{change_stage, parse_input};
use crate::store::load::Loaded;
use crate::store::Store;

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
    /// The region phone numbers are read in (`Config::phone_region`), found once.
    region: Option<String>,
    /// The digests of erased customers' addresses and numbers (customer imports only).
    erased: std::collections::HashSet<String>,
}

/// The index key of a match key: its kind and text, e-mails case-folded (as they match).
fn key_text(key: &MatchKey) -> Option<String> {
    match key {
        MatchKey::Id(id) => Some(format!("i:{id}")),
        MatchKey::Email(e) => Some(format!("e:{}", fold::fold(e))),
        MatchKey::Phone(p) => Some(format!("p:{p}")),
        MatchKey::Name(n) => Some(format!("n:{n}")),
        MatchKey::None => None,
    }
}

/// A JSON list of phone numbers with each in E.164 when it parses; other values as they are.
fn phones_in_e164(kind: Option<FieldKind>, mut v: Value, cfg: &crate::config::Config) -> Value {
    if let (Some(FieldKind::Phones), Value::Sequence(items)) = (kind, &mut v) {
        for item in items.iter_mut() {
            if let Value::String(p) = item {
                *p = crate::rules::input::phone_input(p, cfg);
            }
        }
    }
    v
}

/// A list cell's items, split at `;`: phone numbers in E.164 when they parse.
fn list_cell(kind: FieldKind, text: &str, cfg: &crate::config::Config) -> Value {
    Value::Sequence(
        text.split(LIST_SEP)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                Value::String(if kind == FieldKind::Phones {
                    crate::rules::input::phone_input(s, cfg)
                } else {
                    s.to_string()
                })
            })
            .collect(),
    )
}

/// Every index key a record can be found by (a customer's numbers by their match keys).
fn keys_of(r: &Record, region: Option<&str>) -> impl Iterator<Item = String> {
    let phones = if r.ty == RecordType::Customer {
        crate::model::contact::phone_keys(r, region)
    } else {
        Vec::new()
    };
    [
        Some(MatchKey::Id(r.id.clone())),
        r.str("email").map(|e| MatchKey::Email(e.to_string())),
        r.title().map(|n| MatchKey::Name(n.to_string())),
    ]
    .into_iter()
    .flatten()
    .chain(phones.into_iter().map(MatchKey::Phone))
    .filter_map(|k| key_text(&k))
}

/// The match key of a customer's main number, if it has one.
fn phone_key(r: &Record, region: Option<&str>) -> Option<MatchKey> {
    let p = r.str("phone")?;
    crate::model::phone::match_key(p, region).map(MatchKey::Phone)
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
                // Lists and groups as they are; their items are checked with the record
                // (numbers in E.164, as typed ones are).
                let y = serde_yaml::to_value(j).map_err(|e| e.to_string())?;
                return Ok(Some(phones_in_e164(kind, y, &self.store.config)));
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
            return Ok(Some(match crate::ops::assign::infer_value(&text) {
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
            | FieldKind::Rating
            | FieldKind::Nps => {
                parse_input(kind, &normalise_number(&text, self.opts.decimal_mark), cfg)?
            }
            FieldKind::List | FieldKind::Phones => list_cell(kind, &text, cfg),
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
        let region = self.region.clone();
        let phone = crate::model::phone::looks_like_phone(text)
            .then(|| crate::model::phone::match_key(text, region.as_deref()))
            .flatten();
        let matches = |r: &Record| {
            r.title().is_some_and(|t| t.eq_ignore_ascii_case(text))
                || (ty == RecordType::Customer
                    && (r.str("email").is_some_and(|e| e.eq_ignore_ascii_case(text))
                        || phone.as_deref().is_some_and(|k| {
                            crate::model::contact::has_phone(r, k, region.as_deref())
                        })))
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
        for k in keys_of(&self.plan.items[i].record, self.region.as_deref()) {
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
            MatchKey::Phone(p) => crate::model::contact::has_phone(r, p, self.region.as_deref()),
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
                for k in keys_of(&l.record, self.region.as_deref()) {
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
    /// A phone number's match key (E.164 when it parses).
    Phone(String),
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
    r.ty.info()
        .identity
        .iter()
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
    let mut rows = read_rows(text, opts).map_err(import_err)?;
    if opts.format == crate::render::Format::Vcf {
        // A card's UID is an id only when it is one of ours (an export of this folder
        // imported back); a phone's own UIDs are not made ids.
        for row in &mut rows {
            row.cells.retain(|(_, h, v)| {
                h != "id"
                    || matches!(v, In::Json(serde_json::Value::String(s)) if store.get(opts.ty, s).is_some())
            });
        }
    }
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
        region: store.config.phone_region(),
        erased: if opts.ty == RecordType::Customer {
            crate::ops::forget::erased_set(store)
        } else {
            std::collections::HashSet::new()
        },
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
    check_references(store, &p.plan, &p.new_ids, &p.columns, &mut errors);
    check_emails(&p.plan, store, &mut errors);
    if errors.is_empty() {
        Ok(p.plan)
    } else {
        // A vCard's problems are named at the line of the property, not of the card.
        let by_line: HashMap<usize, &Row> = rows.iter().map(|r| (r.line, r)).collect();
        for e in &mut errors {
            if let Some(row) = by_line.get(&e.line) {
                (e.line, e.column) = row.at(e.column);
            }
        }
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

#[expect(
    clippy::too_many_lines,
    reason = "one row's columns to fields, in the order the README gives the import's rules"
)]
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
                let kind = crate::ops::assign::kind_of(p.store, ty, &path);
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
            RecordType::Deal | RecordType::Ticket | RecordType::Interaction
                if has(&values, "customer") =>
            {
                None
            }
            RecordType::Deal | RecordType::Ticket | RecordType::Interaction => Some("customer"),
        };
        if let Some(field) = field {
            let kind = crate::ops::assign::kind_of(p.store, ty, field);
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

    // A customer an erasure removed comes back by no import (an old contact list).
    if !p.erased.is_empty() {
        let keys = crate::model::contact::erased_keys(&incoming, p.region.as_deref());
        if keys.iter().any(|k| p.erased.contains(k)) {
            p.plan.erased += 1;
            return Ok(());
        }
    }
    // A row without the key it is matched by (a customer without an e-mail) falls back to
    // the id a new record gets from it, so importing the same file again finds the record
    // the first run created instead of failing on its id.
    let by_id = || match &id {
        Some((i, _)) => MatchKey::Id(i.clone()),
        None => MatchKey::Id(minted_id(&incoming)),
    };
    let region = p.region.clone();
    let phone = || phone_key(&incoming, region.as_deref());
    // A card exported from here names its record by its UID, whatever changed since.
    let own_card = p.opts.format == crate::render::Format::Vcf && id.is_some();
    let key = match match_by {
        _ if own_card => by_id(),
        MatchBy::Id => by_id(),
        // By e-mail, then by phone: a contact without an e-mail (most of a phone's
        // address book) is found by its number.
        MatchBy::Email => match incoming.str("email") {
            Some(e) => {
                let key = MatchKey::Email(e.to_string());
                match phone() {
                    Some(ph) if p.find(&key).is_none() && p.find(&ph).is_some() => ph,
                    _ => key,
                }
            }
            None => phone().unwrap_or_else(by_id),
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
                    // A deal that arrives closed without a creation date was created no
                    // later than it closed: on its close day, not on the import's.
                    if r.get("created").is_none() {
                        r.fields.insert("created".into(), closed.clone());
                    }
                }
            }
            fill_defaults(p.store, &mut r, !history_given);
            if !history_given {
                date_closing(&mut r, p.store);
            }
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
                if !history_given && history_len(&r) > history_len(&base) {
                    date_closing(&mut r, p.store);
                }
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
                p.columns.insert(i, columns.clone());
                return check_row(p.store, &p.plan.items[i], &columns, row.line);
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
    p.columns.insert(i, columns.clone());
    check_row(p.store, &p.plan.items[i], &columns, row.line)
}

fn match_by_name(m: MatchBy) -> &'static str {
    match m {
        MatchBy::Email => "e-mail or phone",
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

fn history_len(r: &Record) -> usize {
    match r.get("history") {
        Some(Value::Sequence(items)) => items.len(),
        _ => 0,
    }
}

/// A deal this import moved to a won or lost stage with the row's close date: the
/// history entry of that move is at the close day (midnight in the folder's time zone),
/// not at the moment of the import, so its history never contradicts its `closed`.
fn date_closing(r: &mut Record, store: &Store) {
    let cfg = &store.config;
    let closes = r.ty == RecordType::Deal
        && r.stage()
            .and_then(|s| cfg.pipeline_stage(s))
            .is_some_and(|s| s.is_closed());
    let Some(day) = r.str("closed").and_then(parse_date).filter(|_| closes) else {
        return;
    };
    let stage = r.stage().map(str::to_string);
    let at = format_moment(&crate::model::clock::midnight(day, cfg.tz()));
    if let Some(Value::Sequence(items)) = r.fields.get_mut("history") {
        if let Some(Value::Mapping(last)) = items.last_mut() {
            if last.get("stage").and_then(Value::as_str) == stage.as_deref() {
                last.insert("at".into(), at.into());
            }
        }
    }
}
