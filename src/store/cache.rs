//! The record cache's files under `.crm/cache/` (never shared: `.crm/` is git-ignored),
//! one per record type.
//!
//! A file holds, for each record file of the type, its path, size, modification and
//! change times (nanoseconds) and inode, as git's index does, and the parsed record in
//! the binary form of [`super::encoding`]: a fixed header, a table of fixed-size
//! entries, the paths one after another (all of them text, checked at once), then the
//! records. It is mapped and read in place: opening it builds nothing, whatever the
//! number of records. A file that is
//! missing, cut short, of another layout or of another crm version is not used (and
//! is rebuilt by the next load); see [`super::read`] for how entries are checked
//! against the folder.

// Lengths and offsets here are written to and read from files: a silent narrowing
// would corrupt the cache, so each conversion says how it cannot lose bits.
#![warn(clippy::cast_possible_truncation)]

use std::path::{Path, PathBuf};

use zerocopy::little_endian::{I64, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::guard;
use super::watch::Token;
use crate::model::RecordType;

/// Where the caches live, below the crm folder.
pub const DIR: &str = ".crm/cache";

const MAGIC: [u8; 8] = *b"crmcache";

/// Bumped whenever the layout or the meaning of what it stores changes.
const LAYOUT: u32 = 4;

#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct Header {
    magic: [u8; 8],
    layout: U32,
    count: U32,
    /// The byte lengths of the paths and of the records.
    paths: U64,
    bodies: U64,
    /// The watcher's token the entries are current as of (instance 0: none).
    watch_instance: U64,
    watch_seq: U64,
    /// The crm version that wrote it, NUL-padded: another version may encode differently.
    crm: [u8; 16],
}

#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy)]
#[repr(C)]
struct RawEntry {
    size: U64,
    mtime: I64,
    mtime_ns: U32,
    ctime: I64,
    ctime_ns: U32,
    ino: U64,
    path_at: U32,
    path_len: U32,
    body_at: U32,
    body_len: U32,
    /// 0: the body is a record's encoding; 1: it is the problem reported for the file.
    kind: u8,
    /// Changed too close to the cache's writing to trust the stat next time.
    racy: u8,
    /// A checksum of the path, kind and body (see [`sum_of`]).
    sum: U32,
    pad: [u8; 2],
}

/// An entry's checksum: a byte of the cache changed by anything but crm (a disk error,
/// a hand edit, a hostile file) that would still decode is caught, and the file is read
/// again. A hash of foldhash's with a fixed seed: fast (the warm path checks every entry
/// it keeps), and if a new foldhash hashed differently, every entry would merely be
/// read once more and the cache rewritten.
fn sum_of(path: &[u8], kind: u8, body: &[u8]) -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = foldhash::fast::FixedState::with_seed(0x63726d).build_hasher();
    h.write(path);
    h.write_u8(kind);
    h.write(body);
    // The checksum is the hash's low 32 bits.
    let [a, b, c, d, ..] = h.finish().to_le_bytes();
    u32::from_le_bytes([a, b, c, d])
}

const RECORD: u8 = 0;
const ISSUE: u8 = 1;

/// What a file held when it was last read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body<'a> {
    /// The record's fields, encoded.
    Record(&'a [u8]),
    /// The problem reported for it.
    Issue {
        line: Option<usize>,
        column: Option<usize>,
        message: &'a str,
    },
}

/// One file's entry.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub path: &'a str,
    pub stat: Stat,
    pub racy: bool,
    pub body: Body<'a>,
}

fn crm_version() -> [u8; 16] {
    let mut out = [0u8; 16];
    let v = env!("CARGO_PKG_VERSION").as_bytes();
    out[..v.len().min(16)].copy_from_slice(&v[..v.len().min(16)]);
    out
}

pub fn cache_path(root: &Path, ty: RecordType) -> PathBuf {
    root.join(DIR).join(format!("{}.bin", ty.plural()))
}

