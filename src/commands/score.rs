use anyhow::Result;
use crm::model::RecordType;
use crm::render::Format;

use super::{print_rows, Ctx, ROW_FORMATS};

/// A customer's lead score, and what each rule of crm.toml's [scoring] adds to it.
///
/// One row per rule: fit rules (on the customer) add their points when they hold;
/// engagement rules (on each interaction up to today) add their points halved every
/// half_life_days of the interaction's age. The last row is the score. Tables show one
/// decimal; csv and json the exact figures.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The customer (id, prefix, e-mail or phone)
    #[arg(add = crate::complete::customers())]
    pub customer: String,
}

/// The formats `crm score` offers.
pub const FORMATS: &[Format] = ROW_FORMATS;

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let format = ctx.format("score", FORMATS, ctx.rows_default())?;
    let store = ctx.store()?;
    let customer = &store
        .resolve(&args.customer, &[RecordType::Customer])?
        .record;
    let e = crm::ops::score::score(store, customer)?;
    let people = matches!(format, Format::Table | Format::Markdown);
    let number = |x: f64| {
        if people {
            format!("{x:.1}")
        } else {
            x.to_string()
        }
    };
    let mut rows: Vec<Vec<String>> = e
        .parts
        .iter()
        .map(|p| {
            vec![
                format!("{} {}", p.kind, p.index),
                p.source.clone(),
                number(p.points),
                p.matched.to_string(),
                number(p.total),
            ]
        })
        .collect();
    rows.push(vec![
        "score".into(),
        String::new(),
        String::new(),
        String::new(),
        number(e.score),
    ]);
    if !e.rules_set {
        ctx.ui
            .info("no scoring rules are set (crm.toml's [scoring]): every score is 0");
    }
    if e.do_not_contact {
        ctx.ui.warn(&format!(
            "{} asked not to be contacted (preferences.do_not_contact): scored, but not to be called",
            customer.id
        ));
    }
    print_rows(
        ctx,
        format,
        &["rule", "where", "points", "matched", "contribution"],
        &["Rule", "Where", "Points", "Matched", "Contribution"],
        &rows,
    )
}
