//! Why a path in the folder is refused: links, foreign owners, paths that leave it.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PathError {
    #[error("{}: is a symbolic link{}; crm does not follow links, so nothing outside the folder is read or written", .path.display(), target_text(.target))]
    Link {
        path: PathBuf,
        target: Option<PathBuf>,
    },
    #[error("{0} is not a folder; crm keeps its lock and cache there (move it away)")]
    NotDir(PathBuf),
    #[error("{0} belongs to another user (uid {1}); crm writes nothing there")]
    Foreign(PathBuf, u32),
    #[error("{0} leaves the crm folder")]
    Outside(PathBuf),
    #[error("{0}: {1}")]
    Io(PathBuf, io::Error),
}

fn target_text(target: &Option<PathBuf>) -> String {
    target
        .as_ref()
        .map(|t| format!(" (to {})", t.display()))
        .unwrap_or_default()
}
