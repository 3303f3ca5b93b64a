use anyhow::Result;
use chrono::NaiveDate;
use crm::model::RecordType;
use crm::ops::timeline::timeline;

use super::{print_rows, Ctx, ROW_FORMATS};

/// Everything that happened with one customer, in time order: stage changes,
/// interactions, deals (created, each stage change, closed), tickets (opened, first
/// response, resolved) and the campaigns that reached them.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The customer (id, prefix or e-mail)
    #[arg(add = crate::complete::customers())]
    pub customer: String,
    /// Only what happened on or after this day, YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = crate::cli::parse_date)]
    pub since: Option<NaiveDate>,
}

/// The formats `crm timeline` offers.
pub const FORMATS: &[crm::render::Format] = ROW_FORMATS;

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let format = ctx.format("timeline", FORMATS, ctx.rows_default())?;
    let store = ctx.store()?;
    let customer = &store
        .resolve(&args.customer, &[RecordType::Customer])?
        .record;
    let human = matches!(
        format,
        crm::render::Format::Table | crm::render::Format::Markdown
    );
    let money = human.then_some(&store.config.format.money);
    let rows: Vec<Vec<String>> = timeline(store, customer, args.since, money)
        .into_iter()
        .map(|e| vec![e.when, format!("{}/{}", e.record.ty, e.record.id), e.what])
        .collect();
    print_rows(
        ctx,
        format,
        &["when", "record", "what"],
        &["When", "Record", "What"],
        &rows,
    )
}
