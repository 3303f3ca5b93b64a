//! Stage 2 of reading a type: which record files the cache (`.crm/cache`) vouches for.
//!
//! - When a watcher serves the folder (`crm watch`) and vouches for the cache's token,
//!   only the paths it reports changed are looked at (and read again); nothing else
//!   is listed or statted ([`by_changes`]).
//! - Otherwise the type's folder is listed and every file statted ([`by_stat`]). A file
//!   whose size, modification and change times (nanoseconds) and inode match its entry
//!   is unchanged, as in git's index. An entry written within two seconds of its file's
//!   change is read again next time (a second edit in the same second could otherwise
//!   look unchanged).
//!
//! A missing, corrupt or old cache is rebuilt without a word.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use rayon::prelude::*;

use super::files::{self, Listed};
use super::snapshot::Item;
use crate::model::RecordType;
use crate::store::cache::CacheFile;
use crate::store::cache::Stat;

/// What the check decides: every record file's place in path order (a cache entry, or
/// the n-th of `to_read`), the files to read again, and whether anything differs from
/// the cache.
pub(super) struct Plan {
    pub items: Vec<Item>,
    pub to_read: Vec<Listed>,
    pub changed: bool,
}

/// The plan from listing and statting every file.
pub(super) fn by_stat(root: &Path, ty: RecordType, old: Option<&CacheFile>) -> Plan {
    let files = files::record_files_with(root, ty, true);
    let entries = old.map_or(0, CacheFile::len);
    // The cache lists files in the order a listing gives them: look each up at its own
    // position first, and hash the paths only when the folder changed.
    let by_path: OnceLock<HashMap<&str, usize>> = OnceLock::new();
    let lookup = |i: usize, key: &str| -> Option<usize> {
        let old = old?;
        if i < old.len() && old.entry(i).path == key {
            return Some(i);
        }
        by_path
            .get_or_init(|| (0..old.len()).map(|i| (old.entry(i).path, i)).collect())
            .get(key)
            .copied()
    };
    // Collected in place (an indexed iterator): a file gone since the listing is a `None`.
    // Boxed: most files come from the cache, and an unboxed path and stat would make
    // every slot of this list as big as one.
    let found: Vec<Option<Result<u32, Box<Listed>>>> = files
        .into_par_iter()
        .enumerate()
        .map(|(i, (rel, stat))| {
            let stat = match stat {
                Some(s) => s,
                None => Stat::of(&std::fs::symlink_metadata(root.join(&rel)).ok()?),
            };
            let hit = rel.to_str().and_then(|key| lookup(i, key));
            if let (Some(at), Some(old)) = (hit, old) {
                let e = old.entry(at);
                if e.stat == stat && !e.racy && old.sound(at) {
                    return Some(Ok(at as u32));
                }
            }
            Some(Err(Box::new((rel, Some(stat)))))
        })
        .collect();
    let mut items = Vec::with_capacity(found.len());
    let mut to_read = Vec::new();
    for f in found.into_iter().flatten() {
        match f {
            Ok(at) => items.push(Item::Cached(at)),
            Err(f) => {
                items.push(Item::Fresh(to_read.len() as u32));
                to_read.push(*f);
            }
        }
    }
    let changed = !to_read.is_empty() || items.len() != entries;
    Plan {
        items,
        to_read,
        changed,
    }
}

/// Items from the cache and the paths a watcher reports changed (`None` when that is
/// the whole type's folder: then every file is statted).
pub(super) fn by_changes(
    root: &Path,
    ty: RecordType,
    old: &CacheFile,
    paths: &[String],
) -> Option<Plan> {
    let dir = format!("{}/", ty.dir());
    let mut files: Vec<&str> = Vec::new();
    let mut folders: Vec<&str> = Vec::new();
    for p in paths {
        if p == &dir || p == ty.dir() {
            return None;
        }
        let Some(below) = p.strip_prefix(&dir) else {
            continue;
        };
        // Dot-files and dot-folders are not records (as in a listing).
        if below.split('/').any(|c| c.starts_with('.')) {
            continue;
        }
        if p.ends_with('/') {
            folders.push(p);
        } else {
            files.push(p);
        }
    }
    files.sort_unstable();
    // An entry whose checksum fails is read again, as if the watcher had named it.
    let unsound: Vec<String> = (0..old.len())
        .into_par_iter()
        .filter(|i| !old.sound(*i))
        .map(|i| old.entry(i).path.to_string())
        .collect();
    files.extend(unsound.iter().map(String::as_str));
    files.sort_unstable();
    files.dedup();
    if files.is_empty() && folders.is_empty() {
        return Some(Plan {
            items: (0..old.len() as u32).map(Item::Cached).collect(),
            to_read: Vec::new(),
            changed: false,
        });
    }
    // What to read again: each changed file that is (still) a record file, and every
    // record file below each changed folder.
    let mut listed: Vec<Listed> = Vec::new();
    for f in &files {
        listed.extend(files::listed_at(root, Path::new(f)));
    }
    for f in &folders {
        listed.extend(files::listed_at(root, Path::new(f.trim_end_matches('/'))));
    }
    listed.sort_by(|a, b| a.0.cmp(&b.0));
    listed.dedup_by(|a, b| a.0 == b.0);
    // Kept: the entries no change names; then both lists, each in path order, merged.
    let stale = |path: &str| {
        files.binary_search(&path).is_ok() || folders.iter().any(|f| path.starts_with(f))
    };
    let kept: Vec<u32> = (0..old.len() as u32)
        .filter(|i| !stale(old.entry(*i as usize).path))
        .collect();
    let mut items = Vec::with_capacity(kept.len() + listed.len());
    let (mut k, mut f) = (0, 0);
    while k < kept.len() || f < listed.len() {
        let take_kept = match (kept.get(k), listed.get(f)) {
            (Some(&a), Some(b)) => Path::new(old.entry(a as usize).path) < b.0.as_path(),
            (Some(_), None) => true,
            _ => false,
        };
        if take_kept {
            items.push(Item::Cached(kept[k]));
            k += 1;
        } else {
            items.push(Item::Fresh(f as u32));
            f += 1;
        }
    }
    // Only a change to a record file changes the cache (an editor's backup file does not).
    let changed = !listed.is_empty() || kept.len() != old.len();
    Some(Plan {
        items,
        to_read: listed,
        changed,
    })
}
