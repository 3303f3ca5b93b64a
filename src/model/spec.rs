//! The fields of each record type (README, "Records"), in the order they are written.
//!
//! One table drives validation, canonical field order and reference checks, so
//! the three can never disagree.

use super::record_type::RecordType;

/// What a field holds, and so how its value is parsed from the command line and checked in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// Any string (may span lines).
    Text,
    /// One of a fixed list of words.
    Enum(&'static [&'static str]),
    /// A customer lifecycle stage from `crm.toml`.
    Lifecycle,
    /// A deal pipeline stage from `crm.toml`.
    Pipeline,
    /// The id of a record of another type; must exist.
    Ref(RecordType),
    /// A campaign id or free text (a customer's `source`).
    Source,
    /// An e-mail address.
    Email,
    /// `YYYY-MM-DD`.
    Date,
    /// RFC 3339 with offset (a bare date is accepted as its midnight).
    Moment,
    /// A decimal amount.
    Money,
    /// An ISO 4217 code: three capital letters.
    Currency,
    /// A percentage, 0 to 100.
    Percent,
    /// An integer from 1 to 5 (satisfaction).
    Rating,
    /// A non-negative integer (loyalty points).
    Count,
    /// Any integer (declared custom fields).
    Integer,
    Bool,
    /// A list of strings (`tags`, `products`, `interests`).
    List,
    /// A map of names to strings (`social`).
    Map,
    /// A nested mapping with fields of its own.
    Object(&'static [FieldSpec]),
    /// The stage history: a list of `{stage, at}`.
    History,
}

#[derive(Debug, PartialEq, Eq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub kind: FieldKind,
    pub required: bool,
}

const fn req(name: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        required: true,
    }
}

const fn opt(name: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        required: false,
    }
}

pub const CHANNELS: &[&str] = &[
    "call", "email", "whatsapp", "sms", "meeting", "social", "post", "web", "note",
];
pub const CUSTOMER_KINDS: &[&str] = &["person", "organisation"];
pub const DEAL_KINDS: &[&str] = &["new", "upsell", "cross-sell", "renewal"];
pub const TICKET_KINDS: &[&str] = &["question", "problem", "complaint", "request", "feedback"];
pub const PRIORITIES: &[&str] = &["low", "normal", "high", "urgent"];
pub const TICKET_STATUSES: &[&str] = &["open", "pending", "resolved", "closed"];
pub const PHASES: &[&str] = &["acquire", "enhance", "retain"];
pub const CAMPAIGN_STATUSES: &[&str] = &["planned", "active", "completed", "cancelled"];
pub const DIRECTIONS: &[&str] = &["inbound", "outbound"];
pub const FREQUENCIES: &[&str] = &["weekly", "monthly", "quarterly"];

pub const PREFERENCES: &[FieldSpec] = &[
    opt("channel", FieldKind::Enum(CHANNELS)),
    opt("frequency", FieldKind::Enum(FREQUENCIES)),
    opt("consent", FieldKind::Bool),
    opt("consent_at", FieldKind::Moment),
    opt("do_not_contact", FieldKind::Bool),
    opt("interests", FieldKind::List),
];

pub const NEXT_ACTION: &[FieldSpec] = &[opt("on", FieldKind::Date), opt("note", FieldKind::Text)];

pub const LOYALTY: &[FieldSpec] = &[opt("points", FieldKind::Count)];

pub const CUSTOMER: &[FieldSpec] = &[
    req("name", FieldKind::Text),
    opt("kind", FieldKind::Enum(CUSTOMER_KINDS)),
    opt("organisation", FieldKind::Ref(RecordType::Customer)),
    opt("email", FieldKind::Email),
    opt("phone", FieldKind::Text),
    opt("social", FieldKind::Map),
    req("stage", FieldKind::Lifecycle),
    opt("history", FieldKind::History),
    opt("source", FieldKind::Source),
    opt("owner", FieldKind::Text),
    opt("tags", FieldKind::List),
    opt("city", FieldKind::Text),
    opt("region", FieldKind::Text),
    opt("country", FieldKind::Text),
    opt("industry", FieldKind::Text),
    opt("preferences", FieldKind::Object(PREFERENCES)),
    opt("next_action", FieldKind::Object(NEXT_ACTION)),
    opt("loyalty", FieldKind::Object(LOYALTY)),
    opt("notes", FieldKind::Text),
    opt("created", FieldKind::Date),
];

