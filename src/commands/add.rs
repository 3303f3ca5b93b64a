use anyhow::Result;
use clap::Subcommand;
use crm::model::RecordType;
use crm::ops::add::{add, NewRecord};
use crm::ops::assign::Assignment;

use super::Ctx;

/// Add a customer, deal, ticket or campaign; prints its new id.
///
/// Every field has a flag; `--set KEY=VALUE` sets any field, known or custom
/// (nested ones as `preferences.channel=email`). Values are checked before anything
/// is written. References (`--customer`, `--deal`, …) take an id, a unique prefix of
/// one, or a customer's e-mail.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub kind: Kind,
}

#[derive(Debug, Subcommand)]
pub enum Kind {
    Customer(Box<Customer>),
    Deal(Box<Deal>),
    Ticket(Box<Ticket>),
    Campaign(Box<Campaign>),
}

/// Options every `crm add` takes.
#[derive(Debug, clap::Args)]
pub struct Common {
    /// Use this id instead of making one from the name
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Set any field, known or custom (repeatable; KEY+=VALUE adds to a list)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Add a new field with --set even when its name is a typo away from a known one
    #[arg(long)]
    pub new_field: bool,
}

/// Adds `(path, value)` for every flag that was given.
macro_rules! assignments {
    ($out:ident; $($path:literal => $value:expr),* $(,)?) => {
        $( if let Some(v) = $value { $out.push(Assignment::set($path, v.clone())); } )*
    };
}

fn list(items: &[String]) -> Option<String> {
    (!items.is_empty()).then(|| items.join(","))
}

fn social(entries: &[String]) -> Result<Vec<Assignment>> {
    entries
        .iter()
        .map(|e| match e.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok(Assignment::set(&format!("social.{k}"), v)),
            _ => Err(crm::Error::Usage(format!(
                "--social takes NETWORK=HANDLE (e.g. whatsapp=+6281234), found {e:?}"
            ))
            .into()),
        })
        .collect()
}

/// Add a customer (a person or an organisation)
#[derive(Debug, clap::Args)]
pub struct Customer {
    /// The customer's name (or --name)
    #[arg(value_name = "NAME")]
    pub name_arg: Option<String>,
    #[arg(long)]
    pub name: Option<String>,
    /// person or organisation
    #[arg(long)]
    pub kind: Option<String>,
    /// The organisation (a customer) this person belongs to
    #[arg(long, value_name = "CUSTOMER", add = crate::complete::customers())]
    pub organisation: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    /// A social handle, NETWORK=HANDLE (repeatable): whatsapp, instagram, linkedin, x, …
    #[arg(long, value_name = "NETWORK=HANDLE")]
    pub social: Vec<String>,
    /// Lifecycle stage (default: the first in crm.toml)
    #[arg(long)]
    pub stage: Option<String>,
    /// Where the customer came from: a campaign id or free text
    #[arg(long)]
    pub source: Option<String>,
    #[arg(long)]
    pub owner: Option<String>,
    /// A tag (repeatable, or comma-separated)
    #[arg(
        long = "tag",
        alias = "tags",
        value_name = "TAG",
        value_delimiter = ','
    )]
    pub tags: Vec<String>,
    #[arg(long)]
    pub city: Option<String>,
    #[arg(long)]
    pub region: Option<String>,
    #[arg(long)]
    pub country: Option<String>,
    #[arg(long)]
    pub industry: Option<String>,
    /// Preferred channel: call, email, whatsapp, sms, meeting, social, post, web
    #[arg(long = "preferred-channel", value_name = "CHANNEL")]
    pub preferred_channel: Option<String>,
    /// How often to get in touch: weekly, monthly, quarterly
    #[arg(long)]
    pub frequency: Option<String>,
    /// Consent to be contacted (true/false; the flag alone means true)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub consent: Option<String>,
    /// Never contact this customer (true/false; the flag alone means true)
    #[arg(long = "do-not-contact", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub do_not_contact: Option<String>,
    /// An interest (repeatable, or comma-separated)
    #[arg(long = "interest", value_name = "INTEREST", value_delimiter = ',')]
    pub interests: Vec<String>,
    /// Date of the next follow-up, YYYY-MM-DD
    #[arg(long = "next-on", value_name = "DATE")]
    pub next_on: Option<String>,
    /// What the next follow-up is
    #[arg(long = "next-note", value_name = "TEXT")]
    pub next_note: Option<String>,
    /// Loyalty points
    #[arg(long, value_name = "N")]
    pub points: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
    /// Creation date (default: today)
    #[arg(long, value_name = "DATE")]
    pub created: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

