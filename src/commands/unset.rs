use anyhow::Result;
use crm::model::RecordType;
use crm::ops::assign::unset;
use crm::ops::check_for_write;

use super::Ctx;

/// Remove fields from a record (dotted paths for nested ones). Required fields stay.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record
    #[arg(add = crate::complete::records())]
    pub reference: String,
    /// The fields to remove
    #[arg(required = true, value_name = "KEY")]
    #[arg(add = crate::complete::fields(false))]
    pub fields: Vec<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let original = store.resolve(&args.reference, &RecordType::ALL)?;
    let (changed, record) = store.modify(original, |record| {
        for missing in unset(record, &args.fields)? {
            ctx.ui.warn(&format!(
                "{} {} has no field `{missing}`",
                record.ty, record.id
            ));
        }
        check_for_write(
            store,
            record,
            &format!("cannot unset fields of {} {}", record.ty, record.id),
        )
    })?;
    ctx.report_update(changed, &record);
    Ok(())
}
