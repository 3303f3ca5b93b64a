use anyhow::Result;
use clap::Subcommand;
use crm::model::RecordType;
use crm::ops::contact::audience;

use super::{print_rows, Ctx, ROW_FORMATS};

/// Campaign audiences and sends, by each customer's consent and preferred frequency.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, Subcommand)]
pub enum Action {
    Audience(Audience),
    LogSend(LogSend),
}

/// Who the campaign may contact now: customers matching its `audience` query, minus
/// do-not-contact, minus those without consent where crm.toml requires it for the
/// campaign's channel, minus those contacted more recently than their preferred frequency.
#[derive(Debug, clap::Args)]
pub struct Audience {
    /// The campaign
    #[arg(add = crate::complete::campaigns())]
    pub campaign: String,
    /// List every matching customer, with why each excluded one is left out
    #[arg(long)]
    pub explain: bool,
}

/// Record one outbound interaction per audience member, naming the campaign; running it
/// again the same day adds nothing. Prints the ids of the new interactions.
#[derive(Debug, clap::Args)]
pub struct LogSend {
    /// The campaign
    #[arg(add = crate::complete::campaigns())]
    pub campaign: String,
    /// When it was sent, RFC 3339 or YYYY-MM-DD (default: now)
    #[arg(long, value_name = "MOMENT")]
    pub at: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    match args.action {
        Action::Audience(a) => run_audience(ctx, a),
        Action::LogSend(a) => run_log_send(ctx, a),
    }
}

/// The formats `crm campaign audience` offers.
pub const AUDIENCE_FORMATS: &[crm::render::Format] = ROW_FORMATS;

fn run_audience(ctx: &Ctx, args: Audience) -> Result<()> {
    let format = ctx.format("campaign audience", AUDIENCE_FORMATS, ctx.rows_default())?;
    let store = ctx.store()?;
    let campaign = &store
        .resolve(&args.campaign, &[RecordType::Campaign])?
        .record;
    let candidates = audience(store, campaign, store.clock.today)?;
    let text = |c: &crm::model::Record, f: &str| c.str(f).unwrap_or_default().to_string();
    if args.explain {
        let rows: Vec<Vec<String>> = candidates
            .iter()
            .map(|c| {
                vec![
                    c.customer.id.clone(),
                    text(c.customer, "name"),
                    if c.excluded.is_some() {
                        "excluded"
                    } else {
                        "included"
                    }
                    .to_string(),
                    c.excluded.clone().unwrap_or_default(),
                ]
            })
            .collect();
        return print_rows(
            ctx,
            format,
            &["id", "name", "status", "reason"],
            &["Id", "Name", "Status", "Reason"],
            &rows,
        );
    }
    let rows: Vec<Vec<String>> = candidates
        .iter()
        .filter(|c| c.excluded.is_none())
        .map(|c| {
            let c = c.customer;
            vec![
                c.id.clone(),
                text(c, "name"),
                text(c, "email"),
                text(c, "phone"),
                text(c, "preferences.channel"),
            ]
        })
        .collect();
    print_rows(
        ctx,
        format,
        &["id", "name", "email", "phone", "channel"],
        &["Id", "Name", "E-mail", "Phone", "Preferred channel"],
        &rows,
    )
}

fn run_log_send(ctx: &Ctx, args: LogSend) -> Result<()> {
    let store = ctx.store()?;
    let campaign = &store
        .resolve(&args.campaign, &[RecordType::Campaign])?
        .record;
    let report = crm::ops::send::log_send(store, campaign, args.at.as_deref())?;
    let mut out = ctx.out();
    for id in &report.created {
        std::io::Write::write_all(&mut out, format!("{id}\n").as_bytes())?;
    }
    std::io::Write::flush(&mut out)?;
    let mut line = format!(
        "logged {} send{} of campaign {}; {} already logged that day",
        report.created.len(),
        if report.created.len() == 1 { "" } else { "s" },
        campaign.id,
        report.already
    );
    if report.not_yet > 0 {
        line += &format!(
            "; {} created after the day of the send left out",
            report.not_yet
        );
    }
    ctx.ui.info(&line);
    Ok(())
}
