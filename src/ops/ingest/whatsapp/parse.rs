//! WhatsApp's "Export chat" text, in the layouts phones write:
//!
//! - Android, 24-hour: `31/12/2025, 21:41 - Budi: text`
//! - Android, 12-hour: `12/31/25, 9:41 PM - Budi: text` (newer versions put U+202F,
//!   a narrow no-break space, before `PM`)
//! - iOS: `[31/12/25, 21.41.05] Budi: text` (or `21:41:05`, or `9:41:05 PM`), with a
//!   U+200E mark before lines that hold media or a notice
//!
//! A line that does not start with a date and time continues the message before it. A
//! line without `Name: ` (Android) or whose text starts with U+200E and is no media
//! (iOS) is a notice ("Messages and calls are end-to-end encrypted…", "Budi added
//! Sari"), not a message. `<Media omitted>`, "image omitted" and the like are messages
//! without text; `NAME (file attached)` and `<attached: NAME>` name their file.
//!
//! Dates are read in two passes: the day/month order is only known from the whole file
//! (a first field above 12 means day first), so the numbers are kept until it is.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::model::phone::{is_mark, unmarked};

/// The order of a date's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// 31/12/2025
    Dmy,
    /// 12/31/2025
    Mdy,
    /// 2025-12-31
    Ymd,
}

/// One message: its line, moment (local, as the phone showed it), sender, text and files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub line: usize,
    pub at: NaiveDateTime,
    pub sender: String,
    /// The text, lines joined with `\n`; for media without a caption, what the export
    /// wrote (`<Media omitted>`, `image omitted`).
    pub text: String,
    /// The files it came with, by name (when the export included media).
    pub files: Vec<String>,
}

/// A line that could not be read, with its 1-based number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Chat {
    pub messages: Vec<Message>,
    /// Notices: not messages, counted.
    pub notices: usize,
    pub bad: Vec<BadLine>,
    /// The order the dates were read in.
    pub order: Option<DateOrder>,
}

/// A line's date and time as written: three date fields, hour, minute, second, and
/// whether it said AM (false) or PM (true).
#[derive(Debug, Clone, Copy)]
struct Stamp {
    date: [u32; 3],
    /// Whether the first field had four digits (a year).
    year_first: bool,
    hour: u32,
    minute: u32,
    second: u32,
    pm: Option<bool>,
}

/// What a header line holds after its stamp.
enum Rest<'a> {
    /// `Name: text`
    Said(&'a str, &'a str),
    /// A notice.
    Notice,
}

struct Header<'a> {
    stamp: Stamp,
    /// The date as written, for messages.
    date_text: &'a str,
    rest: Rest<'a>,
}

/// Reads a run of 1 to `max` ASCII digits at the start of `s`.
fn number(s: &str, max: usize) -> Option<(u32, usize, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || n > max {
        return None;
    }
    Some((s[..n].parse().ok()?, n, &s[n..]))
}

/// `31/12/2025`, `12/31/25`, `31.12.25`, `2025-12-31`: the fields and what follows.
fn date(s: &str) -> Option<([u32; 3], bool, &str)> {
    let (a, a_len, s) = number(s, 4)?;
    let sep = s.chars().next().filter(|c| matches!(c, '/' | '.' | '-'))?;
    let (b, _, s) = number(&s[1..], 2)?;
    let s = s.strip_prefix(sep)?;
    let (c, c_len, s) = number(s, 4)?;
    if a_len == 3 || c_len == 3 || (a_len == 4 && c_len > 2) {
        return None;
    }
    // Some locales end the date with the separator ("31.12.25.").
    let s = s.strip_prefix('.').unwrap_or(s);
    Some(([a, b, c], a_len == 4, s))
}

/// The spaces a phone writes between parts of a stamp.
fn skip_space(s: &str) -> &str {
    s.trim_start_matches([' ', '\u{202F}', '\u{00A0}'])
}

