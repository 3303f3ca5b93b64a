//! crm: a CRM whose database is a folder of YAML files.
//!
//! `model` holds records and their rules, `store` the folder on disk, `ops` the
//! operations commands run, `render` the output formats. None of them knows clap.

pub mod config;
pub mod error;
pub mod model;
pub mod ops;
pub mod query;
pub mod render;
pub mod report;
pub mod store;

pub use error::{Error, Result};
