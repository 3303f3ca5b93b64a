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
    /// The top-level fields the output shows, when it shows only some (row formats, or
    /// `--fields`): the records are then read with just those and the ones the query
    /// and the sort read. `None` reads whole records.
    pub shows: Option<Vec<String>>,
}

/// The records of `ty` that match, in folder order (by path) unless sorted.
pub fn list<'s>(store: &'s Store, ty: RecordType, opts: &ListOptions) -> Result<Vec<&'s Record>> {
    let query = Query::new(&opts.filters, ty, &store.config, store.clock.today, store)?;
    let sort = opts
        .sort
        .as_deref()
        .map(|s| SortSpec::new(s, ty, &store.config, store))
        .transpose()
        .map_err(Error::BadValue)?;
    let records: Box<dyn Iterator<Item = &crate::store::load::Loaded>> = match &opts.shows {
        Some(shows) => {
            let mut fields: Vec<&str> = shows.iter().map(String::as_str).collect();
            fields.extend(query.fields());
            fields.extend(sort.iter().flat_map(|s| s.fields()));
            Box::new(store.records_with(ty, &fields))
        }
        None => Box::new(store.records(ty)),
    };
    let mut out: Vec<&Record> = records
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

/// Checks the field names a `--fields` flag gives: one no record can hold is a typo, not
/// an empty column.
pub fn check_fields(store: &Store, ty: RecordType, names: &[String]) -> Result<()> {
    for n in names {
        if let Some(why) = crate::query::names::unknown(ty, n.trim(), &store.config, store) {
            return Err(Error::BadValue(format!("--fields: {why}")));
        }
    }
    Ok(())
}

/// The columns `crm list` shows when `--fields` is not given (the type table's).
pub fn default_columns(ty: RecordType) -> &'static [&'static str] {
    ty.info().columns
}