/// `21:41`, `21.41.05`, `9:41 PM`, `9:41\u{202F}p.m.`: the time and what follows.
fn time(s: &str) -> Option<(u32, u32, u32, Option<bool>, &str)> {
    let (hour, _, s) = number(s, 2)?;
    let sep = s.chars().next().filter(|c| matches!(c, ':' | '.'))?;
    let (minute, m_len, mut s) = number(&s[1..], 2)?;
    if m_len != 2 {
        return None;
    }
    let mut second = 0;
    if let Some(rest) = s.strip_prefix(sep) {
        let (sec, s_len, rest) = number(rest, 2)?;
        if s_len != 2 {
            return None;
        }
        second = sec;
        s = rest;
    }
    let after = skip_space(s);
    for (word, pm) in [
        ("AM", false),
        ("PM", true),
        ("am", false),
        ("pm", true),
        ("a.m.", false),
        ("p.m.", true),
        ("a. m.", false),
        ("p. m.", true),
    ] {
        if let Some(rest) = after.strip_prefix(word) {
            return Some((hour, minute, second, Some(pm), rest));
        }
    }
    Some((hour, minute, second, None, s))
}

/// The stamp and the rest of a line that starts a message or notice, if it does.
fn header(line: &str) -> Option<Header<'_>> {
    let line = line.trim_start_matches(is_mark);
    let (bracketed, s) = match line.strip_prefix('[') {
        Some(s) => (true, s),
        None => (false, line),
    };
    let before = s;
    let (date, year_first, s) = date(s)?;
    let date_text = &before[..before.len() - s.len()];
    let s = s.strip_prefix(',').unwrap_or(s);
    let s = skip_space(s);
    let (hour, minute, second, pm, s) = time(s)?;
    let stamp = Stamp {
        date,
        year_first,
        hour,
        minute,
        second,
        pm,
    };
    let rest = if bracketed {
        s.strip_prefix("] ")?
    } else {
        skip_space(s).strip_prefix("- ")?
    };
    let rest = match rest.split_once(": ") {
        // A name is short and unquoted: "Budi changed the subject to "A: B"" is a notice.
        Some((who, text)) if !who.is_empty() && who.chars().count() <= 60 && !who.contains('"') => {
            let text_unmarked = text.trim_start_matches(is_mark);
            // iOS writes notices as the chat's own lines with a mark before the text.
            if bracketed && text.starts_with('\u{200E}') && media(text_unmarked).is_none() {
                Rest::Notice
            } else {
                Rest::Said(who, text)
            }
        }
        _ => Rest::Notice,
    };
    Some(Header {
        stamp,
        date_text,
        rest,
    })
}

/// What a message's text says of a file: `Some(name)` for a named file, `Some("")` for
/// media the export left out, `None` for text.
fn media(text: &str) -> Option<String> {
    let t = text.trim().trim_matches(is_mark);
    if let Some(name) = t
        .strip_prefix("<attached: ")
        .and_then(|s| s.strip_suffix('>'))
    {
        return Some(name.trim().to_string());
    }
    if let Some(name) = t.strip_suffix(" (file attached)") {
        return Some(name.trim().to_string());
    }
    const OMITTED: [&str; 9] = [
        "<Media omitted>",
        "image omitted",
        "video omitted",
        "audio omitted",
        "sticker omitted",
        "GIF omitted",
        "document omitted",
        "Contact card omitted",
        "<attached: omitted>",
    ];
    OMITTED.contains(&t).then(String::new)
}

/// The sender as a name to match: marks and the `~ ` WhatsApp puts before a name that
/// is not in the phone's contacts removed.
pub fn clean_sender(s: &str) -> String {
    let s = unmarked(s);
    s.trim().trim_start_matches('~').trim().to_string()
}

/// The date order the fields of a file's stamps show: a first field above 12 is a day,
/// a second above 12 is a day, a four-digit first field is a year. `Err` when the file
/// shows both day-first and month-first dates.
fn inferred_order(stamps: &[Stamp]) -> Result<Option<DateOrder>, String> {
    if stamps.iter().any(|s| s.year_first) {
        return Ok(Some(DateOrder::Ymd));
    }
    let day_first = stamps.iter().find(|s| s.date[0] > 12);
    let month_first = stamps.iter().find(|s| s.date[1] > 12);
    match (day_first, month_first) {
        (Some(a), Some(b)) => Err(format!(
            "the dates are written in two orders ({}/{} is day first, {}/{} month first)",
            a.date[0], a.date[1], b.date[0], b.date[1]
        )),
        (Some(_), None) => Ok(Some(DateOrder::Dmy)),
        (None, Some(_)) => Ok(Some(DateOrder::Mdy)),
        (None, None) => Ok(None),
    }
}

