//! Customers as vCard 4.0 (RFC 6350), one card each, for a phone's contacts or `khard`.
//!
//! Written: FN and N (the name; N's family name is its last word), EMAIL (`email` with
//! PREF=1, then `emails`), TEL (`phone` with PREF=1, then `phones`), ORG (`company`),
//! ADR (city, region, country), NOTE, CATEGORIES (tags), X-SOCIALPROFILE per `social`
//! network, KIND:org for an organisation, UID = the crm id, REV = the record's last
//! change (its latest stage change, else its creation day). Text is escaped (`\\` `\,`
//! `\;` `\n`) and lines are folded at 75 octets, never inside a UTF-8 character, with
//! CRLF line ends, as the RFC says. What is written is what `crm import` reads back, so
//! an export imported again changes nothing.

use std::io::{self, Write};

use serde_yaml::Value;

use crate::model::contact::list;
use crate::model::Record;

/// Escapes a text value (RFC 6350 3.4): backslash, comma, semicolon, newline.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets (RFC 6350 3.2), CRLF-terminated.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        // A continuation line starts with one space, which counts towards its 75.
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

/// The record's last change: its latest stage change, else its creation day, as a
/// vCard timestamp (UTC, `20261201T093000Z`).
fn rev(r: &Record) -> Option<String> {
    let latest = match r.get("history") {
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|i| i.get("at").and_then(Value::as_str))
            .filter_map(crate::model::clock::parse_moment)
            .max(),
        _ => None,
    };
    match latest {
        Some(t) => Some(t.to_utc().format("%Y%m%dT%H%M%SZ").to_string()),
        None => r
            .str("created")
            .and_then(crate::model::clock::parse_date)
            .map(|d| d.format("%Y%m%dT000000Z").to_string()),
    }
}

/// One customer's card.
pub fn card(r: &Record) -> String {
    let mut t = String::new();
    let mut line = |s: String| t.push_str(&fold(&s));
    line("BEGIN:VCARD".into());
    line("VERSION:4.0".into());
    let name = r.str("name").unwrap_or(&r.id);
    if r.str("kind") == Some("organisation") {
        line("KIND:org".into());
    }
    line(format!("FN:{}", escape(name)));
    let (given, family) = match name.trim().rsplit_once(' ') {
        Some((g, f)) if r.str("kind") != Some("organisation") => (g, f),
        _ => ("", name.trim()),
    };
    line(format!("N:{};{};;;", escape(family), escape(given)));
    if let Some(e) = r.str("email") {
        line(format!("EMAIL;PREF=1:{}", escape(e)));
    }
    for e in list(r, "emails") {
        line(format!("EMAIL:{}", escape(e)));
    }
    if let Some(p) = r.str("phone") {
        line(format!("TEL;PREF=1:{}", escape(p)));
    }
    for p in list(r, "phones") {
        line(format!("TEL:{}", escape(p)));
    }
    if let Some(c) = r.str("company") {
        line(format!("ORG:{}", escape(c)));
    }
    let (city, region, country) = (r.str("city"), r.str("region"), r.str("country"));
    if city.is_some() || region.is_some() || country.is_some() {
        let e = |v: Option<&str>| v.map(escape).unwrap_or_default();
        line(format!("ADR:;;;{};{};;{}", e(city), e(region), e(country)));
    }
    if let Some(n) = r.str("notes") {
        line(format!("NOTE:{}", escape(n)));
    }
    let tags: Vec<&str> = list(r, "tags").collect();
    if !tags.is_empty() {
        let tags: Vec<String> = tags.iter().map(|t| escape(t)).collect();
        line(format!("CATEGORIES:{}", tags.join(",")));
    }
    if let Some(Value::Mapping(social)) = r.get("social") {
        for (k, v) in social {
            let (Some(network), Some(handle)) = (k.as_str(), crate::model::value::scalar_text(v))
            else {
                continue;
            };
            // The network is a parameter value: quoted when it holds what would end it.
            let network = if network.contains([';', ':', ',']) {
                format!("\"{}\"", network.replace('"', ""))
            } else {
                network.to_string()
            };
            line(format!(
                "X-SOCIALPROFILE;TYPE={network}:{}",
                escape(&handle)
            ));
        }
    }
    line(format!("UID:{}", escape(&r.id)));
    if let Some(rev) = rev(r) {
        line(format!("REV:{rev}"));
    }
    line("END:VCARD".into());
    t
}

/// Every customer's card, in the order given.
pub fn write_cards(out: &mut dyn Write, records: &[&Record]) -> io::Result<()> {
    for r in records {
        out.write_all(card(r).as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_at_75_octets_between_characters() {
        let long = format!("NOTE:{}", "é".repeat(40));
        let folded = fold(&long);
        let lines: Vec<&str> = folded.split("\r\n").collect();
        assert_eq!(lines[0].len(), 75);
        assert!(lines[1].starts_with(' '));
        assert!(lines.iter().all(|l| l.len() <= 75));
        assert_eq!(folded.replace("\r\n ", ""), format!("{long}\r\n"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
