use std::io::Write;

use anyhow::Result;
use crm::ops::dedupe::{self, Candidate};
use crm::render::rows::{write_rows, RowOptions};
use crm::render::Format;

use super::{Ctx, ROW_FORMATS};

/// List likely duplicate records, most likely first, each with its score and reasons.
///
/// Customers: the same e-mail (any case, `email` or `emails`), the same phone number
/// (E.164, `phone`, `phones`, `social.whatsapp`) or social handle (score 1); or names
/// alike (Jaro–Winkler of the names with case, accents, punctuation and legal suffixes
/// such as PT, CV, Tbk, Ltd, Inc, GmbH left out, at least --min) in the same city or
/// organisation. Deals: one customer's, titles alike (at least --min), dates
/// overlapping. Erased customers are never candidates.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// customers (default) or deals
    #[arg(value_name = "TYPE", default_value = "customers", value_parser = parse_kind)]
    pub ty: Kind,
    /// The least name (or title) similarity that makes a pair, from 0 to 1
    #[arg(long, value_name = "SCORE", default_value_t = 0.9, value_parser = parse_min)]
    pub min: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Customers,
    Deals,
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    match s {
        "customers" | "customer" => Ok(Kind::Customers),
        "deals" | "deal" => Ok(Kind::Deals),
        _ => Err(format!("{s:?}: dedupe looks at customers or deals")),
    }
}

fn parse_min(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("{s:?} is not a similarity from 0 to 1")),
    }
}

/// The formats `crm dedupe` offers (ids: each pair as `A B`).
pub const FORMATS: &[Format] = ROW_FORMATS;

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let format = ctx.format("dedupe", FORMATS, ctx.rows_default())?;
    let store = ctx.store()?;
    let found: Vec<Candidate> = match args.ty {
        Kind::Customers => dedupe::customers(store, args.min),
        Kind::Deals => dedupe::deals(store, args.min),
    };
    let mut out = ctx.out();
    match format {
        Format::Json | Format::Jsonl => {
            let docs = found.iter().map(
                |c| serde_json::json!({"a": c.a, "b": c.b, "score": c.score, "reasons": c.reasons}),
            );
            if format == Format::Json {
                serde_json::to_writer_pretty(&mut out, &docs.collect::<Vec<_>>())?;
                writeln!(out)?;
            } else {
                for d in docs {
                    serde_json::to_writer(&mut out, &d)?;
                    writeln!(out)?;
                }
            }
        }
        Format::Ids => {
            for c in &found {
                writeln!(out, "{} {}", c.a, c.b)?;
            }
        }
        _ => {
            let people = matches!(format, Format::Table | Format::Markdown);
            let rows: Vec<Vec<String>> = found
                .iter()
                .map(|c| {
                    vec![
                        c.a.clone(),
                        c.b.clone(),
                        if people {
                            format!("{:.2}", c.score)
                        } else {
                            c.score.to_string()
                        },
                        c.reasons.join("; "),
                    ]
                })
                .collect();
            let header: Vec<String> = ["a", "b", "score", "reasons"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            write_rows(&mut out, &header, &rows, format, RowOptions::HUMAN)?;
        }
    }
    out.flush()?;
    Ok(())
}
