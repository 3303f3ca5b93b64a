//! What a report sees: the records, filtered, and the facts every report reads off
//! them (the day something happened, the stage on a day, amounts per currency).
//!
//! Days are calendar days in `crm.toml`'s time zone. Records created after the
//! as-of date, and interactions after it, are left out: they did not exist yet.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::rc::Rc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_yaml::Value;

use super::{Amounts, Period};
use crate::config::Config;
use crate::error::Result;
use crate::model::clock::{parse_date, parse_moment};
use crate::model::{Record, RecordType};
use crate::query::{Query, Records};
use crate::store::load::{Loaded, Row};
use crate::store::Store;

/// The fields of interactions any report reads, in the order of a [`Row`]'s columns.
pub const INTERACTION_FIELDS: &[&str] = &["customer", "at", "direction", "deal", "campaign"];

/// An interaction as reports see it: whom and what it names, its day, its direction.
/// Interactions are the most numerous records and reports read these five facts of
/// them, so they are read as rows (see [`Store::rows`]) rather than whole records.
#[derive(Debug, Clone, Copy)]
pub struct Touch<'a> {
    pub customer: Option<&'a str>,
    pub deal: Option<&'a str>,
    pub campaign: Option<&'a str>,
    /// The calendar day of `at`, in the folder's time zone.
    pub day: NaiveDate,
    pub direction: Option<&'a str>,
}

impl<'a> Touch<'a> {
    /// None for an interaction without a readable `at`: it happened on no day, so no
    /// figure counts it.
    pub fn of(row: &'a Row, tz: chrono_tz::Tz) -> Option<Touch<'a>> {
        Some(Touch {
            customer: row.get(0),
            day: day_in(row.get(1)?, tz)?,
            direction: row.get(2),
            deal: row.get(3),
            campaign: row.get(4),
        })
    }
}

impl Touch<'_> {
    /// The interactions up to `as_of` (their days parsed on all cores).
    pub fn all(store: &Store, as_of: NaiveDate) -> Vec<Touch<'_>> {
        use rayon::prelude::*;
        let tz = store.config.tz();
        store
            .rows(RecordType::Interaction, INTERACTION_FIELDS)
            .par_iter()
            .filter_map(|r| Touch::of(r, tz))
            .filter(|t| t.day <= as_of)
            .collect()
    }
}

/// The calendar day of a date or moment, in time zone `tz`.
fn day_in(v: &str, tz: chrono_tz::Tz) -> Option<NaiveDate> {
    if let Some(d) = parse_date(v) {
        return Some(d);
    }
    parse_moment(v).map(|m| m.with_timezone(&tz).date_naive())
}

/// A record type a report reads, and which of its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub ty: RecordType,
    /// Only these top-level fields, or all of them (`None`). A report over tens of
    /// thousands of records that names the few fields it reads keeps a fraction of the
    /// memory whole records take (a deal read whole is about 3 kB).
    pub fields: Option<&'static [&'static str]>,
}

impl Need {
    /// Every field of the type.
    pub const fn all(ty: RecordType) -> Need {
        Need { ty, fields: None }
    }

    /// Only the top-level fields named.
    pub const fn only(ty: RecordType, fields: &'static [&'static str]) -> Need {
        Need {
            ty,
            fields: Some(fields),
        }
    }
}

/// A map over the run's own keys (ids, record addresses): foldhash hashes a short key
/// several times faster than the standard library's SipHash, and no key comes from an
/// adversary who could aim at its collisions.
type Map<K, V> = foldhash::HashMap<K, V>;

