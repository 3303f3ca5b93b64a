//! Stage 4 of reading a type: when anything changed since the cache was written, the
//! cache file is written again from the snapshot (entries still valid copied from the
//! old file, fresh ones with the stat they were read with). A cache that cannot be
//! written is skipped: the next read tries again.

use std::path::Path;

use super::snapshot::{Item, Snapshot};
use crate::model::RecordType;
use crate::store::cache::{now_secs, Body, CacheWriter};
use crate::store::watch::Token;

pub(super) fn cache(snapshot: &Snapshot, root: &Path, ty: RecordType, token: Option<Token>) {
    let mut w = CacheWriter::with_capacity(snapshot.items.len());
    let now = now_secs();
    for item in &snapshot.items {
        let ok = match *item {
            Item::Cached(i) => {
                let e = snapshot.cache.as_ref().expect("cached").entry(i as usize);
                w.push(e.path, e.stat, now, e.body)
            }
            Item::Fresh(i) => {
                let f = &snapshot.fresh[i as usize];
                let Some(stat) = f.stat else { continue };
                let body = match &f.body {
                    Ok(bytes) => Body::Record(bytes),
                    Err(issue) => Body::Issue {
                        line: issue.line,
                        column: issue.column,
                        message: &issue.message,
                    },
                };
                w.push(&f.path, stat, now, body)
            }
        };
        if !ok {
            return;
        }
    }
    w.write(root, ty, token);
}
