//! What a report sees: the records, filtered, and the facts every report reads off
//! them (the day something happened, the stage on a day, amounts per currency).
//!
//! Days are calendar days in `crm.toml`'s time zone. Records created after the
//! as-of date, and interactions after it, are left out: they did not exist yet.

use std::cell::OnceCell;
use std::rc::Rc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::customer::{funnel_stages, Customer, Lifecycle};
use super::deal::Deal;
use super::ticket::Ticket;
use super::touch::Touch;
use super::{Amounts, Period};
use crate::config::Config;
use crate::error::Result;
use crate::model::clock::day_of;
use crate::model::{Record, RecordType};
use crate::query::{Query, Records};
use crate::store::read::Encoded;
use crate::store::Store;
use std::path::Path;

/// A map over the run's own keys (ids, record addresses): foldhash hashes a short key
/// several times faster than the standard library's SipHash, and no key comes from an
/// adversary who could aim at its collisions.
pub(crate) type Map<K, V> = foldhash::HashMap<K, V>;
pub(crate) type Set<K> = foldhash::HashSet<K>;

/// Facts computed once per report run, each on first use: no figure scans one type per
/// record of another, and a report pays only for the facts it reads (the pipeline never
/// builds the customers' ones).
#[derive(Default)]
struct Index<'a> {
    /// Won deals closed by the as-of date (their place in `deals`), with their close day.
    won: OnceCell<Vec<(usize, NaiveDate)>>,
    /// The last day of an interaction, by customer id and by deal id.
    last_by_customer: OnceCell<Map<&'a str, NaiveDate>>,
    last_by_deal: OnceCell<Map<&'a str, NaiveDate>>,
    /// Won value of the last 365 days in the default currency, by customer id.
    trailing: OnceCell<Map<&'a str, Decimal>>,
    /// The at-risk list (see [`super::segments::at_risk`]): places in `customers`, why.
    at_risk: OnceCell<Vec<(usize, String)>>,
    /// Customers by id (their places in `customers`).
    customer_by_id: OnceCell<Map<&'a str, usize>>,
}

/// The last day of an interaction, by the id `key` reads off it, for `ids` ids or so.
fn last_by<'a>(
    touches: &[Touch<'a>],
    ids: usize,
    key: impl Fn(&Touch<'a>) -> Option<&'a str>,
) -> Map<&'a str, NaiveDate> {
    // Room for every id at once: a map grown step by step takes fresh memory at each
    // step, which on a virtual machine costs more than the hashing.
    let mut out = Map::with_capacity_and_hasher(ids.min(touches.len()), Default::default());
    for t in touches {
        if let Some(id) = key(t) {
            let e = out.entry(id).or_insert(t.day);
            *e = (*e).max(t.day);
        }
    }
    out
}

/// The views of the first file of each id that are kept.
fn first_of_each_id<T>(views: Vec<(bool, &str, T)>) -> Vec<T> {
    let mut seen = Set::with_capacity_and_hasher(views.len(), Default::default());
    views
        .into_iter()
        .filter(|(_, id, _)| seen.insert(*id))
        .filter_map(|(keep, _, v)| keep.then_some(v))
        .collect()
}

