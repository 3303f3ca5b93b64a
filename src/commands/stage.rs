use anyhow::Result;
use crm::model::RecordType;
use crm::ops::assign::{apply, Assignment};
use crm::ops::check_for_write;

use super::Ctx;

/// Move a customer or deal to another stage; appends {stage, at} to its history.
///
/// A deal entering a won or lost stage gets `closed` = today. Stages come from crm.toml.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The customer or deal
    #[arg(add = crate::complete::stageable())]
    pub reference: String,
    /// The new stage
    #[arg(add = crate::complete::stages())]
    pub stage: String,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let original = store.resolve(&args.reference, &[RecordType::Customer, RecordType::Deal])?;
    let (changed, record) = store.modify(original, |record| {
        apply(store, record, &[Assignment::set("stage", args.stage)])?;
        check_for_write(
            store,
            record,
            &format!("cannot change the stage of {} {}", record.ty, record.id),
        )
    })?;
    ctx.report_update(changed, &record);
    Ok(())
}
