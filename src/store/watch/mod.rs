//! Asking the folder's watcher what changed: the client side of `crm watch`, and the
//! messages both sides exchange.
//!
//! A watcher (see `crm::ops::watch`) keeps a file-system watch on a crm folder and
//! numbers every change it sees. A cache written while one runs carries a [`Token`]:
//! the watcher's instance and the number of the last change before the cache's files
//! were read. The next command asks the watcher what changed since that token and
//! re-reads just those files: no listing and no stat of every file, which on a large
//! folder is most of a warm run (git's fsmonitor does the same for `git status`).
//! When no watcher answers, or it cannot vouch for the token (it restarted, or its
//! kernel queue overflowed), the command checks every file's stat as usual.
//!
//! The conversation is one request and one answer over the Unix socket
//! `.crm/watch.sock`, in text:
//!
//! ```text
//! → since <instance> <seq> <dev> <ino>\n       (or `since - - <dev> <ino>` without a token)
//! ← token <instance> <seq>\n  then  all\n  or  changed <n>\n and n paths, each ending in NUL
//! → status\n                                  ← one line of JSON about the watcher ([`Status`])
//! → stop\n                                    ← stopping\n
//! ```
//!
//! `dev` and `ino` name the crm folder, so that a watcher never answers for another
//! folder. Paths are relative to the crm folder; one ending in `/` is a folder whose
//! whole contents may have changed.
//!
//! The parts: [`protocol`] (the messages), [`client`] (asking, used by every command
//! that reads through the cache), [`journal`] (the watcher's numbered changes) and
//! [`server`] (the watcher itself, Linux only).

pub mod client;
pub mod journal;
pub mod protocol;
#[cfg(target_os = "linux")]
pub mod server;

pub use client::{ask, send};
pub use journal::Journal;
pub use protocol::{Answer, Request, Status, Token, SOCKET};
#[cfg(target_os = "linux")]
pub use server::{serve, WatchError};