/// Removes the type's cache file (`crm forget`: it holds the records as they were);
/// the next read builds it again. Nothing is removed through a link.
pub fn discard(root: &Path, ty: RecordType) {
    if guard::private_readable(root, DIR) {
        let path = cache_path(root, ty);
        if std::fs::symlink_metadata(&path).is_ok() {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// A cache file, mapped and checked: the paths are UTF-8, and every entry's path and
/// record lie within the file (a path on character boundaries).
pub struct CacheFile {
    map: memmap2::Mmap,
    count: usize,
    /// Where the paths and the records start.
    paths: usize,
    bodies: usize,
}

impl CacheFile {
    /// The type's cache file, if there is one of this layout and crm version.
    ///
    /// Safety of the mapping: crm never writes a cache file in place, it replaces it
    /// whole (rename), so the mapped bytes do not change while they are read. They are
    /// read in at once (populated): the file is read whole, and the kernel filling the
    /// mapping in one go is several times quicker than a fault per page.
    pub fn open(root: &Path, ty: RecordType) -> Option<CacheFile> {
        if !guard::private_readable(root, DIR) {
            return None;
        }
        let path = cache_path(root, ty);
        let file = guard::open_nofollow(std::fs::OpenOptions::new().read(true), &path).ok()?;
        // SAFETY: the file is crm's own cache, replaced only by an atomic rename (so the
        // mapped inode is never written); a file changed behind crm's back fails the
        // entries' checksums, which every read checks.
        let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }.ok()?;
        let (header, rest) = Header::ref_from_prefix(&map).ok()?;
        if header.magic != MAGIC || header.layout.get() != LAYOUT || header.crm != crm_version() {
            return None;
        }
        let count = header.count.get() as usize;
        let (entries, rest) = <[RawEntry]>::ref_from_prefix_with_elems(rest, count).ok()?;
        let paths_len = usize::try_from(header.paths.get()).ok()?;
        if rest.len() as u64 != header.paths.get().checked_add(header.bodies.get())? {
            return None;
        }
        let (paths, bodies) = rest.split_at(paths_len);
        let paths = std::str::from_utf8(paths).ok()?;
        let sound = entries.iter().all(|e| {
            let (at, len) = (e.path_at.get() as usize, e.path_len.get() as usize);
            let (b_at, b_len) = (e.body_at.get() as usize, e.body_len.get() as usize);
            paths.get(at..at + len).is_some()
                && b_at
                    .checked_add(b_len)
                    .is_some_and(|end| end <= bodies.len())
                && (e.kind == RECORD || (e.kind == ISSUE && b_len >= 8))
        });
        if !sound {
            return None;
        }
        let paths = map.len() - rest.len();
        Some(CacheFile {
            count,
            paths,
            bodies: paths + paths_len,
            map,
        })
    }

    fn header(&self) -> &Header {
        Header::ref_from_prefix(&self.map)
            .expect("checked on open")
            .0
    }

    pub fn token(&self) -> Option<Token> {
        let h = self.header();
        (h.watch_instance.get() != 0).then(|| Token {
            instance: h.watch_instance.get(),
            seq: h.watch_seq.get(),
        })
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn raw(&self, i: usize) -> &RawEntry {
        let entries = &self.map[std::mem::size_of::<Header>()..self.paths];
        &<[RawEntry]>::ref_from_bytes(entries).expect("checked on open")[i]
    }

    fn paths(&self) -> &str {
        // SAFETY: checked to be UTF-8 on open, and the mapped bytes do not change (see
        // `open`); checking them again for each record read would cost a tenth of a
        // warm report.
        unsafe { std::str::from_utf8_unchecked(&self.map[self.paths..self.bodies]) }
    }

    /// Whether entry `i`'s path, kind and body still match its checksum.
    pub fn sound(&self, i: usize) -> bool {
        let e = self.raw(i);
        let at = e.path_at.get() as usize;
        let path = &self.map[self.paths + at..][..e.path_len.get() as usize];
        let body = &self.map[self.bodies + e.body_at.get() as usize..][..e.body_len.get() as usize];
        sum_of(path, e.kind, body) == e.sum.get()
    }

    /// Whether entry `i` holds a problem rather than a record.
    pub fn is_issue(&self, i: usize) -> bool {
        self.raw(i).kind == ISSUE
    }

    /// Entry `i` (below [`CacheFile::len`]).
    pub fn entry(&self, i: usize) -> Entry<'_> {
        let e = self.raw(i);
        let at = e.path_at.get() as usize;
        let path = self
            .paths()
            .get(at..at + e.path_len.get() as usize)
            .expect("checked on open");
        let body = &self.map[self.bodies + e.body_at.get() as usize..][..e.body_len.get() as usize];
        let body = if e.kind == RECORD {
            Body::Record(body)
        } else {
            let num = |b: &[u8]| {
                let n = u32::from_le_bytes(b.try_into().expect("4 bytes"));
                (n != 0).then_some(n as usize)
            };
            Body::Issue {
                line: num(&body[..4]),
                column: num(&body[4..8]),
                message: std::str::from_utf8(&body[8..]).unwrap_or("(unreadable message)"),
            }
        };
        Entry {
            path,
            stat: Stat {
                size: e.size.get(),
                mtime: (e.mtime.get(), i64::from(e.mtime_ns.get())),
                ctime: (e.ctime.get(), i64::from(e.ctime_ns.get())),
                ino: e.ino.get(),
            },
            racy: e.racy != 0,
            body,
        }
    }
}

/// Builds a cache file, entries in the order given. The paths and records are kept
/// where they are (the old cache's mapping, the files read afresh) and written from
/// there: a rewrite after one file changed copies nothing into memory.
#[derive(Default)]
pub struct CacheWriter<'a> {
    entries: Vec<RawEntry>,
    paths: Vec<&'a [u8]>,
    bodies: Vec<std::borrow::Cow<'a, [u8]>>,
    paths_len: u32,
    bodies_len: u32,
}

/// The place of `len` more bytes at `*end`; `None` once a region would pass 4 GiB.
fn place(end: &mut u32, len: usize) -> Option<(U32, U32)> {
    let len = u32::try_from(len).ok()?;
    let at = *end;
    *end = at.checked_add(len)?;
    Some((at.into(), len.into()))
}

impl<'a> CacheWriter<'a> {
    pub fn with_capacity(entries: usize) -> CacheWriter<'a> {
        CacheWriter {
            entries: Vec::with_capacity(entries),
            paths: Vec::with_capacity(entries),
            bodies: Vec::with_capacity(entries),
            ..CacheWriter::default()
        }
    }

    /// Adds a file's entry; a file written within two seconds of `now` (seconds since
    /// the epoch) is marked racy. False when the cache would be too big to write.
    pub fn push(&mut self, path: &'a str, stat: Stat, now: i64, body: Body<'a>) -> bool {
        let (kind, bytes) = match body {
            Body::Record(bytes) => (RECORD, std::borrow::Cow::Borrowed(bytes)),
            Body::Issue {
                line,
                column,
                message,
            } => {
                let num =
                    |n: Option<usize>| u32::try_from(n.unwrap_or(0)).unwrap_or(0).to_le_bytes();
                let mut b = Vec::with_capacity(8 + message.len());
                b.extend_from_slice(&num(line));
                b.extend_from_slice(&num(column));
                b.extend_from_slice(message.as_bytes());
                (ISSUE, std::borrow::Cow::Owned(b))
            }
        };
        let (Some((path_at, path_len)), Some((body_at, body_len))) = (
            place(&mut self.paths_len, path.len()),
            place(&mut self.bodies_len, bytes.len()),
        ) else {
            return false;
        };
        let sum = sum_of(path.as_bytes(), kind, &bytes);
        self.paths.push(path.as_bytes());
        self.bodies.push(bytes);
        // A file changed in the last two seconds may change again within its
        // timestamp's granularity without looking changed: read it again next time.
        let racy = stat.mtime.0 >= now - 2 || stat.ctime.0 >= now - 2;
        self.entries.push(RawEntry {
            size: stat.size.into(),
            mtime: stat.mtime.0.into(),
            // Nanoseconds are below 10^9; anything else reads as changed next time.
            mtime_ns: u32::try_from(stat.mtime.1).unwrap_or(u32::MAX).into(),
            ctime: stat.ctime.0.into(),
            ctime_ns: u32::try_from(stat.ctime.1).unwrap_or(u32::MAX).into(),
            ino: stat.ino.into(),
            path_at,
            path_len,
            body_at,
            body_len,
            kind,
            racy: u8::from(racy),
            sum: sum.into(),
            pad: [0; 2],
        });
        true
    }

    /// Writes the type's cache file (see [`write_quietly`]).
    pub fn write(self, root: &Path, ty: RecordType, token: Option<Token>) {
        let Ok(count) = u32::try_from(self.entries.len()) else {
            return;
        };
        let token = token.unwrap_or(Token {
            instance: 0,
            seq: 0,
        });
        let header = Header {
            magic: MAGIC,
            layout: LAYOUT.into(),
            count: count.into(),
            paths: u64::from(self.paths_len).into(),
            bodies: u64::from(self.bodies_len).into(),
            watch_instance: token.instance.into(),
            watch_seq: token.seq.into(),
            crm: crm_version(),
        };
        let parts = [header.as_bytes(), self.entries.as_bytes()]
            .into_iter()
            .chain(self.paths.iter().copied())
            .chain(self.bodies.iter().map(|b| &b[..]));
        // Another crm may write the same cache at the same time: each write is whole
        // (rename), so the last one wins and neither is torn.
        write_quietly(root, &cache_path(root, ty), parts);
    }
}

