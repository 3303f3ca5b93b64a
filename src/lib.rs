//! crm: a CRM whose database is a folder of YAML files.
//!
//! The modules are layers, each using only those before it: `model` (the vocabulary),
//! `error` (the typed errors), `config` (crm.toml), `rules` (the field table with crm.toml), `query`, `store`
//! (the folder on disk), `report`, `render` (output formats), `ops` (the operations
//! commands run). None of them knows clap; `tests/layers.rs` checks the order.

pub mod config;
pub mod error;
pub mod model;
pub mod ops;
pub mod query;
pub mod render;
pub mod report;
pub mod rules;
pub mod sql;
pub mod store;

pub use error::{Error, Result};
