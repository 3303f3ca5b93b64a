//! Reading vCards (2.1, 3.0 and 4.0; RFC 6350 and the older vCard 2.1 and RFC 2426) into
//! import rows, one per card, each cell named like the field it goes to.
//!
//! No crate reads all three versions with the line of each problem (calcard and vcard4
//! parse 3.0/4.0 to their own models, without positions), so the line format is here,
//! and fuzzed: content lines unfolded (a line starting with a space or tab continues
//! the one before, that one character removed), vCard 2.1's quoted-printable values
//! (soft line breaks `=` at a line's end) decoded in their `CHARSET`, parameters as
//! `TYPE=cell,voice`, `"quoted"` or 2.1's bare `;CELL`, and text values unescaped
//! (`\,` `\;` `\\` `\n`) after compound values (N, ADR, ORG) are split at unescaped `;`.
//!
//! The mapping: FN → name (else N's given, middle and family names); the first EMAIL
//! (the one marked PREF or TYPE=pref first) → email, the others → emails; TEL likewise →
//! phone and phones (stored in E.164 by the importer); ORG → company (or the name of a
//! card with no person's name); ADR → city, region, country; NOTE → notes; CATEGORIES →
//! tags; X-SOCIALPROFILE;TYPE=network → social.network (its `x-user` when given, else
//! the value); IMPP `scheme:handle` → social.scheme. UID → id, kept only when it is a
//! customer's id here (an export of crm, imported back); other properties are not read.

use super::read::{In, Row};
use crate::error::{ImportErrors, RowError};

/// One content line: where it starts, its name (upper-cased), parameters (names
/// upper-cased; values as written) and value (quoted-printable decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    pub line: usize,
    pub name: String,
    pub params: Vec<(String, Vec<String>)>,
    pub value: String,
}

impl Property {
    fn param<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.params
            .iter()
            .filter(move |(n, _)| n == name)
            .flat_map(|(_, v)| v.iter().map(String::as_str))
    }

    /// Whether TYPE (or 2.1's bare parameter) holds `word`, in any case, or PREF is set.
    fn preferred(&self) -> bool {
        self.param("TYPE").any(|t| t.eq_ignore_ascii_case("pref"))
            || self.param("PREF").next().is_some()
    }
}

/// One card: the line of its BEGIN and its properties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub line: usize,
    pub properties: Vec<Property>,
}

/// A problem with its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VcardError {
    pub line: usize,
    pub message: String,
}

fn err(line: usize, message: impl Into<String>) -> VcardError {
    VcardError {
        line,
        message: message.into(),
    }
}

/// The most cards a file may hold, and the longest logical line: an address book of a
/// hundred thousand contacts fits; a hostile file does not make crm hold more.
const MAX_CARDS: usize = 1_000_000;
const MAX_LINE_BYTES: usize = 1 << 20;

/// Physical lines joined into logical ones, each with the line it starts on.
fn unfold(text: &str) -> Result<Vec<(usize, String)>, VcardError> {
    let mut out: Vec<(usize, String)> = Vec::new();
    // Whether the logical line being built is quoted-printable and ended with `=`.
    let mut soft_break = false;
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let n = i + 1;
        if soft_break {
            let last = out.last_mut().expect("a soft break follows a line");
            last.1.pop();
            last.1.push_str(line);
        } else if let (Some(rest), Some(last)) = (
            line.strip_prefix(' ').or_else(|| line.strip_prefix('\t')),
            out.last_mut(),
        ) {
            last.1.push_str(rest);
        } else if line.is_empty() {
            continue;
        } else {
            out.push((n, line.to_string()));
        }
        let last = out.last().expect("a line was pushed or extended");
        if last.1.len() > MAX_LINE_BYTES {
            return Err(err(
                last.0,
                format!("a line of more than {MAX_LINE_BYTES} bytes"),
            ));
        }
        soft_break = last.1.ends_with('=') && is_quoted_printable(&last.1);
    }
    Ok(out)
}

/// Whether a logical line's parameters say ENCODING=QUOTED-PRINTABLE (or 2.1's bare
/// `;QUOTED-PRINTABLE`).
fn is_quoted_printable(line: &str) -> bool {
    let head = match line.find(':') {
        Some(at) => &line[..at],
        None => line,
    };
    head.split(';').skip(1).any(|p| {
        let v = p.rsplit('=').next().unwrap_or(p);
        v.trim_matches('"').eq_ignore_ascii_case("quoted-printable")
    })
}

