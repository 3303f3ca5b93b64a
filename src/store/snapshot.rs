//! A type's records as the cache holds them, checked against the folder: for each record
//! file, in path order, its encoded fields (see [`super::encoding`]) or the problem
//! reported for it.
//!
//! Records unchanged since the cache was written are read in place from the mapped
//! cache file; the others are read and parsed afresh, on all cores, and the cache is
//! rewritten. Whole records, records with a few fields, and the typed views reports
//! read are all decoded from a snapshot, so every command reads a folder one way.
//!
//! How a file is known unchanged:
//! - When a watcher serves the folder (`crm watch`) and vouches for the cache's token,
//!   only the paths it reports changed are looked at (and read again); nothing else
//!   is listed or statted.
//! - Otherwise the type's folder is listed and every file statted. A file whose size,
//!   modification and change times (nanoseconds) and inode match its entry is
//!   unchanged, as in git's index. An entry written within two seconds of its file's
//!   change is read again next time (a second edit in the same second could otherwise
//!   look unchanged).
//!
//! A missing, corrupt or old cache is rebuilt without a word; a cache that cannot be
//! written is skipped.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use rayon::prelude::*;

use super::cache::{now_secs, Body, CacheFile, CacheWriter};
use super::encoding::{encode, Pairs};
use super::load::{self, LoadIssue, Stat};
use super::watch::{self, Answer, Token};
use crate::model::RecordType;

/// One record file's place: an entry of the cache file, or a file read afresh.
#[derive(Debug, Clone, Copy)]
enum Item {
    Cached(u32),
    Fresh(u32),
}

/// A file read afresh.
struct Fresh {
    path: String,
    /// `None` when the cache is off (nothing is kept, so nothing is statted).
    stat: Option<Stat>,
    body: Result<Vec<u8>, LoadIssue>,
}

/// A record as a snapshot holds it: where it is and its encoded fields.
#[derive(Debug, Clone, Copy)]
pub struct Encoded<'a> {
    /// Relative to the crm folder, e.g. `customers/toko-maju-k7q2.yaml`.
    pub path: &'a str,
    pub bytes: &'a [u8],
}

impl<'a> Encoded<'a> {
    /// The record's id: its file's stem.
    pub fn id(&self) -> &'a str {
        // Searched as bytes: `rsplit` with a char compares each candidate with memcmp,
        // and every read of a type asks each record's id at least twice.
        let path = self.path;
        let start = path.bytes().rposition(|b| b == b'/').map_or(0, |i| i + 1);
        let name = &path[start..];
        name.bytes()
            .rposition(|b| b == b'.')
            .map_or(name, |dot| &name[..dot])
    }

    /// Its fields, read one by one (each checked as it is read).
    pub fn fields(&self) -> Pairs<'a> {
        Pairs::open(self.bytes)
    }
}

pub struct Snapshot {
    cache: Option<CacheFile>,
    fresh: Vec<Fresh>,
    items: Vec<Item>,
    issues: Vec<LoadIssue>,
    /// Whether the cache was (re)written: something changed since it was.
    pub rewritten: bool,
}

impl Snapshot {
    /// Reads a type's records through the cache (see the module's documentation), or,
    /// without `use_cache`, straight from the files.
    pub fn load(root: &Path, ty: RecordType, use_cache: bool) -> Snapshot {
        Snapshot::read(root, ty, use_cache, true)
    }

    /// The same reading, leaving the cache file as it is (for a check on the write path,
    /// where rewriting a large cache would cost more than the check: the next read
    /// command rewrites it).
    pub fn load_without_writing(root: &Path, ty: RecordType, use_cache: bool) -> Snapshot {
        Snapshot::read(root, ty, use_cache, false)
    }