fn moment(s: &Stamp, date_text: &str, order: DateOrder) -> Result<NaiveDateTime, String> {
    let [a, b, c] = s.date;
    let (y, m, d) = match order {
        DateOrder::Dmy => (c, b, a),
        DateOrder::Mdy => (c, a, b),
        DateOrder::Ymd => (a, b, c),
    };
    let y = if y < 100 { 2000 + y } else { y };
    let day = i32::try_from(y)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
        .ok_or_else(|| {
            format!(
                "{date_text} is not a date (read as {})",
                match order {
                    DateOrder::Dmy => "day/month/year",
                    DateOrder::Mdy => "month/day/year",
                    DateOrder::Ymd => "year/month/day",
                }
            )
        })?;
    let hour = match s.pm {
        None => s.hour,
        Some(_) if s.hour == 0 || s.hour > 12 => u32::MAX,
        Some(false) => s.hour % 12,
        Some(true) => s.hour % 12 + 12,
    };
    let t = NaiveTime::from_hms_opt(hour, s.minute, s.second).ok_or_else(|| {
        format!(
            "{}:{:02}:{:02}{} is not a time of day",
            s.hour,
            s.minute,
            s.second,
            match s.pm {
                Some(true) => " PM",
                Some(false) => " AM",
                None => "",
            }
        )
    })?;
    Ok(day.and_time(t))
}

