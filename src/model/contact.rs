//! How a customer is recognised by an address or a number: `email` and `emails`
//! (case-folded), `phone`, `phones` and `social.whatsapp` (as E.164 match keys; see
//! [`super::phone::match_key`]). One place, so naming a customer on the command line,
//! importing and ingesting find the same one.

use super::phone::match_key;
use super::Record;

/// The customer's e-mail addresses: `email`, then each of `emails`.
pub fn emails(r: &Record) -> impl Iterator<Item = &str> {
    r.str("email").into_iter().chain(list(r, "emails"))
}

/// The customer's numbers as written: `phone`, each of `phones`, then `social.whatsapp`
/// (which defaults to the phone; it may hold another number).
pub fn phones(r: &Record) -> impl Iterator<Item = &str> {
    r.str("phone")
        .into_iter()
        .chain(list(r, "phones"))
        .chain(r.str("social.whatsapp"))
}

/// The text items of a list field (`tags`, `emails`, `phones`); none when it is not a list.
pub fn list<'r>(r: &'r Record, field: &str) -> impl Iterator<Item = &'r str> {
    r.get(field)
        .and_then(serde_yaml::Value::as_sequence)
        .into_iter()
        .flatten()
        .filter_map(serde_yaml::Value::as_str)
}

/// Whether `address` is one of the customer's e-mails, in any case.
pub fn has_email(r: &Record, address: &str) -> bool {
    emails(r).any(|e| super::fold::same(e, address))
}

/// Whether a number whose match key is `key` is one of the customer's.
pub fn has_phone(r: &Record, key: &str, region: Option<&str>) -> bool {
    phones(r).any(|p| match_key(p, region).as_deref() == Some(key))
}

/// Every match key of the customer's numbers.
pub fn phone_keys(r: &Record, region: Option<&str>) -> Vec<String> {
    let mut keys: Vec<String> = phones(r).filter_map(|p| match_key(p, region)).collect();
    // `social.whatsapp` is most often the phone again.
    keys.sort();
    keys.dedup();
    keys
}
