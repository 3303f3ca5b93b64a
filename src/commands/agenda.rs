use anyhow::Result;
use crm::ops::agenda::agenda;

use super::{print_rows, Ctx, ROW_FORMATS};

/// What needs doing, most urgent first: follow-ups due and overdue (next_action on
/// customers, deals, tickets), tickets past their SLA, stale deals, and customers due a
/// touch by their preferred frequency. Each line says why it is there.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the items of this owner (a record's owner or assignee, else its customer's owner)
    #[arg(long, value_name = "OWNER")]
    pub owner: Option<String>,
}

/// The formats `crm agenda` offers.
pub const FORMATS: &[crm::render::Format] = ROW_FORMATS;

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let format = ctx.format("agenda", FORMATS, ctx.rows_default())?;
    let store = ctx.store()?;
    let items = agenda(store, store.clock.today, args.owner.as_deref())?;
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            vec![
                format!("{}/{}", i.record.ty, i.record.id),
                i.due.to_string(),
                i.record.title().unwrap_or_default().to_string(),
                i.why.clone(),
            ]
        })
        .collect();
    if rows.is_empty() && format == crm::render::Format::Table {
        // A table with no rows would be a bare header: say it.
        let mut out = ctx.out();
        std::io::Write::write_all(&mut out, b"(nothing due)\n")?;
        std::io::Write::flush(&mut out)?;
        return Ok(());
    }
    print_rows(
        ctx,
        format,
        &["record", "due", "title", "why"],
        &["Record", "Due", "Title", "Why"],
        &rows,
    )
}
