//! Naming records on the command line: an exact id, a unique prefix of one, a customer's
//! e-mail (case-insensitive), or `TYPE/REF` to say which type is meant.

use crate::model::RecordType;

pub use crate::error::ResolveError;

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