/// Seconds since the epoch, for marking racy entries.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Writes a cache file whole (a temporary file renamed over it), without syncing: after
/// a crash a cache that does not read back is rebuilt, so durability would only cost
/// time. A cache that cannot be written is skipped, and so is one whose folder is a link
/// or another user's (see [`guard`]).
pub fn write_quietly<'p>(root: &Path, path: &Path, parts: impl IntoIterator<Item = &'p [u8]>) {
    use std::io::Write;
    let Ok(dir) = guard::private_dir(root, DIR) else {
        return;
    };
    let Ok(tmp) = tempfile::Builder::new()
        .prefix(".crm-new-")
        .tempfile_in(&dir)
    else {
        return;
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp);
    if parts.into_iter().all(|p| out.write_all(p).is_ok()) {
        if let Ok(tmp) = out.into_inner() {
            let _ = tmp.persist(path);
        }
    }
}

/// What the cache compares to tell a file unchanged: size, modification and change
/// times in nanoseconds, inode (as git's index does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub size: u64,
    pub mtime: (i64, i64),
    pub ctime: (i64, i64),
    pub ino: u64,
}

impl Stat {
    #[cfg(unix)]
    pub fn of(meta: &std::fs::Metadata) -> Stat {
        use std::os::unix::fs::MetadataExt;
        Stat {
            size: meta.len(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
            ino: meta.ino(),
        }
    }

    #[cfg(not(unix))]
    pub fn of(meta: &std::fs::Metadata) -> Stat {
        let t = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .unwrap_or_default();
        Stat {
            size: meta.len(),
            mtime: (t.as_secs() as i64, i64::from(t.subsec_nanos())),
            ctime: (0, 0),
            ino: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(n: u64) -> Stat {
        Stat {
            size: n,
            mtime: (1_700_000_000 + n as i64, 5),
            ctime: (1_700_000_001, 999_999_999),
            ino: 40 + n,
        }
    }

    #[test]
    fn a_cache_file_reads_back_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = CacheWriter::default();
        assert!(w.push(
            "deals/a.yaml",
            stat(1),
            1_800_000_000,
            Body::Record(&[7, 0])
        ));
        let issue = Body::Issue {
            line: Some(2),
            column: None,
            message: "does not parse",
        };
        assert!(w.push("deals/sub/b.yaml", stat(2), 1_700_000_003, issue));
        let token = Token {
            instance: 9,
            seq: 12,
        };
        w.write(dir.path(), RecordType::Deal, Some(token));
        let f = CacheFile::open(dir.path(), RecordType::Deal).unwrap();
        assert_eq!((f.len(), f.token()), (2, Some(token)));
        let a = f.entry(0);
        assert_eq!((a.path, a.stat, a.racy), ("deals/a.yaml", stat(1), false));
        assert_eq!(a.body, Body::Record(&[7, 0]));
        let b = f.entry(1);
        assert_eq!((b.path, b.racy, b.body), ("deals/sub/b.yaml", true, issue));
        // 64-byte header, 64 bytes an entry, then the paths and the records.
        let len = std::fs::metadata(cache_path(dir.path(), RecordType::Deal))
            .unwrap()
            .len();
        assert_eq!(len, 64 + 2 * 64 + (12 + 16) + (2 + 8 + 14));
    }

    #[test]
    fn a_cut_or_foreign_cache_file_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = CacheWriter::default();
        w.push("deals/a.yaml", stat(1), 0, Body::Record(&[7, 0]));
        w.write(dir.path(), RecordType::Deal, None);
        let path = cache_path(dir.path(), RecordType::Deal);
        let whole = std::fs::read(&path).unwrap();
        assert!(CacheFile::open(dir.path(), RecordType::Deal)
            .unwrap()
            .token()
            .is_none());
        for cut in [0, 10, 64, 100, whole.len() - 1] {
            std::fs::write(&path, &whole[..cut]).unwrap();
            assert!(
                CacheFile::open(dir.path(), RecordType::Deal).is_none(),
                "{cut}"
            );
        }
        let mut other = whole.clone();
        other[48] ^= 1; // the crm version
        std::fs::write(&path, &other).unwrap();
        assert!(CacheFile::open(dir.path(), RecordType::Deal).is_none());
        let mut out_of_bounds = whole.clone();
        out_of_bounds[64 + 40] = 200; // the path's offset
        std::fs::write(&path, &out_of_bounds).unwrap();
        assert!(CacheFile::open(dir.path(), RecordType::Deal).is_none());
        // A changed byte of a record that still decodes fails its entry's checksum.
        let mut flipped = whole.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        let f = CacheFile::open(dir.path(), RecordType::Deal).unwrap();
        assert!(!f.sound(0));
        std::fs::write(&path, &whole).unwrap();
        assert!(CacheFile::open(dir.path(), RecordType::Deal)
            .unwrap()
            .sound(0));
        let mut not_text = whole.clone();
        not_text[64 + 64] = 0xff; // the path's first byte
        std::fs::write(&path, &not_text).unwrap();
        assert!(CacheFile::open(dir.path(), RecordType::Deal).is_none());
    }
}
