use anyhow::Result;
use crm::ops::merge_records::{apply, plan, Change};

use super::Ctx;

/// Merge two records of one type: GONE into KEEP.
///
/// KEEP's values win and GONE fills what KEEP lacks; lists are united, histories united
/// in time order (the stage follows the latest entry), notes joined. Every record that
/// names GONE is pointed at KEEP, GONE's file is removed last, and KEEP's `merged` lists
/// GONE. Prints each file it changes (`M path`) or removes (`D path`). Stopped midway,
/// the same command again completes it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record that stays
    #[arg(add = crate::complete::records())]
    pub keep: String,
    /// The record merged into it, then removed
    #[arg(add = crate::complete::records())]
    pub gone: String,
    /// Print the files it would change, and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let lines = |changes: &[Change]| -> String {
        changes
            .iter()
            .map(|c| match c {
                Change::Changed(p) => format!("M {}\n", p.display()),
                Change::Removed(p) => format!("D {}\n", p.display()),
            })
            .collect()
    };
    if args.dry_run {
        let p = plan(store, &args.keep, &args.gone)?;
        let changes = p.changes();
        print!("{}", lines(&changes));
        ctx.ui.info(&format!(
            "would merge {} {} into {}: {} file{} to change",
            p.ty(),
            p.gone_id,
            p.keep.record.id,
            changes.len(),
            if changes.len() == 1 { "" } else { "s" }
        ));
        return Ok(());
    }
    // Planned under the lock, so no other writer's change falls between plan and writes.
    let (p_ty, gone_id, keep, done) = store.locked(|| {
        let p = plan(store, &args.keep, &args.gone)?;
        let done = apply(store, &p, &mut || {})?;
        Ok((p.ty(), p.gone_id.clone(), p.keep, done))
    })?;
    let keep_id = &keep.record.id;
    print!("{}", lines(&done));
    let moved = done
        .iter()
        .filter(|c| matches!(c, Change::Changed(p) if *p != keep.path))
        .count();
    ctx.ui.info(&if done.is_empty() {
        format!("{p_ty} {gone_id} is already merged into {keep_id}; nothing left to do")
    } else {
        format!(
            "merged {p_ty} {gone_id} into {keep_id} ({moved} record{} pointed at it)",
            if moved == 1 { "" } else { "s" }
        )
    });
    Ok(())
}
