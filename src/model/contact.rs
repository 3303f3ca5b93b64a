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

/// The one-way digest crm keeps of an erased customer's address or number (`crm
/// forget`): `sha256:` and the hex SHA-256 of `KIND:KEY` (`email:` and the case-folded
/// address, `phone:` and the match key). It tells an address met again in an ingest
/// from others; it does not give the address back.
fn erased_key(kind: &str, key: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{kind}:{key}").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The digest of an e-mail address (any case).
pub fn erased_email(address: &str) -> String {
    erased_key("email", &super::fold::fold(address.trim()))
}

/// The digest of a phone number's match key (see [`match_key`]).
pub fn erased_phone(key: &str) -> String {
    erased_key("phone", key)
}

/// The digests of every address and number of the customer, sorted, each once.
pub fn erased_keys(r: &Record, region: Option<&str>) -> Vec<String> {
    let mut keys: Vec<String> = emails(r)
        .map(erased_email)
        .chain(phone_keys(r, region).iter().map(|k| erased_phone(k)))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erased_keys_are_digests_of_folded_addresses_and_match_keys() {
        // printf 'email:ayu@kopi.id' | sha256sum
        assert_eq!(
            erased_email(" Ayu@Kopi.ID "),
            "sha256:178be1b9c99c9cec9db290eee4559c14f020d56d648b48fe49f98fe469e11357"
        );
    }
}
