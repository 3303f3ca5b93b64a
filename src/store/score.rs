//! Lead scores: the `score` of a customer, a field computed from `[scoring]` (README,
//! "Lead scores").
//!
//! **score** = Σ points of the fit rules whose query holds on the customer
//! \+ Σ over the customer's interactions on or before the as-of date of
//! (Σ points of the engagement rules whose query holds on it) × 0.5^(age / half_life_days),
//! age = the as-of date − the interaction's day in the folder's time zone, in days.
//!
//! Computed once per run for every customer (one pass over the interactions), exact;
//! tables show it to one decimal.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::config::{Config, ScoreRule};
use crate::model::{Record, RecordType};
use crate::query::{Query, QueryError, Records};

/// A rule made ready: its query, points, and what it is for messages.
pub struct Rule {
    pub kind: &'static str,
    pub index: usize,
    pub source: String,
    pub points: f64,
    query: Query,
}

/// The folder's rules, typed.
pub struct Rules {
    pub fit: Vec<Rule>,
    pub engagement: Vec<Rule>,
    pub half_life_days: f64,
}

/// A rule that does not parse: which one, and why.
#[derive(Debug)]
pub struct RuleError {
    pub kind: &'static str,
    pub index: usize,
    pub error: QueryError,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "crm.toml: [[scoring.{}]] number {}: `where`: {}",
            self.kind, self.index, self.error
        )
    }
}

/// The folder as scoring rules see it: without the score they make (a rule on `score`
/// would ask for itself without end).
struct WithoutScore<'a>(&'a dyn Records);

impl Records for WithoutScore<'_> {
    fn record(&self, ty: RecordType, id: &str) -> Option<&Record> {
        self.0.record(ty, id)
    }

    fn holds(&self, ty: RecordType, path: &str) -> bool {
        self.0.holds(ty, path)
    }

    fn computed_problem(&self, _: RecordType, _: &str) -> Option<String> {
        Some("a scoring rule cannot use the score it makes".into())
    }
}

impl Rules {
    /// Types every rule of `[scoring]`; the first that does not parse is the error.
    pub fn new(cfg: &Config, today: NaiveDate, db: &dyn Records) -> Result<Rules, RuleError> {
        let db = &WithoutScore(db);
        let typed = |kind: &'static str, ty: RecordType, rules: &[ScoreRule]| {
            rules
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    Query::new(std::slice::from_ref(&r.query), ty, cfg, today, db)
                        .map(|query| Rule {
                            kind,
                            index: i + 1,
                            source: r.query.clone(),
                            points: r.points,
                            query,
                        })
                        .map_err(|error| RuleError {
                            kind,
                            index: i + 1,
                            error,
                        })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Rules {
            fit: typed("fit", RecordType::Customer, &cfg.scoring.fit)?,
            engagement: typed(
                "engagement",
                RecordType::Interaction,
                &cfg.scoring.engagement,
            )?,
            half_life_days: cfg.scoring.half_life_days,
        })
    }

    /// The weight of an interaction on `day` as of `today`: 0.5^(age / half-life), none
    /// for one after the as-of date.
    pub fn decay(&self, day: NaiveDate, today: NaiveDate) -> Option<f64> {
        let age = (today - day).num_days();
        (age >= 0).then(|| 0.5f64.powf(age as f64 / self.half_life_days))
    }
}

/// One rule's part in a customer's score.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub kind: &'static str,
    pub index: usize,
    pub source: String,
    pub points: f64,
    /// For an engagement rule, the interactions it held on (a fit rule: 1 or 0).
    pub matched: usize,
    /// What it adds to the score.
    pub total: f64,
}

/// The interaction's day in the folder's time zone (as reports read it).
fn day_of(r: &Record, cfg: &Config) -> Option<NaiveDate> {
    crate::model::clock::day_of(r.str("at")?.as_bytes(), cfg.tz())
}

/// Each rule's part in the score of `customer`, given its interactions.
pub fn explain<'r>(
    rules: &Rules,
    customer: &Record,
    interactions: impl Iterator<Item = &'r Record>,
    cfg: &Config,
    today: NaiveDate,
    db: &dyn Records,
) -> Vec<Part> {
    let part = |r: &Rule| Part {
        kind: r.kind,
        index: r.index,
        source: r.source.clone(),
        points: r.points,
        matched: 0,
        total: 0.0,
    };
    let mut parts: Vec<Part> = rules.fit.iter().map(part).collect();
    for (p, r) in parts.iter_mut().zip(&rules.fit) {
        if r.query.matches(customer, db) {
            p.matched = 1;
            p.total = r.points;
        }
    }
    let mut engagement: Vec<Part> = rules.engagement.iter().map(part).collect();
    for i in interactions {
        let Some(w) = day_of(i, cfg).and_then(|d| rules.decay(d, today)) else {
            continue;
        };
        for (p, r) in engagement.iter_mut().zip(&rules.engagement) {
            if r.query.matches(i, db) {
                p.matched += 1;
                p.total += r.points * w;
            }
        }
    }
    parts.extend(engagement);
    parts
}

