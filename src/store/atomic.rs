//! Atomic writes. A crash leaves the old file or the new one, never half of one.
//!
//! The new content goes into a temporary file (`.crm-new-*`, never read as a record) in
//! the target's folder and is synced. A new file is then linked into place only if no
//! file of that name exists (create-new, so nothing is overwritten). An update re-reads
//! the target, compares it with what the command read, and renames the temporary file
//! over it: a change on disk since the read fails the update instead of losing it.
//! Record writes hold the folder's write lock ([`super::lock`]) around all this, so crm
//! writers take turns; the comparison catches other programs (an editor, git).

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

pub use crate::error::WriteError;

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |e| WriteError::Io(path.to_path_buf(), plain(e))
}

/// The error without the temporary file's name that `tempfile` puts in its message: the
/// user named the target, and `.crm-new-…` means nothing to them.
fn plain(e: io::Error) -> io::Error {
    if e.raw_os_error().is_some() {
        return e;
    }
    // tempfile's error reads "<the OS error> at path <the temporary file>"; its source
    // is not the OS error, so the text is cut.
    let text = e.to_string();
    match text.split_once(" at path \"") {
        Some((first, _)) => io::Error::new(e.kind(), first.to_string()),
        None => e,
    }
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

/// How crm's temporary files begin: hidden, and never a record name.
pub const TEMP_PREFIX: &str = ".crm-new-";

/// Temporary files get the mode a plain new file would (0666 less the umask), not 0600.
fn new_temp() -> tempfile::Builder<'static, 'static> {
    let mut b = tempfile::Builder::new();
    b.prefix(TEMP_PREFIX);
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

/// Creates many new files at once, each as [`create_new`] does, with one flush of the
/// file system for all of them instead of two per file (what makes a batch of ten
/// thousand new records take seconds instead of minutes): every temporary file is
/// written, the file system is synced once, then each is linked into place (never over
/// an existing file) and each folder synced once. A crash before a link leaves only
/// temporary files, which are never read as records and are removed by the next write.
pub fn create_new_all(items: &[(&Path, &[u8])]) -> Vec<Result<(), WriteError>> {
    let mut temps = Vec::with_capacity(items.len());
    for (path, bytes) in items {
        let dir = parent_of(path);
        let made = fs::create_dir_all(dir)
            .map_err(io_err(dir))
            .and_then(|()| new_temp().tempfile_in(dir).map_err(io_err(dir)))
            .and_then(|mut tmp| {
                tmp.write_all(bytes).map_err(io_err(path))?;
                Ok(tmp)
            });
        temps.push(made);
    }
    sync_all_of(&temps);
    let mut dirs: Vec<&Path> = Vec::new();
    let results = temps
        .into_iter()
        .zip(items)
        .map(|(tmp, (path, _))| {
            let tmp = tmp?;
            match tmp.persist_noclobber(path) {
                Ok(_) => {
                    let dir = parent_of(path);
                    if !dirs.contains(&dir) {
                        dirs.push(dir);
                    }
                    Ok(())
                }
                Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => {
                    Err(WriteError::Exists(path.to_path_buf()))
                }
                Err(e) => Err(WriteError::Io(path.to_path_buf(), e.error)),
            }
        })
        .collect();
    for dir in dirs {
        sync_dir(dir);
    }
    results
}

/// Makes the written temporary files durable: one `syncfs` of their file system on
/// Linux, else a sync of each.
fn sync_all_of(temps: &[Result<tempfile::NamedTempFile, WriteError>]) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        if let Some(Ok(first)) = temps.iter().find(|t| t.is_ok()) {
            // SAFETY: the descriptor is that of an open file we own for this call;
            // syncfs only flushes its file system and reads no memory of ours.
            if unsafe { libc::syncfs(first.as_file().as_raw_fd()) } == 0 {
                return;
            }
        }
    }
    for t in temps.iter().flatten() {
        let _ = t.as_file().sync_all();
    }
}

/// Whether the mode bits that apply to this user let it write the file. Unlike
/// `access(2)` this holds for root too: a record someone made read-only stays so, as
/// editors and git treat it.
#[cfg(unix)]
fn writable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid and getegid have no preconditions and cannot fail.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    let bit = if meta.uid() == uid {
        0o200
    } else if meta.gid() == gid {
        0o020
    } else {
        0o002
    };
    meta.mode() & bit != 0
}

