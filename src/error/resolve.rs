//! Why a reference (`toko`, `deal/kopi-s`, an e-mail) names no single record.

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
    /// No record has the id, and one names it in its `merged` list.
    #[error("{ty} {id} was merged into {into} (`crm show {ty}/{into}`)")]
    Merged {
        ty: RecordType,
        id: String,
        into: String,
    },
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