/// The score a list of parts adds up to.
pub fn total(parts: &[Part]) -> f64 {
    // Folded from +0: `sum` of no floats is -0, which prints as "-0".
    parts.iter().map(|p| p.total).fold(0.0, |a, b| a + b)
}

/// The folder's rules and every customer's score, computed once per run.
pub struct Scores {
    pub rules: Rules,
    /// By customer id (the first file of an id).
    score: HashMap<String, f64>,
}

impl Scores {
    /// Every customer's score, in one pass over the interactions and one over the
    /// customers, each decoded with just the fields the rules name and then dropped
    /// (read whole and kept, 200,000 interactions and 100,000 customers took a gigabyte).
    fn build(store: &super::Store) -> Result<Scores, RuleError> {
        let cfg = &store.config;
        let today = store.clock.today;
        let rules = Rules::new(cfg, today, store)?;
        let fields = |rules: &[Rule], more: &[&'static str]| {
            let mut out: Vec<String> = more.iter().map(|f| f.to_string()).collect();
            for r in rules {
                out.extend(r.query.fields().into_iter().map(str::to_string));
            }
            out.sort();
            out.dedup();
            out
        };
        let mut engagement: HashMap<String, f64> = HashMap::new();
        if !rules.engagement.is_empty() {
            let names = fields(&rules.engagement, &["customer", "at"]);
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            // Each interaction decoded, weighed and dropped: kept, 200,000 of them
            // held 280 MB.
            let points = super::read::decode::each_with(
                &store.root,
                RecordType::Interaction,
                store.snapshot(RecordType::Interaction),
                &names,
                |i| {
                    let customer = i.str("customer")?;
                    let w = day_of(i, cfg).and_then(|d| rules.decay(d, today))?;
                    let points: f64 = rules
                        .engagement
                        .iter()
                        .filter(|r| r.query.matches(i, store))
                        .map(|r| r.points)
                        .fold(0.0, |a, b| a + b);
                    (points != 0.0).then(|| (customer.to_string(), points * w))
                },
            );
            // Added in the files' order, whatever the cores did: the same sum each run.
            for (customer, p) in points {
                *engagement.entry(customer).or_default() += p;
            }
        }
        let names = fields(&rules.fit, &[]);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let fits = super::read::decode::each_with(
            &store.root,
            RecordType::Customer,
            store.snapshot(RecordType::Customer),
            &names,
            |c| {
                let fit: f64 = rules
                    .fit
                    .iter()
                    .filter(|r| r.query.matches(c, store))
                    .map(|r| r.points)
                    .fold(0.0, |a, b| a + b);
                Some((c.id.clone(), fit))
            },
        );
        let mut score = HashMap::with_capacity(fits.len());
        for (id, fit) in fits {
            // The first file of an id counts, as everywhere.
            if let std::collections::hash_map::Entry::Vacant(e) = score.entry(id) {
                let engaged = engagement.get(e.key()).copied().unwrap_or(0.0);
                e.insert(fit + engaged);
            }
        }
        Ok(Scores { rules, score })
    }

    /// A customer's score, by id: its fit points and its interactions' engagement points.
    pub fn of(&self, id: &str) -> Option<f64> {
        self.score.get(id).copied()
    }
}

impl super::Store {
    /// The folder's scores (built on first use), or the first rule that does not parse.
    pub fn scores(&self) -> Result<&Scores, &RuleError> {
        self.scores.get_or_init(|| Scores::build(self)).as_ref()
    }

    /// The score of the customer `id`, if it is one and the rules parse.
    pub fn score_of(&self, id: &str) -> Option<f64> {
        let scores = self.scores().ok()?;
        if scores.rules.fit.is_empty() && scores.rules.engagement.is_empty() {
            // No rules: 0, without reading the customer whole.
            return self.exists(RecordType::Customer, id).then_some(0.0);
        }
        scores.of(id)
    }
}
