//! Text compared without regard to case: Unicode's default case folding (not
//! lower-casing, which turns a word-final Σ into ς but a medial one into σ, and leaves ß
//! apart from ss).

/// `s` case-folded.
pub fn fold(s: &str) -> String {
    caseless::default_case_fold_str(s)
}

/// Whether two texts are the same but for case.
pub fn same(a: &str, b: &str) -> bool {
    a == b || fold(a) == fold(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_is_not_lower_casing() {
        assert!(fold("ΟΣΑ Ltd").contains(&fold("ΟΣ")));
        assert!(!"ΟΣΑ Ltd".to_lowercase().contains(&"ΟΣ".to_lowercase()));
        assert!(same("Señor@Example.COM", "SEÑOR@EXAMPLE.COM"));
        assert!(same("Straße", "STRASSE"));
        assert!(!same("a@x.co", "b@x.co"));
    }
}
