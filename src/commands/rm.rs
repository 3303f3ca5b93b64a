use anyhow::Result;
use crm::model::RecordType;

use super::Ctx;

/// Remove a record. Refuses while other records point at it, unless --force.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record
    #[arg(add = crate::complete::records())]
    pub reference: String,
    /// Remove it even though other records refer to it (they are left pointing at nothing)
    #[arg(long)]
    pub force: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let target = store.resolve(&args.reference, &RecordType::ALL)?;
    let dangling = crm::ops::remove::remove(store, target, args.force)?;
    let rec = &target.record;
    ctx.ui.info(&format!(
        "removed {} {} ({})",
        rec.ty,
        rec.id,
        target.path.display()
    ));
    if dangling > 0 {
        ctx.ui.warn(&format!(
            "{dangling} reference{} to {} now point{} at nothing",
            if dangling == 1 { "" } else { "s" },
            rec.id,
            if dangling == 1 { "s" } else { "" }
        ));
    }
    Ok(())
}