#[cfg(not(unix))]
fn writable(meta: &fs::Metadata) -> bool {
    !meta.permissions().readonly()
}

/// The file's metadata, provided crm may replace it (see [`writable`]).
fn replaceable(path: &Path) -> Result<fs::Metadata, WriteError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(WriteError::Changed(path.to_path_buf()))
        }
        Err(e) => return Err(WriteError::Io(path.to_path_buf(), e)),
    };
    if !writable(&meta) {
        return Err(WriteError::ReadOnly(path.to_path_buf()));
    }
    Ok(meta)
}

/// Gives the replacement the mode of the file it replaces, and its group where this
/// user may set it (a rename would otherwise give the new file the umask's mode).
fn keep_mode(tmp: &File, old: &fs::Metadata, path: &Path) -> Result<(), WriteError> {
    tmp.set_permissions(old.permissions())
        .map_err(io_err(path))?;
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        use std::os::unix::fs::MetadataExt;
        // SAFETY: the descriptor is the open temporary file's; -1 leaves the owner as is.
        // A group this user is not in is refused by the kernel: the file keeps its own.
        unsafe {
            libc::fchown(tmp.as_raw_fd(), u32::MAX, old.gid());
        }
    }
    Ok(())
}

/// Replaces `path` with `bytes`, provided it still holds `expected`. The new file keeps
/// the old one's mode and group; a read-only file is refused.
pub fn replace(path: &Path, bytes: &[u8], expected: &[u8]) -> Result<(), WriteError> {
    let dir = parent_of(path);
    let old = replaceable(path)?;
    let mut tmp = new_temp().tempfile_in(dir).map_err(io_err(dir))?;
    keep_mode(tmp.as_file(), &old, path)?;
    tmp.write_all(bytes).map_err(io_err(path))?;
    tmp.as_file().sync_all().map_err(io_err(path))?;
    check_unchanged(path, expected)?;
    tmp.persist(path)
        .map_err(|e| WriteError::Io(path.to_path_buf(), e.error))?;
    sync_dir(dir);
    Ok(())
}

/// Removes `path`, provided it still holds `expected` and is not read-only.
pub fn remove(path: &Path, expected: &[u8]) -> Result<(), WriteError> {
    replaceable(path)?;
    check_unchanged(path, expected)?;
    fs::remove_file(path).map_err(io_err(path))?;
    sync_dir(parent_of(path));
    Ok(())
}

fn check_unchanged(path: &Path, expected: &[u8]) -> Result<(), WriteError> {
    match fs::read(path) {
        Ok(now) if now == expected => Ok(()),
        Ok(_) => Err(WriteError::Changed(path.to_path_buf())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Err(WriteError::Changed(path.to_path_buf()))
        }
        Err(e) => Err(WriteError::Io(path.to_path_buf(), e)),
    }
}

/// Writes `path` atomically whatever it held (for files crm owns whole, such as `-o FILE`).
pub fn overwrite(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = parent_of(path);
    let mut tmp = new_temp().tempfile_in(dir).map_err(io_err(path))?;
    tmp.write_all(bytes).map_err(io_err(path))?;
    tmp.as_file().sync_all().map_err(io_err(path))?;
    tmp.persist(path)
        .map_err(|e| WriteError::Io(path.to_path_buf(), e.error))?;
    sync_dir(dir);
    Ok(())
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

    #[cfg(unix)]
    #[test]
    fn a_replacement_keeps_the_mode_and_a_read_only_file_is_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        fs::write(&p, b"one").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
        replace(&p, b"two", b"one").unwrap();
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o7777,
            0o600
        );
        fs::set_permissions(&p, fs::Permissions::from_mode(0o444)).unwrap();
        let e = replace(&p, b"three", b"two").unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{}: is read-only; crm does not replace it (make it writable first, e.g. chmod u+w)", p.display())
        );
        assert!(matches!(remove(&p, b"two"), Err(WriteError::ReadOnly(_))));
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
