//! A deal as reports read it: the fields they use, typed once, borrowed from the
//! folder's snapshot (see [`crate::store::read`]).
//!
//! Reports look at every deal's stage, amounts and days many times over; reading them
//! from the record's YAML values each time (a string compare per field name, a date
//! parse per look) was most of a pipeline report's time. A deal's days are calendar
//! days in the folder's time zone.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::customer::{entry, group};
use crate::config::Config;
use crate::model::clock::day_of;
use crate::model::value::Scalar;
use crate::store::encoding::{Items, Raw};
use crate::store::read::Encoded;

#[derive(Debug, Clone)]
pub struct Deal<'a> {
    pub id: &'a str,
    pub title: Option<&'a str>,
    pub customer: Option<&'a str>,
    pub stage: Option<&'a str>,
    /// Where `stage` is in crm.toml's pipeline (`None` for a stage it does not have).
    pub step: Option<usize>,
    /// new, upsell, cross-sell, renewal.
    pub kind: Option<&'a str>,
    pub campaign: Option<&'a str>,
    pub owner: Option<&'a str>,
    /// Its own currency (the folder's default applies without one).
    pub currency: Option<&'a str>,
    pub value: Option<Decimal>,
    /// Its own win probability in percent (its stage's applies without one).
    pub probability: Option<Decimal>,
    pub created: Option<NaiveDate>,
    pub closed: Option<NaiveDate>,
    pub expected_close: Option<NaiveDate>,
    pub lost_reason: Option<&'a str>,
    /// `next_action.on` and `next_action.note`.
    pub next_on: Option<NaiveDate>,
    pub next_note: Option<&'a str>,
    /// The day of its last stage change: the latest `history` entry with a stage and
    /// a readable `at`.
    pub last_change: Option<NaiveDate>,
    /// `products`, read when asked for.
    products: Option<Items<'a>>,
}

impl<'a> Deal<'a> {
    /// The deal a record's encoding holds, read with the folder's settings (its days
    /// in the folder's time zone, its stage found in the pipeline).
    pub fn of(e: Encoded<'a>, cfg: &Config) -> Deal<'a> {
        let tz = cfg.tz();
        let mut d = Deal {
            id: e.id(),
            title: None,
            customer: None,
            stage: None,
            step: None,
            kind: None,
            campaign: None,
            owner: None,
            currency: None,
            value: None,
            probability: None,
            created: None,
            closed: None,
            expected_close: None,
            lost_reason: None,
            next_on: None,
            next_note: None,
            last_change: None,
            products: None,
        };
        let day = |v: Raw| v.text().and_then(|s| day_of(s, tz));
        for (k, v) in e.fields().raw() {
            match k {
                b"title" => d.title = v.str(),
                b"customer" => d.customer = v.str(),
                b"stage" => d.stage = v.str(),
                b"kind" => d.kind = v.str(),
                b"campaign" => d.campaign = v.str(),
                b"owner" => d.owner = v.str(),
                b"currency" => d.currency = v.str(),
                b"value" => d.value = v.decimal(),
                b"probability" => d.probability = v.decimal(),
                b"created" => d.created = day(v),
                b"closed" => d.closed = day(v),
                b"expected_close" => d.expected_close = day(v),
                b"lost_reason" => d.lost_reason = v.str(),
                b"next_action" => {
                    for (k, v) in group(v) {
                        match k {
                            b"on" => d.next_on = day(v),
                            b"note" => d.next_note = v.str(),
                            _ => {}
                        }
                    }
                }
                b"products" => d.products = v.val().and_then(|v| v.as_seq()),
                b"history" => {
                    if let Some(items) = v.val().and_then(|v| v.as_seq()) {
                        d.last_change =
                            items.filter_map(|i| entry(i, tz)).map(|(_, day)| day).max();
                    }
                }
                _ => {}
            }
        }
        d.step = d
            .stage
            .and_then(|s| cfg.pipeline.0.iter().position(|p| p.name == s));
        d
    }

    /// Whether its stage is an open (neither won nor lost) stage of the pipeline.
    pub fn is_open(&self, cfg: &Config) -> bool {
        self.step.is_some_and(|i| !cfg.pipeline.0[i].is_closed())
    }

    /// Its `products`, each as text (numbers as decimals); lists and maps are left out.
    pub fn products(&self) -> impl Iterator<Item = String> + 'a {
        self.products
            .into_iter()
            .flatten()
            .filter_map(|v| v.untag().scalar().map(Scalar::text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::encoding::encode;

    #[test]
    fn a_deal_reads_its_fields_typed() {
        let text = "title: POS\ncustomer: c-1\nstage: won\nvalue: '1250.50'\nprobability: 40\n\
            currency: IDR\ncreated: 2026-10-01\nclosed: 2026-11-02T23:30:00+00:00\n\
            expected_close: soon\nkind: upsell\nnext_action: {on: 2026-12-01, note: call}\n\
            products: [pos, 3, {x: 1}]\nhistory:\n- {stage: new, at: 2026-10-01}\n\
            - {stage: won, at: 2026-11-02T23:30:00+00:00}\n- {stage: lost}\n- {at: 2026-12-24}\n\
            notes: hi\n";
        let fields: serde_yaml::Mapping = serde_yaml::from_str(text).unwrap();
        let bytes = encode(&fields);
        let e = Encoded {
            path: "deals/sub/pos-k7q2.yaml",
            bytes: &bytes,
        };
        let cfg = Config::parse("timezone = \"Asia/Jakarta\"").unwrap();
        let d = Deal::of(e, &cfg);
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(d.id, "pos-k7q2");
        assert_eq!(
            (d.title, d.customer, d.stage),
            (Some("POS"), Some("c-1"), Some("won"))
        );
        // won is the fifth stage of the default pipeline.
        assert_eq!(d.step, Some(4));
        assert_eq!(
            (d.value, d.probability),
            ("1250.50".parse().ok(), Some(Decimal::from(40)))
        );
        assert_eq!(
            (d.currency, d.kind, d.campaign),
            (Some("IDR"), Some("upsell"), None)
        );
        // 23:30 UTC is the next morning in Jakarta; an unreadable day is no day.
        assert_eq!(
            (d.created, d.closed, d.expected_close),
            (day(2026, 10, 1), day(2026, 11, 3), None)
        );
        assert_eq!((d.next_on, d.next_note), (day(2026, 12, 1), Some("call")));
        assert_eq!(d.products().collect::<Vec<_>>(), ["pos", "3"]);
        // The entry without `at` does not count.
        assert_eq!(d.last_change, day(2026, 11, 3));
    }
}
