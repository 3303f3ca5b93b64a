//! Cells and text that other programs would act on: spreadsheet formulas in CSV and TSV,
//! terminal control sequences in tables and text, markup in Markdown.

use std::borrow::Cow;

/// What makes a spreadsheet run a cell as a formula: `= + - @`, a tab or a carriage
/// return first, and their full-width and small look-alikes, which spreadsheets of East
/// Asian locales read as the same operators.
const FORMULA_START: [char; 14] = [
    '=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠', '﹦', '﹢', '﹣', '﹫',
];

/// A cell a spreadsheet would run as a formula gets a leading `'`; numbers such as
/// `-5` are left as they are. A cell that already starts with `'` and a formula
/// character gets one more, so that [`unneutralise`] gives it back as it was.
pub fn neutralise(cell: &str) -> String {
    let risky = cell.starts_with(FORMULA_START) && cell.parse::<rust_decimal::Decimal>().is_err();
    let guarded_look = cell
        .strip_prefix('\'')
        .is_some_and(|rest| rest.starts_with(FORMULA_START) || rest.starts_with('\''));
    if risky || guarded_look {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// The columns (a path's last part: `phone`, `customer.phone`, `social.whatsapp`) that
/// hold phone numbers: text, whatever they look like. A spreadsheet
/// reads `+628120000000` as the number 628120000000, so these are guarded even where
/// they parse as numbers.
const PHONE_COLUMNS: [&str; 3] = ["phone", "phones", "whatsapp"];

/// [`neutralise`] for a cell of `column`: a phone column's `+62…` is guarded too.
pub fn neutralise_in(column: &str, cell: &str) -> String {
    let name = column.rsplit('.').next().unwrap_or(column);
    if PHONE_COLUMNS.contains(&name) && cell.starts_with(FORMULA_START) {
        format!("'{cell}")
    } else {
        neutralise(cell)
    }
}

/// Undoes [`neutralise`]: `'=x` reads as `=x`, `''=x` as `'=x`.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) || rest.starts_with("'") => {
            match rest.strip_prefix('\'') {
                // `''…` is neutralise's doubling only before a formula character or quote.
                Some(more) if !(more.starts_with(FORMULA_START) || more.starts_with('\'')) => cell,
                _ => rest,
            }
        }
        _ => cell,
    }
}

/// Whether a character would act on a terminal instead of showing: control characters
/// (C0 but the line break, DEL, C1: ESC starts the sequences that clear the screen,
/// set the window title or write the clipboard) and the bidirectional overrides that
/// make text read in another order than it is.
fn acts(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text for a terminal: each acting character shown as its escape (`\x1b`, `\u{202e}`).
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(acts) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !acts(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

/// A Markdown table cell or line of text that shows record data as text: no HTML, no
/// image or link, no @mention or pipe, whatever the record holds (a report goes to a
/// CI summary, where GitHub would render it).
pub fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in printable(s).chars() {
        match c {
            '\\' | '|' | '[' | ']' | '!' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push_str("<br>"),
            // A zero-width space keeps `@name` from mentioning anyone.
            '@' => out.push_str("@\u{200b}"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_and_their_look_alikes_are_neutralised_but_numbers_are_not() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+62 812"), "'+62 812");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("＝1+1"), "'＝1+1");
        assert_eq!(neutralise("﹫SUM(A1)"), "'﹫SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("-5"), "-5");
        assert_eq!(neutralise("Toko"), "Toko");
        // A phone is text, whatever it looks like.
        assert_eq!(neutralise("+628120000000"), "+628120000000");
        assert_eq!(neutralise_in("phone", "+628120000000"), "'+628120000000");
        assert_eq!(neutralise_in("customer.phone", "+62 811"), "'+62 811");
        assert_eq!(neutralise_in("social.whatsapp", "+62811"), "'+62811");
        assert_eq!(neutralise_in("value", "-5"), "-5");
        assert_eq!(unneutralise("'=1+1"), "=1+1");
        assert_eq!(unneutralise("'＝1"), "＝1");
        assert_eq!(unneutralise("'quoted"), "'quoted");
        // A leading ' that was in the data survives the round trip.
        for data in ["'=literal", "''=x", "'quoted", "'", "''"] {
            assert_eq!(unneutralise(&neutralise(data)), data, "{data}");
        }
    }

    #[test]
    fn terminal_sequences_and_markup_show_as_text() {
        assert_eq!(
            printable("a\u{1b}]52;c;ZXZpbA==\u{7}b\u{202e}c\nd"),
            "a\\x1b]52;c;ZXZpbA==\\x07b\\u{202e}c\nd"
        );
        assert_eq!(
            markdown_text("<img src=x> ![t](http://e/x.png) @team | a_b\n"),
            "&lt;img src=x&gt; \\!\\[t\\](http://e/x.png) @\u{200b}team \\| a_b<br>"
        );
    }
}