#[derive(Clone)]
pub struct Data<'a> {
    pub cfg: &'a Config,
    pub as_of: NaiveDate,
    pub period: Period,
    /// Customers, deals and tickets as reports read them (shared by the copies
    /// [`Data::with_period`] makes).
    pub customers: Rc<[Customer<'a>]>,
    pub deals: Rc<[Deal<'a>]>,
    pub tickets: Rc<[Ticket<'a>]>,
    pub campaigns: Vec<&'a Record>,
    /// Interactions up to the as-of date (of the customers kept, under --where). A
    /// report about deals reads interactions only for deals' activity, and keeps only
    /// those that name a deal.
    pub interactions: Rc<[Touch<'a>]>,
    /// The moment a deadline counts as missed after: now, when the as-of day is today
    /// and the moment is known; else the end of the as-of day (a past day is judged
    /// whole, and a pinned day without a moment as of its end, reproducibly).
    pub cutoff: chrono::DateTime<chrono::FixedOffset>,
    db: &'a dyn Records,
    /// Shared by the copies [`Data::with_period`] makes: it does not depend on the period.
    index: Rc<Index<'a>>,
}

impl<'a> Data<'a> {
    /// Loads the `needs` types (and the primary one whether named or not). `--where`
    /// filters the report's `primary` records; when those are customers, deals,
    /// tickets and interactions are kept only for the customers kept.
    #[expect(
        clippy::too_many_lines,
        reason = "the report index is built in one pass over the snapshots"
    )]
    pub fn new(
        store: &'a Store,
        as_of: NaiveDate,
        period: Period,
        primary: RecordType,
        filters: &[String],
        needs: &[RecordType],
    ) -> Result<Data<'a>> {
        let query = Query::new(filters, primary, &store.config, as_of, store)?;
        let wanted = |ty| ty == primary || needs.contains(&ty);
        let types: Vec<RecordType> = RecordType::ALL.into_iter().filter(|t| wanted(*t)).collect();
        store.preload(&types);
        let mut interactions = Vec::new();
        if wanted(RecordType::Interaction) {
            let tz = store.config.tz();
            let snapshot = store.snapshot(RecordType::Interaction);
            interactions = Touch::all(snapshot, tz, as_of, primary == RecordType::Deal);
        }
        // A query reads records: the paths of the primary records it keeps.
        let kept: Option<std::collections::HashSet<&Path>> = (!filters.is_empty()
            && matches!(
                primary,
                RecordType::Customer | RecordType::Deal | RecordType::Ticket
            ))
        .then(|| {
            store
                .records_with(primary, &query.fields())
                .filter(|l| query.matches(&l.record, store))
                .map(|l| l.path.as_path())
                .collect()
        });
        let kept = |ty: RecordType, e: &Encoded| {
            ty != primary || kept.as_ref().is_none_or(|k| k.contains(Path::new(e.path)))
        };
        let cfg = &store.config;
        let tz = cfg.tz();
        let mut deals = Vec::new();
        if wanted(RecordType::Deal) {
            deals = store.snapshot(RecordType::Deal).par_filter_map(|e| {
                Some(e)
                    .filter(|e| kept(RecordType::Deal, e))
                    .map(|e| Deal::of(e, cfg))
                    .filter(|d| d.created.is_none_or(|c| c <= as_of))
            });
        }
        // Customers and tickets: an id held by two files (a copy under a subfolder)
        // counts once, the first, whether or not that one is kept.
        let mut customers = Vec::new();
        if wanted(RecordType::Customer) {
            let life = Lifecycle::of(cfg);
            customers =
                first_of_each_id(store.snapshot(RecordType::Customer).par_filter_map(|e| {
                    let c = Customer::of(e, &life);
                    let keep =
                        kept(RecordType::Customer, &e) && c.created.is_none_or(|d| d <= as_of);
                    Some((keep, c.id, c))
                }));
        }
        let mut tickets = Vec::new();
        if wanted(RecordType::Ticket) {
            tickets = first_of_each_id(store.snapshot(RecordType::Ticket).par_filter_map(|e| {
                let t = Ticket::of(e, tz);
                let keep = kept(RecordType::Ticket, &e) && t.start.is_none_or(|d| d <= as_of);
                Some((keep, t.id, t))
            }));
        }
        let mut data = Data {
            cfg: &store.config,
            as_of,
            period,
            customers: Rc::from([]),
            deals: Rc::from([]),
            tickets: Rc::from([]),
            campaigns: Vec::new(),
            interactions: Rc::from([]),
            cutoff: {
                let end = crate::model::clock::midnight(
                    as_of + chrono::Duration::days(1),
                    store.config.tz(),
                );
                let clock = &store.clock;
                if clock.now_known && as_of == clock.today {
                    clock.now.min(end)
                } else {
                    end
                }
            },
            db: store,
            index: Default::default(),
        };
        if wanted(RecordType::Campaign) {
            // An id held by two files (a copy under a subfolder) counts once: the first.
            let mut seen = std::collections::HashSet::new();
            data.campaigns = store
                .records(RecordType::Campaign)
                .map(|l| &l.record)
                .filter(|r| seen.insert(r.id.as_str()))
                .filter(|r| data.existed(r))
                .filter(|r| primary != RecordType::Campaign || query.matches(r, store))
                .collect();
        }
        if primary == RecordType::Customer && !filters.is_empty() {
            let ids: Set<&str> = customers.iter().map(|c| c.id).collect();
            let mine = |c: Option<&str>| c.is_some_and(|c| ids.contains(c));
            deals.retain(|d| mine(d.customer));
            tickets.retain(|t| mine(t.customer));
            interactions.retain(|t| mine(t.customer));
        }
        let mut seen = Set::with_capacity_and_hasher(deals.len(), Default::default());
        deals.retain(|d| seen.insert(d.id));
        data.customers = customers.into();
        data.deals = deals.into();
        data.tickets = tickets.into();
        data.interactions = interactions.into();
        data.check_amounts()?;
        Ok(data)
    }

    /// Every amount a report adds or multiplies is at most [`MAX_AMOUNT`], so that no
    /// figure can overflow; a record over it (written by hand: writes, imports and `crm
    /// check` refuse it) fails the report, named, rather than a figure or the process.
    fn check_amounts(&self) -> Result<()> {
        use crate::model::value::MAX_AMOUNT;
        let mut over: Vec<String> = self
            .deals
            .iter()
            .filter_map(|d| {
                let v = d.value.filter(|v| *v > MAX_AMOUNT)?;
                Some(format!("deal {} has value {v}", d.id))
            })
            .collect();
        for c in &self.campaigns {
            for field in ["budget", "cost", "expected_revenue"] {
                if let Some(v) = c.decimal(field).filter(|v| *v > MAX_AMOUNT) {
                    over.push(format!("campaign {} has {field} {v}", c.id));
                }
            }
        }
        if over.is_empty() {
            return Ok(());
        }
        Err(crate::Error::Overflow {
            max: MAX_AMOUNT.to_string(),
            over,
        })
    }

    /// The same records seen over another period (the index does not depend on it).
    pub fn with_period(&self, period: Period) -> Data<'a> {
        Data {
            period,
            ..self.clone()
        }
    }

    /// The same data cut into `n` groups of customers (`groups` gives the groups of each
    /// customer id, one for each value of a field): each group holds its customers and
    /// their deals, tickets and interactions, as `--where` would keep them; a customer of
    /// several groups (a list field's items) is in each. One pass over each type.
    pub fn split_customers(&self, n: usize, groups: &Map<&str, Vec<usize>>) -> Vec<Data<'a>> {
        let of = |id: Option<&str>| {
            id.and_then(|i| groups.get(i))
                .map_or(&[][..], Vec::as_slice)
        };
        let (mut customers, mut deals, mut tickets, mut touches) = (
            vec![Vec::new(); n],
            vec![Vec::new(); n],
            vec![Vec::new(); n],
            vec![Vec::new(); n],
        );
        for c in self.customers.iter() {
            for g in of(Some(c.id)) {
                customers[*g].push(c.clone());
            }
        }
        for d in self.deals.iter() {
            for g in of(d.customer) {
                deals[*g].push(d.clone());
            }
        }
        for t in self.tickets.iter() {
            for g in of(t.customer) {
                tickets[*g].push(t.clone());
            }
        }
        for t in self.interactions.iter() {
            for g in of(t.customer) {
                touches[*g].push(*t);
            }
        }
        let parts = customers.into_iter().zip(deals).zip(tickets).zip(touches);
        parts
            .map(|(((c, d), t), i)| Data {
                customers: c.into(),
                deals: d.into(),
                tickets: t.into(),
                interactions: i.into(),
                index: Default::default(),
                ..self.clone()
            })
            .collect()
    }

    /// The same data cut into `n` groups of deals (by deal id): each holds its deals and
    /// the interactions naming them, as `--where` on a deals report keeps them.
    pub fn split_deals(&self, n: usize, groups: &Map<&str, Vec<usize>>) -> Vec<Data<'a>> {
        let of = |id: Option<&str>| {
            id.and_then(|i| groups.get(i))
                .map_or(&[][..], Vec::as_slice)
        };
        let (mut deals, mut touches) = (vec![Vec::new(); n], vec![Vec::new(); n]);
        for d in self.deals.iter() {
            for g in of(Some(d.id)) {
                deals[*g].push(d.clone());
            }
        }
        for t in self.interactions.iter() {
            for g in of(t.deal) {
                touches[*g].push(*t);
            }
        }
        deals
            .into_iter()
            .zip(touches)
            .map(|(d, i)| Data {
                deals: d.into(),
                interactions: i.into(),
                index: Default::default(),
                ..self.clone()
            })
            .collect()
    }

    /// Whether a record existed on the as-of date.
    fn existed(&self, r: &Record) -> bool {
        self.start(r).is_none_or(|d| d <= self.as_of)
    }

    pub fn record(&self, ty: RecordType, id: &str) -> Option<&'a Record> {
        self.db.record(ty, id)
    }

    /// The at-risk list, made by `make` on first use.
    pub(super) fn once_at_risk(
        &self,
        make: impl FnOnce() -> Vec<(usize, String)>,
    ) -> &[(usize, String)] {
        self.index.at_risk.get_or_init(make)
    }

    /// The customer of that id, among those the report reads.
    /// A customer's lead score (`store::score`), when the folder's rules parse.
    pub fn score(&self, id: &str) -> Option<f64> {
        self.db
            .computed(RecordType::Customer, id, crate::query::field::SCORE)
            .and_then(|v| v.as_f64())
    }

    pub fn customer(&self, id: &str) -> Option<&Customer<'a>> {
        let by_id = self.index.customer_by_id.get_or_init(|| {
            let mut out = Map::with_capacity_and_hasher(self.customers.len(), Default::default());
            for (i, c) in self.customers.iter().enumerate() {
                out.insert(c.id, i);
            }
            out
        });
        by_id.get(id).map(|i| &self.customers[*i])
    }

    /// The calendar day of a date or moment value, in the folder's time zone.
    pub fn day_of(&self, v: &str) -> Option<NaiveDate> {
        day_of(v.as_bytes(), self.cfg.tz())
    }

    pub fn day(&self, r: &Record, field: &str) -> Option<NaiveDate> {
        r.str(field).and_then(|v| self.day_of(v))
    }

    /// When a record came to be: `created`, an interaction's `at`, else a ticket's `opened`.
    pub fn start(&self, r: &Record) -> Option<NaiveDate> {
        r.ty.info().start.iter().find_map(|f| self.day(r, f))
    }

    /// A deal's pipeline stage, as configured.
    fn deal_stage(&self, deal: &Deal) -> Option<&'a crate::config::PipelineStage> {
        deal.step.map(|i| &self.cfg.pipeline.0[i])
    }

    /// A deal's close day, if it is in a won stage and closed by the as-of date.
    pub fn won_on(&self, deal: &Deal) -> Option<NaiveDate> {
        let won = self.deal_stage(deal).is_some_and(|s| s.won);
        self.closed_on(deal).filter(|_| won)
    }

    pub fn lost_on(&self, deal: &Deal) -> Option<NaiveDate> {
        let lost = self.deal_stage(deal).is_some_and(|s| s.lost);
        self.closed_on(deal).filter(|_| lost)
    }

    fn closed_on(&self, deal: &Deal) -> Option<NaiveDate> {
        deal.closed.filter(|d| *d <= self.as_of)
    }

    pub fn is_open(&self, deal: &Deal) -> bool {
        deal.is_open(self.cfg)
    }

    /// Won deals, with their close day.
    pub fn won(&self) -> impl Iterator<Item = (&Deal<'a>, NaiveDate)> + '_ {
        let won = self.index.won.get_or_init(|| {
            self.deals
                .iter()
                .enumerate()
                .filter_map(|(i, d)| self.won_on(d).map(|c| (i, c)))
                .collect()
        });
        won.iter().map(|(i, c)| (&self.deals[*i], *c))
    }

    /// A deal's value as (currency, amount): its own currency, else the folder's.
    pub fn deal_value<'r>(&'r self, deal: &'r Deal) -> Option<(&'r str, Decimal)> {
        let currency = deal.currency.unwrap_or(&self.cfg.currency.0);
        deal.value.map(|v| (currency, v))
    }

    /// The last day of an interaction, by the id of the deal it names.
    pub(crate) fn deal_touches(&self) -> &Map<&'a str, NaiveDate> {
        self.index
            .last_by_deal
            .get_or_init(|| last_by(&self.interactions, self.deals.len(), |t| t.deal))
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
            .get_or_init(|| last_by(&self.interactions, self.customers.len(), |t| t.customer))
            .get(customer)
            .copied()
    }
}

