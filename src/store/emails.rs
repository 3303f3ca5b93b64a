//! The e-mail index, `.crm/cache/emails`: `email<TAB>id` lines, e-mails lower-cased,
//! sorted. Written with the customers' cache and kept current by crm's own writes, so
//! adding a customer need not read every customer to keep e-mails unique (an e-mail
//! hand-edited since the last read command is caught by `crm check`).

use std::path::{Path, PathBuf};

use super::cache::{write_quietly, DIR};

fn index_path(root: &Path) -> PathBuf {
    root.join(DIR).join("emails")
}

/// Writes the index of these (email, id) pairs.
pub fn write(root: &Path, mut pairs: Vec<(String, &str)>) {
    pairs.sort();
    let text: String = pairs.iter().map(|(e, i)| format!("{e}\t{i}\n")).collect();
    write_quietly(&index_path(root), &[text.as_bytes()]);
}

pub fn exists(root: &Path) -> bool {
    index_path(root).exists()
}

/// The `id` of the index line for `email` (lower-cased), other than `except`. The index
/// is scanned as text: no line is parsed into memory.
fn find<'t>(text: &'t str, email: &str, except: &str) -> Option<&'t str> {
    let needle = format!("{email}\t");
    let mut at = 0;
    while let Some(i) = text[at..].find(&needle) {
        let start = at + i;
        at = start + needle.len();
        if start > 0 && text.as_bytes()[start - 1] != b'\n' {
            continue;
        }
        let id = text[at..].split('\n').next().unwrap_or_default();
        if id != except {
            return Some(id);
        }
    }
    None
}

/// `Some(owner)` when the index answers (`None` inside: nobody else has it); `None`
/// when there is no index.
pub fn owner(root: &Path, email: &str, except: &str) -> Option<Option<String>> {
    let text = std::fs::read_to_string(index_path(root)).ok()?;
    Some(find(&text, &email.to_ascii_lowercase(), except).map(String::from))
}

/// Records a customer's e-mail (or its absence) in the index, if there is one.
pub fn update(root: &Path, id: &str, email: Option<&str>) {
    let Ok(text) = std::fs::read_to_string(index_path(root)) else {
        return;
    };
    let suffix = format!("\t{id}");
    let mut out: String = text
        .split_inclusive('\n')
        .filter(|l| !l.trim_end_matches('\n').ends_with(&suffix))
        .collect();
    if let Some(e) = email {
        out.push_str(&format!("{}\t{id}\n", e.to_ascii_lowercase()));
    }
    write_quietly(&index_path(root), &[out.as_bytes()]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_found_at_the_start_of_a_line_only() {
        let text = "a@x.io\tc-1\nxa@x.io\tc-2\nb@x.io\tc-3\n";
        assert_eq!(find(text, "a@x.io", ""), Some("c-1"));
        assert_eq!(find(text, "a@x.io", "c-1"), None);
        assert_eq!(find(text, "b@x.io", ""), Some("c-3"));
        assert_eq!(find(text, "x.io", ""), None);
    }
}
