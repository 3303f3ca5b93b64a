//! "Today" and "now", pinned for reproducible runs.
//!
//! today = `--as-of`, else `CRM_TODAY`, else the clock's date in the folder's time zone.
//! now   = `CRM_NOW` (RFC 3339), else midnight of a pinned today, else the clock.
//! Pinning today therefore pins every timestamp crm writes, which keeps tests and
//! back-dated scripted runs deterministic.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    pub today: NaiveDate,
    pub now: DateTime<FixedOffset>,
}

impl Clock {
    /// `pinned_today` is `--as-of` or `CRM_TODAY`; `pinned_now` is `CRM_NOW`.
    pub fn new(
        pinned_today: Option<NaiveDate>,
        pinned_now: Option<DateTime<FixedOffset>>,
        tz: Tz,
    ) -> Clock {
        let now = match (pinned_now, pinned_today) {
            (Some(now), _) => now,
            (None, Some(day)) => midnight(day, tz),
            (None, None) => {
                let utc = Utc::now();
                utc.with_timezone(&tz).fixed_offset()
            }
        };
        let today = pinned_today.unwrap_or_else(|| now.with_timezone(&tz).date_naive());
        // Whole seconds: timestamps in files stay short and stable.
        let now = now.with_nanosecond(0).unwrap_or(now);
        Clock { today, now }
    }

    /// A clock for tests: today at midnight UTC.
    pub fn fixed(today: NaiveDate) -> Clock {
        Clock::new(Some(today), None, Tz::UTC)
    }

    /// The timestamp format crm writes: RFC 3339, seconds, offset (`Z` for UTC is spelled `+00:00`).
    pub fn stamp(&self) -> String {
        format_moment(&self.now)
    }
}

pub fn format_moment(m: &DateTime<FixedOffset>) -> String {
    m.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// The first moment of `day` in the time zone.
pub fn midnight(day: NaiveDate, tz: Tz) -> DateTime<FixedOffset> {
    let naive = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    match tz.from_local_datetime(&naive).earliest() {
        Some(t) => t.fixed_offset(),
        // A zone whose midnight is skipped by a DST jump: use the zone's offset at noon.
        None => {
            let noon = day.and_hms_opt(12, 0, 0).expect("noon exists");
            let off = tz.offset_from_utc_datetime(&noon).fix();
            off.from_local_datetime(&naive)
                .single()
                .expect("fixed offset")
        }
    }
}

/// Parses a moment: RFC 3339, or a bare date taken as its midnight UTC.
pub fn parse_moment(s: &str) -> Option<DateTime<FixedOffset>> {
    if let Ok(m) = DateTime::parse_from_rfc3339(s) {
        return Some(m);
    }
    let d = parse_date(s)?;
    Some(
        Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0)?)
            .fixed_offset(),
    )
}

/// Parses `YYYY-MM-DD` strictly (four-digit year, two-digit month and day).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_today_pins_now() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let c = Clock::new(Some(day), None, "Asia/Jakarta".parse().unwrap());
        assert_eq!(c.today, day);
        assert_eq!(c.stamp(), "2026-11-22T00:00:00+07:00");
    }

    #[test]
    fn pinned_now_wins() {
        let now = DateTime::parse_from_rfc3339("2026-11-22T09:30:15.5+07:00").unwrap();
        let c = Clock::new(None, Some(now), Tz::UTC);
        assert_eq!(c.stamp(), "2026-11-22T09:30:15+07:00");
        assert_eq!(c.today, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2026-13-01").is_none());
        assert!(parse_date("2026-2-01").is_none());
        assert!(parse_date("2026-02-30").is_none());
        assert_eq!(
            parse_date("2026-02-28"),
            NaiveDate::from_ymd_opt(2026, 2, 28)
        );
        assert!(parse_moment("2026-11-22T10:00:00+07:00").is_some());
        assert!(parse_moment("yesterday").is_none());
    }
}
