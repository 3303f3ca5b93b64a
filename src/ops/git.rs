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

/// The path of `dir` inside its git work tree (`crm/` for a crm folder kept in a
/// subfolder, empty at the top), or `None` outside one.
pub fn prefix(dir: &Path) -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "--show-prefix"])
        .current_dir(dir)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}

/// Whether any commit of any branch holds one of `paths` (relative to `dir`).
pub fn in_history(dir: &Path, paths: &[std::path::PathBuf]) -> bool {
    Command::new("git")
        .args(["log", "--all", "-1", "--format=%H", "--"])
        .args(paths)
        .current_dir(dir)
        .output()
        .is_ok_and(|o| o.status.success() && !o.stdout.is_empty())
}

/// A word as a POSIX shell reads it back: as it is when it holds only characters no
/// shell treats specially, else in single quotes.
pub fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+:@%=,".contains(&b));
    if plain {
        s.to_string()
    } else {
        shell_quote(s)
    }
}

/// Quotes a word for the shell git runs merge drivers with.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The driver command git runs (through `sh -c`): crm at the path that registered it,
/// else the `crm` on `PATH` (crm moved or was upgraded), else git's own line merge, so
/// that a merge never silently keeps our side without conflict markers.
pub fn driver_command(crm_exe: &Path) -> String {
    format!(
        "c={}; [ -x \"$c\" ] || c=$(command -v crm) || exec git merge-file -L ours -L base -L theirs %A %O %B; exec \"$c\" merge-driver %O %A %B %P",
        shell_quote(&crm_exe.display().to_string())
    )
}

/// The first single-quoted word of a driver command (the crm it names), unquoted.
fn quoted_program(command: &str) -> Option<String> {
    let start = command.find('\'')?;
    let mut out = String::new();
    let mut rest = &command[start + 1..];
    loop {
        let end = rest.find('\'')?;
        out.push_str(&rest[..end]);
        rest = &rest[end + 1..];
        match rest.strip_prefix("\\''") {
            Some(more) => {
                out.push('\'');
                rest = more;
            }
            None => return Some(out),
        }
    }
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    path.is_file()
}

/// Why the merge driver registered in the repository holding `dir` cannot run, if it
/// cannot: the crm it names is gone and no `crm` is on `PATH` (a registration made
/// before crm fell back to `PATH` needs its own path). `None` when none is registered.
pub fn driver_problem(dir: &Path) -> Option<String> {
    let out = Command::new("git")
        .args(["config", "merge.crm.driver"])
        .current_dir(dir)
        .output()
        .ok()?;
    let command = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || command.is_empty() {
        return None;
    }
    let program = quoted_program(&command)?;
    if is_executable(Path::new(&program)) {
        return None;
    }
    let falls_back = command.contains("command -v crm");
    let on_path = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| is_executable(&d.join("crm"))));
    if falls_back && on_path {
        return None;
    }
    Some(format!(
        "the merge driver registered in git (merge.crm.driver) runs {program}, which is not there{}; merges of records would keep one side: run `crm git-setup` again",
        if falls_back { ", and no crm is on PATH" } else { "" }
    ))
}

/// Writes `[merge "crm"]` into the repository's own config (`.git/config`), naming
/// `crm_exe` as the driver (see [`driver_command`]). The path is absolute because the
/// config is this clone's.
pub fn setup(dir: &Path, crm_exe: &Path) -> Result<()> {
    if !in_work_tree(dir) {
        return Err(Error::NotInGit(dir.to_path_buf()));
    }
    let driver = driver_command(crm_exe);
    for (key, value) in [
        ("merge.crm.name", "crm: merge records field by field"),
        ("merge.crm.driver", driver.as_str()),
    ] {
        let status = Command::new("git")
            .args(["config", "--local", key, value])
            .current_dir(dir)
            .status()
            .map_err(|e| Error::Git(format!("cannot run git: {e}")))?;
        if !status.success() {
            return Err(Error::Git(format!("git config {key} failed ({status})")));
        }
    }
    Ok(())
}

/// git's own merge of the lines of three files, into `ours` (`git merge-file`): true
/// when it merged without conflicts.
pub fn merge_file(ours: &Path, base: &Path, theirs: &Path) -> std::io::Result<bool> {
    Command::new("git")
        .args(["merge-file", "-L", "ours", "-L", "base", "-L", "theirs"])
        .arg(ours)
        .arg(base)
        .arg(theirs)
        .status()
        .map(|s| s.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registered_program_is_read_back() {
        let cmd = driver_command(Path::new("/opt/it's/crm"));
        assert_eq!(quoted_program(&cmd).as_deref(), Some("/opt/it's/crm"));
        assert_eq!(
            quoted_program("'/usr/bin/crm' merge-driver %O %A %B %P").as_deref(),
            Some("/usr/bin/crm")
        );
    }
}