/// Facts computed once per report run, each on first use: no figure scans one type per
/// record of another, and a report pays only for the facts it reads (the pipeline never
/// builds the customers' ones).
#[derive(Default)]
struct Index<'a> {
    /// Won deals closed by the as-of date, with their close day.
    won: OnceCell<Vec<(&'a Record, NaiveDate)>>,
    /// The last day of an interaction, by customer id and by deal id.
    last_by_customer: OnceCell<Map<&'a str, NaiveDate>>,
    last_by_deal: OnceCell<Map<&'a str, NaiveDate>>,
    /// Won value of the last 365 days in the default currency, by customer id.
    trailing: OnceCell<Map<&'a str, Decimal>>,
    /// Tickets by customer id.
    tickets_by_customer: OnceCell<Map<&'a str, Vec<&'a Record>>>,
    /// The stage history of each customer and deal, parsed once, by the record's address.
    history: OnceCell<Map<usize, Vec<(&'a str, NaiveDate)>>>,
}

/// The last day of an interaction, by the id `key` reads off it.
fn last_by<'a>(
    touches: &[Touch<'a>],
    key: impl Fn(&Touch<'a>) -> Option<&'a str>,
) -> Map<&'a str, NaiveDate> {
    let mut out = Map::default();
    for t in touches {
        if let Some(id) = key(t) {
            let e = out.entry(id).or_insert(t.day);
            *e = (*e).max(t.day);
        }
    }
    out
}

/// A record's `history` entries as (stage, day), in the order written; entries without
/// a stage or a readable `at` are left out.
fn history_of(r: &Record, tz: chrono_tz::Tz) -> Vec<(&str, NaiveDate)> {
    let Some(Value::Sequence(items)) = r.get("history") else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|i| {
            let stage = i.get("stage")?.as_str()?;
            let day = day_in(i.get("at")?.as_str()?, tz)?;
            Some((stage, day))
        })
        .collect()
}

#[derive(Clone)]
pub struct Data<'a> {
    pub cfg: &'a Config,
    pub as_of: NaiveDate,
    pub period: Period,
    pub customers: Vec<&'a Record>,
    pub deals: Vec<&'a Record>,
    pub tickets: Vec<&'a Record>,
    pub campaigns: Vec<&'a Record>,
    /// Interactions up to the as-of date (of the customers kept, under --where).
    pub interactions: Vec<Touch<'a>>,
    db: &'a dyn Records,
    /// Shared by the copies [`Data::with_period`] makes: it does not depend on the period.
    index: Rc<Index<'a>>,
}

