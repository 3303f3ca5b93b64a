//! Removing a record, refused while others point at it.

use crate::error::{Error, Result};
use crate::store::load::Loaded;
use crate::store::Store;

/// Removes `target`. Unless `force`, fails listing the records that refer to it.
/// Returns how many references were left dangling (only with `force`).
pub fn remove(store: &Store, target: &Loaded, force: bool) -> Result<usize> {
    let rec = &target.record;
    let referrers = store.referrers(rec.ty, &rec.id);
    if !referrers.is_empty() && !force {
        let lines: Vec<String> = referrers
            .iter()
            .map(|(l, field)| format!("  {}/{} ({field})", l.record.ty, l.record.id))
            .collect();
        return Err(Error::Referenced {
            record: format!("{}/{}", rec.ty, rec.id),
            referrers: lines,
        });
    }
    store.remove(target)?;
    Ok(referrers.len())
}
