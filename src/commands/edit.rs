use std::io::IsTerminal;
use std::process::Command;

use anyhow::{Context, Result};
use crm::model::RecordType;
use crm::ops::edit::parse_edited;

use super::Ctx;

/// Edit a record's file in $VISUAL or $EDITOR.
///
/// The result is checked like any other write. When it is not valid the editor opens
/// again with the problems listed at the top; leave the file unchanged to give up (after
/// three rounds crm also asks whether to). Without a terminal (a script's editor) an
/// invalid save fails at once, and the edited copy is kept in `.crm/`. Nothing is written
/// when nothing changed. A stage changed by hand gets its history entry. Comments are
/// kept beside their fields; adding or changing one is a change.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record
    #[arg(add = crate::complete::records())]
    pub reference: String,
}

/// Lines crm puts at the top of a file it re-opens; they are removed before checking.
const MARK: &str = "# crm: ";

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let original = store.resolve(&args.reference, &RecordType::ALL)?;
    let rec = &original.record;
    let original_text = store.read_text(original)?;
    // The copy being edited stays inside the folder, in `.crm/` (git-ignored, never read
    // as a record), so crm writes nothing outside the folder.
    let dir = crm::store::guard::private_dir(&store.root, crm::store::guard::PRIVATE)?;
    let prefix = crm::ops::check::edit_copy_prefix();
    let tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".yaml")
        .tempfile_in(&dir)
        .context("cannot create a temporary file to edit")?;
    let mut shown = original_text.clone();
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let keep = |tmp: tempfile::NamedTempFile| -> Result<std::path::PathBuf> {
        tmp.keep()
            .map(|(_, p)| p.strip_prefix(&store.root).map(Into::into).unwrap_or(p))
            .map_err(|k| k.error.into())
    };
    let mut round = 0;
    loop {
        round += 1;
        std::fs::write(tmp.path(), &shown)?;
        run_editor(tmp.path())?;
        let edited = std::fs::read_to_string(tmp.path()).context("cannot read the edited file")?;
        let body: String = edited
            .split_inclusive('\n')
            .filter(|l| !l.starts_with(MARK))
            .collect();
        if body == original_text {
            ctx.ui.info(&format!("{} {} unchanged", rec.ty, rec.id));
            return Ok(());
        }
        if edited == shown {
            return Err(crate::exit::failed(format!(
                "edit of {} {} abandoned: it still has errors; nothing was written",
                rec.ty, rec.id
            )));
        }
        match parse_edited(store, &original.path, rec, &body) {
            Ok(record) => {
                return match store.update_from(original, &record, Some(&body)) {
                    Ok(changed) => {
                        ctx.report_update(changed, &record);
                        Ok(())
                    }
                    // Lost to another writer: what the user typed is kept, not dropped.
                    Err(e) => {
                        let kept = keep(tmp)?;
                        Err(crate::exit::failed(format!(
                            "{e}\nyour edit is kept in {} (copy from it what you need, then remove it)",
                            kept.display()
                        )))
                    }
                };
            }
            Err(problems) if !interactive => {
                // No one to fix it: a scripted editor would be re-run forever.
                let kept = keep(tmp)?;
                return Err(crate::exit::failed(format!(
                    "the edited record is not valid:\n{problems}\nnothing was written; the edit is kept in {} \
                     (`crm check --fix` removes it)",
                    kept.display()
                )));
            }
            Err(problems) => {
                ctx.ui
                    .warn(&format!("the edited record is not valid:\n{problems}"));
                if round % 3 == 0 && give_up()? {
                    return Err(crate::exit::failed(format!(
                        "edit of {} {} abandoned: it still has errors; nothing was written",
                        rec.ty, rec.id
                    )));
                }
                let mut header = format!("{MARK}this record was not saved; fix these problems, or leave the file unchanged to give up:\n");
                for p in problems.lines() {
                    header.push_str(&format!("{MARK}  {p}\n"));
                }
                shown = header + &body;
            }
        }
    }
}

/// Asks on the terminal whether to stop editing; anything but yes goes on.
fn give_up() -> Result<bool> {
    eprint!("give up this edit? nothing will be written [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

fn run_editor(path: &std::path::Path) -> Result<()> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    // Through the shell, as git does, so EDITOR may carry arguments ("code --wait"). The
    // file's path goes in as "$1", never into the command text, and it is crm's own name.
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(path)
        .status()
        .with_context(|| format!("cannot start the editor {editor:?}"))?;
    if !status.success() {
        return Err(crate::exit::failed(format!(
            "the editor {editor:?} exited with {status}; nothing was written"
        )));
    }
    Ok(())
}
