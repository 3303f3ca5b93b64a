use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use crm::ops::export::{export, ExportOptions};
use crm::ops::list::{list, ListOptions};
use crm::render::Format;

use super::Ctx;

/// What `crm export` writes: one type's records, or every table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    All,
    Type(crm::model::RecordType),
}

fn parse_target(s: &str) -> Result<Target, String> {
    if s == "all" {
        return Ok(Target::All);
    }
    super::list::parse_type(s).map(Target::Type)
}

/// Export records as csv, tsv, json or jsonl, for spreadsheets, other tools, or `crm import`;
/// or every table at once (`crm export all --format sqlite|parquet -o PATH`) for a
/// warehouse: a SQLite file (the tables of `crm sql`), or a folder of Parquet files, one
/// per table, with a README listing them.
///
/// Columns: id, the type's known fields in canonical order (groups flattened with dots),
/// then other fields sorted; list items are joined with `;`. A csv or tsv cell that a
/// spreadsheet would run as a formula (starting with = + - @, tab or carriage return)
/// gets a leading ' unless --raw; plain numbers such as -5 stay as they are, and
/// `crm import` takes the ' off again.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// customers, deals, tickets, campaigns or interactions; `all` for every table
    /// (formats sqlite and parquet)
    #[arg(value_name = "TYPE", value_parser = parse_target, add = crate::complete::types())]
    pub what: Target,
    /// Keep records that match EXPR (repeatable: all must match; one type only)
    #[arg(long = "where", short = 'w', value_name = "EXPR")]
    pub filters: Vec<String>,
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
pub const FORMATS: &[Format] = &[
    Format::Csv,
    Format::Tsv,
    Format::Json,
    Format::Jsonl,
    Format::Vcf,
    Format::Sqlite,
    Format::Parquet,
];

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let from_name = args.output.as_deref().and_then(Format::from_path);
    let default = match args.what {
        Target::All => from_name.unwrap_or(Format::Sqlite),
        Target::Type(_) => from_name.unwrap_or(Format::Csv),
    };
    let format = ctx.format("export", FORMATS, default)?;
    let ty = match args.what {
        Target::All => return export_all(ctx, &args, format),
        Target::Type(ty) => ty,
    };
    if matches!(format, Format::Sqlite | Format::Parquet) {
        return Err(crate::exit::usage(format!(
            "{format} holds every table: `crm export all --format {format} -o PATH`"
        )));
    }
    if format == Format::Vcf && ty != crm::model::RecordType::Customer {
        return Err(crate::exit::usage(format!(
            "vcf holds contacts: only customers are exported as vcf, not {}",
            ty.plural()
        )));
    }
    let store = ctx.store()?;
    crm::ops::list::check_fields(store, ty, &args.fields)?;
    let records = list(
        store,
        ty,
        &ListOptions {
            filters: args.filters,
            ..ListOptions::default()
        },
    )?;
    // Customers' lead scores, a column of their own when crm.toml sets rules.
    let scores = if ty == crm::model::RecordType::Customer
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
    let bytes = export(&records, ty, &store.config, &opts)?;
    match &args.output {
        Some(path) => {
            // As the user typed it: relative to where crm was run, not to -C's folder.
            let path = path.clone();
            crm::ops::export::save(&path, &bytes)?;
            ctx.ui.info(&format!(
                "exported {} {} to {}",
                records.len(),
                ty.plural(),
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

/// `crm export all`: every table, as a SQLite file or a folder of Parquet files.
fn export_all(ctx: &Ctx, args: &Args, format: Format) -> Result<()> {
    if !matches!(format, Format::Sqlite | Format::Parquet) {
        return Err(crate::exit::usage(format!(
            "`crm export all` writes sqlite or parquet, not {format}; export one type as {format}"
        )));
    }
    if !args.filters.is_empty() {
        return Err(crate::exit::usage(
            "--where selects records of one type; `crm export all` writes every record",
        ));
    }
    let Some(path) = &args.output else {
        return Err(crate::exit::usage(format!(
            "`crm export all --format {format}` writes files: give -o PATH"
        )));
    };
    let store = ctx.store()?;
    if format == Format::Sqlite {
        crm::sql::db::write(store, path, false)?;
        ctx.ui
            .info(&format!("exported every table to {}", path.display()));
    } else {
        let counts = crm::sql::parquet::write(store, path)?;
        ctx.ui.info(&format!(
            "exported {} tables ({} rows) to {}",
            counts.len(),
            counts.iter().map(|(_, n)| n).sum::<usize>(),
            path.display()
        ));
    }
    Ok(())
}
