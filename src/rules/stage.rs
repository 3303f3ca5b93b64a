//! Stage changes: the one place that appends history and closes deals.

use serde_yaml::{Mapping, Value};

use crate::config::Config;
use crate::model::{Clock, Record, RecordType};

/// Moves a record to `stage`. Returns false, changing nothing, when it is already there.
///
/// Appends `{stage, at: now}` to `history`. A deal entering a won or lost stage gets
/// `closed` = today; a deal moved back to an open stage loses `closed`, since it is open again.
/// The stage name must already have been checked against `crm.toml`.
pub fn change_stage(record: &mut Record, stage: &str, clock: &Clock, cfg: &Config) -> bool {
    if record.stage() == Some(stage) {
        return false;
    }
    record.fields.insert("stage".into(), stage.into());
    let mut entry = Mapping::new();
    entry.insert("stage".into(), stage.into());
    entry.insert("at".into(), clock.stamp().into());
    match record.fields.get_mut("history") {
        Some(Value::Sequence(items)) => items.push(Value::Mapping(entry)),
        _ => {
            record.fields.insert(
                "history".into(),
                Value::Sequence(vec![Value::Mapping(entry)]),
            );
        }
    }
    if record.ty == RecordType::Deal {
        let closes = cfg.pipeline_stage(stage).is_some_and(|s| s.is_closed());
        if closes {
            record
                .fields
                .insert("closed".into(), clock.today.to_string().into());
        } else {
            record.fields.shift_remove("closed");
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn won_closes_and_history_grows() {
        let cfg = Config::default();
        let clock = Clock::fixed(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        let mut d = Record::new(RecordType::Deal, "d-0000");
        d.fields.insert("stage".into(), "new".into());
        assert!(!change_stage(&mut d, "new", &clock, &cfg));
        assert!(change_stage(&mut d, "won", &clock, &cfg));
        assert_eq!(d.str("closed"), Some("2026-11-22"));
        assert_eq!(
            serde_yaml::to_string(d.get("history").unwrap()).unwrap(),
            "- stage: won\n  at: 2026-11-22T00:00:00+00:00\n"
        );
        assert!(change_stage(&mut d, "proposal", &clock, &cfg));
        assert_eq!(d.get("closed"), None);
    }
}
