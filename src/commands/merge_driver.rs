use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result};

use super::Ctx;

/// Merge one record for git: `crm merge-driver %O %A %B %P` (registered by `crm git-setup`).
///
/// Merges field by field against the common ancestor and writes the result over %A.
/// Exits 0 when clean; 1 with conflict markers around each conflicting field; when an
/// input does not parse, falls back to git's line merge and exits 1.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The common ancestor (%O)
    pub base: PathBuf,
    /// Our version, where the result goes (%A)
    pub ours: PathBuf,
    /// Their version (%B)
    pub theirs: PathBuf,
    /// The record's path in the repository (%P)
    pub path: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let read = |p: &PathBuf| {
        std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))
    };
    let (base, ours, theirs) = (read(&args.base)?, read(&args.ours)?, read(&args.theirs)?);
    let path = args.path.clone().unwrap_or_else(|| args.ours.clone());
    match crm::ops::merge::merge(&base, &ours, &theirs, &path) {
        Ok(m) => {
            crm::store::atomic::overwrite(&args.ours, m.text.as_bytes())
                .map_err(crm::Error::from)?;
            if m.conflicts.is_empty() {
                Ok(())
            } else {
                Err(crm::Error::Failed(format!(
                    "{}: conflict in {}",
                    path.display(),
                    m.conflicts.join(", ")
                ))
                .into())
            }
        }
        Err(why) => {
            ctx.ui.warn(&format!(
                "{}: {why}; merging it line by line",
                path.display()
            ));
            let status = Command::new("git")
                .args(["merge-file", "-L", "ours", "-L", "base", "-L", "theirs"])
                .arg(&args.ours)
                .arg(&args.base)
                .arg(&args.theirs)
                .status();
            let note = match status {
                Ok(s) if s.success() => "merged as text without conflicts; check the result",
                Ok(_) => "merged as text with conflicts",
                Err(_) => "git merge-file is not available; left our version",
            };
            Err(crm::Error::Failed(format!("{}: {note}", path.display())).into())
        }
    }
}
