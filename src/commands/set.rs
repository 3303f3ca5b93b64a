use anyhow::Result;
use crm::model::RecordType;
use crm::ops::assign::{apply, new_fields, Assignment};
use crm::ops::check_for_write;

use super::Ctx;

/// Set fields of a record: KEY=VALUE, KEY+=VALUE / KEY-=VALUE for list items.
///
/// Values are typed by the field (amounts, dates, stages from crm.toml, references by
/// id, prefix or e-mail); custom fields are kept as given. Setting `stage` is a stage
/// change, with history. A record left as it was is not rewritten.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record
    #[arg(add = crate::complete::records())]
    pub reference: String,
    /// KEY=VALUE pairs
    #[arg(required = true, value_name = "KEY=VALUE", add = crate::complete::fields(true))]
    pub assignments: Vec<String>,
    /// Add a new field even when its name is a typo away from a known one (`stge`)
    #[arg(long)]
    pub new_field: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let assignments = args
        .assignments
        .iter()
        .map(|s| s.parse::<Assignment>())
        .collect::<Result<Vec<_>, _>>()?;
    let store = ctx.store()?;
    let original = store.resolve(&args.reference, &RecordType::ALL)?;
    let added = new_fields(store, &original.record, &assignments, args.new_field)?;
    let (changed, record) = store.modify(original, |record| {
        apply(store, record, &assignments)?;
        check_for_write(
            store,
            record,
            &format!("cannot set fields of {} {}", record.ty, record.id),
        )
    })?;
    ctx.note_new_fields(record.ty, &added);
    ctx.report_update(changed, &record);
    Ok(())
}