/// Add a deal (an opportunity moving through the pipeline)
#[derive(Debug, clap::Args)]
pub struct Deal {
    /// The deal's title (or --title)
    #[arg(value_name = "TITLE")]
    pub title_arg: Option<String>,
    #[arg(long)]
    pub title: Option<String>,
    /// The customer (id, prefix or e-mail)
    #[arg(long, add = crate::complete::customers())]
    pub customer: Option<String>,
    /// Pipeline stage (default: the first in crm.toml)
    #[arg(long)]
    pub stage: Option<String>,
    /// Amount, a decimal number
    #[arg(long, allow_negative_numbers = true)]
    pub value: Option<String>,
    /// ISO 4217 code (default: crm.toml's currency when a value is given)
    #[arg(long)]
    pub currency: Option<String>,
    /// Chance to win, a whole percentage 0–100 (default: the stage's)
    #[arg(long, allow_negative_numbers = true)]
    pub probability: Option<String>,
    /// new, upsell, cross-sell or renewal
    #[arg(long)]
    pub kind: Option<String>,
    /// A product (repeatable, or comma-separated)
    #[arg(
        long = "product",
        alias = "products",
        value_name = "PRODUCT",
        value_delimiter = ','
    )]
    pub products: Vec<String>,
    /// The campaign that brought it
    #[arg(long, add = crate::complete::campaigns())]
    pub campaign: Option<String>,
    /// Expected close date, YYYY-MM-DD
    #[arg(long = "expected-close", value_name = "DATE")]
    pub expected_close: Option<String>,
    /// Date the deal was won or lost (set by `crm stage` otherwise)
    #[arg(long, value_name = "DATE")]
    pub closed: Option<String>,
    #[arg(long = "lost-reason", value_name = "TEXT")]
    pub lost_reason: Option<String>,
    #[arg(long)]
    pub owner: Option<String>,
    /// Date of the next follow-up, YYYY-MM-DD
    #[arg(long = "next-on", value_name = "DATE")]
    pub next_on: Option<String>,
    /// What the next follow-up is
    #[arg(long = "next-note", value_name = "TEXT")]
    pub next_note: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
    /// Creation date (default: today)
    #[arg(long, value_name = "DATE")]
    pub created: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

/// Add a ticket (a question, problem, complaint, request or feedback)
#[derive(Debug, clap::Args)]
pub struct Ticket {
    /// The ticket's subject (or --subject)
    #[arg(value_name = "SUBJECT")]
    pub subject_arg: Option<String>,
    #[arg(long)]
    pub subject: Option<String>,
    /// The customer (id, prefix or e-mail)
    #[arg(long, add = crate::complete::customers())]
    pub customer: Option<String>,
    /// question, problem, complaint, request or feedback
    #[arg(long)]
    pub kind: Option<String>,
    /// low, normal, high or urgent (default: normal)
    #[arg(long)]
    pub priority: Option<String>,
    /// open, pending, resolved or closed (default: open)
    #[arg(long)]
    pub status: Option<String>,
    /// The channel it came in on
    #[arg(long)]
    pub channel: Option<String>,
    /// When it was opened, RFC 3339 (default: now)
    #[arg(long, value_name = "MOMENT")]
    pub opened: Option<String>,
    /// When it was first answered, RFC 3339
    #[arg(long = "first-response", value_name = "MOMENT")]
    pub first_response: Option<String>,
    /// When it was resolved, RFC 3339
    #[arg(long, value_name = "MOMENT")]
    pub resolved: Option<String>,
    /// Customer satisfaction, 1–5
    #[arg(long, value_name = "1-5")]
    pub satisfaction: Option<String>,
    #[arg(long)]
    pub assignee: Option<String>,
    /// The deal it concerns
    #[arg(long, add = crate::complete::deals())]
    pub deal: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
    #[arg(long)]
    pub resolution: Option<String>,
    /// Date of the next follow-up, YYYY-MM-DD
    #[arg(long = "next-on", value_name = "DATE")]
    pub next_on: Option<String>,
    /// What the next follow-up is
    #[arg(long = "next-note", value_name = "TEXT")]
    pub next_note: Option<String>,
    /// Creation date (default: today)
    #[arg(long, value_name = "DATE")]
    pub created: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

/// Add a campaign (marketing that brings, grows or keeps customers)
#[derive(Debug, clap::Args)]
pub struct Campaign {
    /// The campaign's name (or --name)
    #[arg(value_name = "NAME")]
    pub name_arg: Option<String>,
    #[arg(long)]
    pub name: Option<String>,
    /// acquire, enhance or retain
    #[arg(long)]
    pub phase: Option<String>,
    #[arg(long)]
    pub channel: Option<String>,
    /// planned, active, completed or cancelled (default: planned)
    #[arg(long)]
    pub status: Option<String>,
    /// Start date, YYYY-MM-DD
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    /// End date, YYYY-MM-DD
    #[arg(long, value_name = "DATE")]
    pub end: Option<String>,
    #[arg(long, allow_negative_numbers = true)]
    pub budget: Option<String>,
    #[arg(long, allow_negative_numbers = true)]
    pub cost: Option<String>,
    /// ISO 4217 code (default: crm.toml's currency when an amount is given)
    #[arg(long)]
    pub currency: Option<String>,
    /// Who it is for: a query over customers
    #[arg(long, value_name = "QUERY")]
    pub audience: Option<String>,
    #[arg(long = "expected-revenue", value_name = "AMOUNT")]
    pub expected_revenue: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
    /// Creation date (default: today)
    #[arg(long, value_name = "DATE")]
    pub created: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

impl Kind {
    fn common(&self) -> &Common {
        match self {
            Kind::Customer(c) => &c.common,
            Kind::Deal(d) => &d.common,
            Kind::Ticket(t) => &t.common,
            Kind::Campaign(c) => &c.common,
        }
    }

