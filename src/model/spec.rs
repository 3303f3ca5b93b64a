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
    /// A phone number: stored in E.164 when it parses for the folder's region (see
    /// [`crate::model::phone`]), else as typed (`crm check` warns).
    Phone,
    /// A list of phone numbers, each as [`FieldKind::Phone`] (`phones`).
    Phones,
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
    /// An integer from 0 to 10: an answer to "how likely are you to recommend us?" (NPS).
    Nps,
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
    /// What the field means, for `crm add`'s help (the kind's form is added to it).
    pub doc: &'static str,
    /// `crm add`'s flag when it is not the field's own name (see [`FieldSpec::flag_name`]).
    pub flag: Option<&'static str>,
    /// Whether the field holds personal data: what `crm forget` removes and an erased
    /// record may not hold again (README, "Customers' rights").
    pub personal: bool,
}

pub const fn req(name: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        required: true,
        doc: "",
        flag: None,
        personal: false,
    }
}

pub const fn opt(name: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        required: false,
        doc: "",
        flag: None,
        personal: false,
    }
}

impl FieldSpec {
    const fn doc(self, doc: &'static str) -> FieldSpec {
        FieldSpec { doc, ..self }
    }

    const fn personal(self) -> FieldSpec {
        FieldSpec {
            personal: true,
            ..self
        }
    }

    const fn flag(self, flag: &'static str) -> FieldSpec {
        FieldSpec {
            flag: Some(flag),
            ..self
        }
    }

    /// `crm add`'s flag for the field: the table's, else the name with `-` for `_`, a
    /// list's in the singular (`--tag`, repeatable; the plural is an alias).
    pub fn flag_name(&self) -> String {
        if let Some(f) = self.flag {
            return f.to_string();
        }
        let name = self.name.replace('_', "-");
        match self.kind {
            FieldKind::List | FieldKind::Phones => {
                name.strip_suffix('s').unwrap_or(&name).to_string()
            }
            _ => name,
        }
    }
}

/// The list of ids a record was merged from (`crm merge`); kept out of the table, as crm
/// writes it and no flag sets it.
pub const MERGED: &str = "merged";
/// The day a customer was erased (`crm forget`); kept out of the table likewise.
pub const ERASED: &str = "erased";
/// An erased customer's digests of their addresses and numbers (see
/// [`super::contact::erased_email`]), by which `crm ingest` skips them.
pub const ERASED_KEYS: &str = "erased_keys";

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
    opt("channel", FieldKind::Enum(CHANNELS))
        .doc("Preferred channel")
        .flag("preferred-channel"),
    opt("frequency", FieldKind::Enum(FREQUENCIES)).doc("How often to get in touch"),
    opt("consent", FieldKind::Bool).doc("Consent to be contacted"),
    opt("consent_at", FieldKind::Moment).doc("When consent was given or withdrawn"),
    opt("do_not_contact", FieldKind::Bool).doc("Never contact this customer"),
    opt("interests", FieldKind::List).doc("An interest"),
];

pub const NEXT_ACTION: &[FieldSpec] = &[
    opt("on", FieldKind::Date)
        .doc("Date of the next follow-up")
        .flag("next-on"),
    opt("note", FieldKind::Text)
        .doc("What the next follow-up is")
        .flag("next-note")
        .personal(),
];

pub const LOYALTY: &[FieldSpec] = &[opt("points", FieldKind::Count).doc("Loyalty points")];

