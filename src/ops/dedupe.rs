//! `crm dedupe`: pairs of records that are likely one (README, "Duplicates").
//!
//! Customers pair when they share an e-mail (any case, `email` or `emails`), a phone
//! number (E.164 match keys of `phone`, `phones`, `social.whatsapp`) or another social
//! handle (exact: score 1), or when their names are alike (Jaro–Winkler of the names
//! folded: case, accents, punctuation and legal suffixes dropped) at or above `min` and
//! they are in the same city or organisation. Deals pair when they are one customer's,
//! their titles alike at or above `min`, and their dates overlap. Candidates are found
//! by blocking on normalised keys, never by comparing all pairs: a block is the
//! records sharing a key, and a name block is a city or organisation with the first
//! four characters of the folded name (with two, 100,000 customers in 20 cities made
//! blocks of 300 and 15 million comparisons: 9.8 s).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use crate::model::contact::{emails, phone_keys};
use crate::model::fold::fold;
use crate::model::{Record, RecordType};
use crate::store::Store;

/// A likely duplicate: two ids (in order), how likely (0 to 1), and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub a: String,
    pub b: String,
    pub score: f64,
    pub reasons: Vec<String>,
}

/// The legal suffixes dropped from a name before names are compared.
const SUFFIXES: &[&str] = &[
    "pt", "cv", "tbk", "ltd", "inc", "gmbh", "llc", "plc", "ud", "co", "corp", "bv", "sa", "srl",
    "ag", "pte",
];

