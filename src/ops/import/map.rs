//! Mapping columns to fields: our names, other CRMs' export names, custom fields.

use super::ImportOptions;
use crate::model::{spec, RecordType};
use crate::store::Store;

/// Where a column goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    Field(String),
    FirstName,
    LastName,
    Company,
    CloseDate,
    Ignore,
}

/// `Create Date` → `create_date`.
pub fn snake_case(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// The column names other CRMs use in their exports, by what they mean here.
fn alias(ty: RecordType, header: &str) -> Option<Target> {
    let h = header.trim().to_ascii_lowercase();
    let field = |f: &str| Some(Target::Field(f.to_string()));
    match (ty, h.as_str()) {
        (RecordType::Customer, "first name" | "firstname" | "given name") => {
            Some(Target::FirstName)
        }
        (RecordType::Customer, "last name" | "lastname" | "surname" | "family name") => {
            Some(Target::LastName)
        }
        (RecordType::Customer, "full name" | "contact name") => field("name"),
        (RecordType::Customer, "email" | "email address" | "e-mail" | "e-mail address") => {
            field("email")
        }
        (RecordType::Customer, "phone" | "phone number" | "mobile" | "mobile phone number") => {
            field("phone")
        }
        (_, "company" | "company name" | "associated company") => Some(Target::Company),
        (RecordType::Customer, "lifecycle stage") => field("stage"),
        (RecordType::Deal, "deal name") => field("title"),
        (RecordType::Deal, "amount") => field("value"),
        (RecordType::Deal, "close date") => Some(Target::CloseDate),
        (RecordType::Deal, "deal stage" | "pipeline stage") => field("stage"),
        (RecordType::Ticket, "ticket name" | "subject") => field("subject"),
        (_, "create date" | "created" | "created at" | "created date" | "date created")
            if ty != RecordType::Interaction =>
        {
            field("created")
        }
        (_, "owner" | "contact owner" | "deal owner" | "record owner")
            if ty != RecordType::Interaction =>
        {
            field("owner")
        }
        _ => None,
    }
}

pub(super) fn target_of(header: &str, store: &Store, opts: &ImportOptions) -> Target {
    if let Some((_, f)) = opts
        .maps
        .iter()
        .find(|(c, _)| c == header || c.eq_ignore_ascii_case(header))
    {
        return if f == "-" {
            Target::Ignore
        } else {
            Target::Field(f.clone())
        };
    }
    let ty = opts.ty;
    // A computed field an export wrote (a customer's `score`): not data to import.
    if crate::query::field::is_computed(ty, header, &store.config) {
        return Target::Ignore;
    }
    let known = |p: &str| {
        p == "id"
            || spec::lookup(ty.spec(), p).is_some()
            || store.config.custom_field(ty, p).is_some()
    };
    if known(header)
        || (header.contains('.') && known(header.split('.').next().unwrap_or_default()))
    {
        return Target::Field(header.to_string());
    }
    if let Some(t) = alias(ty, header) {
        return t;
    }
    // A field path as crm writes one (`erp.code`) is kept as it is.
    let is_path = header.split('.').all(|seg| {
        !seg.is_empty()
            && seg
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    });
    if is_path && !opts.ignore_unmapped {
        return Target::Field(header.to_string());
    }
    let snake = snake_case(header);
    if snake.is_empty() || opts.ignore_unmapped {
        Target::Ignore
    } else {
        Target::Field(snake)
    }
}

/// Reads amounts written with another decimal mark or with thousands separators.
pub(super) fn normalise_number(raw: &str, mark: char) -> String {
    let s = raw.trim().replace(' ', "");
    let sep = if mark == ',' { '.' } else { ',' };
    crate::model::value::ungroup(&s, mark, sep)
}
