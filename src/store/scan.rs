//! What YAML means to other tools but not to crm, found in a record's text before it is
//! used: tags and merge keys.
//!
//! - A tag (`!shell x`, `!!python/object/apply:os.system [...]`) asks a loader to build
//!   an object. The YAML parser crm uses keeps a local tag (`!x`) on the value but drops
//!   a `!!` tag it does not know, so the same file would read as a list in one command
//!   and as text in another. Such a record is refused, with the tag's line and column,
//!   by every reader. The core schema's own tags (`!!str`, `!!int`, …) only say what a
//!   scalar already is, and are fine.
//! - A merge key (`<<: *base`) is YAML 1.1: PyYAML and yq merge the fields in, crm's
//!   YAML 1.2 parser would keep a field named `<<`. Refused too.
//!
//! The check reads the parser's own tokens (the scanner of libyaml, which yaml_serde
//! parses with), so quoted text, comments and block scalars are never mistaken for
//! either. It runs only on text holding a `!` or a `<<`.

use std::mem::MaybeUninit;

use libyaml_rs as sys;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// A tag other than the core schema's, as written (`!!python/object/apply:os.system`).
    Tag {
        line: usize,
        column: usize,
        tag: String,
    },
    MergeKey {
        line: usize,
        column: usize,
    },
}

impl Refused {
    /// 1-based line and column.
    pub fn at(&self) -> (usize, usize) {
        match self {
            Refused::Tag { line, column, .. } | Refused::MergeKey { line, column } => {
                (*line, *column)
            }
        }
    }

    pub fn message(&self) -> String {
        match self {
            Refused::Tag { tag, .. } => format!(
                "the YAML tag {tag} means nothing to crm (other tools would build an object from it); remove it, or quote the value to keep it as text"
            ),
            Refused::MergeKey { .. } => {
                "merge keys (<<: *name) are YAML 1.1, and tools disagree on them; write the fields out".into()
            }
        }
    }
}

/// The core schema's tags, which only restate a scalar's or a collection's kind.
const CORE: [&str; 7] = ["str", "int", "float", "bool", "null", "seq", "map"];

/// The first tag or merge key in `text`, if any. Text that does not scan stops the
/// search (the YAML parser then reports the error itself).
pub fn refused(text: &[u8]) -> Option<Refused> {
    if !text.contains(&b'!') && !text.windows(2).any(|w| w == b"<<") {
        return None;
    }
    let mut parser = Box::new(MaybeUninit::<sys::yaml_parser_t>::uninit());
    // SAFETY: the parser is initialised before use and deleted once, below; the input
    // outlives it (it is borrowed for this whole function); every token scanned is
    // deleted before the next one, and read only as its type says it may be.
    unsafe {
        let p = parser.as_mut_ptr();
        if sys::yaml_parser_initialize(p).fail {
            return None;
        }
        sys::yaml_parser_set_input_string(p, text.as_ptr(), text.len() as _);
        let mut after_key = false;
        let found = loop {
            let mut token = MaybeUninit::<sys::yaml_token_t>::uninit();
            if sys::yaml_parser_scan(p, token.as_mut_ptr()).fail {
                break None;
            }
            let token = token.assume_init_mut();
            let kind = token.type_;
            let (line, column) = (
                token.start_mark.line as usize + 1,
                token.start_mark.column as usize + 1,
            );
            let found = if kind == sys::YAML_TAG_TOKEN {
                let tag = token.data.tag;
                let handle = c_text(tag.handle);
                let suffix = c_text(tag.suffix);
                let core = (handle == "!!" && CORE.contains(&suffix.as_str()))
                    || (handle.is_empty() && suffix == "!");
                (!core).then(|| Refused::Tag {
                    line,
                    column,
                    tag: format!("{handle}{suffix}"),
                })
            } else if kind == sys::YAML_SCALAR_TOKEN && after_key {
                // Quoted or tagged too: crm writes keys plain, and a key `<<` written
                // back plain would be a merge key (a file crm could not read again).
                let s = token.data.scalar;
                let value = std::slice::from_raw_parts(s.value, s.length as usize);
                (value == b"<<").then_some(Refused::MergeKey { line, column })
            } else {
                None
            };
            // A key's tag or anchor comes between the key token and its scalar.
            after_key = kind == sys::YAML_KEY_TOKEN
                || (after_key && (kind == sys::YAML_TAG_TOKEN || kind == sys::YAML_ANCHOR_TOKEN));
            let end = kind == sys::YAML_STREAM_END_TOKEN;
            sys::yaml_token_delete(token);
            if found.is_some() || end {
                break found;
            }
        };
        sys::yaml_parser_delete(p);
        found
    }
}

/// A NUL-terminated string of libyaml's, as text.
///
/// # Safety
/// `p` is null or points to a NUL-terminated string.
unsafe fn c_text(p: *const u8) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: the caller's promise.
    unsafe { std::ffi::CStr::from_ptr(p.cast()) }
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_merge_keys_are_found_where_they_are() {
        assert_eq!(
            refused(b"a: 1\nb: !!python/object/apply:os.system [echo]\n"),
            Some(Refused::Tag {
                line: 2,
                column: 4,
                tag: "!!python/object/apply:os.system".into()
            })
        );
        assert_eq!(
            refused(b"notes: !shell \"rm -rf ~\"\n"),
            Some(Refused::Tag {
                line: 1,
                column: 8,
                tag: "!shell".into()
            })
        );
        assert_eq!(
            refused(b"base: &b {c: 1}\nother:\n  <<: *b\n"),
            Some(Refused::MergeKey { line: 3, column: 3 })
        );
        // A key `<<` quoted or tagged: crm would write it back plain, as a merge key
        // (found by the comment_keeper fuzz target).
        for (text, line, column) in [
            (&b"a: 1\n\"<<\": quoted\n"[..], 2, 1),
            (b"!!str  <<:", 1, 8),
            (b"x:\n  &k '<<': 1\n", 2, 6),
        ] {
            assert_eq!(
                refused(text),
                Some(Refused::MergeKey { line, column }),
                "{}",
                String::from_utf8_lossy(text)
            );
        }
        // Core tags, and `!` or `<<` inside text, comments and block scalars, are fine.
        for fine in [
            &b"zip: !!str 01234\nn: !!int 5\n"[..],
            b"a: \"!shell x\"\nb: 'x: <<'\n# !!python\nc: |\n  !shell <<: x\n",
            b"a: hello!\nb: x<<y\nc: \"<<\"\n",
        ] {
            assert_eq!(refused(fine), None, "{}", String::from_utf8_lossy(fine));
        }
    }
}
