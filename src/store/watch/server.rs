//! `crm watch`: a file-system watch on a crm folder that tells commands what changed
//! since their cache was written (see [`super::client`] for the client side and
//! the conversation).
//!
//! The watcher watches the crm folder and every folder below the record types'
//! folders (dot-folders left out) with Linux's inotify, and numbers each change it is
//! told of: a record file written, created, removed, renamed or its attributes
//! changed; a folder created, removed or moved (its whole contents count as changed).
//! Before answering it reads every notification the kernel has queued: a change made
//! before a command asks is queued before the command's question arrives, so the
//! answer includes it.
//!
//! When it cannot vouch for what happened, it says so, and commands check every file
//! themselves: after the kernel's queue overflowed (changes were lost), for any token
//! of another watcher process, and for good once a folder could not be watched (too
//! many watches). It refuses folders on network file systems, whose changes made on
//! other machines it would never hear of. It stops when the crm folder is moved or
//! removed, on SIGINT or SIGTERM, and on `crm watch --stop`.
use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::{BufRead, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use inotify::{EventMask, Inotify, WatchDescriptor, WatchMask};

use super::client;
use super::journal::Journal;
use super::protocol::{answer_bytes, Request, Status, SOCKET};
use crate::model::RecordType;

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("a watcher already serves {0} ({1})")]
    Running(PathBuf, String),
    #[error("{0} is on a network file system ({1}): a watcher here would not hear of changes made on other machines")]
    Network(PathBuf, &'static str),
    #[error("cannot watch {0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error(transparent)]
    Path(#[from] crate::store::guard::PathError),
}

/// The crm folder itself is watched for its types' folders coming and going.
fn root_mask() -> WatchMask {
    WatchMask::CREATE
        | WatchMask::DELETE
        | WatchMask::MOVED_FROM
        | WatchMask::MOVED_TO
        | WatchMask::DELETE_SELF
        | WatchMask::MOVE_SELF
        | WatchMask::ONLYDIR
        | WatchMask::DONT_FOLLOW
}

/// A record type's folders are watched for that and for their files' changes.
fn folder_mask() -> WatchMask {
    root_mask()
        | WatchMask::MODIFY
        | WatchMask::ATTRIB
        | WatchMask::CLOSE_WRITE
        | WatchMask::EXCL_UNLINK
}

/// The name of a network file system the folder is on, if it is on one.
fn network_fs(dir: &Path) -> Option<&'static str> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: statfs is plain data, for which all zeroes is a valid value.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is NUL-terminated and outlives the call; `st` is a valid statfs.
    if unsafe { libc::statfs(path.as_ptr(), &mut st) } != 0 {
        return None;
    }
    // The magic numbers of statfs(2).
    Some(match st.f_type as u32 {
        0x6969 => "NFS",
        0xFF53_4D42 => "CIFS",
        0xFE53_4D42 => "SMB2",
        0x517B => "SMB",
        0x0102_1997 => "9P",
        0x00C3_6400 => "Ceph",
        0x5346_414F => "AFS",
        _ => return None,
    })
}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

struct Watcher {
    root: PathBuf,
    folder: (u64, u64),
    inotify: Inotify,
    /// The watched folders by watch descriptor: their path relative to the crm
    /// folder (`""` for the crm folder itself).
    dirs: HashMap<i32, (WatchDescriptor, String)>,
    journal: Journal,
    /// A folder could not be watched: every question is answered "all".
    blind: bool,
    since: chrono::DateTime<chrono::Utc>,
}

enum Flow {
    Go,
    Stop(&'static str),
}

impl Watcher {
    /// Watches a folder below a type's folder and every folder below it. The watch
    /// comes first, the listing after: a folder made in between is then both
    /// listed and notified, never neither.
    fn watch_tree(&mut self, rel: &str) {
        let abs = self.root.join(rel);
        match self.inotify.watches().add(&abs, folder_mask()) {
            Ok(wd) => {
                self.dirs
                    .insert(wd.get_watch_descriptor_id(), (wd, rel.to_string()));
            }
            // Gone already: its removal is noted by its parent's watch.
            Err(e) if matches!(e.raw_os_error(), Some(libc::ENOENT | libc::ENOTDIR)) => return,
            Err(e) => {
                if !self.blind {
                    eprintln!(
                        "crm watch: cannot watch {}: {e}; commands check every file from now on",
                        abs.display()
                    );
                }
                self.blind = true;
                return;
            }
        }
        let Ok(entries) = std::fs::read_dir(&abs) else {
            return;
        };
        for e in entries.flatten() {
            let Some(name) = e.file_name().to_str().map(String::from) else {
                continue;
            };
            if !name.starts_with('.') && e.file_type().is_ok_and(|t| t.is_dir()) {
                self.watch_tree(&format!("{rel}/{name}"));
            }
        }
    }

