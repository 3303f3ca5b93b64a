//! The folder's write lock, `.crm/lock`: crm writers take turns.
//!
//! Every write of a record (create, update, remove) holds an exclusive `flock` on
//! `.crm/lock`, and an update re-reads its record while holding it, so two crm writing
//! the same record one after the other never lose either change. The operating system
//! drops the lock of a process that dies, so a killed crm never leaves the folder locked.
//! The lock file is never removed (removing it would let two writers lock two files).
//!
//! The lock file doubles as a journal: before a writer creates a temporary file it writes
//! that file's folder into the lock file, and it empties the file when it lets go. A
//! writer that finds the journal not empty knows the one before it was killed, and
//! removes the temporary files (`.crm-new-*`) that one left in the folders named.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::atomic::{WriteError, TEMP_PREFIX};
use super::guard;

/// Where the lock lives, below the crm folder.
pub const PATH: &str = ".crm/lock";

/// How long a writer waits for the one before it, unless `CRM_LOCK_TIMEOUT` (seconds) says.
const WAIT: Duration = Duration::from_secs(30);

fn wait() -> Duration {
    std::env::var("CRM_LOCK_TIMEOUT")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .unwrap_or(WAIT)
}

pub struct WriteLock {
    root: PathBuf,
    file: File,
    /// Folders already in the journal (an import writes many files into one).
    noted: Vec<PathBuf>,
}

impl WriteLock {
    /// Waits for the lock (up to 30 s), then cleans up after a writer that was killed.
    pub fn acquire(root: &Path) -> Result<WriteLock, WriteError> {
        let path = root.join(PATH);
        let io = |e| WriteError::Io(path.clone(), e);
        // `.crm/` may have come in a commit: it must be a real folder of ours, and the
        // lock a real file (never truncated on open: a link would have emptied its target).
        guard::private_dir(root, guard::PRIVATE)?;
        let file = guard::open_nofollow(
            OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false),
            &path,
        )
        .map_err(|e| match e.raw_os_error() {
            #[cfg(unix)]
            Some(libc::ELOOP) => WriteError::Path(guard::link(root, PathBuf::from(PATH))),
            _ => io(e),
        })?;
        let start = Instant::now();
        let wait = wait();
        let mut pause = Duration::from_micros(200);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) if start.elapsed() < wait => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(10));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(WriteError::Busy(path, wait.as_secs_f64()))
                }
                Err(fs::TryLockError::Error(e)) => return Err(io(e)),
            }
        }
        let mut lock = WriteLock {
            root: root.to_path_buf(),
            file,
            noted: Vec::new(),
        };
        lock.recover();
        Ok(lock)
    }

    /// Whether a writer holds the lock now (for `crm check`, which only reads).
    pub fn held(root: &Path) -> bool {
        let Ok(file) = guard::open_nofollow(OpenOptions::new().read(true), &root.join(PATH)) else {
            return false;
        };
        match file.try_lock_shared() {
            Ok(()) => false,
            Err(fs::TryLockError::WouldBlock) => true,
            Err(fs::TryLockError::Error(_)) => false,
        }
    }

    /// Records that a temporary file is about to be made in `dir`.
    pub fn note_dir(&mut self, dir: &Path) -> Result<(), WriteError> {
        if self.noted.iter().any(|d| d == dir) {
            return Ok(());
        }
        self.noted.push(dir.to_path_buf());
        let rel = dir.strip_prefix(&self.root).unwrap_or(dir);
        let line = format!("{}\n", rel.display());
        (|| {
            self.file.seek(io::SeekFrom::End(0))?;
            self.file.write_all(line.as_bytes())
        })()
        .map_err(|e| WriteError::Io(self.root.join(PATH), e))
    }

    /// Removes what a killed writer left, as its journal names it.
    fn recover(&mut self) {
        let mut text = String::new();
        if self.file.seek(io::SeekFrom::Start(0)).is_err()
            || self.file.read_to_string(&mut text).is_err()
            || text.is_empty()
        {
            return;
        }
        let mut dirs: Vec<&str> = text.lines().collect();
        dirs.sort_unstable();
        dirs.dedup();
        for dir in dirs {
            // Only folders inside the crm folder: the journal is ours, but a hand-edited
            // one must not make crm delete files elsewhere.
            let rel = Path::new(dir);
            if rel.is_absolute() || rel.components().any(|c| c.as_os_str() == "..") {
                continue;
            }
            remove_temp_files(&self.root.join(rel));
        }
        let _ = self.file.set_len(0);
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        // A clean finish leaves an empty journal; the lock goes with the handle.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

/// Removes `.crm-new-*` files directly in `dir`; returns the paths removed.
pub fn remove_temp_files(dir: &Path) -> Vec<PathBuf> {
    temp_files(dir)
        .into_iter()
        .filter(|p| fs::remove_file(p).is_ok())
        .collect()
}

/// The `.crm-new-*` files directly in `dir`, sorted.
pub fn temp_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(TEMP_PREFIX))
                && e.file_type().is_ok_and(|t| t.is_file())
        })
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_waits_and_a_dead_writers_temp_files_go() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("deals")).unwrap();
        // A writer that "died": its journal names deals/, where it left a temp file.
        fs::create_dir_all(root.join(".crm")).unwrap();
        fs::write(root.join(PATH), "deals\n../outside\n").unwrap();
        fs::write(root.join("deals/.crm-new-abc"), "half").unwrap();
        fs::write(root.join("deals/keep.yaml"), "title: x\n").unwrap();
        let lock = WriteLock::acquire(root).unwrap();
        assert!(!root.join("deals/.crm-new-abc").exists());
        assert!(root.join("deals/keep.yaml").exists());
        assert!(WriteLock::held(root));
        drop(lock);
        assert!(!WriteLock::held(root));
        assert_eq!(fs::read(root.join(PATH)).unwrap(), b"");
    }
}
