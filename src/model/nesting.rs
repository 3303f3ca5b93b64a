//! Nesting bombs: files whose brackets nest thousands deep, refused before any parser
//! sees them (every reader of outside text calls [`too_deep`] first).

/// How deeply brackets may nest in a file crm reads (records, crm.toml, imports' JSON,
/// the merge driver's sides). A record needs two or three levels; a file of thousands
/// (`[[[[…]]]]`) made the YAML parser take 30 s for 200 KB and 841 s for 1 MB, since
/// its scanner does work per open bracket for every token.
pub const MAX_DEPTH: usize = 64;

/// Where brackets (`[`, `{`) first nest deeper than [`MAX_DEPTH`], as a 1-based line and
/// column; found by a plain pass over the bytes, before any parser sees them. Brackets
/// inside quotes ('…', "…") and comments (`#` at a line's start or after a space) do not
/// count; one inside a plain word does, which only matters for a word of 64 of them.
pub fn too_deep(text: &[u8]) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut line_start) = (0usize, 1usize, 0usize);
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        match c {
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'#' if i == 0 || matches!(text[i - 1], b' ' | b'\t' | b'\n') => {
                while i < text.len() && text[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' => {
                // To the closing quote ("…" has backslash escapes, '…' doubles its quote).
                i += 1;
                while i < text.len() {
                    match text[i] {
                        b'\\' if c == b'"' => i += 1,
                        b'\n' => {
                            line += 1;
                            line_start = i + 1;
                        }
                        q if q == c => {
                            if c == b'\'' && text.get(i + 1) == Some(&b'\'') {
                                i += 1;
                            } else {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    let column = String::from_utf8_lossy(&text[line_start..i])
                        .chars()
                        .count()
                        + 1;
                    return Some((line, column));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The message for [`too_deep`].
pub fn too_deep_message() -> String {
    format!("brackets nest more than {MAX_DEPTH} deep; crm reads no deeper (a nesting bomb?)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_past_the_limit_is_found_before_parsing() {
        let deep = |n: usize| format!("a: 1\nb: {}{}\n", "[".repeat(n), "]".repeat(n));
        assert_eq!(too_deep(deep(MAX_DEPTH).as_bytes()), None);
        assert_eq!(
            too_deep(deep(MAX_DEPTH + 1).as_bytes()),
            Some((2, 4 + MAX_DEPTH))
        );
        // Quoted and commented brackets do not count.
        let quoted = format!("a: \"{0}\"\nb: '{0}'\n# {0}\n", "[".repeat(100));
        assert_eq!(too_deep(quoted.as_bytes()), None);
        // A bomb of a megabyte is refused at once.
        let bomb = "[".repeat(1 << 20);
        assert_eq!(too_deep(bomb.as_bytes()), Some((1, MAX_DEPTH + 1)));
    }
}
