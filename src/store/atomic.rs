//! Atomic writes. A crash leaves the old file or the new one, never half of one.
//!
//! New files: written to a temporary file in the same folder, synced, then linked into
//! place only if no file of that name exists (create-new, so nothing is overwritten).
//! Updates: the new content goes into `.<name>.lock`, created exclusively as git does
//! for its index, so two writers cannot both be between the check and the rename; the
//! target is re-read and compared with what the command read, then the lock is renamed
//! over it. A change on disk since the read fails the update instead of losing it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}: already exists")]
    Exists(PathBuf),
    #[error("{0}: changed on disk since crm read it; nothing was written (run the command again)")]
    Changed(PathBuf),
    #[error("{0}: is being written by another crm (lock file {1} exists; remove it if no crm is running)")]
    Locked(PathBuf, PathBuf),
    #[error("{0}: {1}")]
    Io(PathBuf, io::Error),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |e| WriteError::Io(path.to_path_buf(), e)
}

fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Flushes the folder entry so a rename or link survives a crash.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Temporary files get the mode a plain new file would (0666 less the umask), not 0600.
fn new_temp() -> tempfile::Builder<'static, 'static> {
    let mut b = tempfile::Builder::new();
    b.prefix(".crm-new-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b
}

/// Creates `path` with `bytes`; fails with [`WriteError::Exists`] if it exists.
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = parent_of(path);
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    let mut tmp = new_temp().tempfile_in(dir).map_err(io_err(dir))?;
    tmp.write_all(bytes).map_err(io_err(path))?;
    tmp.as_file().sync_all().map_err(io_err(path))?;
    match tmp.persist_noclobber(path) {
        Ok(_) => {
            sync_dir(dir);
            Ok(())
        }
        Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => {
            Err(WriteError::Exists(path.to_path_buf()))
        }
        Err(e) => Err(WriteError::Io(path.to_path_buf(), e.error)),
    }
}

/// Replaces `path` with `bytes`, provided it still holds `expected`.
pub fn replace(path: &Path, bytes: &[u8], expected: &[u8]) -> Result<(), WriteError> {
    let lock = Lock::take(path)?;
    let mut f = &lock.file;
    f.write_all(bytes).map_err(io_err(&lock.path))?;
    f.sync_all().map_err(io_err(&lock.path))?;
    lock.check_unchanged(expected)?;
    lock.commit()
}

/// Removes `path`, provided it still holds `expected`.
pub fn remove(path: &Path, expected: &[u8]) -> Result<(), WriteError> {
    let lock = Lock::take(path)?;
    lock.check_unchanged(expected)?;
    fs::remove_file(path).map_err(io_err(path))?;
    sync_dir(parent_of(path));
    drop(lock);
    Ok(())
}

/// Writes `path` atomically whatever it held (for files crm owns whole, such as `-o FILE`).
pub fn overwrite(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = parent_of(path);
    let mut tmp = new_temp().tempfile_in(dir).map_err(io_err(dir))?;
    tmp.write_all(bytes).map_err(io_err(path))?;
    tmp.as_file().sync_all().map_err(io_err(path))?;
    tmp.persist(path)
        .map_err(|e| WriteError::Io(path.to_path_buf(), e.error))?;
    sync_dir(dir);
    Ok(())
}

/// `.<name>.lock` beside the target, held while one writer updates it.
struct Lock {
    target: PathBuf,
    path: PathBuf,
    file: File,
    committed: bool,
}

impl Lock {
    fn take(target: &Path) -> Result<Lock, WriteError> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = parent_of(target).join(format!(".{name}.lock"));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| {
                if e.kind() == io::ErrorKind::AlreadyExists {
                    WriteError::Locked(target.to_path_buf(), path.clone())
                } else {
                    WriteError::Io(path.clone(), e)
                }
            })?;
        Ok(Lock {
            target: target.to_path_buf(),
            path,
            file,
            committed: false,
        })
    }

    fn check_unchanged(&self, expected: &[u8]) -> Result<(), WriteError> {
        match fs::read(&self.target) {
            Ok(now) if now == expected => Ok(()),
            Ok(_) => Err(WriteError::Changed(self.target.clone())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(WriteError::Changed(self.target.clone()))
            }
            Err(e) => Err(WriteError::Io(self.target.clone(), e)),
        }
    }

    fn commit(mut self) -> Result<(), WriteError> {
        fs::rename(&self.path, &self.target).map_err(io_err(&self.target))?;
        self.committed = true;
        sync_dir(parent_of(&self.target));
        Ok(())
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_new_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        create_new(&p, b"one").unwrap();
        assert!(matches!(create_new(&p, b"two"), Err(WriteError::Exists(_))));
        assert_eq!(fs::read(&p).unwrap(), b"one");
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn replace_detects_concurrent_change() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        fs::write(&p, b"one").unwrap();
        replace(&p, b"two", b"one").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        let e = replace(&p, b"three", b"one").unwrap_err();
        assert!(matches!(e, WriteError::Changed(_)), "{e}");
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_held_lock_stops_a_second_writer() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        fs::write(&p, b"one").unwrap();
        let held = Lock::take(&p).unwrap();
        let e = replace(&p, b"two", b"one").unwrap_err();
        assert!(matches!(e, WriteError::Locked(..)), "{e}");
        drop(held);
        replace(&p, b"two", b"one").unwrap();
    }
}
