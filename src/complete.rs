//! What the shell completes: record ids (with their names) and type names, computed by
//! crm itself when the shell asks (`COMPLETE=bash crm …`, see `crm completions`).

use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use crm::model::RecordType;
use crm::store::{ClockPins, Store};

fn ids(types: &[RecordType]) -> Vec<CompletionCandidate> {
    let start = std::env::var_os("CRM_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| ".".into());
    let Ok(store) = Store::open(&start, ClockPins::default()) else {
        return Vec::new();
    };
    types
        .iter()
        .flat_map(|t| store.records(*t))
        .map(|l| {
            let c = CompletionCandidate::new(l.record.id.clone());
            match l.record.title() {
                Some(t) => c.help(Some(t.to_string().into())),
                None => c,
            }
        })
        .collect()
}

/// Any record.
pub fn records() -> ArgValueCandidates {
    ArgValueCandidates::new(|| ids(&RecordType::ALL))
}

pub fn customers() -> ArgValueCandidates {
    ArgValueCandidates::new(|| ids(&[RecordType::Customer]))
}

pub fn deals() -> ArgValueCandidates {
    ArgValueCandidates::new(|| ids(&[RecordType::Deal]))
}

pub fn tickets() -> ArgValueCandidates {
    ArgValueCandidates::new(|| ids(&[RecordType::Ticket]))
}

pub fn campaigns() -> ArgValueCandidates {
    ArgValueCandidates::new(|| ids(&[RecordType::Campaign]))
}

pub fn stageable() -> ArgValueCandidates {
    ArgValueCandidates::new(|| ids(&[RecordType::Customer, RecordType::Deal]))
}

/// The plural type names.
pub fn types() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        RecordType::ALL
            .iter()
            .map(|t| CompletionCandidate::new(t.plural()))
            .collect()
    })
}
