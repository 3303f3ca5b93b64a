//! A ticket as reports read it: the fields they use, typed once, borrowed from the
//! folder's snapshot (see [`super::customer`]).

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::customer::group;
use crate::model::clock::{day_of, parse_moment};
use crate::model::value::Scalar;
use crate::store::encoding::{Items, Raw};
use crate::store::read::Encoded;

#[derive(Debug, Clone)]
pub struct Ticket<'a> {
    pub id: &'a str,
    pub subject: Option<&'a str>,
    pub customer: Option<&'a str>,
    /// open, pending, resolved, closed (`open` when unset: see [`Ticket::status`]).
    status: Option<&'a str>,
    priority: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub owner: Option<&'a str>,
    /// The moments of `opened`, `first_response` and `resolved` (RFC 3339).
    pub opened: Option<DateTime<FixedOffset>>,
    pub first_response: Option<DateTime<FixedOffset>>,
    pub resolved: Option<DateTime<FixedOffset>>,
    /// When it came to be: the day of `opened`, else of `created`.
    pub start: Option<NaiveDate>,
    /// The day of `resolved`.
    pub resolved_on: Option<NaiveDate>,
    /// A whole-number rating.
    pub satisfaction: Option<i64>,
    pub next_on: Option<NaiveDate>,
    pub next_note: Option<&'a str>,
    /// `tags`, read when asked for (see [`Ticket::tags`]).
    tags: Option<Items<'a>>,
}

impl<'a> Ticket<'a> {
    pub fn of(e: Encoded<'a>, tz: chrono_tz::Tz) -> Ticket<'a> {
        let mut t = Ticket {
            id: e.id(),
            subject: None,
            customer: None,
            status: None,
            priority: None,
            kind: None,
            owner: None,
            opened: None,
            first_response: None,
            resolved: None,
            start: None,
            resolved_on: None,
            satisfaction: None,
            next_on: None,
            next_note: None,
            tags: None,
        };
        let day = |v: Raw| v.text().and_then(|s| day_of(s, tz));
        let moment = |v: Raw| v.str().and_then(parse_moment);
        let (mut opened_day, mut created_day) = (None, None);
        for (k, v) in e.fields().raw() {
            match k {
                b"subject" => t.subject = v.str(),
                b"customer" => t.customer = v.str(),
                b"status" => t.status = v.str(),
                b"priority" => t.priority = v.str(),
                b"kind" => t.kind = v.str(),
                b"tags" => t.tags = v.val().and_then(|v| v.as_seq()),
                b"owner" => t.owner = v.str(),
                b"opened" => {
                    t.opened = moment(v);
                    opened_day = day(v);
                }
                b"created" => created_day = day(v),
                b"first_response" => t.first_response = moment(v),
                b"resolved" => {
                    t.resolved = moment(v);
                    t.resolved_on = day(v);
                }
                b"satisfaction" => {
                    t.satisfaction = match v.val().map(|v| v.untag().scalar()) {
                        Some(Some(Scalar::Int(n))) => Some(n),
                        Some(Some(Scalar::UInt(n))) => i64::try_from(n).ok(),
                        _ => None,
                    }
                }
                b"next_action" => {
                    for (k, v) in group(v) {
                        match k {
                            b"on" => t.next_on = day(v),
                            b"note" => t.next_note = v.str(),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        t.start = opened_day.or(created_day);
        t
    }

    /// Its status, `open` when unset.
    pub fn status(&self) -> &'a str {
        self.status.unwrap_or("open")
    }

    /// Its priority, `normal` when unset.
    pub fn priority(&self) -> &'a str {
        self.priority.unwrap_or("normal")
    }

    /// Open or pending: not yet done with.
    pub fn is_open(&self) -> bool {
        matches!(self.status(), "open" | "pending")
    }

    pub fn title(&self) -> Option<&'a str> {
        self.subject
    }

    /// Its `tags`, each as text once (numbers as decimals); lists and maps are left out.
    pub fn tags(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for t in self
            .tags
            .into_iter()
            .flatten()
            .filter_map(|v| v.untag().scalar().map(Scalar::text))
        {
            if !out.contains(&t) {
                out.push(t);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::encoding::encode;

    fn ticket(text: &str) -> Ticket<'static> {
        let fields: serde_yaml::Mapping = serde_yaml::from_str(text).unwrap();
        let bytes: &'static [u8] = Box::leak(encode(&fields).into_boxed_slice());
        let e = Encoded {
            path: "tickets/t-1.yaml",
            bytes,
        };
        Ticket::of(e, "America/New_York".parse().unwrap())
    }

    #[test]
    fn a_ticket_reads_its_fields_typed() {
        let t = ticket(
            "subject: Grinder broke\ncustomer: c-1\nstatus: resolved\npriority: high\n\
             kind: complaint\nopened: 2026-03-01T02:00:00+00:00\n\
             first_response: 2026-03-01T03:30:00+00:00\nresolved: 2026-03-02T12:00:00Z\n\
             satisfaction: 4\nnext_action: {on: 2026-03-09}\ncreated: 2026-01-01\n\
             tags: [billing, 7, billing, [x]]\n",
        );
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            (t.id, t.title(), t.customer, t.kind),
            ("t-1", Some("Grinder broke"), Some("c-1"), Some("complaint"))
        );
        assert_eq!(
            (t.status(), t.priority(), t.is_open()),
            ("resolved", "high", false)
        );
        // 02:00 UTC is the evening before in New York: `opened` wins over `created`.
        assert_eq!(t.start, Some(day(2026, 2, 28)));
        assert_eq!(t.opened.unwrap().to_rfc3339(), "2026-03-01T02:00:00+00:00");
        assert_eq!(
            t.first_response
                .zip(t.opened)
                .map(|(a, b)| (a - b).num_minutes()),
            Some(90)
        );
        assert_eq!(t.resolved_on, Some(day(2026, 3, 2)));
        assert_eq!(
            (t.satisfaction, t.next_on),
            (Some(4), Some(day(2026, 3, 9)))
        );
        // A tag counts once; a list inside the list is not a tag.
        assert_eq!(t.tags(), ["billing", "7"]);
        // Unset status and priority read as their defaults; a rating must be whole.
        let t = ticket("subject: x\ncreated: 2026-01-01\nsatisfaction: 4.5\n");
        assert_eq!(
            (t.status(), t.priority(), t.is_open()),
            ("open", "normal", true)
        );
        assert_eq!((t.start, t.satisfaction), (Some(day(2026, 1, 1)), None));
    }
}