/// A name for comparing: case folded, accents dropped (ASCII), punctuation made spaces,
/// legal suffixes (`PT`, `Tbk`, `GmbH`, …) left out, words joined by one space.
pub fn normal_name(name: &str) -> String {
    let ascii = deunicode::deunicode(&fold(name)).to_ascii_lowercase();
    ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !SUFFIXES.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// How alike two folded names are: Jaro–Winkler of what follows the words they begin
/// with in common ("kopi rantau" and "kopi tua" compare "rantau" with "tua": Jaro–Winkler
/// weighs a shared beginning so much that two cafés named "Kopi …" would pass), or of the
/// whole names when one is the start of the other.
pub fn similarity(x: &str, y: &str) -> f64 {
    let (a, b): (Vec<&str>, Vec<&str>) = (x.split(' ').collect(), y.split(' ').collect());
    let common = a.iter().zip(&b).take_while(|(p, q)| p == q).count();
    if common == 0 || common == a.len() || common == b.len() {
        return strsim::jaro_winkler(x, y);
    }
    strsim::jaro_winkler(&a[common..].join(" "), &b[common..].join(" "))
}

/// Pairs found, by (a, b): their reasons and name score.
#[derive(Default)]
struct Pairs {
    found: BTreeMap<(String, String), (f64, Vec<String>)>,
}

impl Pairs {
    fn add(&mut self, x: &str, y: &str, score: f64, reason: String) {
        if x == y {
            return;
        }
        let key = if x < y {
            (x.to_string(), y.to_string())
        } else {
            (y.to_string(), x.to_string())
        };
        let e = self.found.entry(key).or_insert((0.0, Vec::new()));
        e.0 = e.0.max(score);
        if !e.1.contains(&reason) {
            e.1.push(reason);
        }
    }

    fn into_candidates(self) -> Vec<Candidate> {
        let mut out: Vec<Candidate> = self
            .found
            .into_iter()
            .map(|((a, b), (score, reasons))| Candidate {
                a,
                b,
                score,
                reasons,
            })
            .collect();
        out.sort_by(|x, y| {
            y.score
                .total_cmp(&x.score)
                .then_with(|| x.a.cmp(&y.a))
                .then_with(|| x.b.cmp(&y.b))
        });
        out
    }
}

/// Every pair of a block's members (ids), each once.
fn each_pair<'a>(members: &'a [&'a str]) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    members
        .iter()
        .enumerate()
        .flat_map(move |(i, a)| members[i + 1..].iter().map(move |b| (*a, *b)))
}

/// Whether a customer was erased (`crm forget`): never a candidate.
fn erased(r: &Record) -> bool {
    r.get(crate::model::spec::ERASED).is_some()
}

/// Likely duplicate customers, most likely first.
pub fn customers(store: &Store, min: f64) -> Vec<Candidate> {
    let region = store.config.phone_region();
    let fields = [
        "name",
        "email",
        "emails",
        "phone",
        "phones",
        "social",
        "city",
        "organisation",
        crate::model::spec::ERASED,
    ];
    let records: Vec<&Record> = store
        .records_with(RecordType::Customer, &fields)
        .map(|l| &l.record)
        .filter(|r| !erased(r))
        .collect();
    let mut exact: HashMap<String, Vec<&str>> = HashMap::new();
    let mut names: HashMap<String, Vec<&str>> = HashMap::new();
    let mut normal: HashMap<&str, String> = HashMap::new();
    for r in &records {
        let id = r.id.as_str();
        for e in emails(r) {
            let e = fold(e.trim());
            exact.entry(format!("e-mail {e}")).or_default().push(id);
        }
        for k in phone_keys(r, region.as_deref()) {
            exact.entry(format!("phone {k}")).or_default().push(id);
        }
        if let Some(serde_yaml::Value::Mapping(social)) = r.get("social") {
            for (k, v) in social {
                let (Some(k), Some(v)) = (k.as_str(), v.as_str()) else {
                    continue;
                };
                // A WhatsApp number is keyed as a phone above.
                if k != "whatsapp" {
                    let v = fold(v.trim().trim_start_matches('@'));
                    exact.entry(format!("{k} handle {v}")).or_default().push(id);
                }
            }
        }
        let Some(name) = r.str("name").map(normal_name).filter(|n| !n.is_empty()) else {
            continue;
        };
        let head: String = name.chars().take(4).collect();
        for (what, place) in [
            ("city", r.str("city")),
            ("organisation", r.str("organisation")),
        ] {
            if let Some(p) = place {
                names
                    .entry(format!("{what}\u{0}{}\u{0}{head}", fold(p.trim())))
                    .or_default()
                    .push(id);
            }
        }
        normal.insert(id, name);
    }
    let mut pairs = Pairs::default();
    for (key, members) in &exact {
        for (a, b) in each_pair(members) {
            pairs.add(a, b, 1.0, format!("same {key}"));
        }
    }
    let place = |key: &str| {
        let mut parts = key.split('\u{0}');
        let what = parts.next().unwrap_or_default().to_string();
        let value = parts.next().unwrap_or_default().to_string();
        (what, value)
    };
    for (key, members) in &names {
        let (what, value) = place(key);
        for (a, b) in each_pair(members) {
            let (Some(x), Some(y)) = (normal.get(a), normal.get(b)) else {
                continue;
            };
            let s = similarity(x, y);
            if s >= min {
                pairs.add(
                    a,
                    b,
                    s,
                    format!("names alike ({s:.2}), same {what} {value}"),
                );
            }
        }
    }
    pairs.into_candidates()
}

/// A deal's span: `created` to `closed`, else `expected_close`, else the as-of date.
fn span(r: &Record, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let day = |f: &str| r.str(f).and_then(crate::model::clock::parse_date);
    let from = day("created")?;
    let to = day("closed")
        .or_else(|| day("expected_close"))
        .unwrap_or(today);
    Some((from, to.max(from)))
}

/// Likely duplicate deals: one customer's, titles alike, dates overlapping.
pub fn deals(store: &Store, min: f64) -> Vec<Candidate> {
    let today = store.clock.today;
    let fields = ["title", "customer", "created", "closed", "expected_close"];
    let mut by_customer: HashMap<&str, Vec<&Record>> = HashMap::new();
    for l in store.records_with(RecordType::Deal, &fields) {
        if let Some(c) = l.record.str("customer") {
            by_customer.entry(c).or_default().push(&l.record);
        }
    }
    let mut pairs = Pairs::default();
    for (customer, deals) in &by_customer {
        for (i, a) in deals.iter().enumerate() {
            for b in &deals[i + 1..] {
                let (Some(x), Some(y)) = (a.str("title"), b.str("title")) else {
                    continue;
                };
                // Whole titles: one customer's deals of overlapping dates are few, and
                // their titles share words ("POS for the Kemang branch").
                let s = strsim::jaro_winkler(&normal_name(x), &normal_name(y));
                let overlap = match (span(a, today), span(b, today)) {
                    (Some((a0, a1)), Some((b0, b1))) => a0 <= b1 && b0 <= a1,
                    _ => false,
                };
                if s >= min && overlap {
                    pairs.add(
                        &a.id,
                        &b.id,
                        s,
                        format!("titles alike ({s:.2}), same customer {customer}, dates overlap"),
                    );
                }
            }
        }
    }
    pairs.into_candidates()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_folded_before_they_are_compared() {
        assert_eq!(normal_name("PT. Kopi Kenangan Tbk"), "kopi kenangan");
        assert_eq!(normal_name("Café Bambú, GmbH"), "cafe bambu");
        assert_eq!(normal_name("KOPI  kenangan"), "kopi kenangan");
    }

    #[test]
    fn a_shared_first_word_does_not_make_names_alike() {
        assert!(similarity("kopi rantau", "kopi tua") < 0.9);
        assert!(similarity("cafe bambu", "cafe bumi") < 0.9);
        assert!(similarity("arunika coffee", "arunika cofee") > 0.9);
        assert!(similarity("kopi kenangan", "kopi kenangan jakarta") > 0.9);
        assert_eq!(similarity("kopi tua", "kopi tua"), 1.0);
    }
}
