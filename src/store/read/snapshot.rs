//! What stages 1–4 of reading a type make (see [`super`]): for each record file of the
//! type, in path order, its encoded fields (see [`crate::store::encoding`]) or the
//! problem reported for it, held in place in the mapped cache file or read afresh.
//! Whole records, records with a few fields, and the typed views reports read are all
//! decoded from a snapshot, so every command reads a folder one way.

use rayon::prelude::*;

use crate::error::LoadIssue;
use std::collections::HashMap;

use crate::store::cache::Stat;
use crate::store::cache::{Body, CacheFile};
use crate::store::encoding::Pairs;

/// One record file's place: an entry of the cache file, or a file read afresh.
#[derive(Debug, Clone, Copy)]
pub(super) enum Item {
    Cached(u32),
    Fresh(u32),
}

/// A file read afresh.
pub(super) struct Fresh {
    pub(super) path: String,
    /// `None` when the cache is off (nothing is kept, so nothing is statted).
    pub(super) stat: Option<Stat>,
    pub(super) body: Result<Vec<u8>, LoadIssue>,
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
    pub(super) cache: Option<CacheFile>,
    pub(super) fresh: Vec<Fresh>,
    pub(super) items: Vec<Item>,
    issues: Vec<LoadIssue>,
    /// Whether the cache was (re)written: something changed since it was.
    pub rewritten: bool,
}

impl Snapshot {
    pub(super) fn of(
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

    pub(super) fn encoded(&self, item: Item) -> Option<Encoded<'_>> {
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
