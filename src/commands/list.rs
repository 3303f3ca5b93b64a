use std::io::Write;

use anyhow::Result;
use crm::model::RecordType;
use crm::ops::list::{default_columns, list, ListOptions};
use crm::query::FieldRef;
use crm::render::{self, Columns, Format};

use super::Ctx;

/// List records of one type: filtered, sorted, in any format.
///
/// Default columns: customers id, name, stage, email, city, owner; deals id, title,
/// customer, stage, value, currency, expected_close; tickets id, subject, customer,
/// priority, status, opened; campaigns id, name, phase, status, start, end, budget;
/// interactions id, at, customer, channel, direction, summary.
///
/// The default format is a table on a terminal and tsv (with a header row) otherwise.
/// json, jsonl and yaml hold whole records unless --fields is given.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub which: Selection,
    /// Sort by fields; a leading `-` sorts descending: --sort -value,title
    #[arg(long, value_name = "[-]FIELD[,...]", allow_hyphen_values = true)]
    pub sort: Option<String>,
    /// Show at most N records
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// The columns, e.g. id,title,customer.name (references reach into the linked record)
    #[arg(long, value_name = "FIELD,...", value_delimiter = ',')]
    pub fields: Vec<String>,
    /// Leave out the header row of csv and tsv
    #[arg(long)]
    pub no_header: bool,
    /// Leave csv and tsv cells that look like formulas (= + - @ first) as they are; by
    /// default they get a leading ' so that a spreadsheet shows them as text
    #[arg(long)]
    pub raw: bool,
}

/// The records a command reads: a type and the expressions they must match (`list`
/// and `export` take the same two).
#[derive(Debug, clap::Args)]
pub struct Selection {
    /// customers, deals, tickets, campaigns or interactions (singular works too)
    #[arg(value_name = "TYPE", value_parser = parse_type, add = crate::complete::types())]
    pub ty: RecordType,
    /// Keep records that match EXPR, e.g. 'stage = won and value >= 1000' (repeatable: all must match)
    #[arg(long = "where", short = 'w', value_name = "EXPR")]
    pub filters: Vec<String>,
}

pub fn parse_type(s: &str) -> Result<RecordType, String> {
    RecordType::parse(s).ok_or_else(|| {
        format!("{s:?} is not a record type (customers, deals, tickets, campaigns, interactions)")
    })
}

/// The formats `crm list` offers.
pub const FORMATS: &[Format] = Format::RECORDS;

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let format = ctx.format("list", FORMATS, ctx.rows_default())?;
    let store = ctx.store()?;
    let chosen = !args.fields.is_empty();
    if chosen {
        crm::ops::list::check_fields(store, args.which.ty, &args.fields)?;
    }
    let names: Vec<String> = if chosen {
        args.fields.iter().map(|f| f.trim().to_string()).collect()
    } else {
        default_columns(args.which.ty)
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let fields: Vec<FieldRef> = names
        .iter()
        .map(|n| FieldRef::new(args.which.ty, n, &store.config))
        .collect();
    // Whole records only where the output shows whole records.
    let whole = !chosen && matches!(format, Format::Json | Format::Jsonl | Format::Yaml);
    let shows = (!whole).then(|| {
        if format == Format::Ids {
            Vec::new()
        } else {
            fields
                .iter()
                .filter_map(|f| f.top().map(String::from))
                .collect()
        }
    });
    let opts = ListOptions {
        filters: args.which.filters,
        sort: args.sort,
        limit: args.limit,
        shows,
    };
    let records = list(store, args.which.ty, &opts)?;
    let cols = Columns {
        fields: &fields,
        chosen,
        header: !args.no_header,
        raw: args.raw,
        money: Some(&store.config.format.money),
    };
    let mut out = ctx.out();
    render::write_records(&mut out, &records, &cols, format, store)?;
    out.flush()?;
    Ok(())
}
