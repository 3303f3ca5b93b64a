//! Paths inside the crm folder, walked without following links.
//!
//! A folder may come from a stranger's commit, and git stores symbolic links: a link
//! anywhere below the crm folder (a type's folder, a month's folder, a record, `.crm/`
//! or a file in it) could lead a read or a write outside the folder. Listings never
//! follow links (they report them); everything else goes through here:
//! - a record's path is checked component by component ([`check`]) before crm reads it
//!   on its own or writes it;
//! - `.crm/` and its `cache/` must be real folders of this user ([`private_dir`] makes
//!   them); crm writes nothing there otherwise, and reads go on without the cache;
//! - files under `.crm/` are opened with `O_NOFOLLOW` ([`open_nofollow`]).

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Component, Path, PathBuf};

/// crm's own folder in the crm folder (git-ignored, never shared).
pub const PRIVATE: &str = ".crm";

pub use crate::error::PathError;

/// The error for the link at `rel` (relative to `root`), with where it points.
pub fn link(root: &Path, rel: PathBuf) -> PathError {
    let target = std::fs::read_link(root.join(&rel)).ok();
    PathError::Link { path: rel, target }
}

/// Checks that no component of `rel` (relative to `root`) is a symbolic link, and that
/// `rel` stays inside `root`. Components that do not exist yet are fine (a file or
/// folder about to be made).
pub fn check(root: &Path, rel: &Path) -> Result<(), PathError> {
    let mut at = PathBuf::new();
    for c in rel.components() {
        match c {
            Component::Normal(name) => at.push(name),
            Component::CurDir => continue,
            _ => return Err(PathError::Outside(rel.to_path_buf())),
        }
        match std::fs::symlink_metadata(root.join(&at)) {
            Ok(m) if m.file_type().is_symlink() => return Err(link(root, at)),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(PathError::Io(at, e)),
        }
    }
    Ok(())
}

#[cfg(unix)]
fn owner_of(meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    (meta.uid() != me).then_some(meta.uid())
}

#[cfg(not(unix))]
fn owner_of(_: &std::fs::Metadata) -> Option<u32> {
    None
}

/// A folder below `.crm/` (`rel` such as `.crm` or `.crm/cache`), made if missing:
/// every component must be a real folder owned by this user, never a link.
pub fn private_dir(root: &Path, rel: &str) -> Result<PathBuf, PathError> {
    let mut at = PathBuf::new();
    for c in Path::new(rel).components() {
        at.push(c);
        let abs = root.join(&at);
        let meta = match std::fs::symlink_metadata(&abs) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                match std::fs::create_dir(&abs) {
                    Ok(()) => {}
                    // Another crm made it at the same moment: look at it again.
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                    Err(e) => return Err(PathError::Io(at, e)),
                }
                std::fs::symlink_metadata(&abs).map_err(|e| PathError::Io(at.clone(), e))?
            }
            Err(e) => return Err(PathError::Io(at, e)),
        };
        if meta.file_type().is_symlink() {
            return Err(link(root, at));
        }
        if !meta.is_dir() {
            return Err(PathError::NotDir(at));
        }
        if let Some(uid) = owner_of(&meta) {
            return Err(PathError::Foreign(at, uid));
        }
    }
    Ok(root.join(rel))
}

/// Whether a folder below `.crm/` may be read from: it exists and no component of it is
/// a link or another user's. A cache that may not be read is simply not used.
pub fn private_readable(root: &Path, rel: &str) -> bool {
    let mut at = root.to_path_buf();
    Path::new(rel).components().all(|c| {
        at.push(c);
        std::fs::symlink_metadata(&at)
            .is_ok_and(|m| m.is_dir() && !m.file_type().is_symlink() && owner_of(&m).is_none())
    })
}

/// Opens `path` as `options` say, failing if its last component is a symbolic link.
pub fn open_nofollow(options: &mut OpenOptions, path: &Path) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// Every symbolic link below `.crm/` (or `.crm` itself), relative to the crm folder, for
/// `crm check`.
pub fn private_links(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root.join(PRIVATE))
        .follow_links(false)
        .into_iter()
        .flatten()
        .filter(|e| e.path_is_symlink())
        .filter_map(|e| e.path().strip_prefix(root).ok().map(Path::to_path_buf))
        .collect()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_link_anywhere_on_the_way_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let (root, outside) = (dir.path().join("crm"), dir.path().join("outside"));
        std::fs::create_dir_all(root.join("deals/sub")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        symlink(&outside, root.join("customers")).unwrap();
        assert!(check(&root, Path::new("deals/sub/a.yaml")).is_ok());
        let e = check(&root, Path::new("customers/a.yaml")).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "customers: is a symbolic link (to {}); crm does not follow links, so nothing outside the folder is read or written",
                outside.display()
            )
        );
        symlink(&outside, root.join("deals/sub/b.yaml")).unwrap();
        assert!(matches!(
            check(&root, Path::new("deals/sub/b.yaml")),
            Err(PathError::Link { path, .. }) if path == Path::new("deals/sub/b.yaml")
        ));
        assert!(matches!(
            check(&root, Path::new("deals/../../x")),
            Err(PathError::Outside(_))
        ));
    }

    #[test]
    fn private_folders_are_made_and_links_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("crm");
        std::fs::create_dir_all(&root).unwrap();
        assert!(!private_readable(&root, ".crm/cache"));
        private_dir(&root, ".crm/cache").unwrap();
        assert!(root.join(".crm/cache").is_dir());
        assert!(private_readable(&root, ".crm/cache"));
        std::fs::remove_dir(root.join(".crm/cache")).unwrap();
        symlink(dir.path(), root.join(".crm/cache")).unwrap();
        assert!(!private_readable(&root, ".crm/cache"));
        assert!(matches!(
            private_dir(&root, ".crm/cache"),
            Err(PathError::Link { path, .. }) if path == Path::new(".crm/cache")
        ));
        assert_eq!(private_links(&root), vec![PathBuf::from(".crm/cache")]);
    }
}
