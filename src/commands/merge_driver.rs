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

/// Whether `path` (relative to the work tree, where git runs drivers) is a record file of a
/// crm folder: below a type's folder of a folder holding `crm.toml`.
fn is_record(path: &std::path::Path) -> bool {
    let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    yaml && path.ancestors().skip(1).any(|dir| {
        let base = if dir.as_os_str().is_empty() {
            std::path::Path::new(".")
        } else {
            dir
        };
        base.join(crm::config::FILE_NAME).is_file()
            && path
                .strip_prefix(dir)
                .ok()
                .and_then(|rel| rel.components().next())
                .is_some_and(|first| {
                    crm::model::RecordType::ALL
                        .iter()
                        .any(|t| first.as_os_str() == t.dir())
                })
    })
}

/// git's own merge of the lines, in place of ours; exits 1 with conflicts.
fn text_merge(args: &Args) -> std::io::Result<bool> {
    Command::new("git")
        .args(["merge-file", "-L", "ours", "-L", "base", "-L", "theirs"])
        .arg(&args.ours)
        .arg(&args.base)
        .arg(&args.theirs)
        .status()
        .map(|s| s.success())
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    // Not a record (a CI workflow routed here by an older `*.yaml merge=crm`): merged as
    // git merges any text, untouched by crm.
    if let Some(path) = args.path.as_deref().filter(|p| !is_record(p)) {
        return match text_merge(&args) {
            Ok(true) => Ok(()),
            Ok(false) => Err(crm::Error::Failed(format!(
                "{}: not a crm record; merged line by line, with conflicts",
                path.display()
            ))
            .into()),
            Err(e) => Err(anyhow::Error::new(e).context("cannot run git merge-file")),
        };
    }
    let read = |p: &PathBuf| {
        std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))
    };
    let (base, ours, theirs) = (read(&args.base)?, read(&args.ours)?, read(&args.theirs)?);
    let path = args.path.clone().unwrap_or_else(|| args.ours.clone());
    match crm::ops::merge::merge(&base, &ours, &theirs, &path) {
        Ok(m) => {
            crm::store::atomic::overwrite(&args.ours, m.text.as_bytes())
                .map_err(crm::Error::from)?;
            // A merge of two big sides can pass the size reads accept: git gets the
            // merge, but as a conflict, so nobody commits a record crm cannot read.
            if m.text.len() as u64 > crm::store::load::MAX_RECORD_BYTES {
                Err(crm::Error::Failed(format!(
                    "{}: the merge is {} bytes, more than a record file may be ({} bytes); \
                     shorten it before committing",
                    path.display(),
                    m.text.len(),
                    crm::store::load::MAX_RECORD_BYTES
                ))
                .into())
            } else if m.conflicts.is_empty() {
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
            let note = match text_merge(&args) {
                Ok(true) => "merged as text without conflicts; check the result",
                Ok(false) => "merged as text with conflicts",
                Err(_) => "git merge-file is not available; left our version",
            };
            Err(crm::Error::Failed(format!("{}: {note}", path.display())).into())
        }
    }
}