    fn read(root: &Path, ty: RecordType, use_cache: bool, write: bool) -> Snapshot {
        if !use_cache {
            let files = load::record_files_with(root, ty, false);
            let fresh: Vec<Fresh> = files
                .into_par_iter()
                .map(|(rel, _)| read(root, ty, &rel, None))
                .collect();
            return Snapshot::of(None, fresh, None, false);
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
            ) => by_changes(root, ty, old, paths),
            _ => None,
        };
        let watched = by_watch.is_some();
        let (items, fresh, changed) = match by_watch {
            Some(found) => found,
            None => by_stat(root, ty, old.as_ref()),
        };
        // After checking every file while a watcher runs, its token is kept even when
        // nothing changed, so that the next command can ask it instead. A cache the
        // watcher vouched for keeps its token until something of its type changes.
        let first_token =
            !watched && token.is_some() && token != old.as_ref().and_then(CacheFile::token);
        let rewrite = changed || first_token;
        let snapshot = Snapshot::of(old, fresh, Some(items), rewrite);
        if rewrite && write {
            snapshot.write(root, ty, token);
        }
        snapshot
    }

    fn of(
        cache: Option<CacheFile>,
        fresh: Vec<Fresh>,
        items: Option<Vec<Item>>,
        rewritten: bool,
    ) -> Snapshot {
        let items = items.unwrap_or_else(|| (0..fresh.len() as u32).map(Item::Fresh).collect());
        let mut s = Snapshot {
            cache,
            fresh,
            items,
            issues: Vec::new(),
            rewritten,
        };
        s.issues = s
            .items
            .iter()
            .filter(|i| match i {
                Item::Cached(at) => s.cache.as_ref().is_some_and(|c| c.is_issue(*at as usize)),
                Item::Fresh(at) => s.fresh[*at as usize].body.is_err(),
            })
            .filter_map(|i| match s.body(*i) {
                (path, Err(b)) => Some(issue_of(path, b)),
                _ => None,
            })
            .collect();
        s
    }

    /// An item's path, and its encoding or its issue.
    fn body(&self, item: Item) -> (&str, Result<&[u8], IssueRef<'_>>) {
        match item {
            Item::Cached(i) => {
                let e = self
                    .cache
                    .as_ref()
                    .expect("cached items come from a cache")
                    .entry(i as usize);
                let body = match e.body {
                    Body::Record(b) => Ok(b),
                    Body::Issue {
                        line,
                        column,
                        message,
                    } => Err(IssueRef::Cached(line, column, message)),
                };
                (e.path, body)
            }
            Item::Fresh(i) => {
                let f = &self.fresh[i as usize];
                (f.path.as_str(), f.body.as_deref().map_err(IssueRef::Fresh))
            }
        }
    }

    /// The records, in path order (files that do not read are left out: see
    /// [`Snapshot::issues`]).
    pub fn records(&self) -> impl Iterator<Item = Encoded<'_>> + '_ {
        self.items.iter().filter_map(|i| self.encoded(*i))
    }

    /// The records, in path order, for work on all cores.
    pub fn par_records(&self) -> impl IndexedParallelIterator<Item = Option<Encoded<'_>>> + '_ {
        self.items.par_iter().map(|i| self.encoded(*i))
    }

    /// `f` of each record, worked out on all cores, in path order, the `None`s left out.
    pub fn par_filter_map<'s, T: Send>(
        &'s self,
        f: impl Fn(Encoded<'s>) -> Option<T> + Sync + Send,
    ) -> Vec<T> {
        // Collected in place, one slot per file, then the empty slots dropped: a list
        // grown piece by piece would copy every item several times.
        let all: Vec<Option<T>> = self.par_records().map(|e| f(e?)).collect();
        // filter_map, not flatten: it is collected in place, where flatten copies.
        #[allow(clippy::filter_map_identity)]
        let kept = all.into_iter().filter_map(|t| t).collect();
        kept
    }

    fn encoded(&self, item: Item) -> Option<Encoded<'_>> {
        match self.body(item) {
            (path, Ok(bytes)) => Some(Encoded { path, bytes }),
            _ => None,
        }
    }

    /// Files that hold an id an earlier file (in path order) holds too: (id, the first
    /// file, this one). Readers count such an id once, as its first file.
    pub fn duplicates(&self) -> Vec<(&str, &str, &str)> {
        // Every read of a type runs this: a fast hash, sized once, one lookup per record.
        let mut first: HashMap<&str, &str, foldhash::fast::RandomState> =
            HashMap::with_capacity_and_hasher(self.items.len(), Default::default());
        let mut out = Vec::new();
        for e in self.records() {
            match first.entry(e.id()) {
                std::collections::hash_map::Entry::Occupied(f) => {
                    out.push((e.id(), *f.get(), e.path))
                }
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(e.path);
                }
            }
        }
        out
    }

    /// The files that could not be used, in path order.
    pub fn issues(&self) -> &[LoadIssue] {
        &self.issues
    }

    fn write(&self, root: &Path, ty: RecordType, token: Option<Token>) {
        let mut w = CacheWriter::with_capacity(self.items.len());
        let now = now_secs();
        for item in &self.items {
            let ok = match *item {
                Item::Cached(i) => {
                    let e = self.cache.as_ref().expect("cached").entry(i as usize);
                    w.push(e.path, e.stat, now, e.body)
                }
                Item::Fresh(i) => {
                    let f = &self.fresh[i as usize];
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
}

enum IssueRef<'a> {
    Cached(Option<usize>, Option<usize>, &'a str),
    Fresh(&'a LoadIssue),
}

fn issue_of(path: &str, i: IssueRef) -> LoadIssue {
    match i {
        IssueRef::Fresh(i) => i.clone(),
        IssueRef::Cached(line, column, message) => LoadIssue {
            path: path.into(),
            line,
            column,
            message: message.to_string(),
        },
    }
}

/// Reads and encodes one file, keeping its stat (none when the cache is off).
fn read(root: &Path, ty: RecordType, rel: &Path, stat: Option<Stat>) -> Fresh {
    let body = load::read_record(root, rel)
        .and_then(|b| load::parse_record(ty, rel, &b))
        .map(|record| encode(&record.fields));
    Fresh {
        path: rel.to_string_lossy().into_owned(),
        stat,
        body,
    }
}

/// Items by listing and statting every file: (items, fresh files, whether anything
/// differs from the cache).
fn by_stat(root: &Path, ty: RecordType, old: Option<&CacheFile>) -> (Vec<Item>, Vec<Fresh>, bool) {
    let files = load::record_files_with(root, ty, true);
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
    // Boxed: most files come from the cache, and an unboxed `Fresh` would make every
    // slot of this list as big as one.
    let found: Vec<Option<Result<u32, Box<Fresh>>>> = files
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
            Some(Err(Box::new(read(root, ty, &rel, Some(stat)))))
        })
        .collect();
    let mut items = Vec::with_capacity(found.len());
    let mut fresh = Vec::new();
    for f in found.into_iter().flatten() {
        match f {
            Ok(at) => items.push(Item::Cached(at)),
            Err(f) => {
                items.push(Item::Fresh(fresh.len() as u32));
                fresh.push(*f);
            }
        }
    }
    let changed = !fresh.is_empty() || items.len() != entries;
    (items, fresh, changed)
}

/// Items from the cache and the paths a watcher reports changed (`None` when that is
/// the whole type's folder: then every file is statted).
fn by_changes(
    root: &Path,
    ty: RecordType,
    old: &CacheFile,
    paths: &[String],
) -> Option<(Vec<Item>, Vec<Fresh>, bool)> {
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
        let items = (0..old.len() as u32).map(Item::Cached).collect();
        return Some((items, Vec::new(), false));
    }
    // What to read again: each changed file that is (still) a record file, and every
    // record file below each changed folder.
    let mut listed: Vec<load::Listed> = Vec::new();
    for f in &files {
        listed.extend(load::listed_at(root, Path::new(f)));
    }
    for f in &folders {
        listed.extend(load::listed_at(root, Path::new(f.trim_end_matches('/'))));
    }
    listed.sort_by(|a, b| a.0.cmp(&b.0));
    listed.dedup_by(|a, b| a.0 == b.0);
    let fresh: Vec<Fresh> = listed
        .into_par_iter()
        .map(|(rel, stat)| read(root, ty, &rel, stat))
        .collect();
    // Kept: the entries no change names; then both lists, each in path order, merged.
    let stale = |path: &str| {
        files.binary_search(&path).is_ok() || folders.iter().any(|f| path.starts_with(f))
    };
    let kept: Vec<u32> = (0..old.len() as u32)
        .filter(|i| !stale(old.entry(*i as usize).path))
        .collect();
    let mut items = Vec::with_capacity(kept.len() + fresh.len());
    let (mut k, mut f) = (0, 0);
    while k < kept.len() || f < fresh.len() {
        let take_kept = match (kept.get(k), fresh.get(f)) {
            (Some(&a), Some(b)) => Path::new(old.entry(a as usize).path) < Path::new(&b.path),
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
    let changed = !fresh.is_empty() || kept.len() != old.len();
    Some((items, fresh, changed))
}
