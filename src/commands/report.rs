use std::io::Write;

use anyhow::Result;
use chrono::NaiveDate;
use clap::ValueEnum;
use crm::model::RecordType;
use crm::render::report::write_report;
use crm::render::Format;
use crm::report::breakdown::Grouped;
use crm::report::{self, Data, Period, PeriodArgs};

use super::Ctx;

/// Reports over the folder: the funnel, the pipeline, campaigns, service, customers,
/// feedback (NPS, surveys, CSAT, detractors), leads (by score, speed to lead, sources),
/// and the weekly page for CI.
///
/// The period defaults to the current month up to the as-of date (weekly: the last
/// complete ISO week). --where restricts the records the report is about: customers for
/// funnel, customers, feedback and weekly (their deals, tickets and interactions follow), deals
/// for pipeline, campaigns for campaigns, tickets for service.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(value_enum)]
    pub report: Kind,
    /// First day of the period, YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = crate::cli::parse_date)]
    pub since: Option<NaiveDate>,
    /// Last day of the period, YYYY-MM-DD (default: the as-of date)
    #[arg(long, value_name = "DATE", value_parser = crate::cli::parse_date)]
    pub until: Option<NaiveDate>,
    /// An ISO week, e.g. 2026-W47
    #[arg(long, value_name = "YYYY-Www")]
    pub week: Option<String>,
    /// A month, e.g. 2026-11
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// A quarter, e.g. 2026-Q4
    #[arg(long, value_name = "YYYY-Qn")]
    pub quarter: Option<String>,
    /// Only the records matching EXPR (repeatable: all must match)
    #[arg(long = "where", short = 'w', value_name = "EXPR")]
    pub filters: Vec<String>,
    /// Repeat the headline figures per value of FIELD (funnel, customers, feedback: a
    /// customer field; pipeline: a deal field, or a customer's through `customer.`):
    /// `--by source`, `--by customer.industry`. `(none)` groups the records without it; a
    /// list field (tags) counts a record under each item.
    #[arg(long, value_name = "FIELD")]
    pub by: Option<String>,
    /// Exit 1 when any file could not be read (the report still says which were left out)
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    Funnel,
    Pipeline,
    Campaigns,
    Service,
    Customers,
    Feedback,
    Leads,
    Weekly,
}

/// The formats `crm report` offers.
pub const FORMATS: &[Format] = &[
    Format::Table,
    Format::Markdown,
    Format::Json,
    Format::Csv,
    Format::Html,
];

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let default_format = if args.report == Kind::Weekly {
        Format::Markdown
    } else {
        Format::Table
    };
    let format = ctx.format("report", FORMATS, default_format)?;
    let store = ctx.store()?;
    let as_of = store.clock.today;
    let default_period = match args.report {
        Kind::Weekly => Period::last_complete_week(as_of),
        _ => Period::month_to_date(as_of),
    };
    let period = PeriodArgs {
        since: args.since,
        until: args.until,
        week: args.week,
        month: args.month,
        quarter: args.quarter,
    }
    .resolve(as_of, default_period)
    .map_err(|e| crate::exit::usage(e.to_string()))?;
    let primary = match args.report {
        Kind::Pipeline => RecordType::Deal,
        Kind::Campaigns => RecordType::Campaign,
        Kind::Service => RecordType::Ticket,
        Kind::Funnel | Kind::Customers | Kind::Feedback | Kind::Leads | Kind::Weekly => {
            RecordType::Customer
        }
    };
    use RecordType::*;
    let needs: &[RecordType] = match args.report {
        Kind::Pipeline => &[Deal, Interaction],
        Kind::Service => &[Ticket],
        Kind::Campaigns => &[Campaign, Customer, Deal, Interaction],
        Kind::Funnel | Kind::Customers => &[Customer, Deal, Ticket, Interaction],
        Kind::Feedback => &[Customer, Ticket, Interaction],
        Kind::Leads => &[Customer, Interaction],
        Kind::Weekly => &RecordType::ALL,
    };
    let grouped = match args.report {
        Kind::Funnel => Some(Grouped::Funnel),
        Kind::Pipeline => Some(Grouped::Pipeline),
        Kind::Customers => Some(Grouped::Customers),
        Kind::Feedback => Some(Grouped::Feedback),
        Kind::Campaigns | Kind::Service | Kind::Leads | Kind::Weekly => None,
    };
    let by = match (&args.by, grouped) {
        (Some(field), Some(g)) => Some((field.trim(), g)),
        (Some(_), None) => {
            return Err(crate::exit::usage(
                "--by breaks down the funnel, pipeline, customers and feedback reports",
            ))
        }
        (None, _) => None,
    };
    if let Some((field, g)) = by {
        // Before the records are read: a typo is told at once.
        report::breakdown::field(store, g.primary(), field)?;
    }
    if args.report == Kind::Leads {
        // Its order is the score: rules that do not parse are the settings error they
        // are, not a list of blank scores.
        crm::ops::score::scores(store)?;
    }
    let data = Data::new(store, as_of, period, primary, &args.filters, needs)?;
    let mut r = match by {
        Some((field, g)) => report::breakdown::breakdown(store, &data, g, field)?,
        None => run_report(args.report, &data),
    };
    r.skipped = store.skipped().iter().map(|i| i.to_string()).collect();
    r.skipped.extend(store.duplicate_notes());
    let mut out = ctx.out();
    write_report(
        &mut out,
        &r,
        format,
        !ctx.ui.plain,
        &store.config.format.money,
    )?;
    out.flush()?;
    if args.strict && !r.skipped.is_empty() {
        let n = r.skipped.len();
        return Err(crate::exit::failed(format!(
            "--strict: {n} file{} could not be read",
            if n == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

fn run_report(kind: Kind, data: &Data) -> report::Report {
    match kind {
        Kind::Funnel => report::funnel::funnel(data),
        Kind::Pipeline => report::pipeline::pipeline(data),
        Kind::Campaigns => report::campaigns::campaigns(data),
        Kind::Service => report::service::service(data),
        Kind::Customers => report::customers::customers(data),
        Kind::Feedback => report::feedback::feedback(data),
        Kind::Leads => report::leads::leads(data),
        Kind::Weekly => report::weekly::weekly(data),
    }
}