    fn into_new(self) -> Result<NewRecord> {
        let mut a = Vec::new();
        let (ty, common) = match self {
            Kind::Customer(c) => {
                let name = c.name.or(c.name_arg);
                assignments!(a;
                    "name" => name, "kind" => c.kind, "organisation" => c.organisation,
                    "email" => c.email, "phone" => c.phone);
                a.extend(social(&c.social)?);
                assignments!(a;
                    "stage" => c.stage, "source" => c.source, "owner" => c.owner,
                    "tags" => list(&c.tags), "city" => c.city, "region" => c.region,
                    "country" => c.country, "industry" => c.industry,
                    "preferences.channel" => c.preferred_channel,
                    "preferences.frequency" => c.frequency,
                    "preferences.consent" => c.consent,
                    "preferences.do_not_contact" => c.do_not_contact,
                    "preferences.interests" => list(&c.interests),
                    "next_action.on" => c.next_on, "next_action.note" => c.next_note,
                    "loyalty.points" => c.points, "notes" => c.notes, "created" => c.created);
                (RecordType::Customer, c.common)
            }
            Kind::Deal(d) => {
                let title = d.title.or(d.title_arg);
                assignments!(a;
                    "title" => title, "customer" => d.customer, "stage" => d.stage,
                    "value" => d.value, "currency" => d.currency,
                    "probability" => d.probability, "kind" => d.kind,
                    "products" => list(&d.products), "campaign" => d.campaign,
                    "expected_close" => d.expected_close, "closed" => d.closed,
                    "lost_reason" => d.lost_reason, "owner" => d.owner,
                    "next_action.on" => d.next_on, "next_action.note" => d.next_note,
                    "notes" => d.notes, "created" => d.created);
                (RecordType::Deal, d.common)
            }
            Kind::Ticket(t) => {
                let subject = t.subject.or(t.subject_arg);
                assignments!(a;
                    "subject" => subject, "customer" => t.customer, "kind" => t.kind,
                    "priority" => t.priority, "status" => t.status, "channel" => t.channel,
                    "opened" => t.opened, "first_response" => t.first_response,
                    "resolved" => t.resolved, "satisfaction" => t.satisfaction,
                    "assignee" => t.assignee, "deal" => t.deal,
                    "description" => t.description, "resolution" => t.resolution,
                    "next_action.on" => t.next_on, "next_action.note" => t.next_note,
                    "created" => t.created);
                (RecordType::Ticket, t.common)
            }
            Kind::Campaign(c) => {
                let name = c.name.or(c.name_arg);
                assignments!(a;
                    "name" => name, "phase" => c.phase, "channel" => c.channel,
                    "status" => c.status, "start" => c.start, "end" => c.end,
                    "budget" => c.budget, "cost" => c.cost, "currency" => c.currency,
                    "audience" => c.audience, "expected_revenue" => c.expected_revenue,
                    "notes" => c.notes, "created" => c.created);
                (RecordType::Campaign, c.common)
            }
        };
        for s in &common.set {
            a.push(s.parse()?);
        }
        Ok(NewRecord {
            ty,
            id: common.id,
            assignments: a,
        })
    }
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let new_field = args.kind.common().new_field;
    let new = args.kind.into_new()?;
    let store = ctx.store()?;
    let empty = crm::model::Record::new(new.ty, "");
    let added = crm::ops::assign::new_fields(store, &empty, &new.assignments, new_field)?;
    let (record, path) = add(store, new)?;
    ctx.note_new_fields(record.ty, &added);
    ctx.print_created(record.ty, &record.id, &path)
}
