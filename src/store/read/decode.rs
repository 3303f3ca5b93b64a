//! Stage 5 of reading a type: a snapshot's records decoded, on all cores, whole or
//! (`only`) with some top-level fields. An entry that does not decode is read from its
//! file instead.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::parse::{parse_record, read_record};
use super::snapshot::{Encoded, Snapshot};
use crate::error::LoadIssue;
use crate::model::{Record, RecordType};
use crate::store::encoding::Pairs;
use crate::store::load::{Loaded, TypeData};

/// The records of `snapshot`, with the issues of the snapshot and of the decoding; the
/// second list holds the decoding's alone (those not reported yet).
pub fn decode(
    root: &Path,
    ty: RecordType,
    snapshot: &Snapshot,
    only: Option<&[&str]>,
) -> (TypeData, Vec<LoadIssue>) {
    let decoded: Vec<Result<Loaded, LoadIssue>> = snapshot
        .par_records()
        .flatten()
        .map(|e| decode_one(root, ty, e, only))
        .collect();
    let mut data = TypeData {
        issues: snapshot.issues().to_vec(),
        ..TypeData::default()
    };
    let mut new_issues = Vec::new();
    for d in decoded {
        match d {
            Ok(l) => data.entries.push(l),
            Err(issue) => {
                new_issues.push(issue.clone());
                data.issues.push(issue);
            }
        }
    }
    data.index();
    (data, new_issues)
}

/// Each record of the snapshot decoded with the top-level fields `only` and handed to
/// `f`, in path order, then dropped: for a pass that needs every record once and keeps
/// only what `f` returns. Decoded a slice at a time on all cores (`f` runs on this
/// thread: it may read the folder), so memory holds one slice, not the type. A file
/// that does not read is left out (`crm check` names it).
pub fn each_with<T>(
    root: &Path,
    ty: RecordType,
    snapshot: &Snapshot,
    only: &[&str],
    mut f: impl FnMut(&Record) -> Option<T>,
) -> Vec<T> {
    sliced(root, ty, snapshot, Some(only), |_, r| f(r))
}

/// [`each_with`] of whole records, each with its encoding (path and bytes).
pub fn each_with_whole<T>(
    root: &Path,
    ty: RecordType,
    snapshot: &Snapshot,
    f: impl FnMut(Encoded, &Record) -> Option<T>,
) -> Vec<T> {
    sliced(root, ty, snapshot, None, f)
}

fn sliced<T>(
    root: &Path,
    ty: RecordType,
    snapshot: &Snapshot,
    only: Option<&[&str]>,
    mut f: impl FnMut(Encoded, &Record) -> Option<T>,
) -> Vec<T> {
    let mut out = Vec::new();
    mapped(
        root,
        ty,
        snapshot,
        only,
        |_, r| r,
        |e, r| out.extend(f(e, &r)),
    );
    out
}

/// Each record of the snapshot decoded whole and turned by `map` into what `f` takes,
/// both on all cores, a slice at a time; `f` then runs on this thread, in path order.
pub fn each_mapped<T: Send>(
    root: &Path,
    ty: RecordType,
    snapshot: &Snapshot,
    map: impl Fn(Encoded, &Record) -> T + Sync + Send,
    f: impl FnMut(Encoded, T),
) {
    mapped(root, ty, snapshot, None, |e, r| map(e, &r), f);
}

/// The one slicing: 8,192 records decoded (whole or `only`) and mapped on all cores,
/// then handed to `f` on this thread in path order, so memory holds one slice.
fn mapped<T: Send>(
    root: &Path,
    ty: RecordType,
    snapshot: &Snapshot,
    only: Option<&[&str]>,
    map: impl Fn(Encoded, Record) -> T + Sync + Send,
    mut f: impl FnMut(Encoded, T),
) {
    const SLICE: usize = 8192;
    for items in snapshot.items.chunks(SLICE) {
        let slice: Vec<Option<(Encoded, T)>> = items
            .par_iter()
            .map(|i| {
                let e = snapshot.encoded(*i)?;
                let l = decode_one(root, ty, e, only).ok()?;
                Some((e, map(e, l.record)))
            })
            .collect();
        for (e, t) in slice.into_iter().flatten() {
            f(e, t);
        }
    }
}

/// One record of a snapshot, decoded whole.
pub fn decode_encoded(root: &Path, ty: RecordType, e: Encoded) -> Result<Loaded, LoadIssue> {
    decode_one(root, ty, e, None)
}

/// A record decoded from its encoding, whole or (`only`) with some top-level fields.
fn decode_one(
    root: &Path,
    ty: RecordType,
    e: Encoded,
    only: Option<&[&str]>,
) -> Result<Loaded, LoadIssue> {
    let path = PathBuf::from(e.path);
    let fields = match Pairs::of_record(e.bytes) {
        Some(pairs) => match only {
            None => pairs.to_mapping(),
            Some(names) => pairs.only(names),
        },
        // A cache entry that does not decode: read the file itself.
        None => {
            let bytes = read_record(root, &path)?;
            let record = parse_record(ty, &path, &bytes)?;
            match only {
                None => record.fields,
                Some(names) => record
                    .fields
                    .into_iter()
                    .filter(|(k, _)| k.as_str().is_some_and(|k| names.contains(&k)))
                    .collect(),
            }
        }
    };
    Ok(Loaded {
        record: Record {
            ty,
            id: e.id().to_string(),
            fields,
        },
        path,
    })
}