impl<'a> Data<'a> {
    /// The lifecycle stages of the acquire funnel (see [`funnel_stages`]).
    pub fn funnel_stages(&self) -> Vec<&'a str> {
        funnel_stages(self.cfg)
    }

    /// How many customer records first reached funnel stage `i` (or, having skipped it,
    /// a later funnel stage) during `p`: the funnel's "Reached".
    pub fn reached_in(&self, i: usize, p: &Period) -> usize {
        self.customers
            .iter()
            .filter(|c| c.reached_on(i).is_some_and(|d| p.contains(d)))
            .count()
    }

    /// Deals won (closed at a won stage) during `p`, with their close day.
    pub fn won_in<'p>(
        &'p self,
        p: &'p Period,
    ) -> impl Iterator<Item = (&'p Deal<'a>, NaiveDate)> + 'p {
        self.won().filter(move |(_, d)| p.contains(*d))
    }

    /// Won value of a customer's deals closed in the 365 days up to the as-of date,
    /// in the default currency (deals in a currency without a rate are left out).
    pub fn trailing_value(&self, customer: &str) -> Decimal {
        let trailing = self.index.trailing.get_or_init(|| {
            let from = self.as_of - chrono::Duration::days(365);
            let mut out: Map<&str, Decimal> = Map::default();
            for (d, closed) in self.won() {
                let Some(c) = d.customer else { continue };
                if closed <= from {
                    continue;
                }
                if let Some(v) = self
                    .deal_value(d)
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
    pub fn at_risk_days(&self, c: &Customer) -> Option<i64> {
        if !c.customer_on(self.as_of) {
            return None;
        }
        let last = self
            .last_interaction(c.id)
            .into_iter()
            .chain(c.became)
            .max()?;
        let days = (self.as_of - last).num_days();
        (days > i64::from(self.cfg.at_risk_days)).then_some(days)
    }
}