pub const CUSTOMER: &[FieldSpec] = &[
    req("name", FieldKind::Text)
        .doc("The customer's name")
        .personal(),
    opt("kind", FieldKind::Enum(CUSTOMER_KINDS)).doc("What the customer is"),
    opt("organisation", FieldKind::Ref(RecordType::Customer))
        .doc("The organisation (a customer) this person belongs to"),
    opt("email", FieldKind::Email)
        .doc("E-mail address")
        .personal(),
    opt("emails", FieldKind::List)
        .doc("Another e-mail address of theirs")
        .flag("extra-email")
        .personal(),
    opt("phone", FieldKind::Phone)
        .doc("Phone number (stored in E.164)")
        .personal(),
    opt("phones", FieldKind::Phones)
        .doc("Another phone number of theirs")
        .flag("extra-phone")
        .personal(),
    opt("social", FieldKind::Map)
        .doc("A social handle (whatsapp, instagram, linkedin, x, …)")
        .personal(),
    req("stage", FieldKind::Lifecycle).doc("Lifecycle stage"),
    opt("history", FieldKind::History),
    opt("source", FieldKind::Source).doc("Where the customer came from"),
    opt("owner", FieldKind::Text).doc("Who looks after the customer"),
    opt("tags", FieldKind::List).doc("A tag"),
    opt("city", FieldKind::Text).doc("City"),
    opt("region", FieldKind::Text).doc("Region or province"),
    opt("country", FieldKind::Text).doc("Country"),
    opt("industry", FieldKind::Text).doc("Industry"),
    opt("preferences", FieldKind::Object(PREFERENCES)),
    opt("next_action", FieldKind::Object(NEXT_ACTION)),
    opt("loyalty", FieldKind::Object(LOYALTY)),
    opt("notes", FieldKind::Text).doc("Notes").personal(),
    opt("created", FieldKind::Date).doc("Creation date"),
];

pub const DEAL: &[FieldSpec] = &[
    req("title", FieldKind::Text).doc("The deal's title"),
    req("customer", FieldKind::Ref(RecordType::Customer)).doc("The customer"),
    req("stage", FieldKind::Pipeline).doc("Pipeline stage"),
    opt("history", FieldKind::History),
    opt("value", FieldKind::Money).doc("Amount"),
    opt("currency", FieldKind::Currency)
        .doc("Currency (default: crm.toml's when a value is given)"),
    opt("probability", FieldKind::Percent).doc("Chance to win (default: the stage's)"),
    opt("kind", FieldKind::Enum(DEAL_KINDS)).doc("What the deal is"),
    opt("products", FieldKind::List).doc("A product"),
    opt("campaign", FieldKind::Ref(RecordType::Campaign)).doc("The campaign that brought it"),
    opt("expected_close", FieldKind::Date).doc("Expected close date"),
    opt("closed", FieldKind::Date)
        .doc("Date the deal was won or lost (set by `crm stage` otherwise)"),
    opt("lost_reason", FieldKind::Text).doc("Why the deal was lost"),
    opt("owner", FieldKind::Text).doc("Who works the deal"),
    opt("next_action", FieldKind::Object(NEXT_ACTION)),
    opt("notes", FieldKind::Text).doc("Notes").personal(),
    opt("created", FieldKind::Date).doc("Creation date"),
];

pub const TICKET: &[FieldSpec] = &[
    req("subject", FieldKind::Text).doc("The ticket's subject"),
    req("customer", FieldKind::Ref(RecordType::Customer)).doc("The customer"),
    opt("kind", FieldKind::Enum(TICKET_KINDS)).doc("What the ticket is"),
    opt("priority", FieldKind::Enum(PRIORITIES)).doc("Priority"),
    opt("status", FieldKind::Enum(TICKET_STATUSES)).doc("Status"),
    opt("channel", FieldKind::Enum(CHANNELS)).doc("The channel it came in on"),
    opt("opened", FieldKind::Moment).doc("When it was opened"),
    opt("first_response", FieldKind::Moment).doc("When it was first answered"),
    opt("resolved", FieldKind::Moment).doc("When it was resolved"),
    opt("satisfaction", FieldKind::Rating).doc("Customer satisfaction"),
    opt("assignee", FieldKind::Text).doc("Who handles it"),
    opt("deal", FieldKind::Ref(RecordType::Deal)).doc("The deal it concerns"),
    opt("description", FieldKind::Text)
        .doc("What the customer asked or reported")
        .personal(),
    opt("resolution", FieldKind::Text)
        .doc("How it was resolved")
        .personal(),
    opt("next_action", FieldKind::Object(NEXT_ACTION)),
    opt("created", FieldKind::Date).doc("Creation date"),
];

