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
    /// call, email, whatsapp, sms, meeting, social, post, web or note (default with
    /// --nps: web)
    #[arg(long, required_unless_present = "nps")]
    pub channel: Option<String>,
    /// Record an NPS answer, 0 to 10 (how likely they are to recommend us); the summary
    /// is their comment, the direction inbound unless given
    #[arg(long, value_name = "0-10", allow_negative_numbers = true)]
    pub nps: Option<String>,
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
    /// Set the customer's next follow-up: "DATE what to do", DATE as YYYY-MM-DD, today+3d,
    /// today+2w or tomorrow
    #[arg(long, value_name = "DATE NOTE")]
    pub next: Option<String>,
    /// Use this id instead of making one from the summary
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Set any other field (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let customer_ref = args.customer.clone();
    let answer = args.nps.is_some();
    let mut a = vec![
        Assignment::set("customer", args.customer),
        Assignment::set("channel", args.channel.unwrap_or_else(|| "web".into())),
    ];
    let direction = args
        .direction
        .or_else(|| answer.then(|| "inbound".to_string()));
    let optional = [
        ("summary", args.summary),
        ("direction", direction),
        ("nps", args.nps),
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
    // The follow-up is checked before the interaction is written, so a bad one writes nothing.
    let next = match &args.next {
        Some(n) => {
            let (on, note) = n
                .trim()
                .split_once(' ')
                .map(|(a, b)| (a, b.trim()))
                .unwrap_or((n.trim(), ""));
            let mut a = vec![Assignment::set("next_action.on", on)];
            if !note.is_empty() {
                a.push(Assignment::set("next_action.note", note));
            }
            Some(a)
        }
        None => None,
    };
    let customer = store.resolve(&customer_ref, &[RecordType::Customer])?;
    let set_next = |updated: &mut crm::model::Record| -> crm::Result<()> {
        if let Some(a) = &next {
            crm::ops::assign::apply(store, updated, a)?;
            if updated.get("next_action.note").is_some()
                && !a.iter().any(|x| x.path == "next_action.note")
            {
                updated.remove("next_action.note");
            }
            crm::ops::check_for_write(store, updated, "--next")?;
        }
        Ok(())
    };
    // The next action is checked before anything is written.
    set_next(&mut customer.record.clone())?;
    let new = NewRecord {
        ty: RecordType::Interaction,
        id: args.id,
        assignments: a,
    };
    let (record, path) = store.locked(|| {
        let created = add(store, new)?;
        if next.is_some() {
            store.modify(customer, set_next)?;
        }
        Ok(created)
    })?;
    ctx.print_created(record.ty, &record.id, &path)
}