    /// Watches the crm folder and every type's folder.
    fn watch_all(&mut self) {
        match self.inotify.watches().add(&self.root, root_mask()) {
            Ok(wd) => {
                self.dirs
                    .insert(wd.get_watch_descriptor_id(), (wd, String::new()));
            }
            Err(e) => {
                eprintln!("crm watch: cannot watch {}: {e}", self.root.display());
                self.blind = true;
            }
        }
        for ty in RecordType::ALL {
            self.watch_tree(ty.dir());
        }
    }

    /// Stops watching a folder and everything below it (moved away or removed).
    fn forget(&mut self, rel: &str) {
        let below = format!("{rel}/");
        let gone: Vec<i32> = self
            .dirs
            .iter()
            .filter(|(_, (_, p))| p == rel || p.starts_with(&below))
            .map(|(id, _)| *id)
            .collect();
        for id in gone {
            if let Some((wd, _)) = self.dirs.remove(&id) {
                let _ = self.inotify.watches().remove(wd);
            }
        }
    }

    /// Reads and notes every notification queued so far.
    fn drain(&mut self) -> Flow {
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let events: Vec<(i32, EventMask, Option<std::ffi::OsString>)> =
                match self.inotify.read_events(&mut buffer) {
                    Ok(events) => events
                        .map(|e| {
                            (
                                e.wd.get_watch_descriptor_id(),
                                e.mask,
                                e.name.map(OsStr::to_os_string),
                            )
                        })
                        .collect(),
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return Flow::Go,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        eprintln!("crm watch: cannot read notifications: {e}");
                        return Flow::Stop("its notifications could not be read");
                    }
                };
            for (wd, mask, name) in events {
                if let Flow::Stop(why) = self.note(wd, mask, name.as_deref()) {
                    return Flow::Stop(why);
                }
            }
        }
    }

    fn note(&mut self, wd: i32, mask: EventMask, name: Option<&OsStr>) -> Flow {
        if mask.contains(EventMask::Q_OVERFLOW) {
            // Notifications were lost: nothing older can be vouched for, and folders
            // made meanwhile may be unwatched.
            self.journal.lost();
            self.watch_all();
            return Flow::Go;
        }
        let Some(dir) = self.dirs.get(&wd).map(|(_, d)| d.clone()) else {
            return Flow::Go;
        };
        if mask.contains(EventMask::IGNORED) {
            self.dirs.remove(&wd);
            return Flow::Go;
        }
        let Some(name) = name else {
            // About the watched folder itself.
            if mask.intersects(EventMask::DELETE_SELF | EventMask::MOVE_SELF) {
                if dir.is_empty() {
                    return Flow::Stop("the crm folder was moved or removed");
                }
                self.journal.note(format!("{dir}/"));
                self.forget(&dir);
            }
            return Flow::Go;
        };
        let Some(name) = name.to_str() else {
            // A name crm cannot read as text: its folder counts as changed.
            if !dir.is_empty() {
                self.journal.note(format!("{dir}/"));
            }
            return Flow::Go;
        };
        let is_dir = mask.contains(EventMask::ISDIR);
        let path = if dir.is_empty() {
            // In the crm folder only the types' folders matter.
            if !is_dir || !RecordType::ALL.iter().any(|t| t.dir() == name) {
                return Flow::Go;
            }
            name.to_string()
        } else {
            format!("{dir}/{name}")
        };
        if !is_dir {
            self.journal.note(path);
            return Flow::Go;
        }
        if name.starts_with('.') {
            return Flow::Go;
        }
        self.journal.note(format!("{path}/"));
        if mask.intersects(EventMask::MOVED_FROM | EventMask::DELETE) {
            self.forget(&path);
        }
        if mask.intersects(EventMask::CREATE | EventMask::MOVED_TO) {
            self.watch_tree(&path);
        }
        Flow::Go
    }

    fn status(&self) -> Status {
        Status {
            pid: std::process::id(),
            folder: self.root.display().to_string(),
            since: self.since.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            folders: self.dirs.len(),
            changed_paths: self.journal.len(),
            token: format!("{}:{}", self.journal.instance, self.journal.token().seq),
            answered_with_changes: self.journal.listed,
            answered_all: self.journal.all,
            blind: self.blind,
        }
    }

    /// Answers one question.
    fn answer(&mut self, stream: UnixStream) -> Flow {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
        let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
        let mut line = String::new();
        let mut reader = std::io::BufReader::new(&stream).take(1024);
        if reader.read_line(&mut line).is_err() {
            return Flow::Go;
        }
        let mut out = &stream;
        let flow = self.drain();
        let reply = match Request::parse(&line) {
            Some(Request::Since { token, folder }) if folder == self.folder => {
                let (now, changed) = self.journal.since(token);
                let changed = if self.blind { None } else { changed };
                answer_bytes(now, changed.as_deref())
            }
            Some(Request::Since { .. }) => b"error: another folder\n".to_vec(),
            Some(Request::Status) => {
                let mut line = serde_json::to_vec(&self.status()).unwrap_or_default();
                line.push(b'\n');
                line
            }
            Some(Request::Stop) => {
                let _ = out.write_all(b"stopping\n");
                return Flow::Stop("asked to stop");
            }
            None => b"error: not a question\n".to_vec(),
        };
        let _ = out.write_all(&reply);
        flow
    }
}

