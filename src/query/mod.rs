//! The `--where` language (README, "Listing and queries"): lexer, parser, and the typed evaluator that
//! `crm list`, reference resolution and the reports share.

pub mod eval;
pub mod field;
pub mod lexer;
pub mod names;
pub mod parser;
pub mod sort;

use chrono::NaiveDate;

pub use crate::error::QueryError;
pub use eval::{FieldRef, Filter, Records};

use crate::config::Config;
use crate::model::{Record, RecordType};

/// One or more `--where` expressions (joined with `and`), checked for one record type.
#[derive(Debug, Clone, Default)]
pub struct Query {
    filters: Vec<Filter>,
}

impl Query {
    /// Parses and types each expression; the first bad one is the error, with its text
    /// attached for the caret display. `db` tells which fields the folder's records hold.
    pub fn new(
        exprs: &[String],
        ty: RecordType,
        cfg: &Config,
        today: NaiveDate,
        db: &dyn Records,
    ) -> Result<Query, QueryError> {
        let mut filters = Vec::new();
        for src in exprs {
            let with_source = |mut e: QueryError| {
                e.source = src.clone();
                e
            };
            let expr = parser::parse(src, today).map_err(with_source)?;
            filters.push(Filter::new(&expr, ty, cfg, db).map_err(with_source)?);
        }
        Ok(Query { filters })
    }

    pub fn matches(&self, record: &Record, db: &dyn Records) -> bool {
        self.filters.iter().all(|f| f.matches(record, db))
    }

    /// The top-level fields of a record the query reads.
    pub fn fields(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for f in &self.filters {
            f.fields(&mut out);
        }
        out
    }
}
