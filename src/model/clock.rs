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
    /// Whether `now` is a real moment (the clock's, or `CRM_NOW`), not just the start of
    /// a day pinned by `--as-of` or `CRM_TODAY`.
    pub now_known: bool,
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
        let now_known = pinned_now.is_some() || pinned_today.is_none();
        Clock {
            today,
            now,
            now_known,
        }
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
/// `today`, or today with an offset: `today-7d`, `today+2w`, `today-3m`, `today+1y` (any
/// case). None for other text (`todays-special` is a word, not a date); an error for
/// `today` with an offset crm cannot read or a day past the calendar.
pub fn relative_day(text: &str, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
    use chrono::{Days, Months};
    let lower = text.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("today") else {
        return Ok(None);
    };
    if rest.is_empty() {
        return Ok(Some(today));
    }
    let bad = || {
        format!("`{text}` is not a date: write today, or today with an offset such as today-7d, today+2w, today-3m, today-1y")
    };
    let (sign, body) = match rest.as_bytes()[0] {
        b'+' => (1i64, &rest[1..]),
        b'-' => (-1i64, &rest[1..]),
        _ => return Ok(None),
    };
    // The unit is the last character (which may be any character, of any width).
    let Some((last, _)) = body.char_indices().last().filter(|(i, _)| *i > 0) else {
        return Err(bad());
    };
    let (n, unit) = body.split_at(last);
    let n: u32 = n.parse().map_err(|_| bad())?;
    let day = match (unit, sign) {
        ("d", 1) => today.checked_add_days(Days::new(n.into())),
        ("d", _) => today.checked_sub_days(Days::new(n.into())),
        ("w", 1) => today.checked_add_days(Days::new(u64::from(n) * 7)),
        ("w", _) => today.checked_sub_days(Days::new(u64::from(n) * 7)),
        ("m", 1) => today.checked_add_months(Months::new(n)),
        ("m", _) => today.checked_sub_months(Months::new(n)),
        ("y", 1) => today.checked_add_months(Months::new(n.saturating_mul(12))),
        ("y", _) => today.checked_sub_months(Months::new(n.saturating_mul(12))),
        _ => return Err(bad()),
    };
    day.map(Some).ok_or_else(bad)
}

/// A day as a person types it when writing: a relative day ([`relative_day`]), or
/// `tomorrow` / `yesterday`. None for anything else (a date is read as a date).
pub fn typed_day(text: &str, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "tomorrow" => Ok(today.succ_opt()),
        "yesterday" => Ok(today.pred_opt()),
        t => relative_day(t, today),
    }
}

pub fn parse_date(s: &str) -> Option<NaiveDate> {
    date_of(s.as_bytes())
}

/// The decimal number written in `b[r]` (digits only).
fn digits(b: &[u8], r: std::ops::Range<usize>) -> Option<u32> {
    b.get(r)?.iter().try_fold(0u32, |n, d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// [`parse_date`] of bytes. Digits are read by hand: reports read hundreds of thousands
/// of dates, and a format string is interpreted anew on every call.
fn date_of(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(b, 0..4)? as i32, digits(b, 5..7)?, digits(b, 8..10)?)
}

/// The calendar day in time zone `tz` of a date (that day, wherever the folder is) or
/// of a moment ([`parse_moment`]), from its text.
///
/// The form crm writes, `YYYY-MM-DDTHH:MM:SS` then `Z` or `±HH:MM`, is read by hand;
/// anything else RFC 3339 allows (fractions of a second, a leap second, lower case)
/// goes through chrono, so both read every moment alike.
pub fn day_of(b: &[u8], tz: Tz) -> Option<NaiveDate> {
    if let Some(d) = date_of(b) {
        return Some(d);
    }
    let plain = |b: &[u8]| {
        if b.len() < 20 || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return None;
        }
        let (h, m, s) = (digits(b, 11..13)?, digits(b, 14..16)?, digits(b, 17..19)?);
        let offset = match &b[19..] {
            b"Z" => 0,
            [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
                let (oh, om) = (digits(b, 20..22)?, digits(b, 23..25)?);
                if oh > 23 || om > 59 {
                    return None;
                }
                let secs = (oh * 3600 + om * 60) as i64;
                if *sign == b'-' {
                    -secs
                } else {
                    secs
                }
            }
            _ => return None,
        };
        let local = date_of(&b[..10])?.and_hms_opt(h, m, s)?;
        Some(local - chrono::Duration::seconds(offset))
    };
    if let Some(utc) = plain(b) {
        return Some(tz.from_utc_datetime(&utc).date_naive());
    }
    let m = parse_moment(std::str::from_utf8(b).ok()?)?;
    Some(m.with_timezone(&tz).date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_strictly() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(parse_date("2026-11-22"), day(2026, 11, 22));
        for bad in [
            "2026-02-30",
            "2026-1-01",
            "+026-01-01",
            "2026-11-2x",
            "2026/11/22",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_moments_day_is_the_same_by_hand_and_by_chrono() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let jkt: Tz = "Asia/Jakarta".parse().unwrap();
        for text in [
            "2026-03-01T02:00:00+00:00",
            "2026-03-01T02:00:00Z",
            "2026-03-08T06:59:59Z",
            "2026-03-08T07:00:00Z",
            "2026-11-15T23:41:00+07:00",
            "2026-11-15T00:10:00-05:30",
            "2026-11-15T00:10:00.5+07:00",
            "2026-11-15t00:10:00z",
            "2026-12-31T23:59:60Z",
            "2026-02-30T00:00:00Z",
            "2026-11-15T24:00:00Z",
            "2026-11-15T10:00:00+24:00",
            "2026-11-15",
            "soon",
        ] {
            for tz in [Tz::UTC, ny, jkt] {
                let by_chrono = parse_moment(text).map(|m| m.with_timezone(&tz).date_naive());
                let by_chrono = parse_date(text).or(by_chrono);
                assert_eq!(day_of(text.as_bytes(), tz), by_chrono, "{text} in {tz}");
            }
        }
        // 02:00 UTC is the evening before in New York; 23:41 in Jakarta is 16:41 UTC.
        let d = day_of(b"2026-03-01T02:00:00+00:00", ny).unwrap();
        assert_eq!(d, NaiveDate::from_ymd_opt(2026, 2, 28).unwrap());
        let d = day_of(b"2026-11-15T23:41:00+07:00", Tz::UTC).unwrap();
        assert_eq!(d, NaiveDate::from_ymd_opt(2026, 11, 15).unwrap());
    }

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