/// A line as the first pass keeps it.
enum Item<'a> {
    Head(usize, Header<'a>),
    More(usize, &'a str),
}

/// Reads a chat export. `fallback` is the order used when the file does not show one
/// (`--date-order`, else the folder's region).
pub fn parse(text: &str, fallback: DateOrder) -> Chat {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut chat = Chat::default();
    let mut items = Vec::new();
    // `lines`: LF or CRLF, and no empty line after the file's last line end.
    for (i, line) in text.lines().enumerate() {
        match header(line) {
            Some(h) => items.push(Item::Head(i + 1, h)),
            None => items.push(Item::More(i + 1, line)),
        }
    }
    let stamps: Vec<Stamp> = items
        .iter()
        .filter_map(|it| match it {
            Item::Head(_, h) => Some(h.stamp),
            Item::More(..) => None,
        })
        .collect();
    let order = match inferred_order(&stamps) {
        Ok(o) => o.unwrap_or(fallback),
        Err(m) => {
            chat.bad.push(BadLine {
                line: 1,
                message: m,
            });
            return chat;
        }
    };
    chat.order = Some(order);
    // Where continuation lines go: the message being read, or nowhere after a notice or
    // a bad line (the rest of a notice, or of a message that could not be read).
    let mut open = false;
    // Whether a stamped line was seen: text before the first is no chat's.
    let mut started = false;
    for it in items {
        match it {
            Item::Head(line, h) => {
                started = true;
                let at = match moment(&h.stamp, h.date_text, order) {
                    Ok(at) => at,
                    Err(message) => {
                        chat.bad.push(BadLine { line, message });
                        open = false;
                        continue;
                    }
                };
                match h.rest {
                    Rest::Notice => {
                        chat.notices += 1;
                        open = false;
                    }
                    Rest::Said(who, said) => {
                        let files = media(said).into_iter().filter(|f| !f.is_empty()).collect();
                        chat.messages.push(Message {
                            line,
                            at,
                            sender: clean_sender(who),
                            text: said.trim_start_matches(is_mark).to_string(),
                            files,
                        });
                        open = true;
                    }
                }
            }
            Item::More(line, text) => {
                if open {
                    let m = chat.messages.last_mut().expect("open means a message");
                    m.text.push('\n');
                    m.text.push_str(text);
                } else if !started && !text.trim().is_empty() {
                    chat.bad.push(BadLine {
                        line,
                        message: "not a line of a WhatsApp chat export (expected \"31/12/2025, 21:41 - Name: text\" or \"[31/12/25, 21:41:05] Name: text\")".into(),
                    });
                }
            }
        }
    }
    chat
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn android_24_hour() {
        let c = parse(
            "31/12/2025, 21:41 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.\n31/12/2025, 21:41 - Budi: Halo\nsecond line\n01/01/2026, 08:00 - Sari: <Media omitted>\n",
            DateOrder::Mdy,
        );
        assert_eq!(c.order, Some(DateOrder::Dmy));
        assert_eq!(c.notices, 1);
        assert_eq!(
            c.messages,
            vec![
                Message {
                    line: 2,
                    at: at("2025-12-31 21:41:00"),
                    sender: "Budi".into(),
                    text: "Halo\nsecond line".into(),
                    files: vec![]
                },
                Message {
                    line: 4,
                    at: at("2026-01-01 08:00:00"),
                    sender: "Sari".into(),
                    text: "<Media omitted>".into(),
                    files: vec![]
                },
            ]
        );
    }

    #[test]
    fn android_12_hour_with_narrow_spaces() {
        let c = parse(
            "12/31/25, 9:41\u{202F}PM - \u{202A}+62 812-3456-7890\u{202C}: Hi\n1/1/26, 12:05\u{202F}AM - Budi: IMG-20260101-WA0001.jpg (file attached)\n",
            DateOrder::Dmy,
        );
        assert_eq!(c.order, Some(DateOrder::Mdy));
        assert_eq!(c.messages[0].at, at("2025-12-31 21:41:00"));
        assert_eq!(c.messages[0].sender, "+62 812-3456-7890");
        assert_eq!(c.messages[1].at, at("2026-01-01 00:05:00"));
        assert_eq!(c.messages[1].files, vec!["IMG-20260101-WA0001.jpg"]);
    }

    #[test]
    fn ios_with_marks() {
        let c = parse(
            "[31/12/25, 21.41.05] Toko Maju: \u{200E}Messages and calls are end-to-end encrypted.\n\u{200E}[31/12/25, 21.42.00] Budi: \u{200E}image omitted\n[31/12/25, 21.43.10] Budi: \u{200E}<attached: 00000003-PHOTO-2025-12-31-21-43-10.jpg>\n",
            DateOrder::Mdy,
        );
        assert_eq!(c.notices, 1);
        assert_eq!(c.messages.len(), 2);
        assert_eq!(c.messages[0].text, "image omitted");
        assert_eq!(c.messages[0].at, at("2025-12-31 21:42:00"));
        assert_eq!(
            c.messages[1].files,
            vec!["00000003-PHOTO-2025-12-31-21-43-10.jpg"]
        );
    }

    #[test]
    fn order_falls_back_and_bad_lines_are_named() {
        // 05/06 could be either: the fallback decides.
        let c = parse("05/06/2026, 10:00 - Budi: a\n", DateOrder::Mdy);
        assert_eq!(c.messages[0].at, at("2026-05-06 10:00:00"));
        let c = parse(
            "junk first\n31/12/2025, 25:00 - Budi: a\ncontinued\n31/12/2025, 10:00 - Budi: b\n",
            DateOrder::Dmy,
        );
        assert_eq!(
            c.bad,
            vec![
                BadLine {
                    line: 1,
                    message: "not a line of a WhatsApp chat export (expected \"31/12/2025, 21:41 - Name: text\" or \"[31/12/25, 21:41:05] Name: text\")".into()
                },
                BadLine {
                    line: 2,
                    message: "25:00:00 is not a time of day".into()
                },
            ]
        );
        assert_eq!(c.messages.len(), 1);
        let c = parse(
            "31/12/2025, 10:00 - Budi: a\n12/31/2025, 10:00 - Budi: b\n",
            DateOrder::Dmy,
        );
        assert_eq!(
            c.bad[0].message,
            "the dates are written in two orders (31/12 is day first, 12/31 month first)"
        );
    }
}
