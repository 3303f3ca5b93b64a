//! Report periods: `--since/--until`, `--week 2026-W47`, `--month 2026-11`, `--quarter 2026-Q4`.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

/// An inclusive range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub since: NaiveDate,
    pub until: NaiveDate,
}

impl Period {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.since <= d && d <= self.until
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> Period {
        let len = (self.until - self.since).num_days();
        let until = self.since.pred_opt().expect("a day before");
        Period {
            since: until - chrono::Duration::days(len),
            until,
        }
    }

    /// The month containing `day`, up to and including `day` (month to date).
    pub fn month_to_date(day: NaiveDate) -> Period {
        Period {
            since: day.with_day(1).expect("day 1"),
            until: day,
        }
    }

    /// The last complete ISO week (Monday to Sunday) before the week of `day`.
    pub fn last_complete_week(day: NaiveDate) -> Period {
        let monday = day.week(Weekday::Mon).first_day();
        let since = monday - chrono::Duration::days(7);
        Period {
            since,
            until: since + chrono::Duration::days(6),
        }
    }

    pub fn label(&self) -> String {
        format!("{} to {}", self.since, self.until)
    }
}

/// The ways a period can be named on the command line.
#[derive(Debug, Clone, Default)]
pub struct PeriodArgs {
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub week: Option<String>,
    pub month: Option<String>,
    pub quarter: Option<String>,
}

/// Why the period asked for is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("give one period: --week, --month, --quarter, or --since/--until")]
    Several,
    #[error("the period is empty: {since} is after {until}")]
    Empty { since: NaiveDate, until: NaiveDate },
    #[error("--week {0:?}: expected YYYY-Www, e.g. 2026-W47")]
    Week(String),
    #[error("--month {0:?}: expected YYYY-MM, e.g. 2026-11")]
    Month(String),
    #[error("--quarter {0:?}: expected YYYY-Qn, e.g. 2026-Q4")]
    Quarter(String),
}

impl PeriodArgs {
    /// The period asked for, or `default` when none was.
    pub fn resolve(&self, as_of: NaiveDate, default: Period) -> Result<Period, PeriodError> {
        let named = [
            self.week.is_some(),
            self.month.is_some(),
            self.quarter.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if named > 1 || (named == 1 && (self.since.is_some() || self.until.is_some())) {
            return Err(PeriodError::Several);
        }
        let p = if let Some(w) = &self.week {
            parse_week(w)?
        } else if let Some(m) = &self.month {
            parse_month(m)?
        } else if let Some(q) = &self.quarter {
            parse_quarter(q)?
        } else if self.since.is_some() || self.until.is_some() {
            Period {
                since: self.since.unwrap_or(default.since),
                until: self.until.unwrap_or(as_of),
            }
        } else {
            default
        };
        if p.since > p.until {
            return Err(PeriodError::Empty {
                since: p.since,
                until: p.until,
            });
        }
        Ok(p)
    }
}

/// `2026-W47`: Monday to Sunday of that ISO week.
pub fn parse_week(s: &str) -> Result<Period, PeriodError> {
    let bad = || PeriodError::Week(s.to_string());
    let (y, w) = s.split_once("-W").ok_or_else(bad)?;
    let y: i32 = y.parse().map_err(|_| bad())?;
    let w: u32 = w.parse().map_err(|_| bad())?;
    let since = NaiveDate::from_isoywd_opt(y, w, Weekday::Mon).ok_or_else(bad)?;
    Ok(Period {
        since,
        until: since + chrono::Duration::days(6),
    })
}

/// `2026-11`: the whole month.
pub fn parse_month(s: &str) -> Result<Period, PeriodError> {
    let bad = || PeriodError::Month(s.to_string());
    let (y, m) = s.split_once('-').ok_or_else(bad)?;
    if m.len() != 2 {
        return Err(bad());
    }
    let since = NaiveDate::from_ymd_opt(
        y.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        1,
    )
    .ok_or_else(bad)?;
    let until = since
        .checked_add_months(Months::new(1))
        .and_then(|d| d.checked_sub_days(Days::new(1)))
        .ok_or_else(bad)?;
    Ok(Period { since, until })
}

/// `2026-Q4`: the whole quarter.
pub fn parse_quarter(s: &str) -> Result<Period, PeriodError> {
    let bad = || PeriodError::Quarter(s.to_string());
    let (y, q) = s.split_once("-Q").ok_or_else(bad)?;
    let q: u32 = q.parse().map_err(|_| bad())?;
    if !(1..=4).contains(&q) {
        return Err(bad());
    }
    let since = NaiveDate::from_ymd_opt(y.parse().map_err(|_| bad())?, (q - 1) * 3 + 1, 1)
        .ok_or_else(bad)?;
    let until = since
        .checked_add_months(Months::new(3))
        .and_then(|d| d.checked_sub_days(Days::new(1)))
        .ok_or_else(bad)?;
    Ok(Period { since, until })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn named_periods() {
        assert_eq!(
            parse_week("2026-W47").unwrap(),
            Period {
                since: d("2026-11-16"),
                until: d("2026-11-22")
            }
        );
        assert_eq!(
            parse_month("2026-02").unwrap(),
            Period {
                since: d("2026-02-01"),
                until: d("2026-02-28")
            }
        );
        assert_eq!(
            parse_quarter("2026-Q4").unwrap(),
            Period {
                since: d("2026-10-01"),
                until: d("2026-12-31")
            }
        );
        assert!(parse_week("2026-47").is_err());
        assert!(parse_month("2026-13").is_err());
        assert!(parse_quarter("2026-Q5").is_err());
    }

    #[test]
    fn defaults() {
        // 2026-11-22 is a Sunday: the last complete week is the one before its week.
        assert_eq!(
            Period::last_complete_week(d("2026-11-22")),
            Period {
                since: d("2026-11-09"),
                until: d("2026-11-15")
            }
        );
        assert_eq!(
            Period::last_complete_week(d("2026-11-23")),
            Period {
                since: d("2026-11-16"),
                until: d("2026-11-22")
            }
        );
        assert_eq!(
            Period::month_to_date(d("2026-11-22")),
            Period {
                since: d("2026-11-01"),
                until: d("2026-11-22")
            }
        );
        assert_eq!(
            Period {
                since: d("2026-11-16"),
                until: d("2026-11-22")
            }
            .previous(),
            Period {
                since: d("2026-11-09"),
                until: d("2026-11-15")
            }
        );
    }
}
