use anyhow::Result;
use crm::ops::agenda::{agenda, Item};
use crm::render::ics::{write_todos, AgendaTodo};
use crm::render::Format;

use super::{print_rows, Ctx};

/// What needs doing, most urgent first: follow-ups due and overdue (next_action on
/// customers, deals, tickets), tickets past their SLA, stale deals, and customers due a
/// touch by their preferred frequency. Each line says why it is there.
///
/// `--format ics` writes it as an iCalendar file for the team's calendars: one to-do
/// per item, due on its day, and every follow-up not due yet on its day too; each keeps
/// its UID from run to run, so a subscribed calendar updates instead of duplicating.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the items of this owner (a record's owner or assignee, else its customer's owner)
    #[arg(long, value_name = "OWNER")]
    pub owner: Option<String>,
}

/// The formats `crm agenda` offers.
pub const FORMATS: &[Format] = &[
    Format::Table,
    Format::Tsv,
    Format::Csv,
    Format::Json,
    Format::Jsonl,
    Format::Markdown,
    Format::Ids,
    Format::Ics,
];

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let format = ctx.format("agenda", FORMATS, ctx.rows_default())?;
    let store = ctx.store()?;
    let ics = format == Format::Ics;
    let items = agenda(store, store.clock.today, args.owner.as_deref(), ics)?;
    if ics {
        let todos: Vec<AgendaTodo> = items.iter().map(todo).collect();
        let name = if store.config.name.is_empty() {
            "crm agenda".to_string()
        } else {
            format!("{}: agenda", store.config.name)
        };
        let mut out = ctx.out();
        write_todos(&mut out, &name, store.clock.now.to_utc(), &todos)?;
        std::io::Write::flush(&mut out)?;
        return Ok(());
    }
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
    if rows.is_empty() && format == Format::Table {
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

/// An item as a calendar to-do: its UID names the kind of item and the record, never
/// the day or the text, which change while it stays the same item.
fn todo(i: &Item) -> AgendaTodo {
    let r = i.record;
    let title = r.title().unwrap_or_default();
    AgendaTodo {
        uid: format!("{}-{}-{}@crm", i.reason.name(), r.ty, r.id),
        due: i.due,
        summary: if title.is_empty() {
            format!("{} {}", r.ty, r.id)
        } else {
            format!("{title} ({} {})", r.ty, r.id)
        },
        description: i.why.clone(),
    }
}
