//! Why a write did not happen; in every case nothing was written.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}: already exists")]
    Exists(PathBuf),
    #[error("{0}: changed on disk since crm read it; nothing was written (run the command again)")]
    Changed(PathBuf),
    #[error("another crm has been writing in this folder for more than {1} s (it holds {0}); nothing was written")]
    Busy(PathBuf, f64),
    #[error("{0}: {1}")]
    Io(PathBuf, io::Error),
    #[error("{0}: is being written by another program (it keeps changing); nothing was written: try again")]
    BeingWritten(PathBuf),
    #[error("{0}: is read-only; crm does not replace it (make it writable first, e.g. chmod u+w)")]
    ReadOnly(PathBuf),
    #[error(transparent)]
    Path(#[from] super::PathError),
}
