use std::io::Write;

use anyhow::Result;
use crm::model::{canonical, RecordType};
use crm::query::FieldRef;
use crm::render::{self, flat, rows, Columns, Format};

use super::Ctx;

/// Show one record (YAML by default).
///
/// REF is an id, a unique prefix of one, a customer's e-mail, or TYPE/REF.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record
    #[arg(add = crate::complete::records())]
    pub reference: String,
    /// Leave csv and tsv cells that look like formulas (= + - @ first) as they are; by
    /// default they get a leading ' so that a spreadsheet shows them as text
    #[arg(long)]
    pub raw: bool,
}

/// The formats `crm show` offers.
pub const FORMATS: &[Format] = &[
    Format::Yaml,
    Format::Json,
    Format::Jsonl,
    Format::Csv,
    Format::Tsv,
    Format::Ids,
    Format::Table,
    Format::Markdown,
];

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let format = ctx.format("show", FORMATS, Format::Yaml)?;
    let store = ctx.store()?;
    let loaded = store.resolve(&args.reference, &RecordType::ALL)?;
    let record = &loaded.record;
    let mut out = ctx.out();
    match format {
        Format::Yaml => {
            // The file holds no id (its name is the id): on a terminal, say what to type
            // next, as a comment; piped, the record's YAML alone.
            if ctx.ui.stdout_is_tty {
                writeln!(
                    out,
                    "# {}/{}  {}",
                    record.ty,
                    record.id,
                    loaded.path.display()
                )?;
            }
            out.write_all(canonical::to_yaml(record).as_bytes())?
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &render::record_json(record))?;
            writeln!(out)?;
        }
        Format::Table | Format::Markdown => {
            // One record reads best as a list of fields, one per row.
            // Amounts grouped for people, as in every table.
            let money = &store.config.format.money;
            let lines: Vec<Vec<String>> = flat::flatten(record)
                .into_iter()
                .map(|(k, v)| {
                    let amount = FieldRef::new(record.ty, &k, &store.config)
                        .money
                        .then(|| crm::model::value::parse_decimal(&v).ok())
                        .flatten();
                    match amount {
                        Some(d) => vec![k, money.number(d)],
                        None => vec![k, v],
                    }
                })
                .collect();
            rows::write_rows(
                &mut out,
                &["field".into(), "value".into()],
                &lines,
                format,
                rows::RowOptions::HUMAN,
            )?;
        }
        Format::Text
        | Format::Github
        | Format::Html
        | Format::Ics
        | Format::Vcf
        | Format::Sqlite
        | Format::Parquet => {
            return Err(super::unoffered("show", format));
        }
        Format::Jsonl | Format::Csv | Format::Tsv | Format::Ids => {
            let fields: Vec<FieldRef> = flat::column_names(record)
                .iter()
                .map(|c| FieldRef::new(record.ty, c, &store.config))
                .collect();
            let cols = Columns {
                fields: &fields,
                chosen: false,
                header: true,
                raw: args.raw,
                money: None,
            };
            render::write_records(&mut out, &[record], &cols, format, store)?;
        }
    }
    out.flush()?;
    Ok(())
}
