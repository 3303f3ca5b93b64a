use std::io::Write;

use anyhow::Result;
use crm::model::RecordType;
use crm::render::Format;

use super::Ctx;

/// Everything held about one customer, in one document, for a subject access request.
///
/// The customer's record; the deals, tickets and interactions that name them; the people
/// whose organisation they are; the campaigns they are part of (their source, or named
/// by one of their deals or interactions), with how; and their consent
/// (preferences.consent, consent_at, do_not_contact and the consent_history list).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The customer (id, prefix, e-mail or phone)
    #[arg(add = crate::complete::customers())]
    pub customer: String,
}

/// The formats `crm export-subject` offers.
pub const FORMATS: &[Format] = &[Format::Json, Format::Yaml];

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let format = ctx.format("export-subject", FORMATS, Format::Json)?;
    let store = ctx.store()?;
    let customer = &store
        .resolve(&args.customer, &[RecordType::Customer])?
        .record;
    let doc = crm::ops::subject::subject(store, customer);
    let mut out = ctx.out();
    if format == Format::Yaml {
        out.write_all(serde_yaml::to_string(&doc)?.as_bytes())?;
    } else {
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(())
}