pub const DEAL: &[FieldSpec] = &[
    req("title", FieldKind::Text),
    req("customer", FieldKind::Ref(RecordType::Customer)),
    req("stage", FieldKind::Pipeline),
    opt("history", FieldKind::History),
    opt("value", FieldKind::Money),
    opt("currency", FieldKind::Currency),
    opt("probability", FieldKind::Percent),
    opt("kind", FieldKind::Enum(DEAL_KINDS)),
    opt("products", FieldKind::List),
    opt("campaign", FieldKind::Ref(RecordType::Campaign)),
    opt("expected_close", FieldKind::Date),
    opt("closed", FieldKind::Date),
    opt("lost_reason", FieldKind::Text),
    opt("owner", FieldKind::Text),
    opt("next_action", FieldKind::Object(NEXT_ACTION)),
    opt("notes", FieldKind::Text),
    opt("created", FieldKind::Date),
];

pub const TICKET: &[FieldSpec] = &[
    req("subject", FieldKind::Text),
    req("customer", FieldKind::Ref(RecordType::Customer)),
    opt("kind", FieldKind::Enum(TICKET_KINDS)),
    opt("priority", FieldKind::Enum(PRIORITIES)),
    opt("status", FieldKind::Enum(TICKET_STATUSES)),
    opt("channel", FieldKind::Enum(CHANNELS)),
    opt("opened", FieldKind::Moment),
    opt("first_response", FieldKind::Moment),
    opt("resolved", FieldKind::Moment),
    opt("satisfaction", FieldKind::Rating),
    opt("assignee", FieldKind::Text),
    opt("deal", FieldKind::Ref(RecordType::Deal)),
    opt("description", FieldKind::Text),
    opt("resolution", FieldKind::Text),
    opt("next_action", FieldKind::Object(NEXT_ACTION)),
    opt("created", FieldKind::Date),
];

pub const CAMPAIGN: &[FieldSpec] = &[
    req("name", FieldKind::Text),
    opt("phase", FieldKind::Enum(PHASES)),
    opt("channel", FieldKind::Enum(CHANNELS)),
    opt("status", FieldKind::Enum(CAMPAIGN_STATUSES)),
    opt("start", FieldKind::Date),
    opt("end", FieldKind::Date),
    opt("budget", FieldKind::Money),
    opt("cost", FieldKind::Money),
    opt("currency", FieldKind::Currency),
    opt("audience", FieldKind::Text),
    opt("expected_revenue", FieldKind::Money),
    opt("notes", FieldKind::Text),
    opt("created", FieldKind::Date),
];

pub const INTERACTION: &[FieldSpec] = &[
    req("customer", FieldKind::Ref(RecordType::Customer)),
    req("at", FieldKind::Moment),
    req("channel", FieldKind::Enum(CHANNELS)),
    opt("direction", FieldKind::Enum(DIRECTIONS)),
    opt("summary", FieldKind::Text),
    opt("deal", FieldKind::Ref(RecordType::Deal)),
    opt("ticket", FieldKind::Ref(RecordType::Ticket)),
    opt("campaign", FieldKind::Ref(RecordType::Campaign)),
    opt("outcome", FieldKind::Text),
    opt("by", FieldKind::Text),
];

/// The spec of a (possibly dotted) field path, if the path names a known field.
pub fn lookup(specs: &'static [FieldSpec], path: &str) -> Option<&'static FieldSpec> {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    let spec = specs.iter().find(|s| s.name == head)?;
    match (rest, spec.kind) {
        (None, _) => Some(spec),
        (Some(rest), FieldKind::Object(inner)) => lookup(inner, rest),
        _ => None,
    }
}

/// Where a known field sorts among its siblings; unknown fields sort after all known ones.
pub fn position(specs: &[FieldSpec], name: &str) -> Option<usize> {
    specs.iter().position(|s| s.name == name)
}

/// Every field name of a table, objects' fields as `group.field`.
pub fn names(specs: &[FieldSpec]) -> Vec<String> {
    names_under(specs, "")
}

fn names_under(specs: &[FieldSpec], prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for s in specs {
        out.push(format!("{prefix}{}", s.name));
        if let FieldKind::Object(inner) = s.kind {
            out.extend(names_under(inner, &format!("{prefix}{}.", s.name)));
        }
    }
    out
}

impl RecordType {
    /// The type's fields, from the table above (kept here so the record type knows no table).
    pub fn spec(self) -> &'static [FieldSpec] {
        match self {
            RecordType::Customer => CUSTOMER,
            RecordType::Deal => DEAL,
            RecordType::Ticket => TICKET,
            RecordType::Campaign => CAMPAIGN,
            RecordType::Interaction => INTERACTION,
        }
    }
}
