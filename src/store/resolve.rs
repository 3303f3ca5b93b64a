//! Naming records on the command line: an exact id, a unique prefix of one, a customer's
//! e-mail (case-insensitive), or `TYPE/REF` to say which type is meant.

use std::fmt;

use crate::model::RecordType;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("no {} matches {reference:?}", Types(.types))]
    NotFound {
        reference: String,
        types: Vec<RecordType>,
    },
    /// The file of that id exists but cannot be read as a record.
    #[error("{reference:?} is {path}, which exists but cannot be read: {problem}")]
    Unreadable {
        reference: String,
        path: String,
        problem: String,
    },
    /// Two files of one type hold the id (a copy in a subfolder): crm cannot tell which
    /// is meant, and acting on the first would be a guess.
    #[error("id {id} is used by {}: {}; keep one (rename or remove the other; `crm check` lists such ids)", .paths.len(), .paths.join(" and "))]
    Duplicate { id: String, paths: Vec<String> },
    #[error("{reference:?} is ambiguous; it matches:\n{}", .candidates.join("\n"))]
    Ambiguous {
        reference: String,
        /// `TYPE/ID  title` lines, which can be pasted back as references.
        candidates: Vec<String>,
    },
}

struct Types<'a>(&'a [RecordType]);

impl fmt::Display for Types<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.len() == RecordType::ALL.len() {
            return f.write_str("record");
        }
        let names: Vec<&str> = self.0.iter().map(|t| t.singular()).collect();
        f.write_str(&names.join(" or "))
    }
}

/// Splits `deal/annual-plan` into its type and reference; other references keep all `types`.
pub fn split_typed(reference: &str, types: &[RecordType]) -> (Vec<RecordType>, String) {
    if let Some((t, rest)) = reference.split_once('/') {
        if let Some(ty) = RecordType::parse(t) {
            if types.contains(&ty) {
                return (vec![ty], rest.to_string());
            }
        }
    }
    (types.to_vec(), reference.to_string())
}

/// One candidate as listed in an ambiguity error.
pub fn candidate_line(ty: RecordType, id: &str, title: Option<&str>) -> String {
    match title {
        Some(t) => format!("  {ty}/{id}  {t}"),
        None => format!("  {ty}/{id}"),
    }
}