impl<'a> Data<'a> {
    /// Loads the `needs` types (the primary one whether named or not, whole unless
    /// named with its fields). `--where` filters the report's `primary` records; when
    /// those are customers, deals, tickets and interactions are kept only for the
    /// customers kept.
    pub fn new(
        store: &'a Store,
        as_of: NaiveDate,
        period: Period,
        primary: RecordType,
        filters: &[String],
        needs: &[Need],
    ) -> Result<Data<'a>> {
        let query = Query::new(filters, primary, &store.config, as_of)?;
        let mut data = Data {
            cfg: &store.config,
            as_of,
            period,
            customers: Vec::new(),
            deals: Vec::new(),
            tickets: Vec::new(),
            campaigns: Vec::new(),
            interactions: Vec::new(),
            db: store,
            index: Default::default(),
        };
        let need_of = |ty| needs.iter().find(|n| n.ty == ty).copied();
        // Only the types the report reads are loaded; a lookup of another record (a
        // deal's customer) still finds it through the store. No report is about
        // interactions: they are read as rows, and first, so that the memory their
        // reading takes for a moment is free again for the records kept.
        if need_of(RecordType::Interaction).is_some() {
            data.interactions = Touch::all(store, as_of);
        }
        for ty in RecordType::ALL
            .into_iter()
            .filter(|t| *t != RecordType::Interaction)
        {
            let need = match need_of(ty) {
                Some(n) => n,
                None if ty == primary => Need::all(ty),
                None => continue,
            };
            let records: Box<dyn Iterator<Item = &Loaded>> = match need.fields {
                None => Box::new(store.records(ty)),
                Some(fields) => {
                    let mut fields = fields.to_vec();
                    if ty == primary {
                        fields.extend(query.fields());
                    }
                    Box::new(store.records_with(ty, &fields))
                }
            };
            let kept: Vec<&Record> = records
                .map(|l| &l.record)
                .filter(|r| data.existed(r))
                .filter(|r| ty != primary || query.matches(r, store))
                .collect();
            *data.of_type(ty) = kept;
        }
        if primary == RecordType::Customer && !filters.is_empty() {
            let ids: std::collections::HashSet<&str> =
                data.customers.iter().map(|c| c.id.as_str()).collect();
            let mine = |r: &&Record| r.str("customer").is_some_and(|c| ids.contains(c));
            data.deals.retain(mine);
            data.tickets.retain(mine);
            data.interactions
                .retain(|t| t.customer.is_some_and(|c| ids.contains(c)));
        }
        Ok(data)
    }

    /// The same records seen over another period (the index does not depend on it).
    pub fn with_period(&self, period: Period) -> Data<'a> {
        Data {
            period,
            ..self.clone()
        }
    }

    fn of_type(&mut self, ty: RecordType) -> &mut Vec<&'a Record> {
        match ty {
            RecordType::Customer => &mut self.customers,
            RecordType::Deal => &mut self.deals,
            RecordType::Ticket => &mut self.tickets,
            RecordType::Campaign => &mut self.campaigns,
            RecordType::Interaction => unreachable!("interactions are read as rows"),
        }
    }

    /// Whether a record existed on the as-of date.
    fn existed(&self, r: &Record) -> bool {
        self.start(r).is_none_or(|d| d <= self.as_of)
    }

    pub fn record(&self, ty: RecordType, id: &str) -> Option<&'a Record> {
        self.db.record(ty, id)
    }

    /// The calendar day of a date or moment value, in the folder's time zone.
    pub fn day_of(&self, v: &str) -> Option<NaiveDate> {
        day_in(v, self.cfg.tz())
    }

    pub fn day(&self, r: &Record, field: &str) -> Option<NaiveDate> {
        r.str(field).and_then(|v| self.day_of(v))
    }

    /// When a record came to be: `created`, an interaction's `at`, else a ticket's `opened`.
    pub fn start(&self, r: &Record) -> Option<NaiveDate> {
        match r.ty {
            RecordType::Interaction => self.day(r, "at"),
            RecordType::Ticket => self.day(r, "opened").or_else(|| self.day(r, "created")),
            _ => self.day(r, "created"),
        }
    }

    /// The history entries as (stage, day), in the order written.
    pub fn history<'r>(&'r self, r: &'r Record) -> Cow<'r, [(&'r str, NaiveDate)]> {
        let all = self.index.history.get_or_init(|| {
            use rayon::prelude::*;
            let tz = self.cfg.tz();
            self.customers
                .par_iter()
                .chain(&self.deals)
                .map(|r| (*r as *const Record as usize, history_of(r, tz)))
                .collect()
        });
        match all.get(&(r as *const Record as usize)) {
            Some(h) => Cow::Borrowed(h.as_slice()),
            None => Cow::Owned(history_of(r, self.cfg.tz())),
        }
    }

    /// The first day a record was at `stage`: from its history, or, for a record
    /// without history, its `created` day if it is at that stage now.
    pub fn first_reached(&self, r: &Record, stage: &str) -> Option<NaiveDate> {
        let history = self.history(r);
        if history.is_empty() {
            return (r.stage() == Some(stage)).then(|| self.start(r)).flatten();
        }
        history
            .iter()
            .filter(|(s, _)| *s == stage)
            .map(|(_, d)| *d)
            .min()
    }

    /// The stage a record was at on `day` (its last history entry up to that day).
    pub fn stage_on(&self, r: &Record, day: NaiveDate) -> Option<String> {
        let history = self.history(r);
        if history.is_empty() {
            return match self.start(r) {
                Some(d) if d > day => None,
                _ => r.stage().map(String::from),
            };
        }
        history
            .iter()
            .rfind(|(_, d)| *d <= day)
            .map(|(s, _)| s.to_string())
    }

    pub fn is_customer_stage(&self, stage: &str) -> bool {
        self.cfg.lifecycle_stage(stage).is_some_and(|s| s.customer)
    }

    pub fn is_churned_stage(&self, stage: &str) -> bool {
        self.cfg.lifecycle_stage(stage).is_some_and(|s| s.churned)
    }

    /// Whether a customer record was a paying customer on `day`.
    pub fn customer_on(&self, r: &Record, day: NaiveDate) -> bool {
        self.stage_on(r, day)
            .is_some_and(|s| self.is_customer_stage(&s))
    }

    /// The first day a record reached a customer stage.
    pub fn became_customer(&self, r: &Record) -> Option<NaiveDate> {
        self.cfg
            .lifecycle
            .0
            .iter()
            .filter(|s| s.customer)
            .filter_map(|s| self.first_reached(r, &s.name))
            .min()
    }

    /// A deal's close day, if it is in a won stage and closed by the as-of date.
    pub fn won_on(&self, deal: &Record) -> Option<NaiveDate> {
        let won = deal
            .stage()
            .and_then(|s| self.cfg.pipeline_stage(s))
            .is_some_and(|s| s.won);
        self.closed_on(deal).filter(|_| won)
    }

    pub fn lost_on(&self, deal: &Record) -> Option<NaiveDate> {
        let lost = deal
            .stage()
            .and_then(|s| self.cfg.pipeline_stage(s))
            .is_some_and(|s| s.lost);
        self.closed_on(deal).filter(|_| lost)
    }

    fn closed_on(&self, deal: &Record) -> Option<NaiveDate> {
        self.day(deal, "closed").filter(|d| *d <= self.as_of)
    }

    pub fn is_open(&self, deal: &Record) -> bool {
        deal.stage()
            .and_then(|s| self.cfg.pipeline_stage(s))
            .is_some_and(|s| !s.is_closed())
    }

    /// Won deals, with their close day.
    pub fn won(&self) -> impl Iterator<Item = (&'a Record, NaiveDate)> + '_ {
        let won = self.index.won.get_or_init(|| {
            self.deals
                .iter()
                .filter_map(|d| self.won_on(d).map(|c| (*d, c)))
                .collect()
        });
        won.iter().copied()
    }

    /// A customer's tickets.
    pub fn tickets_of(&self, customer: &str) -> &[&'a Record] {
        let by_customer = self.index.tickets_by_customer.get_or_init(|| {
            let mut out: Map<&str, Vec<&Record>> = Map::default();
            for t in &self.tickets {
                if let Some(c) = t.str("customer") {
                    out.entry(c).or_default().push(t);
                }
            }
            out
        });
        by_customer.get(customer).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The last day of an interaction naming this deal.
    pub fn last_deal_interaction(&self, deal: &str) -> Option<NaiveDate> {
        self.index
            .last_by_deal
            .get_or_init(|| last_by(&self.interactions, |t| t.deal))
            .get(deal)
            .copied()
    }

    /// The currency of a record's amounts: its own, else the folder's.
    pub fn currency<'r>(&'r self, r: &'r Record) -> &'r str {
        r.str("currency").unwrap_or(&self.cfg.currency.0)
    }

    /// `field` of a record as (currency, amount).
    pub fn amount<'r>(&'r self, r: &'r Record, field: &str) -> Option<(&'r str, Decimal)> {
        r.decimal(field).map(|v| (self.currency(r), v))
    }

    /// An amount in the default currency: itself, or converted with a rate from crm.toml.
    pub fn in_default(&self, currency: &str, amount: Decimal) -> Option<Decimal> {
        if currency == self.cfg.currency.0 {
            return Some(amount);
        }
        self.cfg
            .rates
            .iter()
            .find(|(c, _)| c.0 == currency)
            .map(|(_, r)| amount * r.0)
    }

    /// Fills in the converted total, when every currency can be converted and more than
    /// one currency is present.
    pub fn convert(&self, mut a: Amounts) -> Amounts {
        if a.by_currency.len() > 1 {
            let total: Option<Decimal> = a
                .by_currency
                .iter()
                .map(|(c, v)| self.in_default(c, *v))
                .sum();
            a.converted = total.map(|t| (self.cfg.currency.0.clone(), t));
        }
        a
    }

    /// The last day a customer was touched by an interaction, if ever.
    pub fn last_interaction(&self, customer: &str) -> Option<NaiveDate> {
        self.index
            .last_by_customer
            .get_or_init(|| last_by(&self.interactions, |t| t.customer))
            .get(customer)
            .copied()
    }
}

impl<'a> Data<'a> {
    /// The lifecycle stages of the acquire funnel: those up to and including the first
    /// customer stage, leaving out churned and lost ones (default: lead, prospect, customer).
    pub fn funnel_stages(&self) -> Vec<&'a str> {
        let mut out = Vec::new();
        for s in &self.cfg.lifecycle.0 {
            if s.churned || s.lost {
                continue;
            }
            out.push(s.name.as_str());
            if s.customer {
                break;
            }
        }
        out
    }

    /// The first day a record reached funnel stage `i` or any later funnel stage:
    /// a lead that became a customer directly has passed "prospect" that day.
    pub fn reached_funnel(&self, r: &Record, stages: &[&str], i: usize) -> Option<NaiveDate> {
        stages[i..]
            .iter()
            .filter_map(|s| self.first_reached(r, s))
            .min()
    }

    /// How many customer records first reached funnel stage `i` (or, having skipped it,
    /// a later funnel stage) during `p`: the funnel's "Reached".
    pub fn reached_in(&self, stages: &[&str], i: usize, p: &Period) -> usize {
        self.customers
            .iter()
            .filter(|c| {
                self.reached_funnel(c, stages, i)
                    .is_some_and(|d| p.contains(d))
            })
            .count()
    }

    /// Deals won (closed at a won stage) during `p`, with their close day.
    pub fn won_in<'p>(
        &'p self,
        p: &'p Period,
    ) -> impl Iterator<Item = (&'a Record, NaiveDate)> + 'p {
        self.won().filter(move |(_, d)| p.contains(*d))
    }

    /// Whether the record entered a churned stage during `p`.
    pub fn churned_in(&self, r: &Record, p: &Period) -> bool {
        let history = self.history(r);
        if history.is_empty() {
            return r.stage().is_some_and(|s| self.is_churned_stage(s))
                && self.start(r).is_some_and(|d| p.contains(d));
        }
        history
            .iter()
            .any(|(s, d)| self.is_churned_stage(s) && p.contains(*d))
    }

    /// Won value of a customer's deals closed in the 365 days up to the as-of date,
    /// in the default currency (deals in a currency without a rate are left out).
    pub fn trailing_value(&self, customer: &str) -> Decimal {
        let trailing = self.index.trailing.get_or_init(|| {
            let from = self.as_of - chrono::Duration::days(365);
            let mut out: Map<&str, Decimal> = Map::default();
            for (d, closed) in self.won() {
                let Some(c) = d.str("customer") else { continue };
                if closed <= from {
                    continue;
                }
                if let Some(v) = self
                    .amount(d, "value")
                    .and_then(|(cur, v)| self.in_default(cur, v))
                {
                    *out.entry(c).or_default() += v;
                }
            }
            out
        });
        trailing.get(customer).copied().unwrap_or_default()
    }

    /// The highest loyalty tier whose `min` the value reaches.
    pub fn tier(&self, value: Decimal) -> Option<&'a str> {
        self.cfg
            .loyalty
            .iter()
            .filter(|t| t.min.0 <= value)
            .max_by_key(|t| t.min.0)
            .map(|t| t.name.as_str())
    }

    /// Days since a current customer was last touched (last interaction, else the day
    /// they became a customer), when that exceeds the at-risk threshold.
    pub fn at_risk_days(&self, c: &Record) -> Option<i64> {
        if !self.customer_on(c, self.as_of) {
            return None;
        }
        let last = self
            .last_interaction(&c.id)
            .into_iter()
            .chain(self.became_customer(c))
            .max()?;
        let days = (self.as_of - last).num_days();
        (days > i64::from(self.cfg.at_risk_days)).then_some(days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_touch_is_dated_in_the_folders_time_zone() {
        let ny: chrono_tz::Tz = "America/New_York".parse().unwrap();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let row = Row::new(&[
            Some("c-1"),
            Some("2026-03-01T02:00:00+00:00"),
            Some("inbound"),
            Some("d-1"),
            None,
        ]);
        let t = Touch::of(&row, ny).unwrap();
        // 02:00 UTC is the evening before in New York.
        assert_eq!(t.day, day(2026, 2, 28));
        assert_eq!(
            (t.customer, t.deal, t.campaign, t.direction),
            (Some("c-1"), Some("d-1"), None, Some("inbound"))
        );
        // A date is that day wherever the folder is.
        let row = Row::new(&[Some("c-1"), Some("2026-03-01"), None, None, None]);
        assert_eq!(Touch::of(&row, ny).unwrap().day, day(2026, 3, 1));
        // Without a readable `at` it happened on no day.
        let row = Row::new(&[Some("c-1"), Some("soon"), None, None, None]);
        assert!(Touch::of(&row, ny).is_none());
    }
}
