//! One message read by `mail-parser` into what crm keeps of it: the addresses, the
//! moment, the subject, the thread and the plain text (an HTML-only body is turned into
//! text by the parser).

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};

/// An address, lower-cased, with the name shown beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub address: String,
    pub name: Option<String>,
}

/// What crm keeps of a message.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: Person,
    /// To and Cc, in order, each once.
    pub recipients: Vec<Person>,
    /// The Date header as RFC 3339 with its offset; `None` when missing or broken.
    pub date: Option<String>,
    pub subject: Option<String>,
    /// Without the angle brackets.
    pub message_id: Option<String>,
    /// In-Reply-To, then References: the messages this one answers.
    pub parents: Vec<String>,
    /// The plain text of the body.
    pub text: String,
    pub attachments: Vec<String>,
}

/// Why a message cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    #[error("not an e-mail message (no header fields)")]
    NoHeaders,
    #[error("the message's headers do not end (a truncated message?)")]
    Truncated,
    #[error("the message has no From address")]
    NoSender,
}

fn people(a: Option<&Address>) -> Vec<Person> {
    a.map(|a| {
        a.iter()
            .filter_map(|p| {
                let address = p.address()?.trim().to_lowercase();
                address.contains('@').then(|| Person {
                    address,
                    name: p
                        .name()
                        .map(|n| n.trim().to_string())
                        .filter(|n| !n.is_empty()),
                })
            })
            .collect()
    })
    .unwrap_or_default()
}

fn ids(v: &HeaderValue) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// Whether the text starts with a header field (`Name: value`).
pub fn looks_like_headers(bytes: &[u8]) -> bool {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    match first.iter().position(|b| *b == b':') {
        Some(colon) => {
            colon > 0
                && first[..colon]
                    .iter()
                    .all(|b| b.is_ascii_graphic() && *b != b':')
        }
        None => false,
    }
}

pub fn parse(bytes: &[u8]) -> Result<Mail, MailError> {
    if !looks_like_headers(bytes) {
        return Err(MailError::NoHeaders);
    }
    let header_end = bytes
        .windows(2)
        .position(|w| w == b"\n\n")
        .or_else(|| bytes.windows(4).position(|w| w == b"\r\n\r\n"));
    let message = MessageParser::default()
        .parse(bytes)
        .filter(|m| !m.headers().is_empty())
        .ok_or(MailError::NoHeaders)?;
    if header_end.is_none() && message.body_text(0).is_none_or(|t| t.trim().is_empty()) {
        return Err(MailError::Truncated);
    }
    let from = people(message.from())
        .into_iter()
        .next()
        .ok_or(MailError::NoSender)?;
    let mut recipients: Vec<Person> = Vec::new();
    for p in people(message.to()).into_iter().chain(people(message.cc())) {
        if !recipients.iter().any(|r| r.address == p.address) {
            recipients.push(p);
        }
    }
    let date = message.date().filter(|d| d.is_valid()).and_then(|d| {
        let sign = if d.tz_before_gmt { '-' } else { '+' };
        let text = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
            d.year, d.month, d.day, d.hour, d.minute, d.second, d.tz_hour, d.tz_minute
        )
        .replace("-00:00", "+00:00");
        chrono::DateTime::parse_from_rfc3339(&text)
            .ok()
            .map(|_| text)
    });
    let mut parents = ids(message.in_reply_to());
    for r in ids(message.references()) {
        if !parents.contains(&r) {
            parents.push(r);
        }
    }
    Ok(Mail {
        from,
        recipients,
        date,
        subject: message
            .subject()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty()),
        message_id: message.message_id().map(str::to_string),
        parents,
        text: message
            .body_text(0)
            .map(|t| t.replace("\r\n", "\n"))
            .unwrap_or_default(),
        attachments: message
            .attachments()
            .filter_map(|a| a.attachment_name().map(str::to_string))
            .collect(),
    })
}

/// The text a person wrote: quoted replies (`> …`, and everything from an
/// "On … wrote:" or "-----Original Message-----" line on) and the signature (from a
/// `-- ` line on) cut, blank runs squeezed.
pub fn own_words(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for line in text.lines() {
        let t = line.trim_end();
        let opening = t.trim_start();
        if t == "--" || t == "-- " || line == "-- " {
            break;
        }
        if opening.starts_with("-----Original Message-----")
            || (opening.starts_with("On ") && opening.ends_with("wrote:"))
        {
            break;
        }
        if opening.starts_with('>') {
            continue;
        }
        if t.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(t);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// The first `n` characters.
pub fn first_chars(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((at, _)) => text[..at].trim_end().to_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_replies_and_signatures_are_cut() {
        let text = "Thanks, we'll take 20 kg.\n\n\n> old text\nBest,\nBudi\n-- \nBudi, Toko Maju\n";
        assert_eq!(own_words(text), "Thanks, we'll take 20 kg.\n\nBest,\nBudi");
        let text = "Yes please.\n\nOn Mon, 30 Nov 2026 at 09:00, Sari <sari@ourco.test> wrote:\n> Shall we?\n";
        assert_eq!(own_words(text), "Yes please.");
        assert_eq!(first_chars("abcdef", 3), "abc");
        assert_eq!(first_chars("ab", 3), "ab");
    }

    #[test]
    fn encoded_words_and_the_date_offset_are_read() {
        let raw = b"From: =?UTF-8?B?QnVkaSBTYW50b3Nv?= <Budi@TokoMaju.id>\r\nTo: sari@ourco.test\r\nSubject: =?UTF-8?Q?Pesanan_kopi_=E2=98=95?=\r\nDate: Mon, 30 Nov 2026 09:15:00 +0700\r\nMessage-ID: <m1@tokomaju.id>\r\n\r\nHalo\r\n";
        let m = parse(raw).unwrap();
        assert_eq!(m.from.address, "budi@tokomaju.id");
        assert_eq!(m.from.name.as_deref(), Some("Budi Santoso"));
        assert_eq!(m.subject.as_deref(), Some("Pesanan kopi ☕"));
        assert_eq!(m.date.as_deref(), Some("2026-11-30T09:15:00+07:00"));
        assert_eq!(m.message_id.as_deref(), Some("m1@tokomaju.id"));
        assert_eq!(m.text, "Halo\n");
        assert_eq!(
            parse(b"just text, no headers").unwrap_err(),
            MailError::NoHeaders
        );
    }
}
