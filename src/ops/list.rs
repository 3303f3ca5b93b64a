//! Selecting records: filter, sort, limit.

use crate::error::{Error, Result};
use crate::model::{Record, RecordType};
use crate::query::sort::SortSpec;
use crate::query::Query;
use crate::store::Store;

#[derive(Debug, Default)]
pub struct ListOptions {
    /// `--where` expressions, joined with `and`.
    pub filters: Vec<String>,
    /// `--sort` spec, e.g. `-value,title`.
    pub sort: Option<String>,
    pub limit: Option<usize>,
}

/// The records of `ty` that match, in folder order (by path) unless sorted.
pub fn list<'s>(store: &'s Store, ty: RecordType, opts: &ListOptions) -> Result<Vec<&'s Record>> {
    let query = Query::new(&opts.filters, ty, &store.config, store.clock.today)?;
    let sort = opts
        .sort
        .as_deref()
        .map(|s| SortSpec::new(s, ty, &store.config))
        .transpose()
        .map_err(Error::Usage)?;
    let mut out: Vec<&Record> = store
        .records(ty)
        .map(|l| &l.record)
        .filter(|r| query.matches(r, store))
        .collect();
    if let Some(sort) = sort {
        sort.sort(&mut out, store);
    }
    if let Some(n) = opts.limit {
        out.truncate(n);
    }
    Ok(out)
}

/// The columns `crm list` shows when `--fields` is not given.
pub fn default_columns(ty: RecordType) -> &'static [&'static str] {
    match ty {
        RecordType::Customer => &["id", "name", "stage", "email", "city", "owner"],
        RecordType::Deal => &[
            "id",
            "title",
            "customer",
            "stage",
            "value",
            "currency",
            "expected_close",
        ],
        RecordType::Ticket => &["id", "subject", "customer", "priority", "status", "opened"],
        RecordType::Campaign => &["id", "name", "phase", "status", "start", "end", "budget"],
        RecordType::Interaction => &["id", "at", "customer", "channel", "direction", "summary"],
    }
}
