use anyhow::Result;
use crm::model::RecordType;
use crm::ops::add::{add, NewRecord};
use crm::ops::assign::Assignment;

use super::Ctx;

/// Log an interaction with a customer: a call, e-mail, WhatsApp message, meeting, …
///
/// The interaction is written under interactions/YYYY/MM/ and its id printed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The customer (id, prefix or e-mail)
    #[arg(add = crate::complete::customers())]
    pub customer: String,
    /// What happened
    pub summary: Option<String>,
    /// call, email, whatsapp, sms, meeting, social, post, web or note
    #[arg(long)]
    pub channel: String,
    /// inbound or outbound
    #[arg(long)]
    pub direction: Option<String>,
    /// When it happened, RFC 3339 or YYYY-MM-DD (default: now)
    #[arg(long, value_name = "MOMENT")]
    pub at: Option<String>,
    /// The deal it concerns
    #[arg(long, add = crate::complete::deals())]
    pub deal: Option<String>,
    /// The ticket it concerns
    #[arg(long, add = crate::complete::tickets())]
    pub ticket: Option<String>,
    /// The campaign it belongs to
    #[arg(long, add = crate::complete::campaigns())]
    pub campaign: Option<String>,
    /// How it went
    #[arg(long)]
    pub outcome: Option<String>,
    /// Who on our side
    #[arg(long)]
    pub by: Option<String>,
    /// Use this id instead of making one from the summary
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Set any other field (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut a = vec![
        Assignment::set("customer", args.customer),
        Assignment::set("channel", args.channel),
    ];
    let optional = [
        ("summary", args.summary),
        ("direction", args.direction),
        ("at", args.at),
        ("deal", args.deal),
        ("ticket", args.ticket),
        ("campaign", args.campaign),
        ("outcome", args.outcome),
        ("by", args.by),
    ];
    for (path, value) in optional {
        if let Some(v) = value {
            a.push(Assignment::set(path, v));
        }
    }
    for s in &args.set {
        a.push(s.parse()?);
    }
    let store = ctx.store()?;
    let new = NewRecord {
        ty: RecordType::Interaction,
        id: args.id,
        assignments: a,
    };
    let (record, path) = add(store, new)?;
    ctx.print_created(record.ty, &record.id, &path)
}
