//! `--sort [-]FIELD[,…]`: typed, stable, records missing a field last whatever the direction.

use std::cmp::Ordering;

use super::eval::{FieldRef, Records, SortKey};
use super::names;
use crate::config::Config;
use crate::model::{Record, RecordType};

#[derive(Debug, Clone)]
pub struct SortSpec {
    keys: Vec<(FieldRef, bool)>,
}

impl SortSpec {
    /// `-value,name`: by value descending, then name ascending.
    /// A name no record can hold is an error (a typo would sort nothing).
    pub fn new(
        spec: &str,
        ty: RecordType,
        cfg: &Config,
        db: &dyn Records,
    ) -> Result<SortSpec, String> {
        let mut keys = Vec::new();
        for part in spec.split(',').map(str::trim) {
            let (path, desc) = match part.strip_prefix('-') {
                Some(p) => (p, true),
                None => (part.strip_prefix('+').unwrap_or(part), false),
            };
            let ok = !path.is_empty()
                && path.split('.').all(|s| {
                    !s.is_empty()
                        && s.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                });
            if !ok {
                return Err(format!("--sort: {part:?} is not a field name (write FIELD or -FIELD, several joined by ',')"));
            }
            let field = FieldRef::new(ty, path, cfg);
            if let Some(why) = names::unknown_ref(ty, &field, cfg, db) {
                return Err(format!("--sort: {why}"));
            }
            keys.push((field, desc));
        }
        Ok(SortSpec { keys })
    }

    /// The top-level fields of a record the sort reads.
    pub fn fields(&self) -> Vec<&str> {
        self.keys.iter().filter_map(|(f, _)| f.top()).collect()
    }

    /// Sorts in place, stably.
    pub fn sort(&self, records: &mut Vec<&Record>, db: &dyn Records) {
        let mut keyed: Vec<(Vec<Option<SortKey>>, &Record)> = records
            .iter()
            .map(|r| {
                (
                    self.keys.iter().map(|(f, _)| f.sort_key(r, db)).collect(),
                    *r,
                )
            })
            .collect();
        keyed.sort_by(|(a, _), (b, _)| {
            for (i, (_, desc)) in self.keys.iter().enumerate() {
                let o = match (&a[i], &b[i]) {
                    (None, None) => Ordering::Equal,
                    (None, Some(_)) => Ordering::Greater,
                    (Some(_), None) => Ordering::Less,
                    (Some(x), Some(y)) if *desc => y.cmp(x),
                    (Some(x), Some(y)) => x.cmp(y),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
        *records = keyed.into_iter().map(|(_, r)| r).collect();
    }
}
