//! Files another program may be writing at this moment.
//!
//! An editor that saves in place (nano, vim with `backupcopy=yes`) or `git checkout`
//! writes a file in pieces; read between two of them, the first piece may well parse as a
//! record, and a rewrite of it would lose both the rest of the file and the other
//! program's save. So a file crm is about to rewrite or remove is read once it is quiet:
//! a file changed in the last [`QUIET`] is read again after a pause, until it has not
//! changed for that long (two readings with the same stat and bytes, the later one
//! [`QUIET`] after its change), or fails after `PATIENCE` with "is being written by
//! another program". A file crm itself just wrote is whole (crm writes by rename), so
//! crm notes its own writes in `.crm/recent` (under the write lock) and does not wait
//! for them: scripts that change one record twice in a row run at full speed.

use std::fs::OpenOptions;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::atomic::WriteError;
use super::guard;

/// How long a file must have been left alone before crm rewrites it.
pub const QUIET: Duration = Duration::from_secs(1);
/// How long crm waits for a file to become quiet.
const PATIENCE: Duration = Duration::from_secs(5);
const PAUSE: Duration = Duration::from_millis(100);

/// crm's own recent writes, below the crm folder.
const RECENT: &str = ".crm/recent";
/// How many of them are kept.
const KEEP: usize = 64;

/// What tells one version of a file from another: inode, size, modification and change
/// times in nanoseconds.
fn stamp(meta: &std::fs::Metadata) -> String {
    let s = super::cache::Stat::of(meta);
    format!(
        "{} {} {}.{} {}.{}",
        s.ino, s.size, s.mtime.0, s.mtime.1, s.ctime.0, s.ctime.1
    )
}

/// Notes that crm has just written `rel` whole (call it holding the write lock).
pub fn note_own_write(root: &Path, rel: &Path) {
    note_own_writes(root, &[rel]);
}

/// The same for several files at once (the last [`KEEP`] of them are kept).
pub fn note_own_writes(root: &Path, rels: &[&Path]) {
    let rels = &rels[rels.len().saturating_sub(KEEP)..];
    let new: Vec<String> = rels
        .iter()
        .filter_map(|rel| {
            let meta = std::fs::symlink_metadata(root.join(rel)).ok()?;
            Some(format!("{}\t{}\n", stamp(&meta), rel.display()))
        })
        .collect();
    if new.is_empty() || guard::private_dir(root, guard::PRIVATE).is_err() {
        return;
    }
    let path = root.join(RECENT);
    let mut old = String::new();
    if let Ok(mut f) = guard::open_nofollow(OpenOptions::new().read(true), &path) {
        let _ = f.read_to_string(&mut old);
    }
    let names: Vec<String> = rels
        .iter()
        .map(|rel| format!("\t{}\n", rel.display()))
        .collect();
    let mut lines: Vec<&str> = old
        .split_inclusive('\n')
        .filter(|l| !names.iter().any(|n| l.ends_with(n.as_str())))
        .collect();
    let skip = (lines.len() + new.len()).saturating_sub(KEEP);
    lines.drain(..skip.min(lines.len()));
    lines.extend(new.iter().map(String::as_str));
    // Replaced whole, as the cache is: a crash leaves the old list or the new one.
    super::cache::write_quietly(root, &path, lines.iter().map(|l| l.as_bytes()));
}

fn own_write(root: &Path, rel: &Path, meta: &std::fs::Metadata) -> bool {
    let Ok(mut f) = guard::open_nofollow(OpenOptions::new().read(true), &root.join(RECENT)) else {
        return false;
    };
    let mut text = String::new();
    if f.read_to_string(&mut text).is_err() {
        return false;
    }
    let line = format!("{}\t{}", stamp(meta), rel.display());
    text.lines().any(|l| l == line)
}

/// How long ago the file last changed (its modification or its change time).
fn age(meta: &std::fs::Metadata) -> Duration {
    let s = super::cache::Stat::of(meta);
    let latest = s.mtime.max(s.ctime);
    let at = SystemTime::UNIX_EPOCH
        + Duration::new(
            latest.0.max(0) as u64,
            latest.1.clamp(0, 999_999_999) as u32,
        );
    SystemTime::now().duration_since(at).unwrap_or_default()
}

/// The bytes of the record file `rel` once it is quiet (see the module's documentation).
/// A file gone is [`WriteError::Changed`].
pub fn read_quiet(root: &Path, rel: &Path) -> Result<Vec<u8>, WriteError> {
    let abs = root.join(rel);
    let gone = || WriteError::Changed(abs.clone());
    let started = std::time::Instant::now();
    loop {
        let before = std::fs::symlink_metadata(&abs).map_err(|_| gone())?;
        let mut bytes = Vec::new();
        guard::open_nofollow(OpenOptions::new().read(true), &abs)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|_| gone())?;
        let after = std::fs::symlink_metadata(&abs).map_err(|_| gone())?;
        let same = stamp(&before) == stamp(&after);
        if same && (age(&after) >= QUIET || own_write(root, rel, &after)) {
            return Ok(bytes);
        }
        if started.elapsed() >= PATIENCE {
            return Err(WriteError::BeingWritten(abs));
        }
        std::thread::sleep(PAUSE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_file_crm_wrote_is_read_at_once_and_another_after_it_is_quiet() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("deals")).unwrap();
        let rel = Path::new("deals/a.yaml");
        std::fs::write(root.join(rel), "title: A\n").unwrap();
        let t = std::time::Instant::now();
        assert_eq!(read_quiet(root, rel).unwrap(), b"title: A\n");
        assert!(t.elapsed() >= QUIET - PAUSE, "{:?}", t.elapsed());
        std::fs::write(root.join(rel), "title: B\n").unwrap();
        note_own_write(root, rel);
        let t = std::time::Instant::now();
        assert_eq!(read_quiet(root, rel).unwrap(), b"title: B\n");
        assert!(t.elapsed() < PAUSE, "{:?}", t.elapsed());
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(root.join(rel))
            .unwrap();
        f.write_all(b"stage: new\n").unwrap();
        // Changed since crm wrote it: waited for again.
        let t = std::time::Instant::now();
        assert_eq!(read_quiet(root, rel).unwrap(), b"title: B\nstage: new\n");
        assert!(t.elapsed() >= QUIET - PAUSE, "{:?}", t.elapsed());
    }
}
