//! `--by FIELD`: a report's headline figures once per value of a field.
//!
//! The records the report is about (customers for funnel, customers and feedback; deals
//! for pipeline) are put in a group per value of the field on them: a customer field, a
//! deal field, or a field of a record they refer to (`customer.sector` on deals), custom
//! fields as built-in ones. A record without the field is in the group `(none)`; a list
//! field (tags) puts a record in the group of each of its items, so the groups can add
//! up to more than the whole (the table says so). Each group's figures are the report's
//! own over that group alone, as `--where 'FIELD = VALUE'` would give them: a customer's
//! deals, tickets and interactions go with the customer, a deal's interactions with the
//! deal. Groups come largest first, then by value.

use std::borrow::Cow;

use serde_yaml::Value;

use super::data::Map;
use super::{count, text, Body, By, Cell, Column, Data, Report, Section};
use crate::error::{Error, Result};
use crate::model::value::scalar_text;
use crate::model::RecordType;
use crate::query::field::FieldRef;
use crate::store::Store;

/// The group of records without a value.
pub const NONE: &str = "(none)";

/// The reports that break down, and what each repeats per group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouped {
    Funnel,
    Pipeline,
    Customers,
    Feedback,
}

/// One headline figure: where it is in the whole report, and its short column label.
enum Pick {
    /// A figure of a figures section: (section, figure id, label).
    Figure(&'static str, &'static str, &'static str),
    /// A cell of a table section's first or last row: (section, last?, column id). Its
    /// label and id name the row (`Reached lead`, `reached_lead`).
    Cell(&'static str, bool, &'static str),
}

impl Grouped {
    /// The type of the records grouped.
    pub fn primary(self) -> RecordType {
        match self {
            Grouped::Pipeline => RecordType::Deal,
            _ => RecordType::Customer,
        }
    }

    fn report(self) -> fn(&Data) -> Report {
        match self {
            Grouped::Funnel => super::funnel::funnel,
            Grouped::Pipeline => super::pipeline::pipeline,
            Grouped::Customers => super::customers::customers,
            Grouped::Feedback => super::feedback::feedback,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Grouped::Funnel => "Funnel",
            Grouped::Pipeline => "Pipeline",
            Grouped::Customers => "Customers",
            Grouped::Feedback => "Feedback",
        }
    }

    /// The headline figures, in their columns' order.
    fn picks(self) -> &'static [Pick] {
        use Pick::{Cell as C, Figure as F};
        match self {
            Grouped::Funnel => &[
                C("acquire", false, "reached"),
                C("acquire", true, "reached"),
                F("retain", "new_customers", "New customers"),
                F("retain", "churned", "Churned"),
                F("retain", "retention_rate", "Retention rate"),
                F("enhance", "won_value", "Value won"),
                F("enhance", "revenue_per_customer", "Revenue per customer"),
                F("retain", "at_risk", "At risk"),
            ],
            Grouped::Pipeline => &[
                C("open_by_stage", true, "deals"),
                C("open_by_stage", true, "value"),
                C("open_by_stage", true, "weighted"),
                F("closed", "won", "Won"),
                F("closed", "won_value", "Value won"),
                F("closed", "lost", "Lost"),
                F("closed", "win_rate", "Win rate"),
                F("closed", "cycle_days_median", "Median cycle days"),
            ],
            Grouped::Customers => &[
                F("summary", "customers", "Customers now"),
                F("summary", "new_customers", "New"),
                F("summary", "churned", "Churned"),
                F("summary", "buyers", "Buyers"),
                F("summary", "repeat_customers", "Repeat"),
                F("summary", "value_12m", "Value, 12 months"),
                F("summary", "at_risk", "At risk"),
            ],
            Grouped::Feedback => &[
                F("nps", "responses", "Responses"),
                F("nps", "promoters", "Promoters"),
                F("nps", "passives", "Passives"),
                F("nps", "detractors", "Detractors"),
                F("nps", "nps", "NPS"),
                F("nps", "csat", "CSAT"),
            ],
        }
    }
}

/// The groups of a field: each value and the places of its records; whether a record
/// held a list.
#[derive(Default)]
struct Groups {
    values: Vec<String>,
    members: Map<String, Vec<usize>>,
    list: bool,
    /// Places in `values`, by value.
    index: Map<String, usize>,
}