/// Splits `s` at `sep` outside double quotes.
fn split_unquoted(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c == sep && !quoted => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

fn parse_line(line: usize, text: &str) -> Result<Property, VcardError> {
    // The first `:` outside quotes ends the name and parameters.
    let mut quoted = false;
    let colon = text
        .char_indices()
        .find(|(_, c)| {
            if *c == '"' {
                quoted = !quoted;
            }
            *c == ':' && !quoted
        })
        .map(|(i, _)| i)
        .ok_or_else(|| {
            err(
                line,
                format!("not a vCard line (NAME:VALUE): {}", shown(text)),
            )
        })?;
    let (head, value) = (&text[..colon], &text[colon + 1..]);
    let mut parts = split_unquoted(head, ';').into_iter();
    let name = parts.next().unwrap_or_default();
    // A group (`item1.TEL`) is dropped: it only ties properties together.
    let name = name
        .rsplit('.')
        .next()
        .unwrap_or(name)
        .trim()
        .to_ascii_uppercase();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(err(
            line,
            format!("{} is not a property name", shown(&name)),
        ));
    }
    let mut params = Vec::new();
    for p in parts {
        let (k, v) = match p.split_once('=') {
            Some((k, v)) => (k.trim().to_ascii_uppercase(), v),
            // vCard 2.1: `;CELL`, `;QUOTED-PRINTABLE`, `;UTF-8`.
            None => {
                let v = p.trim();
                let k = if v.eq_ignore_ascii_case("quoted-printable")
                    || v.eq_ignore_ascii_case("base64")
                {
                    "ENCODING"
                } else {
                    "TYPE"
                };
                (k.to_string(), v)
            }
        };
        let values = split_unquoted(v, ',')
            .into_iter()
            .map(|x| x.trim().trim_matches('"').to_string())
            .collect();
        params.push((k, values));
    }
    let mut prop = Property {
        line,
        name,
        params,
        value: value.to_string(),
    };
    let encoding = prop.param("ENCODING").next().map(str::to_ascii_lowercase);
    match encoding.as_deref() {
        Some("quoted-printable") => {
            let bytes = quoted_printable(value).map_err(|m| err(line, m))?;
            let charset = prop.param("CHARSET").next().unwrap_or("UTF-8").to_string();
            prop.value = decode_charset(&bytes, &charset).map_err(|m| err(line, m))?;
        }
        // Photos and keys: not read, kept out of the text.
        Some("b" | "base64") => prop.value.clear(),
        _ => {}
    }
    Ok(prop)
}

fn shown(s: &str) -> String {
    let short: String = s.chars().take(40).collect();
    format!("{short:?}")
}

/// `=E5=B1` and soft line breaks already joined: the bytes.
fn quoted_printable(s: &str) -> Result<Vec<u8>, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            let hex = |c: u8| (c as char).to_digit(16);
            match (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            ) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                }
                // A lone `=` at the very end (a soft break with nothing after it).
                _ if i + 1 == b.len() => i += 1,
                _ => {
                    return Err(format!(
                        "{} is not quoted-printable (= must be followed by two hex digits)",
                        shown(&s[i..])
                    ))
                }
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(out)
}

fn decode_charset(bytes: &[u8], charset: &str) -> Result<String, String> {
    let enc = encoding_rs::Encoding::for_label(charset.trim().as_bytes())
        .ok_or_else(|| format!("{} is not a character set crm knows", shown(charset)))?;
    let (text, _, bad) = enc.decode(bytes);
    if bad {
        return Err(format!("the value is not {charset} text"));
    }
    Ok(text.into_owned())
}

/// Splits a text value at unescaped `sep` and unescapes each part (`\n` `\,` `\;` `\\`).
pub fn components(value: &str, sep: char) -> Vec<String> {
    split_escaped(value, Some(sep))
}

/// A text value unescaped, whole.
pub fn text_value(value: &str) -> String {
    split_escaped(value, None).remove(0)
}

fn split_escaped(value: &str, sep: Option<char>) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => parts.last_mut().expect("one part").push('\n'),
                Some(o) => parts.last_mut().expect("one part").push(o),
                None => parts.last_mut().expect("one part").push('\\'),
            },
            c if Some(c) == sep => parts.push(String::new()),
            c => parts.last_mut().expect("one part").push(c),
        }
    }
    parts
}

/// The cards of a file, in order.
pub fn parse_cards(text: &str) -> Result<Vec<Card>, VcardError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut cards = Vec::new();
    let mut open: Option<Card> = None;
    for (line, l) in unfold(text)? {
        let p = parse_line(line, &l)?;
        match (p.name.as_str(), &mut open) {
            ("BEGIN", None) if p.value.trim().eq_ignore_ascii_case("vcard") => {
                if cards.len() == MAX_CARDS {
                    return Err(err(line, format!("more than {MAX_CARDS} cards")));
                }
                open = Some(Card {
                    line,
                    properties: Vec::new(),
                });
            }
            ("BEGIN", Some(c)) => {
                return Err(err(
                    line,
                    format!(
                        "BEGIN inside the card that starts on line {} (a missing END:VCARD?)",
                        c.line
                    ),
                ))
            }
            ("END", Some(_)) if p.value.trim().eq_ignore_ascii_case("vcard") => {
                cards.push(open.take().expect("matched Some"));
            }
            (_, Some(c)) => c.properties.push(p),
            (_, None) => {
                return Err(err(line, "a line outside BEGIN:VCARD … END:VCARD"));
            }
        }
    }
    if let Some(c) = open {
        return Err(err(c.line, "this card has no END:VCARD"));
    }
    Ok(cards)
}