pub const CAMPAIGN: &[FieldSpec] = &[
    req("name", FieldKind::Text).doc("The campaign's name"),
    opt("phase", FieldKind::Enum(PHASES)).doc("The funnel phase it serves"),
    opt("channel", FieldKind::Enum(CHANNELS)).doc("The channel it runs on"),
    opt("status", FieldKind::Enum(CAMPAIGN_STATUSES)).doc("Status"),
    opt("start", FieldKind::Date).doc("Start date"),
    opt("end", FieldKind::Date).doc("End date"),
    opt("budget", FieldKind::Money).doc("Budget"),
    opt("cost", FieldKind::Money).doc("What it cost"),
    opt("currency", FieldKind::Currency)
        .doc("Currency (default: crm.toml's when an amount is given)"),
    opt("audience", FieldKind::Text).doc("Who it is for: a query over customers"),
    opt("expected_revenue", FieldKind::Money).doc("Revenue it is expected to bring"),
    opt("notes", FieldKind::Text).doc("Notes"),
    opt("created", FieldKind::Date).doc("Creation date"),
];

pub const INTERACTION: &[FieldSpec] = &[
    req("customer", FieldKind::Ref(RecordType::Customer)).doc("The customer"),
    req("at", FieldKind::Moment).doc("When it happened"),
    req("channel", FieldKind::Enum(CHANNELS)).doc("How"),
    opt("direction", FieldKind::Enum(DIRECTIONS)).doc("Who reached out"),
    opt("summary", FieldKind::Text)
        .doc("What was said")
        .personal(),
    opt("deal", FieldKind::Ref(RecordType::Deal)).doc("The deal it concerns"),
    opt("ticket", FieldKind::Ref(RecordType::Ticket)).doc("The ticket it concerns"),
    opt("campaign", FieldKind::Ref(RecordType::Campaign)).doc("The campaign it answers"),
    opt("outcome", FieldKind::Text).doc("What came of it"),
    opt("by", FieldKind::Text).doc("Who on our side"),
    opt("message_id", FieldKind::Text).doc("The e-mail's Message-ID, when it came by mail"),
    opt("attachments", FieldKind::List).doc("The names of the files it came with"),
    opt("messages", FieldKind::Count).doc("How many messages the conversation held (chats)"),
    opt("nps", FieldKind::Nps).doc("An NPS answer: how likely they are to recommend us"),
    opt("notes", FieldKind::Text)
        .doc("Notes, or the message's text")
        .personal(),
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

/// The dotted paths of a table's personal fields (a group's own as `group.field`).
pub fn personal_paths(specs: &[FieldSpec]) -> Vec<String> {
    fn walk(specs: &[FieldSpec], prefix: &str, out: &mut Vec<String>) {
        for s in specs {
            let path = format!("{prefix}{}", s.name);
            if s.personal {
                out.push(path);
            } else if let FieldKind::Object(inner) = s.kind {
                walk(inner, &format!("{path}."), out);
            }
        }
    }
    let mut out = Vec::new();
    walk(specs, "", &mut out);
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_personal_fields_are_marked() {
        assert_eq!(
            personal_paths(CUSTOMER),
            [
                "name",
                "email",
                "emails",
                "phone",
                "phones",
                "social",
                "next_action.note",
                "notes"
            ]
        );
        assert_eq!(personal_paths(DEAL), ["next_action.note", "notes"]);
        assert_eq!(
            personal_paths(TICKET),
            ["description", "resolution", "next_action.note"]
        );
        assert_eq!(personal_paths(INTERACTION), ["summary", "notes"]);
        assert_eq!(personal_paths(CAMPAIGN), Vec::<String>::new());
    }
}
