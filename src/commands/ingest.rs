use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};
use crm::model::RecordType;
use crm::ops::ingest::mail::{ingest, source, Body, MailOptions};
use crm::query::field::FieldRef;
use crm::render::{self, Columns, Format};

use super::Ctx;

/// Bring conversations into the folder by themselves (e-mail, calendars, WhatsApp).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub source: Source,
}

#[derive(Debug, Subcommand)]
pub enum Source {
    Mail(MailArgs),
    Calendar(CalendarArgs),
    Whatsapp(WhatsappArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DateOrderArg {
    /// 31/12/2025
    Dmy,
    /// 12/31/2025
    Mdy,
}

/// Log WhatsApp chats with customers from "Export chat" files (.txt, or the .zip the
/// phone shares).
///
/// Messages no more than --gap apart make one conversation, logged as one `channel:
/// whatsapp` interaction per customer (`messages` counts them). The customer is
/// --customer, else the chat's other party, matched by name or by the number exports
/// show for unsaved contacts; in a group chat, each customer who wrote. Ingesting a
/// later export of the same chat adds its new conversations and updates the one that
/// grew.
#[derive(Debug, clap::Args)]
pub struct WhatsappArgs {
    /// Chat exports: .txt files or the .zip WhatsApp shares
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The customer the chat is with (id, prefix, e-mail or phone)
    #[arg(long, value_name = "REF", add = crate::complete::customers())]
    pub customer: Option<String>,
    /// Our name as the export shows it (repeatable; also crm.toml's [whatsapp] me).
    /// Without any, every sender who is no customer is taken as us
    #[arg(long, value_name = "NAME")]
    pub me: Vec<String>,
    /// The longest quiet time inside one conversation (e.g. 4h, 90m, 1d)
    #[arg(long, value_name = "DURATION", default_value = "4h", value_parser = parse_gap)]
    pub gap: chrono::Duration,
    /// The order of day and month, for files whose dates do not show it (default: the
    /// folder's phone region's)
    #[arg(long, value_enum)]
    pub date_order: Option<DateOrderArg>,
    /// Print the interactions that would be logged or updated, and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// `4h`, `90m`, `1d`, `30s`: a positive duration.
fn parse_gap(s: &str) -> Result<chrono::Duration, String> {
    let s = s.trim();
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = n
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (a number and s, m, h or d: 4h, 90m)"))?;
    let d = match unit {
        "s" => chrono::Duration::try_seconds(n),
        "m" | "min" => chrono::Duration::try_minutes(n),
        "h" => chrono::Duration::try_hours(n),
        "d" => chrono::Duration::try_days(n),
        _ => None,
    };
    d.filter(|d| *d > chrono::Duration::zero() && *d <= chrono::Duration::days(3650))
        .ok_or_else(|| {
            format!("{s:?} is not a duration (a number and s, m, h or d, up to ten years: 4h, 90m)")
        })
}

/// Log meetings with customers from iCalendar files (.ics).
///
/// Each event with an attendee or organizer whose address is a customer's becomes a
/// `channel: meeting` interaction at its start; recurring events give each occurrence
/// up to today. Ingesting an updated calendar moves moved meetings and removes
/// cancelled ones, instead of adding.
#[derive(Debug, clap::Args)]
pub struct CalendarArgs {
    /// iCalendar files
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// One of our addresses, or @domain (repeatable; also crm.toml's [mail] me)
    #[arg(long, value_name = "ADDRESS")]
    pub me: Vec<String>,
    /// Print the meetings that would be logged or moved, and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BodyArg {
    /// No body in `notes`
    None,
    /// The first 280 characters of the sender's own words (quotes and signature cut)
    Snippet,
    /// The sender's own words, whole
    Full,
}

/// Log e-mail with customers as interactions.
///
/// Reads mbox files, Maildir folders (cur/ and new/), single .eml files and `-` (one
/// message on standard input). Each message whose From, To or Cc is a customer's
/// e-mail (`email` or one of `emails`) becomes one interaction per customer; running it
/// again on the same or a grown mailbox adds only the new messages. Prints on stderr
/// what it ingested and what it skipped; with --dry-run, prints the interactions it
/// would write (as `crm list interactions` does) and writes nothing.
#[derive(Debug, clap::Args)]
pub struct MailArgs {
    /// Mailboxes: mbox files, Maildir folders, .eml files, or - for standard input
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// One of our addresses, or @domain for all of a domain (repeatable; also crm.toml's [mail] me)
    #[arg(long, value_name = "ADDRESS")]
    pub me: Vec<String>,
    /// Make the sender of a message that names no customer a customer (a lead, source: email)
    #[arg(long)]
    pub create_leads: bool,
    /// How much of the body goes into the interaction's notes
    #[arg(long, value_enum, default_value = "snippet")]
    pub body: BodyArg,
    /// Skip messages from before this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = crate::cli::parse_date)]
    pub since: Option<NaiveDate>,
    /// Print the interactions that would be written, and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// The formats of `--dry-run`'s listing.
pub const FORMATS: &[Format] = Format::RECORDS;

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    match args.source {
        Source::Mail(m) => mail(ctx, m),
        Source::Calendar(c) => calendar(ctx, c),
        Source::Whatsapp(w) => whatsapp(ctx, w),
    }
}

fn whatsapp(ctx: &Ctx, args: WhatsappArgs) -> Result<()> {
    use crm::ops::ingest::whatsapp::{self, parse::DateOrder, source, ChatFile};
    let format = ctx.format("ingest whatsapp", FORMATS, ctx.rows_default())?;
    let store = ctx.store()?;
    let customer = match &args.customer {
        Some(r) => Some(
            store
                .resolve(r, &[RecordType::Customer])
                .map_err(crm::Error::from)?
                .record
                .id
                .clone(),
        ),
        None => None,
    };
    let mut me = args.me.clone();
    me.extend(store.config.whatsapp.me.iter().cloned());
    let mut files = Vec::new();
    let mut unreadable: Vec<String> = Vec::new();
    for f in &args.files {
        match source::read_chat(&ctx.start_dir().join(f)) {
            Ok((text, _media)) => files.push(ChatFile {
                name: f.clone(),
                text,
            }),
            Err(e) => unreadable.push(format!("{}: {e}", f.display())),
        }
    }
    let opts = whatsapp::WhatsappOptions {
        customer,
        me,
        gap: args.gap,
        date_order: args.date_order.map(|o| match o {
            DateOrderArg::Dmy => DateOrder::Dmy,
            DateOrderArg::Mdy => DateOrder::Mdy,
        }),
        dry_run: args.dry_run,
    };
    let report = whatsapp::ingest(store, &files, &opts)?;
    unreadable.extend(report.problems.iter().map(ToString::to_string));
    let planned = [report.added.as_slice(), report.updated.as_slice()];
    problems_and_plan(
        ctx,
        store,
        &unreadable,
        args.dry_run.then_some(&planned),
        format,
    )?;
    let strangers = if report.strangers.is_empty() {
        String::new()
    } else {
        format!("; not customers: {}", report.strangers.join(", "))
    };
    let erased = if report.erased == 0 {
        String::new()
    } else {
        format!(
            "; chats with erased customers only, skipped: {}",
            report.erased
        )
    };
    ctx.ui.info(&format!(
        "{}logged {}, updated {}, already there {} ({} messages, {} notices){strangers}{erased}",
        if args.dry_run { "would have " } else { "" },
        report.added.len(),
        report.updated.len(),
        report.already,
        report.messages,
        report.notices,
    ));
    unread(unreadable.len(), "chat line or file", "chat lines or files")
}

/// Interactions as `crm list interactions` shows them.
fn print_interactions(
    ctx: &Ctx,
    store: &crm::store::Store,
    records: &[crm::model::Record],
    format: Format,
) -> Result<()> {
    let fields: Vec<FieldRef> = RecordType::Interaction
        .info()
        .columns
        .iter()
        .map(|n| FieldRef::new(RecordType::Interaction, n, &store.config))
        .collect();
    let cols = Columns {
        fields: &fields,
        chosen: false,
        header: true,
        raw: false,
        money: Some(&store.config.format.money),
    };
    let records: Vec<&crm::model::Record> = records.iter().collect();
    let mut out = ctx.out();
    render::write_records(&mut out, &records, &cols, format, store)?;
    std::io::Write::flush(&mut out)?;
    Ok(())
}

fn calendar(ctx: &Ctx, args: CalendarArgs) -> Result<()> {
    let format = ctx.format("ingest calendar", FORMATS, ctx.rows_default())?;
    let store = ctx.store()?;
    let mut me = args.me.clone();
    me.extend(store.config.mail.me.iter().cloned());
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for f in &args.files {
        match std::fs::read(ctx.start_dir().join(f)) {
            Ok(bytes) => files.push((f.clone(), String::from_utf8_lossy(&bytes).into_owned())),
            Err(e) => unreadable.push(format!("{}: cannot read: {e}", f.display())),
        }
    }
    let report = crm::ops::ingest::calendar::ingest(store, &files, &me, args.dry_run)?;
    unreadable.extend(report.problems.iter().map(ToString::to_string));
    let planned = [report.added.as_slice(), report.updated.as_slice()];
    problems_and_plan(
        ctx,
        store,
        &unreadable,
        args.dry_run.then_some(&planned),
        format,
    )?;
    ctx.ui.info(&format!(
        "{}logged {}, moved {}, removed {}, already there {}, skipped {} (no customer {}, cancelled {}{})",
        if args.dry_run { "would have " } else { "" },
        report.added.len(),
        report.updated.len(),
        report.removed.len(),
        report.already,
        report.no_customer + report.cancelled + report.erased,
        report.no_customer,
        report.cancelled,
        erased_count(report.erased),
    ));
    unread(unreadable.len(), "calendar", "calendars")
}

/// Prints each input that could not be read, then, for a dry run, the interactions it
/// would add and update.
fn problems_and_plan(
    ctx: &Ctx,
    store: &crm::store::Store,
    problems: &[String],
    planned: Option<&[&[crm::model::Record]; 2]>,
    format: Format,
) -> Result<()> {
    for p in problems {
        ctx.ui.error(p);
    }
    if let Some([added, updated]) = planned {
        let shown: Vec<crm::model::Record> = added.iter().chain(updated.iter()).cloned().collect();
        print_interactions(ctx, store, &shown, format)?;
    }
    Ok(())
}

/// `, erased N` for the summary line, when some input was an erased customer's.
fn erased_count(n: usize) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(", erased {n}")
    }
}

/// Exit 1 when `n` inputs could not be read, saying the rest was ingested.
fn unread(n: usize, one: &str, many: &str) -> Result<()> {
    match n {
        0 => Ok(()),
        1 => Err(crate::exit::failed(format!(
            "1 {one} could not be read (the rest was ingested)"
        ))),
        n => Err(crate::exit::failed(format!(
            "{n} {many} could not be read (the rest was ingested)"
        ))),
    }
}

fn mail(ctx: &Ctx, args: MailArgs) -> Result<()> {
    let format = ctx.format("ingest mail", FORMATS, ctx.rows_default())?;
    let store = ctx.store()?;
    let mut me = args.me.clone();
    me.extend(store.config.mail.me.iter().cloned());
    if me.is_empty() {
        ctx.ui.warn(
            "no address of ours is known (--me or crm.toml's [mail] me): every message is taken as inbound",
        );
    }
    let paths: Vec<(PathBuf, PathBuf)> = args
        .paths
        .iter()
        .map(|p| {
            let at = if p.as_os_str() == "-" {
                p.clone()
            } else {
                ctx.start_dir().join(p)
            };
            (p.clone(), at)
        })
        .collect();
    let (raw, mut problems) = source::read_all(&paths, &mut std::io::stdin().lock());
    let opts = MailOptions {
        me,
        create_leads: args.create_leads,
        body: match args.body {
            BodyArg::None => Body::None,
            BodyArg::Snippet => Body::Snippet,
            BodyArg::Full => Body::Full,
        },
        since: args.since,
        dry_run: args.dry_run,
    };
    // A bar only where someone watches, and only for mailboxes long enough to wait for.
    let bar = (raw.len() > 2000 && std::io::stderr().is_terminal() && !ctx.global.quiet)
        .then(|| indicatif::ProgressBar::new(raw.len() as u64));
    let report = ingest(store, raw, &opts, &mut || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    problems.extend(report.problems.iter().cloned());
    for w in &report.warnings {
        ctx.ui.warn(w);
    }
    for p in &problems {
        ctx.ui.error(&p.to_string());
    }
    if args.dry_run {
        print_interactions(ctx, store, &report.interactions, format)?;
    }
    let older = if args.since.is_some() {
        format!(", older {}", report.older)
    } else {
        String::new()
    };
    let leads = if report.leads.is_empty() {
        String::new()
    } else {
        format!("; new customers {}", report.leads.len())
    };
    ctx.ui.info(&format!(
        "{}ingested {}, already there {}, skipped {} (no customer {}, ours {}, automated {}{older}{}){leads}",
        if args.dry_run { "would have " } else { "" },
        report.interactions.len(),
        report.already,
        report.skipped(),
        report.no_customer,
        report.ours,
        report.automated,
        erased_count(report.erased),
    ));
    unread(
        problems.len(),
        "mailbox or message",
        "mailboxes or messages",
    )
}