/// One cell of a card's row: the field it goes to, its value, and the line of the
/// property it came from (for messages).
pub type Cell = (String, String, usize);

/// A card as an import row: cells named like the fields they go to.
#[expect(
    clippy::too_many_lines,
    reason = "one mapping per property, in the order the module's comment gives"
)]
pub fn card_cells(card: &Card) -> Vec<Cell> {
    let mut cells: Vec<Cell> = Vec::new();
    // Values as written (a note keeps its spaces); empty ones are no value.
    let mut put = |k: &str, v: String, line: usize| {
        if !v.trim().is_empty() {
            cells.push((k.to_string(), v, line));
        }
    };
    let props = |name: &'static str| card.properties.iter().filter(move |p| p.name == name);
    let fn_name = props("FN")
        .map(|p| (text_value(&p.value), p.line))
        .find(|(v, _)| !v.trim().is_empty());
    let n_name = props("N").next().map(|p| {
        let c = components(&p.value, ';');
        let part = |i: usize| c.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
        let name = [part(1), part(2), part(0)]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        (name, p.line)
    });
    if let Some((n, line)) = fn_name.or(n_name).filter(|(n, _)| !n.trim().is_empty()) {
        put("name", n, line);
    }
    // The preferred first, else in the card's order.
    let ordered = |name: &'static str| {
        let mut v: Vec<&Property> = props(name).collect();
        v.sort_by_key(|p| !p.preferred());
        v.into_iter()
            .map(|p| (text_value(&p.value).trim().to_string(), p.line))
            .filter(|(s, _)| !s.is_empty())
            .collect::<Vec<_>>()
    };
    // A list's cell is at the line of its first item.
    let mut list = |field: &str, items: &[(String, usize)]| {
        if let Some((_, line)) = items.first() {
            let joined: Vec<&str> = items.iter().map(|(v, _)| v.as_str()).collect();
            put(field, joined.join(";"), *line);
        }
    };
    let mut emails = ordered("EMAIL");
    emails.dedup_by(|a, b| a.0.eq_ignore_ascii_case(&b.0));
    if let Some((first, rest)) = emails.split_first() {
        list("email", std::slice::from_ref(first));
        list("emails", rest);
    }
    // `tel:+62…` (4.0's URI form) is the number.
    let tels: Vec<(String, usize)> = ordered("TEL")
        .into_iter()
        .map(|(t, l)| (t.strip_prefix("tel:").unwrap_or(&t).to_string(), l))
        .collect();
    if let Some((first, rest)) = tels.split_first() {
        list("phone", std::slice::from_ref(first));
        list("phones", rest);
    }
    if let Some(org) = props("ORG").next() {
        put("Company", components(&org.value, ';').remove(0), org.line);
    }
    if let Some(adr) = props("ADR").next() {
        let c = components(&adr.value, ';');
        let part = |i: usize| c.get(i).cloned().unwrap_or_default();
        put("city", part(3), adr.line);
        put("region", part(4), adr.line);
        put("country", part(6), adr.line);
    }
    if let Some(note) = props("NOTE").next() {
        put("notes", text_value(&note.value), note.line);
    }
    let tags: Vec<(String, usize)> = props("CATEGORIES")
        .flat_map(|p| {
            components(&p.value, ',')
                .into_iter()
                .map(move |t| (t, p.line))
        })
        .map(|(t, l)| (t.trim().to_string(), l))
        .filter(|(t, _)| !t.is_empty())
        .collect();
    if let Some((_, line)) = tags.first() {
        let joined: Vec<&str> = tags.iter().map(|(t, _)| t.as_str()).collect();
        put("tags", joined.join(";"), *line);
    }
    for p in props("X-SOCIALPROFILE") {
        let Some(network) = p.param("TYPE").next().map(str::to_lowercase) else {
            continue;
        };
        let handle = p
            .param("X-USER")
            .next()
            .map(String::from)
            .unwrap_or_else(|| text_value(&p.value));
        put(&format!("social.{network}"), handle, p.line);
    }
    for p in props("IMPP") {
        let v = text_value(&p.value);
        if let Some((scheme, handle)) = v.split_once(':') {
            let network = scheme.trim().to_lowercase();
            if !network.is_empty() && network.bytes().all(|b| b.is_ascii_alphanumeric()) {
                put(
                    &format!("social.{network}"),
                    handle.trim_start_matches("//").to_string(),
                    p.line,
                );
            }
        }
    }
    if let Some(uid) = props("UID").next() {
        put("id", text_value(&uid.value), uid.line);
    }
    cells
}

