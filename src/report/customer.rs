//! A customer as reports read it: the fields they use, typed once, borrowed from the
//! folder's snapshot, as [`super::deal`] does for deals.
//!
//! The weekly page looks at every customer's stage history several times (the funnel,
//! the at-risk list, loyalty tiers, two weeks and a twelve-week trend); whole records
//! were YAML values (most of the page's memory at 100,000 customers) whose history was
//! parsed again for each look. Days are calendar days in the folder's time zone.

use chrono::NaiveDate;

use crate::config::Config;
use crate::model::clock::day_of;
use crate::store::encoding::{Raw, Val};
use crate::store::read::Encoded;

#[derive(Debug, Clone)]
pub struct Customer<'a> {
    pub id: &'a str,
    pub name: Option<&'a str>,
    pub stage: Option<&'a str>,
    /// A campaign id or free text.
    pub source: Option<&'a str>,
    pub owner: Option<&'a str>,
    pub created: Option<NaiveDate>,
    /// `next_action.on` and `next_action.note`.
    pub next_on: Option<NaiveDate>,
    pub next_note: Option<&'a str>,
    /// `preferences.frequency` and `preferences.do_not_contact`.
    pub frequency: Option<&'a str>,
    pub do_not_contact: bool,
    /// The first day it reached each funnel stage ([`funnel_stages`]) or a later one: a
    /// lead that became a customer directly passed "prospect" that day.
    pub reached: Vec<Option<NaiveDate>>,
    /// The first day it reached a customer stage.
    pub became: Option<NaiveDate>,
    /// Its `history` entries with a stage and a readable `at`, in the order written, as
    /// (day, at a customer stage, at a churned stage): the stage names looked up in
    /// crm.toml's lifecycle once, not at every look.
    marks: Vec<Mark>,
    /// The same of its current stage, for a customer without history.
    now: (bool, bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mark {
    day: NaiveDate,
    customer: bool,
    churned: bool,
}

/// What reading a customer's stages needs of crm.toml, found once per run rather than
/// once per customer.
pub struct Lifecycle {
    tz: chrono_tz::Tz,
    /// The funnel's stages, in order ([`funnel_stages`]).
    funnel: Vec<String>,
    /// The customer stages.
    customer: Vec<String>,
    /// Every stage with whether it is a customer stage and whether a churned one.
    flags: Vec<(String, bool, bool)>,
}

impl Lifecycle {
    pub fn of(cfg: &Config) -> Lifecycle {
        let stages = &cfg.lifecycle.0;
        Lifecycle {
            tz: cfg.tz(),
            funnel: funnel_stages(cfg).into_iter().map(String::from).collect(),
            customer: stages
                .iter()
                .filter(|s| s.customer)
                .map(|s| s.name.clone())
                .collect(),
            flags: stages
                .iter()
                .map(|s| (s.name.clone(), s.customer, s.churned))
                .collect(),
        }
    }

    /// Whether `stage` is a customer stage, and whether a churned one (neither when
    /// crm.toml has no such stage).
    fn flags(&self, stage: &str) -> (bool, bool) {
        self.flags
            .iter()
            .find(|(name, _, _)| name == stage)
            .map_or((false, false), |(_, c, ch)| (*c, *ch))
    }
}

/// The lifecycle stages of the acquire funnel: those up to and including the first
/// customer stage, leaving out churned and lost ones (default: lead, prospect, customer).
pub fn funnel_stages(cfg: &Config) -> Vec<&str> {
    let mut out = Vec::new();
    for s in &cfg.lifecycle.0 {
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

impl<'a> Customer<'a> {
    /// The customer a record's encoding holds, read with the folder's settings (its days
    /// in the folder's time zone, its stages looked up in the lifecycle).
    pub fn of(e: Encoded<'a>, life: &Lifecycle) -> Customer<'a> {
        let tz = life.tz;
        let mut history = Vec::new();
        let mut c = Customer {
            id: e.id(),
            name: None,
            stage: None,
            source: None,
            owner: None,
            created: None,
            next_on: None,
            next_note: None,
            frequency: None,
            do_not_contact: false,
            reached: Vec::new(),
            became: None,
            marks: Vec::new(),
            now: (false, false),
        };
        let day = |v: Raw| v.text().and_then(|s| day_of(s, tz));
        for (k, v) in e.fields().raw() {
            match k {
                b"name" => c.name = v.str(),
                b"stage" => c.stage = v.str(),
                b"source" => c.source = v.str(),
                b"owner" => c.owner = v.str(),
                b"created" => c.created = day(v),
                b"next_action" => {
                    for (k, v) in group(v) {
                        match k {
                            b"on" => c.next_on = day(v),
                            b"note" => c.next_note = v.str(),
                            _ => {}
                        }
                    }
                }
                b"preferences" => {
                    for (k, v) in group(v) {
                        match k {
                            b"frequency" => c.frequency = v.str(),
                            b"do_not_contact" => {
                                c.do_not_contact = matches!(
                                    v.val().and_then(|v| v.untag().scalar()),
                                    Some(crate::model::value::Scalar::Bool(true))
                                )
                            }
                            _ => {}
                        }
                    }
                }
                b"history" => {
                    if let Some(items) = v.val().and_then(|v| v.as_seq()) {
                        history = items.filter_map(|i| entry(i, tz)).collect();
                    }
                }
                _ => {}
            }
        }
        c.settle(&history, life);
        c
    }

    /// Reads what reports ask of its stages off its history (`(stage, day)` in the order
    /// written), once.
    fn settle(&mut self, history: &[(&str, NaiveDate)], life: &Lifecycle) {
        // The first day at `stage`: from the history, or, without history, the day it
        // was created if it is at that stage now.
        let first = |stage: &str| -> Option<NaiveDate> {
            if history.is_empty() {
                return (self.stage == Some(stage))
                    .then_some(self.created)
                    .flatten();
            }
            history
                .iter()
                .filter(|(s, _)| *s == stage)
                .map(|(_, d)| *d)
                .min()
        };
        // Reached stage i or a later one: the earliest from i on, filled from the end.
        let mut reached = vec![None; life.funnel.len()];
        let mut later: Option<NaiveDate> = None;
        for (i, stage) in life.funnel.iter().enumerate().rev() {
            later = match (first(stage), later) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            reached[i] = later;
        }
        self.reached = reached;
        self.became = life.customer.iter().filter_map(|s| first(s)).min();
        self.marks = history
            .iter()
            .map(|(stage, day)| {
                let (customer, churned) = life.flags(stage);
                Mark {
                    day: *day,
                    customer,
                    churned,
                }
            })
            .collect();
        self.now = self.stage.map_or((false, false), |s| life.flags(s));
    }

    /// Whether it was at a customer stage on `day` (its last history entry up to that
    /// day; without history, its stage from the day it was created).
    pub fn customer_on(&self, day: NaiveDate) -> bool {
        if self.marks.is_empty() {
            return self.now.0 && self.created.is_none_or(|d| d <= day);
        }
        self.marks
            .iter()
            .rfind(|m| m.day <= day)
            .is_some_and(|m| m.customer)
    }

    /// Whether it entered a churned stage on a day `within` holds (without history: it
    /// is churned and was created on such a day).
    pub fn churned_within(&self, within: impl Fn(NaiveDate) -> bool) -> bool {
        if self.marks.is_empty() {
            return self.now.1 && self.created.is_some_and(within);
        }
        self.marks.iter().any(|m| m.churned && within(m.day))
    }

    /// The first day it reached funnel stage `i` or a later one (see `reached`).
    pub fn reached_on(&self, i: usize) -> Option<NaiveDate> {
        self.reached.get(i).copied().flatten()
    }

    /// Its name (a customer's title).
    pub fn title(&self) -> Option<&'a str> {
        self.name
    }
}

/// The fields of a group (`next_action`, `preferences`); nothing when it is not a map.
pub(super) fn group(v: Raw<'_>) -> impl Iterator<Item = (&[u8], Raw<'_>)> {
    v.val()
        .and_then(|v| v.as_map())
        .map(|m| m.raw())
        .into_iter()
        .flatten()
}

/// A `history` entry as (stage, day), if it has both.
pub(super) fn entry(item: Val<'_>, tz: chrono_tz::Tz) -> Option<(&str, NaiveDate)> {
    let (mut stage, mut at) = (None, None);
    for (k, v) in item.as_map()?.raw() {
        match k {
            b"stage" => stage = v.str(),
            b"at" => at = v.text(),
            _ => {}
        }
    }
    Some((stage?, day_of(at?, tz)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::encoding::encode;

    #[test]
    fn a_customer_reads_its_fields_typed() {
        let text = "name: Toko Maju\nstage: customer\nsource: ramadan-26\nowner: sari\n\
            created: 2026-01-05\nnext_action: {on: 2026-12-01, note: call}\n\
            preferences: {frequency: monthly, do_not_contact: true}\nhistory:\n\
            - {stage: lead, at: 2026-01-05}\n- {stage: customer, at: 2026-02-01T23:30:00+00:00}\n\
            - {stage: churned}\n- {at: 2026-03-01}\nnotes: hi\n";
        let fields: serde_yaml::Mapping = serde_yaml::from_str(text).unwrap();
        let bytes = encode(&fields);
        let e = Encoded {
            path: "customers/toko-maju.yaml",
            bytes: &bytes,
        };
        let cfg = Config::parse("timezone = \"Asia/Jakarta\"").unwrap();
        let life = Lifecycle::of(&cfg);
        let c = Customer::of(e, &life);
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(c.id, "toko-maju");
        assert_eq!(
            (c.title(), c.stage, c.source, c.owner),
            (
                Some("Toko Maju"),
                Some("customer"),
                Some("ramadan-26"),
                Some("sari")
            )
        );
        assert_eq!(c.created, Some(day(2026, 1, 5)));
        assert_eq!(
            (c.next_on, c.next_note),
            (Some(day(2026, 12, 1)), Some("call"))
        );
        assert_eq!((c.frequency, c.do_not_contact), (Some("monthly"), true));
        // 23:30 UTC is the next morning in Jakarta; entries missing a part are left out.
        // It skipped "prospect": reaching "customer" passed it that day.
        assert_eq!(
            c.reached,
            [
                Some(day(2026, 1, 5)),
                Some(day(2026, 2, 2)),
                Some(day(2026, 2, 2))
            ]
        );
        assert_eq!(c.became, Some(day(2026, 2, 2)));
        assert!(!c.customer_on(day(2026, 2, 1)));
        assert!(c.customer_on(day(2026, 2, 2)));
        // The churned entry has no day: it never churned.
        assert!(!c.churned_within(|_| true));
        // `do_not_contact` holds only when it is true.
        let fields: serde_yaml::Mapping =
            serde_yaml::from_str("name: X\npreferences: {do_not_contact: 'yes'}\nnext_action: 3\n")
                .unwrap();
        let bytes = encode(&fields);
        let e = Encoded {
            path: "customers/x.yaml",
            bytes: &bytes,
        };
        let c = Customer::of(e, &life);
        assert!(!c.do_not_contact);
        assert_eq!(c.next_on, None);
        // Without history, a customer's stage holds from the day it was created.
        let fields: serde_yaml::Mapping =
            serde_yaml::from_str("name: Y\nstage: churned\ncreated: 2026-03-01\n").unwrap();
        let bytes = encode(&fields);
        let e = Encoded {
            path: "customers/y.yaml",
            bytes: &bytes,
        };
        let c = Customer::of(e, &life);
        assert_eq!(
            (c.reached.clone(), c.became),
            (vec![None, None, None], None)
        );
        assert!(c.churned_within(|d| d == day(2026, 3, 1)));
        assert!(!c.customer_on(day(2026, 3, 2)));
    }
}
