use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use crm::model::RecordType;
use crm::ops::import::{describe, plan, write, ImportOptions, MatchBy};
use crm::render::Format;

use super::list::parse_type;
use super::Ctx;

/// Import records from csv, tsv, json (an array) or jsonl; FILE `-` reads standard input.
///
/// Every row is read and checked before anything is written: one bad row and nothing is
/// imported, each bad row reported as FILE:LINE:COLUMN. A row that matches a record
/// (customers by e-mail, others by id, or --match) updates it, else creates one.
/// Headers are field names (`preferences.channel`), or the names other CRMs export
/// ("First Name" + "Last Name", "Email Address", "Phone Number", "Company Name",
/// "Lifecycle Stage", "Create Date", "Deal Name", "Amount", "Close Date", "Deal Stage",
/// "Owner"), or --map; other columns become custom fields in snake_case.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// customers, deals, tickets, campaigns or interactions
    #[arg(value_name = "TYPE", value_parser = parse_type, add = crate::complete::types())]
    pub ty: RecordType,
    /// The file (`-` for standard input)
    pub file: PathBuf,
    /// Read column COL as FIELD (repeatable; FIELD `-` drops the column)
    #[arg(long = "map", value_name = "COL=FIELD")]
    pub maps: Vec<String>,
    /// Translate a value: FIELD:FROM=TO, e.g. 'stage:Closed Won=won' (repeatable)
    #[arg(long = "map-value", value_name = "FIELD:FROM=TO")]
    pub value_maps: Vec<String>,
    /// Drop columns that map to no field instead of keeping them as custom fields
    #[arg(long)]
    pub ignore_unmapped: bool,
    /// Read dates in this format too, e.g. %d/%m/%Y or '%m/%d/%Y %H:%M'
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
    /// The decimal mark of amounts: . (default) or ,
    #[arg(long, value_name = "MARK", default_value = ".", value_parser = ["." , ","])]
    pub decimal_mark: String,
    /// How a row finds the record it updates (default: email for customers, id for others)
    #[arg(long = "match", value_name = "KEY", value_parser = ["email", "id", "name", "none"])]
    pub match_by: Option<String>,
    /// Create a customer for a `customer` cell that names none
    #[arg(long)]
    pub create_missing_customers: bool,
    /// Print what would be created, updated and left unchanged; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Keep a leading ' in cells (crm export adds one before formula-like text)
    #[arg(long)]
    pub raw: bool,
}

fn pair(s: &str, sep: char, what: &str) -> Result<(String, String)> {
    s.split_once(sep)
        .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .ok_or_else(|| crate::exit::usage(format!("expected {what}, found {s:?}")))
}

/// The formats `crm import` reads.
pub const FORMATS: &[Format] = &Format::DATA;

#[expect(
    clippy::too_many_lines,
    reason = "the import's options, each turned from its flag in turn"
)]
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let stdin = args.file.as_os_str() == "-";
    // --format csv|tsv|json|jsonl, else the file's extension, else csv for standard input.
    let asked = ctx.global.format.is_some();
    let format = match asked {
        true => ctx.format("import", FORMATS, Format::Csv)?,
        false if stdin => Format::Csv,
        false => Format::from_path(&args.file).ok_or_else(|| {
            crate::exit::usage(format!(
                "cannot tell the format of {} from its name; pass --format csv|tsv|json|jsonl|vcf",
                args.file.display()
            ))
        })?,
    };
    if format == Format::Vcf && args.ty != crm::model::RecordType::Customer {
        return Err(crate::exit::usage(format!(
            "vcf holds contacts: only customers are imported from vcf, not {}",
            args.ty.plural()
        )));
    }
    let maps = args
        .maps
        .iter()
        .map(|m| pair(m, '=', "COL=FIELD"))
        .collect::<Result<Vec<_>>>()?;
    let value_maps = args
        .value_maps
        .iter()
        .map(|m| {
            let (field, rest) = pair(m, ':', "FIELD:FROM=TO")?;
            let (from, to) = pair(&rest, '=', "FIELD:FROM=TO")?;
            Ok((field, from, to))
        })
        .collect::<Result<Vec<_>>>()?;
    let input = if stdin {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("cannot read standard input")?;
        buf
    } else {
        let path = ctx.start_dir().join(&args.file);
        std::fs::read(&path).with_context(|| format!("cannot read {}", args.file.display()))?
    };
    // Standard input without --format: JSON when it looks like JSON (an array, or objects
    // one a line), else CSV.
    let format = if stdin && !asked {
        match input.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[') => Format::Json,
            Some(b'{') => Format::Jsonl,
            _ => Format::Csv,
        }
    } else {
        format
    };
    let opts = ImportOptions {
        ty: args.ty,
        source: args.file.display().to_string(),
        format,
        maps,
        value_maps,
        ignore_unmapped: args.ignore_unmapped,
        date_format: args.date_format,
        decimal_mark: args.decimal_mark.chars().next().unwrap_or('.'),
        match_by: args.match_by.as_deref().map(|m| match m {
            "email" => MatchBy::Email,
            "name" => MatchBy::Name,
            "none" => MatchBy::None,
            _ => MatchBy::Id,
        }),
        create_missing_customers: args.create_missing_customers,
        raw: args.raw,
    };
    let store = ctx.store()?;
    let plan = plan(store, &input, &opts)?;
    let stripped = crm::ops::import::stripped_values(&plan);
    if !stripped.is_empty() {
        let mut msg = format!(
            "{} value{} would only lose a `+`, a leading 0 or spaces (did the file go through a spreadsheet? see the README on opening CSV files):",
            stripped.len(),
            if stripped.len() == 1 { "" } else { "s" }
        );
        for (line, id, field, before, after) in stripped.iter().take(10) {
            msg.push_str(&format!(
                "\n  line {line}: {id} {field} {before:?} -> {after:?}"
            ));
        }
        if stripped.len() > 10 {
            msg.push_str(&format!("\n  and {} more", stripped.len() - 10));
        }
        ctx.ui.warn(&msg);
    }
    if args.dry_run {
        let mut out = ctx.out();
        for item in &plan.items {
            writeln!(out, "{}", describe(item))?;
        }
        out.flush()?;
        ctx.ui.info(&format!(
            "dry run, nothing written: would have {}",
            plan.summary()
        ));
        return Ok(());
    }
    // A bar only where someone watches, and only for imports long enough to wait for.
    let bar = (plan.items.len() > 2000 && std::io::stderr().is_terminal() && !ctx.global.quiet)
        .then(|| indicatif::ProgressBar::new(plan.items.len() as u64));
    let summary = write(store, &plan, &mut || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    ctx.ui
        .info(&format!("imported {}: {summary}", args.ty.plural()));
    Ok(())
}