/// Watches the crm folder at `root` until told to stop; `ready` is called once the
/// watches are in place and the socket listens. Returns why it stopped.
pub fn serve(root: &Path, ready: impl FnOnce(usize)) -> Result<&'static str, WatchError> {
    let io = |e| WatchError::Io(root.to_path_buf(), e);
    if let Some(fs) = network_fs(root) {
        return Err(WatchError::Network(root.to_path_buf(), fs));
    }
    let folder = super::client::identity(root)
        .ok_or_else(|| io(std::io::Error::from(std::io::ErrorKind::NotFound)))?;
    crate::store::guard::private_dir(root, crate::store::guard::PRIVATE)?;
    let address = super::client::address(root)
        .ok_or_else(|| io(std::io::Error::from(std::io::ErrorKind::NotFound)))?;
    if let Some(answer) = client::send(root, &Request::Status) {
        let status = Status::parse(&answer).map_or_else(|| "it answers".into(), |s| s.line());
        return Err(WatchError::Running(root.to_path_buf(), status));
    }
    // Nobody answers: a socket left by a watcher that was killed.
    let _ = std::fs::remove_file(root.join(SOCKET));
    let listener = UnixListener::bind(&address.path).map_err(io)?;
    {
        use std::os::unix::fs::PermissionsExt;
        let only_me = std::fs::Permissions::from_mode(0o600);
        std::fs::set_permissions(root.join(SOCKET), only_me).map_err(io)?;
    }
    listener.set_nonblocking(true).map_err(io)?;
    let instance = loop {
        let n = fastrand::u64(..);
        if n != 0 {
            break n;
        }
    };
    let mut w = Watcher {
        root: root.to_path_buf(),
        folder,
        inotify: Inotify::init().map_err(io)?,
        dirs: HashMap::new(),
        journal: Journal::new(instance),
        blind: false,
        since: chrono::Utc::now(),
    };
    w.watch_all();
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
    }
    ready(w.dirs.len());
    let why = loop {
        if STOP.load(Ordering::SeqCst) {
            break "interrupted";
        }
        let mut fds = [
            libc::pollfd {
                fd: w.inotify.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: listener.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        // Interrupted by a signal: the loop looks at STOP again.
        // SAFETY: `fds` is an array of two initialised pollfd that outlives the call.
        if unsafe { libc::poll(fds.as_mut_ptr(), 2, -1) } < 0 {
            continue;
        }
        if fds[0].revents != 0 {
            if let Flow::Stop(why) = w.drain() {
                break why;
            }
        }
        if fds[1].revents != 0 {
            let mut stop = None;
            while let Ok((stream, _)) = listener.accept() {
                let _ = stream.set_nonblocking(false);
                if let Flow::Stop(why) = w.answer(stream) {
                    stop = Some(why);
                    break;
                }
            }
            if let Some(why) = stop {
                break why;
            }
        }
    };
    // The socket goes with the watcher (unless the folder went first).
    let _ = std::fs::remove_file(root.join(SOCKET));
    Ok(why)
}
