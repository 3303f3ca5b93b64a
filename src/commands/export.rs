use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use crm::ops::export::{export, ExportOptions};
use crm::ops::list::{list, ListOptions};
use crm::render::Format;

use super::list::Selection;
use super::Ctx;

/// Export records as csv, tsv, json or jsonl, for spreadsheets, other tools, or `crm import`.
///
/// Columns: id, the type's known fields in canonical order (groups flattened with dots),
/// then other fields sorted; list items are joined with `;`. A csv or tsv cell that a
/// spreadsheet would run as a formula (starting with = + - @, tab or carriage return)
/// gets a leading ' unless --raw; plain numbers such as -5 stay as they are, and
/// `crm import` takes the ' off again.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub which: Selection,
    /// The columns, e.g. id,name,email (csv and tsv; json keeps whole records unless given)
    #[arg(long, value_name = "FIELD,...", value_delimiter = ',')]
    pub fields: Vec<String>,
    /// Write to FILE (atomically) instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Start with a UTF-8 byte order mark (for spreadsheet programs that need one)
    #[arg(long)]
    pub bom: bool,
    /// Leave cells that look like formulas as they are (for machine pipelines)
    #[arg(long)]
    pub raw: bool,
}

/// The formats `crm export` offers; `--format` picks one (default: csv, or what -o
/// FILE's extension says).
pub const FORMATS: &[Format] = &Format::DATA;

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let from_name = args.output.as_deref().and_then(Format::from_path);
    let format = ctx.format("export", FORMATS, from_name.unwrap_or(Format::Csv))?;
    if format == Format::Vcf && args.which.ty != crm::model::RecordType::Customer {
        return Err(crate::exit::usage(format!(
            "vcf holds contacts: only customers are exported as vcf, not {}",
            args.which.ty.plural()
        )));
    }
    let store = ctx.store()?;
    crm::ops::list::check_fields(store, args.which.ty, &args.fields)?;
    let records = list(
        store,
        args.which.ty,
        &ListOptions {
            filters: args.which.filters,
            ..ListOptions::default()
        },
    )?;
    // Customers' lead scores, a column of their own when crm.toml sets rules.
    let scores = if args.which.ty == crm::model::RecordType::Customer
        && !store.config.scoring.is_empty()
        && format != Format::Vcf
    {
        crm::ops::score::scores(store)?;
        Some(
            records
                .iter()
                .filter_map(|r| Some((r.id.clone(), store.score_of(&r.id)?)))
                .collect(),
        )
    } else {
        None
    };
    let opts = ExportOptions {
        format,
        fields: (!args.fields.is_empty()).then_some(args.fields),
        raw: args.raw,
        bom: args.bom,
        scores,
    };
    let bytes = export(&records, args.which.ty, &store.config, &opts)?;
    match &args.output {
        Some(path) => {
            // As the user typed it: relative to where crm was run, not to -C's folder.
            let path = path.clone();
            crm::ops::export::save(&path, &bytes)?;
            ctx.ui.info(&format!(
                "exported {} {} to {}",
                records.len(),
                args.which.ty.plural(),
                path.display()
            ));
        }
        None => {
            let mut out = ctx.out();
            out.write_all(&bytes)?;
            out.flush()?;
        }
    }
    Ok(())
}
