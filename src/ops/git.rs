//! Registering the merge driver in a git repository.

use std::path::Path;
use std::process::Command;

use crate::error::{Error, Result};

/// Whether `dir` is inside a git work tree (false when git is not installed).
pub fn in_work_tree(dir: &Path) -> bool {
    Command::new("git")
        .args(["rev-parse", "--is-inside-work-tree"])
        .current_dir(dir)
        .output()
        .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"true"))
}

/// Quotes a word for the shell git runs merge drivers with.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Writes `[merge "crm"]` into the repository's own config (`.git/config`), naming
/// `crm_exe` as the driver. The path is absolute because the config is this clone's.
pub fn setup(dir: &Path, crm_exe: &Path) -> Result<()> {
    if !in_work_tree(dir) {
        return Err(Error::Failed(format!(
            "{} is not inside a git work tree (run `git init` first)",
            dir.display()
        )));
    }
    let driver = format!(
        "{} merge-driver %O %A %B %P",
        shell_quote(&crm_exe.display().to_string())
    );
    for (key, value) in [
        ("merge.crm.name", "crm: merge records field by field"),
        ("merge.crm.driver", driver.as_str()),
    ] {
        let status = Command::new("git")
            .args(["config", "--local", key, value])
            .current_dir(dir)
            .status()
            .map_err(|e| Error::Failed(format!("cannot run git: {e}")))?;
        if !status.success() {
            return Err(Error::Failed(format!("git config {key} failed ({status})")));
        }
    }
    Ok(())
}
