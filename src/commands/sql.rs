use std::io::Write;

use anyhow::Result;
use crm::render::rows::write_rows;
use crm::render::rows::RowOptions;
use crm::render::Format;

use super::{Ctx, ROW_FORMATS};

/// Run a SQL query on the folder: its records as tables of an embedded SQLite.
///
/// Tables customers, deals, tickets, campaigns and interactions hold a row per record:
/// id, then a column per known field (groups flattened with `_`: preferences_channel,
/// next_action_on), then the custom fields the records hold, then `extra` (JSON of
/// anything else: extra ->> '$.x'), and customers' `score` when crm.toml sets scoring
/// rules. Lists are tables of their own: history(type, id, stage, at), tags(type, id,
/// tag), products(deal, product), emails(customer, email), phones(customer, phone).
/// Dates and moments are ISO text, amounts REAL with the exact decimal in
/// <field>_text, booleans 0/1. The connection is read-only.
///
/// Example: crm sql "select c.city, sum(d.value) from deals d join customers c on
/// c.id = d.customer where d.stage = 'won' group by c.city"
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The query (one statement)
    #[arg(value_name = "SQL", required_unless_present = "schema")]
    pub query: Option<String>,
    /// Print the tables and their columns with their types instead
    #[arg(long, conflicts_with = "query")]
    pub schema: bool,
    /// Leave out the header row of csv and tsv
    #[arg(long)]
    pub no_header: bool,
    /// Leave csv and tsv cells that look like formulas as they are
    #[arg(long)]
    pub raw: bool,
}

/// The formats `crm sql` offers: the row formats but `ids` (an answer has no ids).
pub const FORMATS: &[Format] = ROW_FORMATS.split_at(6).0;

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let format = ctx.format("sql", FORMATS, ctx.rows_default())?;
    let store = ctx.store()?;
    let (columns, rows): (Vec<String>, Vec<Vec<crm::sql::Value>>) = if args.schema {
        let cols = ["table", "column", "type", "references"];
        let rows = crm::sql::describe(store)
            .into_iter()
            .map(|r| r.into_iter().map(crm::sql::Value::Text).collect())
            .collect();
        (cols.iter().map(|s| s.to_string()).collect(), rows)
    } else {
        let answer = crm::sql::query(store, args.query.as_deref().unwrap_or_default())?;
        (answer.columns, answer.rows)
    };
    let mut out = ctx.out();
    match format {
        Format::Json | Format::Jsonl => {
            let objects = rows.iter().map(|r| {
                serde_json::Value::Object(
                    columns
                        .iter()
                        .zip(r)
                        .map(|(k, v)| (k.clone(), v.json()))
                        .collect(),
                )
            });
            if format == Format::Json {
                serde_json::to_writer_pretty(&mut out, &objects.collect::<Vec<_>>())?;
                writeln!(out)?;
            } else {
                for o in objects {
                    serde_json::to_writer(&mut out, &o)?;
                    writeln!(out)?;
                }
            }
        }
        _ => {
            let text: Vec<Vec<String>> = rows
                .iter()
                .map(|r| r.iter().map(crm::sql::Value::text).collect())
                .collect();
            let opts = RowOptions {
                header: !args.no_header,
                raw: args.raw,
            };
            write_rows(&mut out, &columns, &text, format, opts)?;
        }
    }
    out.flush()?;
    Ok(())
}
