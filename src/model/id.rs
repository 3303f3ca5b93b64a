//! Record ids: `slug-xxxx`, a slug of the record's name plus four Crockford base32 characters.
//!
//! The random suffix keeps two branches of a shared folder from minting the same id.

use std::fmt;

/// Crockford's base32 alphabet, lower-cased (no i, l, o, u).
const CROCKFORD: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// The longest slug part of a generated id.
pub const MAX_SLUG: usize = 32;

/// Turns any name into an ASCII slug: transliterated, lower-case, words joined by `-`,
/// at most [`MAX_SLUG`] characters, cut at a word boundary where one is near.
/// May return an empty string (a name of punctuation only).
pub fn slugify(name: &str) -> String {
    let ascii = deunicode::deunicode(name).to_ascii_lowercase();
    let mut slug = String::new();
    for word in ascii.split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    if slug.len() > MAX_SLUG {
        let cut = &slug[..MAX_SLUG];
        // Prefer ending on a whole word, unless that leaves too little.
        slug = match cut.rfind('-') {
            Some(i) if i >= MAX_SLUG / 2 => cut[..i].to_string(),
            _ => cut.trim_end_matches('-').to_string(),
        };
    }
    slug
}

/// Generates id suffixes; seeded from `CRM_ID_SEED` when set so tests can force collisions.
pub struct IdGenerator {
    rng: fastrand::Rng,
}

impl IdGenerator {
    pub fn from_env() -> IdGenerator {
        match std::env::var("CRM_ID_SEED")
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
        {
            Some(seed) => IdGenerator::seeded(seed),
            None => IdGenerator {
                rng: fastrand::Rng::new(),
            },
        }
    }

    pub fn seeded(seed: u64) -> IdGenerator {
        IdGenerator {
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    pub fn suffix(&mut self) -> String {
        (0..4)
            .map(|_| CROCKFORD[self.rng.usize(..32)] as char)
            .collect()
    }

    /// A fresh id for a record named `name`; `fallback` (the type's name) stands in for
    /// a name that slugs to nothing.
    pub fn id_for(&mut self, name: &str, fallback: &str) -> String {
        let slug = slugify(name);
        let slug = if slug.is_empty() { fallback } else { &slug };
        format!("{slug}-{}", self.suffix())
    }
}

/// A stable id for a record that has no id of its own yet: the slug of its name and
/// four characters of a hash of `key` (FNV-1a, fixed across runs and platforms), so
/// importing the same row twice names the same record.
pub fn stable_id(name: &str, fallback: &str, key: &str) -> String {
    let suffix = hash_chars(key, 4);
    let slug = slugify(name);
    let slug = if slug.is_empty() { fallback } else { &slug };
    format!("{slug}-{suffix}")
}

/// `n` (at most 12) Crockford characters of the FNV-1a hash of `key`.
fn hash_chars(key: &str, n: usize) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (0..n.min(12))
        .map(|i| CROCKFORD[((h >> (i * 5)) & 31) as usize] as char)
        .collect()
}

/// The id of a record that comes from outside with a key of its own (an e-mail's
/// Message-ID): `prefix-` and twelve characters of the key's hash (60 bits: a clash
/// among a million keys is a one-in-a-million chance), the same on every run.
pub fn keyed_id(prefix: &str, key: &str) -> String {
    format!("{prefix}-{}", hash_chars(key, 12))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InvalidId(pub String);

impl fmt::Display for InvalidId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid id {:?}: an id is lower-case letters, digits and '-', and starts with a letter or digit",
            self.0
        )
    }
}

/// Ids match `[a-z0-9][a-z0-9-]*`: never empty, never a path, never an option.
pub fn check_id(id: &str) -> Result<(), InvalidId> {
    let mut chars = id.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(InvalidId(id.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Toko Maju"), "toko-maju");
        assert_eq!(slugify("  --Acme, Inc.!  "), "acme-inc");
        assert_eq!(slugify("Café Ümlaut"), "cafe-umlaut");
        assert_eq!(slugify("!!!"), "");
        assert_eq!(slugify("Москва"), "moskva");
        assert_eq!(
            slugify("The Very Long Company Name Of Greater Jakarta Region"),
            "the-very-long-company-name-of"
        );
    }

    #[test]
    fn ids_are_always_well_formed() {
        let mut g = IdGenerator::seeded(7);
        for name in [
            "Toko Maju",
            "-leading dash",
            "???",
            "",
            "東京",
            "مرحبا",
            "🙂🙂",
            "a/../../etc",
            &"x".repeat(200),
        ] {
            let id = g.id_for(name, "customer");
            check_id(&id).unwrap_or_else(|e| panic!("{name:?}: {e}"));
            assert!(!id.starts_with('-'));
            let suffix = &id[id.len() - 4..];
            assert!(suffix.bytes().all(|b| CROCKFORD.contains(&b)), "{id}");
            assert_eq!(&id[id.len() - 5..id.len() - 4], "-");
            assert!(id.len() <= MAX_SLUG + 5, "{id}");
        }
        assert!(g.id_for("!!!", "customer").starts_with("customer-"));
    }

    #[test]
    fn stable_ids_are_stable() {
        assert_eq!(
            stable_id("Annual plan", "deal", "k"),
            stable_id("Annual plan", "deal", "k")
        );
        assert_ne!(
            stable_id("Annual plan", "deal", "k"),
            stable_id("Annual plan", "deal", "j")
        );
        check_id(&stable_id("", "deal", "k")).unwrap();
        assert!(stable_id("", "deal", "k").starts_with("deal-"));
    }

    #[test]
    fn check_id_rejects_paths_and_options() {
        for bad in ["", "-x", "../x", "a/b", "A", "a b", "a.yaml", "é"] {
            assert!(check_id(bad).is_err(), "{bad:?}");
        }
        check_id("toko-maju-k7q2").unwrap();
        check_id("9lives").unwrap();
    }
}
