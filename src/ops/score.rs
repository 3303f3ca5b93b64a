//! `crm score REF`: a customer's lead score with each rule's part in it (see
//! [`crate::store::score`] for the definition).

use crate::error::{ConfigError, Error, Result};
use crate::model::{Record, RecordType};
use crate::store::score::{explain, total, Part};
use crate::store::Store;

/// A customer's score, explained.
pub struct Explanation {
    pub parts: Vec<Part>,
    pub score: f64,
    /// `preferences.do_not_contact`: scored as computed, flagged.
    pub do_not_contact: bool,
    /// Whether crm.toml sets any rule (without, every score is 0).
    pub rules_set: bool,
}

/// The folder's scoring rules, or the first that does not parse as the settings error
/// it is (`crm.toml: [[scoring.fit]] number 2: `where`: …`).
pub fn scores(store: &Store) -> Result<&crate::store::score::Scores> {
    store.scores().map_err(|e| {
        Error::Config(ConfigError::Invalid {
            path: store
                .root
                .join(crate::config::FILE_NAME)
                .display()
                .to_string(),
            message: format!(
                "[[scoring.{}]] number {}: `where`: {}",
                e.kind, e.index, e.error
            ),
        })
    })
}

/// A customer's score with each rule's part.
pub fn score(store: &Store, customer: &Record) -> Result<Explanation> {
    let scores = scores(store)?;
    let interactions: Vec<&Record> = store
        .records(RecordType::Interaction)
        .map(|l| &l.record)
        .filter(|r| r.str("customer") == Some(customer.id.as_str()))
        .collect();
    let parts = explain(
        &scores.rules,
        customer,
        interactions.into_iter(),
        &store.config,
        store.clock.today,
        store,
    );
    Ok(Explanation {
        score: total(&parts),
        parts,
        do_not_contact: customer
            .get("preferences.do_not_contact")
            .and_then(serde_yaml::Value::as_bool)
            == Some(true),
        rules_set: !store.config.scoring.is_empty(),
    })
}
