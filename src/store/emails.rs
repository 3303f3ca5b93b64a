//! The e-mail index, `.crm/cache/emails`: lines of `email<TAB>id`, e-mails lower-cased,
//! so that adding a customer need not read every customer to keep e-mails unique (an
//! e-mail hand-edited since the last read command is caught by `crm check`).
//!
//! Written whole, sorted, with the customers' cache; crm's own writes of a customer
//! append a line (`email<TAB>id`, or `<TAB>id` for a customer with no e-mail now or
//! removed) instead of rewriting the index: a later line for an id replaces the earlier
//! ones. Appends happen under the folder's write lock.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::cache::{write_quietly, DIR};
use super::guard;

fn index_path(root: &Path) -> PathBuf {
    root.join(DIR).join("emails")
}

/// Whether an e-mail can be a line of the index (a tab or a line break would make it
/// two fields or two lines; such an e-mail is invalid, and `crm check` says so).
fn fits(email: &str) -> bool {
    !email.contains(['\t', '\n', '\r'])
}

/// Writes the index of these (email, id) pairs.
pub fn write(root: &Path, mut pairs: Vec<(String, &str)>) {
    pairs.retain(|(e, _)| fits(e));
    pairs.sort();
    let text: String = pairs.iter().map(|(e, i)| format!("{e}\t{i}\n")).collect();
    write_quietly(root, &index_path(root), [text.as_bytes()]);
}

/// The index's text, if there is one that may be read (see [`guard`]).
fn read(root: &Path) -> Option<String> {
    use std::io::Read;
    if !guard::private_readable(root, DIR) {
        return None;
    }
    let mut file = guard::open_nofollow(OpenOptions::new().read(true), &index_path(root)).ok()?;
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    Some(text)
}

pub fn exists(root: &Path) -> bool {
    guard::private_readable(root, DIR)
        && std::fs::symlink_metadata(index_path(root)).is_ok_and(|m| m.is_file())
}

/// The id, other than `except`, whose current line holds `email` (lower-cased). The
/// index is searched as text: no line of it is parsed into memory.
fn find<'t>(text: &'t str, email: &str, except: &str) -> Option<&'t str> {
    let needle = format!("{email}\t");
    let mut at = 0;
    while let Some(i) = text[at..].find(&needle) {
        let start = at + i;
        at = start + needle.len();
        if start > 0 && text.as_bytes()[start - 1] != b'\n' {
            continue;
        }
        let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        let id = &text[at..end];
        // The current line unless a later one is about the same id.
        if id != except && !text[end..].contains(&format!("\t{id}\n")) {
            return Some(id);
        }
    }
    None
}

/// `Some(owner)` when the index answers (`None` inside: nobody else has it); `None`
/// when there is no index.
pub fn owner(root: &Path, email: &str, except: &str) -> Option<Option<String>> {
    let text = read(root)?;
    Some(find(&text, &email.to_ascii_lowercase(), except).map(String::from))
}

/// Records a customer's e-mail (or its absence) in the index, if there is one.
pub fn update(root: &Path, id: &str, email: Option<&str>) {
    let path = index_path(root);
    let email = email.map(str::to_ascii_lowercase).filter(|e| fits(e));
    if guard::private_dir(root, DIR).is_err() {
        return;
    }
    let Ok(mut file) = guard::open_nofollow(OpenOptions::new().append(true), &path) else {
        return;
    };
    let line = format!("{}\t{id}\n", email.unwrap_or_default());
    // A line that does not land leaves the index wrong: drop it (the next read of the
    // customers writes it anew).
    if file.write_all(line.as_bytes()).is_err() {
        let _ = std::fs::remove_file(&path);
    }
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

    #[test]
    fn a_later_line_replaces_an_ids_earlier_ones() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            vec![("a@x.io".into(), "c-1"), ("b@x.io".into(), "c-2")],
        );
        // c-1 changes its e-mail; c-2 loses its own; c-3 takes a@x.io.
        update(dir.path(), "c-1", Some("New@X.io"));
        update(dir.path(), "c-2", None);
        update(dir.path(), "c-3", Some("a@x.io"));
        let text = std::fs::read_to_string(index_path(dir.path())).unwrap();
        assert_eq!(
            text,
            "a@x.io\tc-1\nb@x.io\tc-2\nnew@x.io\tc-1\n\tc-2\na@x.io\tc-3\n"
        );
        let who = |e: &str| owner(dir.path(), e, "c-9").unwrap();
        assert_eq!(who("a@x.io").as_deref(), Some("c-3"));
        assert_eq!(who("NEW@x.io").as_deref(), Some("c-1"));
        assert_eq!(who("b@x.io"), None);
        // An id that ends another's is not that id (c-1 is not c-11).
        update(dir.path(), "c-11", None);
        assert_eq!(who("new@x.io").as_deref(), Some("c-1"));
        // No index, no answer.
        assert_eq!(owner(&dir.path().join("nowhere"), "a@x.io", ""), None);
        // An e-mail that cannot be a line is left out.
        write(dir.path(), vec![("t\tab@x.io".into(), "c-1")]);
        assert_eq!(std::fs::read_to_string(index_path(dir.path())).unwrap(), "");
    }
}
