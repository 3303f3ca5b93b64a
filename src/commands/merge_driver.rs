use std::path::PathBuf;

use anyhow::Result;
use crm::ops::merge::{merge_in_place, MergeFiles, MergeOutcome};

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

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    // Not a record (a CI workflow routed here by an older `*.yaml merge=crm`): merged as
    // git merges any text, untouched by crm.
    if let Some(path) = args.path.as_deref().filter(|p| !is_record(p)) {
        return match crm::ops::git::merge_file(&args.ours, &args.base, &args.theirs) {
            Ok(true) => Ok(()),
            Ok(false) => Err(crate::exit::failed(format!(
                "{}: not a crm record; merged line by line, with conflicts",
                path.display()
            ))),
            Err(e) => Err(anyhow::Error::new(e).context("cannot run git merge-file")),
        };
    }
    let path = args.path.clone().unwrap_or_else(|| args.ours.clone());
    let files = MergeFiles {
        base: &args.base,
        ours: &args.ours,
        theirs: &args.theirs,
        shown: &path,
    };
    let failed = |m: String| Err(crate::exit::failed(format!("{}: {m}", path.display())));
    match merge_in_place(&files)? {
        MergeOutcome::Clean => Ok(()),
        MergeOutcome::Conflicts(fields) => failed(format!("conflict in {}", fields.join(", "))),
        MergeOutcome::TooBig(len) => failed(format!(
            "the merge is {len} bytes, more than a record file may be ({} bytes); \
             shorten it before committing",
            crm::store::read::parse::MAX_RECORD_BYTES
        )),
        MergeOutcome::AsText { why, clean } => {
            ctx.ui.warn(&format!(
                "{}: {why}; merging it line by line",
                path.display()
            ));
            failed(
                match clean {
                    Some(true) => "merged as text without conflicts; check the result",
                    Some(false) => "merged as text with conflicts",
                    None => "git merge-file is not available; left our version",
                }
                .into(),
            )
        }
    }
}
