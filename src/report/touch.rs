//! An interaction as reports read it: whom and what it names, its day, its direction.
//! Interactions are the most numerous records, and reports read these five facts of
//! them, straight from the folder's snapshot (nothing else of them is decoded).

use chrono::NaiveDate;

use crate::model::clock::day_of;
use crate::store::read::{Encoded, Snapshot};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Touch<'a> {
    pub customer: Option<&'a str>,
    pub deal: Option<&'a str>,
    pub campaign: Option<&'a str>,
    /// The calendar day of `at`, in the folder's time zone.
    pub day: NaiveDate,
    pub direction: Option<&'a str>,
    /// An NPS answer, 0 to 10 (`crm log --nps`).
    pub nps: Option<u8>,
    /// `at` as written (RFC 3339), read as a moment only by the figures that need one.
    pub at: &'a [u8],
    pub summary: Option<&'a str>,
}

impl<'a> Touch<'a> {
    /// The moment it happened.
    pub fn moment(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        crate::model::clock::parse_moment(std::str::from_utf8(self.at).ok()?)
    }

    /// None for an interaction without a readable `at`: it happened on no day, so no
    /// figure counts it; with `deals_only`, also for one that names no deal.
    pub fn of(e: Encoded<'a>, tz: chrono_tz::Tz, deals_only: bool) -> Option<Touch<'a>> {
        let (mut customer, mut at, mut direction, mut deal, mut campaign) =
            (None, None, None, None, None);
        let (mut nps, mut summary) = (None, None);
        for (k, v) in e.fields().raw() {
            let slot = match k {
                b"customer" => &mut customer,
                b"at" => {
                    at = v.text();
                    continue;
                }
                b"direction" => &mut direction,
                b"deal" => &mut deal,
                b"campaign" => &mut campaign,
                b"summary" => &mut summary,
                b"nps" => {
                    nps = v
                        .decimal()
                        .filter(|d| d.fract().is_zero())
                        .and_then(|d| rust_decimal::prelude::ToPrimitive::to_u8(&d))
                        .filter(|n| *n <= 10);
                    continue;
                }
                _ => continue,
            };
            *slot = v.str();
        }
        if deals_only && deal.is_none() {
            return None;
        }
        let at = at?;
        Some(Touch {
            customer,
            day: day_of(at, tz)?,
            at,
            direction,
            deal,
            campaign,
            nps,
            summary,
        })
    }

    /// The interactions up to `as_of` (with `deals_only`, those that name a deal), read
    /// on all cores.
    pub fn all(
        interactions: &'a Snapshot,
        tz: chrono_tz::Tz,
        as_of: NaiveDate,
        deals_only: bool,
    ) -> Vec<Touch<'a>> {
        interactions.par_filter_map(|e| Touch::of(e, tz, deals_only).filter(|t| t.day <= as_of))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::encoding::encode;

    fn touch(text: &str, tz: chrono_tz::Tz) -> Option<Touch<'static>> {
        let fields: serde_yaml::Mapping = serde_yaml::from_str(text).unwrap();
        let bytes: &'static [u8] = Box::leak(encode(&fields).into_boxed_slice());
        let e = Encoded {
            path: "interactions/2026/03/i-1.yaml",
            bytes,
        };
        Touch::of(e, tz, false)
    }

    #[test]
    fn a_touch_is_dated_in_the_folders_time_zone() {
        let ny: chrono_tz::Tz = "America/New_York".parse().unwrap();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let t = touch(
            "customer: c-1\nat: 2026-03-01T02:00:00+00:00\ndirection: inbound\ndeal: d-1\n\
             summary: hello\nchannel: call\n",
            ny,
        )
        .unwrap();
        // 02:00 UTC is the evening before in New York.
        assert_eq!(t.day, day(2026, 2, 28));
        assert_eq!(
            (t.customer, t.deal, t.campaign, t.direction),
            (Some("c-1"), Some("d-1"), None, Some("inbound"))
        );
        // A date is that day wherever the folder is.
        let t = touch("customer: c-1\nat: 2026-03-01\n", ny).unwrap();
        assert_eq!(t.day, day(2026, 3, 1));
        // A number is not an id.
        assert_eq!(
            touch("customer: 42\nat: 2026-03-01\n", ny)
                .unwrap()
                .customer,
            None
        );
        // Without a readable `at` it happened on no day.
        assert!(touch("customer: c-1\nat: soon\n", ny).is_none());
        assert!(touch("customer: c-1\n", ny).is_none());
        // Asked for those of deals only.
        let fields: serde_yaml::Mapping =
            serde_yaml::from_str("customer: c-1\nat: 2026-03-01\n").unwrap();
        let bytes = encode(&fields);
        let e = Encoded {
            path: "interactions/i-2.yaml",
            bytes: &bytes,
        };
        assert!(Touch::of(e, ny, true).is_none());
        assert!(Touch::of(e, ny, false).is_some());
    }
}
