//! Ticket status changes (deal and customer stage changes, which need crm.toml's stages,
//! are [`crate::rules::stage`]).

use super::clock::Clock;
use super::record::Record;

/// Whether a ticket status is done with: resolved or closed.
pub fn is_done(status: &str) -> bool {
    matches!(status, "resolved" | "closed")
}

/// Moves a ticket to `status`, as a stage change closes a deal: becoming resolved or
/// closed records `resolved` (and `first_response`, when none was recorded) as now, unless
/// they are set; reopening (open, pending) clears `resolved`. Returns false, changing
/// nothing, when it already has that status.
pub fn change_status(record: &mut Record, status: &str, clock: &Clock) -> bool {
    let before = record.str("status").unwrap_or("open").to_string();
    if record.str("status") == Some(status) {
        return false;
    }
    record.fields.insert("status".into(), status.into());
    match (is_done(&before), is_done(status)) {
        (false, true) => {
            for field in ["first_response", "resolved"] {
                if record.get(field).is_none() {
                    record.fields.insert(field.into(), clock.stamp().into());
                }
            }
        }
        (true, false) => {
            record.fields.shift_remove("resolved");
        }
        _ => {}
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RecordType;
    use chrono::NaiveDate;

    #[test]
    fn resolving_records_the_time_and_reopening_clears_it() {
        let clock = Clock::fixed(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        let mut t = Record::new(RecordType::Ticket, "t-0000");
        t.fields
            .insert("first_response".into(), "2026-11-21T10:00:00+00:00".into());
        assert!(change_status(&mut t, "resolved", &clock));
        assert_eq!(t.str("resolved"), Some("2026-11-22T00:00:00+00:00"));
        assert_eq!(t.str("first_response"), Some("2026-11-21T10:00:00+00:00"));
        assert!(change_status(&mut t, "closed", &clock));
        assert!(change_status(&mut t, "open", &clock));
        assert_eq!(t.get("resolved"), None);
    }
}