/// The rows of a vCard file, each at its card's BEGIN line.
pub(super) fn read_rows(text: &str, source: &str) -> Result<Vec<Row>, ImportErrors> {
    let cards = parse_cards(text).map_err(|e| ImportErrors {
        source: source.to_string(),
        errors: vec![RowError {
            line: e.line,
            column: 1,
            message: e.message,
        }],
    })?;
    Ok(cards
        .iter()
        .map(|c| {
            let cells = card_cells(c);
            Row {
                line: c.line,
                lines: cells.iter().map(|(_, _, l)| *l).collect(),
                // The "column" of a card's cell is its place in the row, 1-based: the
                // line of its property is found by it (see [`Row::at`]).
                cells: cells
                    .into_iter()
                    .enumerate()
                    .map(|(i, (k, v, _))| (i + 1, k, In::Json(serde_json::Value::String(v))))
                    .collect(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(card: &Card) -> Vec<(String, String)> {
        card_cells(card)
            .into_iter()
            .map(|(k, v, _)| (k, v))
            .collect()
    }

    #[test]
    fn v21_quoted_printable_in_its_charset() {
        let text = "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=53=61=6E=74=6F=73=6F;=42=75=64=69;;;\r\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=42=75=64=69=20=53=61=6E=74=6F=73=6F=20=\r\n=E2=98=95\r\nTEL;CELL:0812-3456-7890\r\nNOTE;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:caf=E9\r\nEND:VCARD\r\n";
        let cards = parse_cards(text).unwrap();
        assert_eq!(
            fields(&cards[0]),
            vec![
                ("name".to_string(), "Budi Santoso ☕".to_string()),
                ("phone".to_string(), "0812-3456-7890".to_string()),
                ("notes".to_string(), "café".to_string()),
            ]
        );
    }

    #[test]
    fn folding_escapes_and_types() {
        let text = "BEGIN:VCARD\nVERSION:4.0\nFN:Toko Maju\\, Jakarta\nEMAIL;TYPE=work:a@x.co\nEMAIL;PREF=1:B@X.co\nTEL;VALUE=uri;TYPE=\"cell,voice\":tel:+62-812-3456-7890\nADR;TYPE=work:;;Jl. Sudirman 1;Jakarta;DKI;10220;Indonesia\nNOTE:line one\\nline two\\; still\n  two\nCATEGORIES:vip,retail\nX-SOCIALPROFILE;TYPE=instagram:@tokomaju\nIMPP:whatsapp:+6281234567890\nEND:VCARD\n";
        let cards = parse_cards(text).unwrap();
        assert_eq!(
            fields(&cards[0]),
            [
                ("name", "Toko Maju, Jakarta"),
                ("email", "B@X.co"),
                ("emails", "a@x.co"),
                ("phone", "+62-812-3456-7890"),
                ("city", "Jakarta"),
                ("region", "DKI"),
                ("country", "Indonesia"),
                ("notes", "line one\nline two; still two"),
                ("tags", "vip;retail"),
                ("social.instagram", "@tokomaju"),
                ("social.whatsapp", "+6281234567890"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
        );
    }

    #[test]
    fn a_value_holding_nul_is_kept_whole() {
        // Found by the fuzzer (tests/fuzz/vcard_reader-nul-in-a-value.vcf): unescaping
        // once split a value at NUL.
        assert_eq!(text_value("a\u{0}b\\,c"), "a\u{0}b,c");
        assert_eq!(text_value("\u{1}\u{0}di"), "\u{1}\u{0}di");
    }

    #[test]
    fn problems_name_their_line() {
        assert_eq!(
            parse_cards("BEGIN:VCARD\nFN:A\nBEGIN:VCARD\n").unwrap_err(),
            err(
                3,
                "BEGIN inside the card that starts on line 1 (a missing END:VCARD?)"
            )
        );
        assert_eq!(
            parse_cards("BEGIN:VCARD\nFN:A\n").unwrap_err(),
            err(1, "this card has no END:VCARD")
        );
        assert_eq!(
            parse_cards("BEGIN:VCARD\nFN;ENCODING=QUOTED-PRINTABLE:=ZZ\nEND:VCARD\n").unwrap_err(),
            err(
                2,
                "\"=ZZ\" is not quoted-printable (= must be followed by two hex digits)"
            )
        );
        assert_eq!(
            parse_cards("BEGIN:VCARD\njust text\nEND:VCARD\n").unwrap_err(),
            err(2, "not a vCard line (NAME:VALUE): \"just text\"")
        );
    }
}
