//! Phone numbers in E.164 (`+6281234567890`), read with libphonenumber's metadata (the
//! `phonenumber` crate): national formats, trunk prefixes and each country's valid
//! lengths, so `0812-3456-7890` in Indonesia and `(415) 555-2671` in the US both parse.

use phonenumber::country::Id;

/// The marks phones and chat exports put around numbers and names that are not text:
/// direction marks, embeddings and isolates, the byte order mark.
pub fn is_mark(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// `raw` without its marks ([`is_mark`]), its no-break spaces plain spaces.
pub fn unmarked(raw: &str) -> String {
    raw.chars()
        .filter(|c| !is_mark(*c))
        .map(|c| match c {
            '\u{00A0}' | '\u{202F}' | '\u{2007}' => ' ',
            c => c,
        })
        .collect()
}

/// A region code (`ID`, `US`) that the metadata knows.
pub fn region_id(code: &str) -> Option<Id> {
    code.parse::<Id>().ok()
}

/// `raw` in E.164 if it is a valid number: one given with `+` (or `00`) keeps its own
/// country, another is read as a number of `region`. `None` when it does not parse or
/// is not a valid number (a digit missing, a range no country uses).
pub fn e164(raw: &str, region: Option<&str>) -> Option<String> {
    let text = unmarked(raw);
    let text = text.trim();
    if !looks_like_phone(text) {
        return None;
    }
    let international = text.starts_with('+') || text.starts_with("00");
    let region = if international {
        None
    } else {
        Some(region_id(region?)?)
    };
    let n = phonenumber::parse(region, text).ok()?;
    n.is_valid()
        .then(|| n.format().mode(phonenumber::Mode::E164).to_string())
}

/// Whether `s` is written like a phone number: digits with the separators people type
/// (`+`, spaces, `-`, `.`, `/`, parentheses), at least five digits, no letters. E-mail
/// addresses and ids never are.
pub fn looks_like_phone(s: &str) -> bool {
    let s = unmarked(s);
    let s = s.trim();
    let s = s.strip_prefix('+').unwrap_or(s);
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    digits >= 5
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'.' | b'/' | b'(' | b')'))
}

/// The key a stored number is matched by: itself when it is E.164 already (as crm writes
/// numbers that parse), else its E.164 form, else its digits (a number kept as typed
/// still matches the same digits typed again).
pub fn match_key(stored: &str, region: Option<&str>) -> Option<String> {
    let t = stored.trim();
    if is_e164(t) {
        return Some(t.to_string());
    }
    // `+62 812-3456-7890`: the separators dropped is E.164 (no metadata needed, and a
    // folder of 100,000 numbers written so is keyed without parsing each).
    if t.starts_with('+') && looks_like_phone(t) && !t.contains("(0)") {
        let plain: String = std::iter::once('+')
            .chain(t.chars().filter(char::is_ascii_digit))
            .collect();
        if is_e164(&plain) {
            return Some(plain);
        }
    }
    if let Some(e) = e164(t, region) {
        return Some(e);
    }
    looks_like_phone(t).then(|| t.chars().filter(char::is_ascii_digit).collect())
}

/// `+` then 7 to 15 digits, the first not 0.
pub fn is_e164(s: &str) -> bool {
    s.strip_prefix('+').is_some_and(|d| {
        (7..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('0')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_numbers_take_the_region() {
        assert_eq!(
            e164("0812-3456-7890", Some("ID")).as_deref(),
            Some("+6281234567890")
        );
        assert_eq!(
            e164("(415) 555-2671", Some("US")).as_deref(),
            Some("+14155552671")
        );
        assert_eq!(e164("0812-3456-7890", None), None);
    }

    #[test]
    fn international_numbers_keep_their_country() {
        assert_eq!(
            e164("+1 415 555 2671", Some("ID")).as_deref(),
            Some("+14155552671")
        );
        // As WhatsApp exports show a number: marks around it, a no-break space inside.
        assert_eq!(
            e164("\u{202A}+62\u{00A0}812-3456-7890\u{202C}", None).as_deref(),
            Some("+6281234567890")
        );
    }

    #[test]
    fn what_is_not_a_valid_number_is_none() {
        assert_eq!(e164("0812", Some("ID")), None);
        assert_eq!(e164("budi@tokomaju.id", Some("ID")), None);
        assert_eq!(e164("call me", Some("ID")), None);
        // The UK's range for drama: a number no one has.
        assert_eq!(e164("07700 900123", Some("GB")), None);
    }

    #[test]
    fn match_keys() {
        assert_eq!(
            match_key("+6281234567890", None).as_deref(),
            Some("+6281234567890")
        );
        assert_eq!(
            match_key("0812 3456 7890", Some("ID")).as_deref(),
            Some("+6281234567890")
        );
        assert_eq!(match_key("12-345", None).as_deref(), Some("12345"));
        assert_eq!(match_key("ext. five", None), None);
    }
}