impl Groups {
    /// Puts the record `id` in the groups of its values; a second file of an id is
    /// left out (as the reports count the first).
    fn add(&mut self, id: &str, (vals, list): (Vec<String>, bool)) {
        if self.members.contains_key(id) {
            return;
        }
        self.list |= list;
        let mut places = Vec::with_capacity(vals.len());
        for v in vals {
            let at = match self.index.get(&v) {
                Some(at) => *at,
                None => {
                    self.values.push(v.clone());
                    self.index.insert(v, self.values.len() - 1);
                    self.values.len() - 1
                }
            };
            places.push(at);
        }
        self.members.insert(id.to_string(), places);
    }
}

/// The values a record gives the field: its text, each item of a list (once), or
/// `(none)`; `true` when it was a list.
fn values_of(v: Option<Cow<'_, Value>>) -> (Vec<String>, bool) {
    let Some(v) = v else {
        return (vec![NONE.into()], false);
    };
    match v.as_ref() {
        Value::Sequence(items) => {
            let mut out: Vec<String> = Vec::new();
            for t in items.iter().filter_map(scalar_text) {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
            if out.is_empty() {
                out.push(NONE.into());
            }
            (out, true)
        }
        other => (
            vec![scalar_text(other).unwrap_or_else(|| NONE.into())],
            false,
        ),
    }
}

/// The group of each record of the type, by id (the first file of an id, as the
/// reports count it).
fn groups(store: &Store, ty: RecordType, field: &FieldRef) -> Groups {
    let mut out = Groups::default();
    let (target, rest) = field.target(ty);
    let top = field.top();
    let joined = top.filter(|t| target != ty && field.path == format!("{t}.{rest}"));
    if let Some(link) = joined {
        // One reference to follow (`customer.sector`): the referenced records read with
        // just that field, not whole (100,000 customers whole are 500 MB).
        let inner = FieldRef::new(target, rest, &store.config);
        let inner_top: Vec<&str> = inner.top().into_iter().collect();
        let mut of_target: Map<&str, (Vec<String>, bool)> = Map::default();
        for l in store.records_with(target, &inner_top) {
            of_target
                .entry(l.record.id.as_str())
                .or_insert_with(|| values_of(inner.value(&l.record, store)));
        }
        for l in store.records_with(ty, &[link]) {
            let vals = l
                .record
                .str(link)
                .and_then(|id| of_target.get(id))
                .cloned()
                .unwrap_or_else(|| values_of(None));
            out.add(&l.record.id, vals);
        }
        return out;
    }
    let top: Vec<&str> = top.into_iter().collect();
    for l in store.records_with(ty, &top) {
        out.add(&l.record.id, values_of(field.value(&l.record, store)));
    }
    out
}

/// Checks a `--by` field: one no record can hold is a typo; a computed one (`score`)
/// has a value per record, not groups.
pub fn field(store: &Store, ty: RecordType, path: &str) -> Result<FieldRef> {
    let f = FieldRef::new(ty, path, &store.config);
    if let Some(why) = crate::query::names::unknown_ref(ty, &f, &store.config, store) {
        return Err(Error::BadValue(format!("--by: {why}")));
    }
    if f.computed {
        return Err(Error::BadValue(format!(
            "--by {path}: `{path}` is computed for each record; group by a field the records hold"
        )));
    }
    Ok(f)
}

/// The report's headline figures per value of `path` (see the module's comment).
pub fn breakdown(store: &Store, data: &Data, report: Grouped, path: &str) -> Result<Report> {
    let ty = report.primary();
    let f = field(store, ty, path)?;
    let g = groups(store, ty, &f);
    let n = g.values.len();
    // Places in `values` by the report's own ids: the split keys on the borrowed ids.
    let by_id: Map<&str, Vec<usize>> = g
        .members
        .iter()
        .map(|(id, places)| (id.as_str(), places.clone()))
        .collect();
    // One group more, of no one: the report over nothing gives the headings (its
    // tables' rows are the stages whatever the data), at no cost.
    let mut parts = match ty {
        RecordType::Deal => data.split_deals(n + 1, &by_id),
        _ => data.split_customers(n + 1, &by_id),
    };
    let run = report.report();
    let whole = parts.pop().map_or_else(|| run(data), |nobody| run(&nobody));
    let size = |d: &Data| match ty {
        RecordType::Deal => d.deals.len(),
        _ => d.customers.len(),
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|a, b| {
        size(&parts[*b])
            .cmp(&size(&parts[*a]))
            .then_with(|| g.values[*a].cmp(&g.values[*b]))
    });
    let (what, what_label) = match ty {
        RecordType::Deal => ("deals", "Deals"),
        _ => ("customers", "Customers"),
    };
    let mut columns = vec![
        Column {
            id: "value".into(),
            label: path.into(),
        },
        Column {
            id: what.into(),
            label: what_label.into(),
        },
    ];
    let mut origins = Vec::new();
    for pick in report.picks() {
        let (column, origin) = heading(&whole, pick);
        columns.push(column);
        origins.push(origin);
    }
    let rows = order
        .iter()
        .map(|i| {
            let part = run(&parts[*i]);
            let mut row = vec![text(g.values[*i].clone()), count(size(&parts[*i]))];
            row.extend(report.picks().iter().map(|p| pick_cell(&part, p)));
            row
        })
        .collect();
    let mut section = Section {
        id: "groups".into(),
        title: format!("By {path}: each group's figures are the report's over its {what} alone"),
        body: Body::Table {
            columns,
            rows,
            bar: None,
        },
        chart: None,
        notes: Vec::new(),
    };
    if g.list {
        section = section.with_note(format!(
            "{path} is a list: a record counts in the group of each of its items, so the groups can add up to more than the whole"
        ));
    }
    Ok(Report {
        title: format!("{} by {path}", report.title()),
        sections: vec![section],
        by: Some(By {
            field: path.into(),
            origins,
        }),
        ..whole
    })
}

/// A pick's column (id, label) and its place in the whole report's long form.
fn heading(whole: &Report, pick: &Pick) -> (Column, [String; 3]) {
    match pick {
        Pick::Figure(section, id, label) => (
            Column {
                id: (*id).into(),
                label: (*label).into(),
            },
            [(*section).into(), (*id).into(), "value".into()],
        ),
        Pick::Cell(section, last, column) => {
            let rows = whole.rows(section);
            let at = if *last { rows.len().max(1) } else { 1 };
            let name = match rows.get(at - 1).and_then(|r| r.first()) {
                Some(Cell::Text(t)) => t.clone(),
                _ => String::new(),
            };
            let label = match *column {
                "reached" => format!("Reached {name}"),
                "deals" => "Open deals".into(),
                "value" => "Open value".into(),
                "weighted" => "Open weighted".into(),
                other => format!("{} ({name})", other.replace('_', " ")),
            };
            let id = match *column {
                "reached" => format!("reached_{name}"),
                "deals" => "open_deals".into(),
                "value" => "open_value".into(),
                other => format!("open_{other}"),
            };
            (
                Column { id, label },
                [(*section).into(), at.to_string(), (*column).into()],
            )
        }
    }
}

/// The value of a pick in a group's report.
fn pick_cell(r: &Report, pick: &Pick) -> Cell {
    match pick {
        Pick::Figure(section, id, _) => {
            r.figure(section, id).cloned().unwrap_or(Cell::Number(None))
        }
        Pick::Cell(section, last, column) => {
            let cells: Vec<&Cell> = r.column(section, column).collect();
            let cell = if *last { cells.last() } else { cells.first() };
            cell.map_or(Cell::Number(None), |c| (*c).clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_gives_its_value_each_item_once_or_none() {
        let v = |y: &str| serde_yaml::from_str::<Value>(y).unwrap();
        let of = |y: &str| values_of(Some(Cow::Owned(v(y))));
        assert_eq!(of("cafe"), (vec!["cafe".to_string()], false));
        assert_eq!(of("3"), (vec!["3".to_string()], false));
        assert_eq!(
            of("[vip, b2b, vip, [x]]"),
            (vec!["vip".to_string(), "b2b".to_string()], true)
        );
        assert_eq!(of("[]"), (vec![NONE.to_string()], true));
        assert_eq!(values_of(None), (vec![NONE.to_string()], false));
    }
}
