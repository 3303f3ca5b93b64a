//! Reading a type, in one pass. Each stage has its own file, entered once, in order:
//!
//! 1. **files** (`files.rs`): the type's record files, listed in path order (statted
//!    when the cache is on);
//! 2. **cache check** (`check.rs`): which of them the cache vouches for, by a watcher's
//!    report or by their stat;
//! 3. **parse changed** (`parse.rs`): the others read, parsed and encoded, on all cores;
//! 4. **write cache** (`write.rs`): the cache file written again when anything changed;
//! 5. **decode** (`decode.rs`): the resulting [`Snapshot`] decoded into records, whole
//!    or with a few fields, on all cores.
//!
//! [`snapshot()`] runs stages 1–4; [`decode::decode`] stage 5. `Store` calls each once per
//! type and run. Without the cache (`--no-cache`), stages 2 and 4 are skipped.

pub mod decode;
pub mod files;
pub mod parse;
pub mod snapshot;

mod check;
mod write;

use std::path::Path;

pub use snapshot::{Encoded, Snapshot};

use crate::model::RecordType;
use crate::store::cache::CacheFile;
use crate::store::watch::{self, Answer};

/// Stages 1–4: a type's records, through the cache when `use_cache`; the cache is
/// written again when anything changed and `write` (a check on the write path passes
/// `false`: rewriting a large cache would cost more than the check, and the next read
/// command rewrites it).
pub fn snapshot(root: &Path, ty: RecordType, use_cache: bool, write: bool) -> Snapshot {
    if !use_cache {
        let files = files::record_files_with(root, ty, false);
        return Snapshot::of(None, parse::fresh(root, ty, files), None, false);
    }
    let old = CacheFile::open(root, ty);
    let answer = watch::ask(root, old.as_ref().and_then(CacheFile::token));
    let token = answer.as_ref().map(|a| a.token);
    let by_watch = match (&old, &answer) {
        (
            Some(old),
            Some(Answer {
                changed: Some(paths),
                ..
            }),
        ) => check::by_changes(root, ty, old, paths),
        _ => None,
    };
    let watched = by_watch.is_some();
    let plan = match by_watch {
        Some(plan) => plan,
        None => check::by_stat(root, ty, old.as_ref()),
    };
    let fresh = parse::fresh(root, ty, plan.to_read);
    // After checking every file while a watcher runs, its token is kept even when
    // nothing changed, so that the next command can ask it instead. A cache the
    // watcher vouched for keeps its token until something of its type changes.
    let first_token =
        !watched && token.is_some() && token != old.as_ref().and_then(CacheFile::token);
    let rewrite = plan.changed || first_token;
    let snapshot = Snapshot::of(old, fresh, Some(plan.items), rewrite);
    if rewrite && write {
        write::cache(&snapshot, root, ty, token);
    }
    snapshot
}
