//! Asking the watcher: finding its socket and sending one request.

use std::path::Path;
#[cfg(unix)]
use std::path::PathBuf;

use super::protocol::{parse_answer, Answer, Request, Token, SOCKET};

#[cfg(unix)]
pub fn identity(dir: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(dir).ok()?;
    Some((m.dev(), m.ino()))
}

/// The address of the socket: its path, or, when that is too long for a socket
/// address (about 100 bytes), the same file reached through an open handle of its
/// folder (`/proc/self/fd/N/…`), which is kept open as long as the address is used.
#[cfg(unix)]
pub struct Address {
    pub path: PathBuf,
    _dir: Option<std::fs::File>,
}

/// Longest path a Unix socket address holds, with its final NUL.
#[cfg(unix)]
const SUN_PATH: usize = 108;

#[cfg(unix)]
pub fn address(root: &Path) -> Option<Address> {
    // A socket reached through a linked `.crm` is not ours.
    if !crate::store::guard::private_readable(root, crate::store::guard::PRIVATE) {
        return None;
    }
    let path = root.join(SOCKET);
    if path.as_os_str().len() < SUN_PATH {
        return Some(Address { path, _dir: None });
    }
    use std::os::fd::AsRawFd;
    let dir = std::fs::File::open(path.parent()?).ok()?;
    Some(Address {
        path: PathBuf::from(format!("/proc/self/fd/{}/watch.sock", dir.as_raw_fd())),
        _dir: Some(dir),
    })
}

/// How long an asker waits for the watcher: past this, it checks every file itself.
#[cfg(unix)]
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);

/// Sends a request to the folder's watcher and reads the whole answer; `None` when no
/// watcher answers (never, where there are no Unix sockets).
#[cfg(unix)]
pub fn send(root: &Path, request: &Request) -> Option<Vec<u8>> {
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;
    // Nor is one that is itself a link (the watcher replaces such a link by its socket).
    if std::fs::symlink_metadata(root.join(SOCKET)).is_ok_and(|m| m.file_type().is_symlink()) {
        return None;
    }
    let address = address(root)?;
    let mut stream = UnixStream::connect(&address.path).ok()?;
    stream.set_read_timeout(Some(PATIENCE)).ok()?;
    stream.set_write_timeout(Some(PATIENCE)).ok()?;
    stream.write_all(request.line().as_bytes()).ok()?;
    let mut out = Vec::new();
    stream.read_to_end(&mut out).ok()?;
    Some(out)
}

#[cfg(not(unix))]
pub fn send(_: &Path, _: &Request) -> Option<Vec<u8>> {
    None
}

/// What changed in the crm folder at `root` since `since`, if a watcher serves it.
#[cfg(unix)]
pub fn ask(root: &Path, since: Option<Token>) -> Option<Answer> {
    // No socket, no watcher: spare the connection attempt.
    if !root.join(SOCKET).exists() {
        return None;
    }
    let request = Request::Since {
        token: since,
        folder: identity(root)?,
    };
    parse_answer(&send(root, &request)?)
}

#[cfg(not(unix))]
pub fn ask(_: &Path, _: Option<Token>) -> Option<Answer> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_long_folder_path_is_reached_through_its_handle() {
        let dir = tempfile::tempdir().unwrap();
        // No `.crm` folder (or a linked one): no address.
        assert!(address(dir.path()).is_none());
        std::fs::create_dir(dir.path().join(".crm")).unwrap();
        let short = address(dir.path()).unwrap();
        assert_eq!(short.path, dir.path().join(SOCKET));
        let deep = dir.path().join("a".repeat(120));
        std::fs::create_dir_all(deep.join(".crm")).unwrap();
        let long = address(&deep).unwrap();
        let text = long.path.to_str().unwrap();
        assert!(
            text.starts_with("/proc/self/fd/") && text.ends_with("/watch.sock"),
            "{text}"
        );
    }
}
