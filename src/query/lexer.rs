//! Splits a `--where` expression into tokens, each with the column it starts at.

use crate::error::QueryError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// A bare word: a field path, a keyword, or an unquoted value.
    Word(String),
    /// A double-quoted string, escapes resolved.
    Str(String),
    Op(CmpOp),
    LParen,
    RParen,
    Comma,
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `~`: case-insensitive contains.
    Has,
    /// `!~`: does not contain.
    HasNot,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Has => "~",
            CmpOp::HasNot => "!~",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    /// 1-based column, in characters.
    pub col: usize,
}

impl Tok {
    pub fn describe(&self) -> String {
        match self {
            Tok::Word(w) => format!("`{w}`"),
            Tok::Str(s) => format!("the string {s:?}"),
            Tok::Op(op) => format!("`{}`", op.symbol()),
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::Comma => "`,`".into(),
            Tok::End => "the end of the expression".into(),
        }
    }
}

/// Characters that end a bare word.
fn is_special(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | ',' | '"' | '=' | '!' | '<' | '>' | '~')
}

pub fn lex(src: &str) -> Result<Vec<Token>, QueryError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        let two = chars.get(i + 1).copied();
        let mut push = |tok, len: usize| {
            out.push(Token { tok, col });
            len
        };
        i += match c {
            c if c.is_whitespace() => 1,
            '(' => push(Tok::LParen, 1),
            ')' => push(Tok::RParen, 1),
            ',' => push(Tok::Comma, 1),
            '=' => push(Tok::Op(CmpOp::Eq), if two == Some('=') { 2 } else { 1 }),
            '~' => push(Tok::Op(CmpOp::Has), 1),
            '<' if two == Some('=') => push(Tok::Op(CmpOp::Le), 2),
            '<' => push(Tok::Op(CmpOp::Lt), 1),
            '>' if two == Some('=') => push(Tok::Op(CmpOp::Ge), 2),
            '>' => push(Tok::Op(CmpOp::Gt), 1),
            '!' if two == Some('=') => push(Tok::Op(CmpOp::Ne), 2),
            '!' if two == Some('~') => push(Tok::Op(CmpOp::HasNot), 2),
            '!' => {
                return Err(QueryError::new(
                    col,
                    "`!` stands only in `!=` and `!~` (use `not` to negate)",
                ))
            }
            '"' => {
                let mut s = String::new();
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => return Err(QueryError::new(col, "this string is not closed: a `\"` is missing")),
                        Some('"') => break,
                        Some('\\') => match chars.get(j + 1) {
                            Some(e @ ('"' | '\\')) => {
                                s.push(*e);
                                j += 2;
                            }
                            _ => {
                                return Err(QueryError::new(
                                    j + 1,
                                    "unknown escape: inside quotes write \\\" for a quote and \\\\ for a backslash",
                                ))
                            }
                        },
                        Some(ch) => {
                            s.push(*ch);
                            j += 1;
                        }
                    }
                }
                push(Tok::Str(s), j + 1 - i)
            }
            _ => {
                let mut j = i;
                while j < chars.len() && !is_special(chars[j]) {
                    j += 1;
                }
                push(Tok::Word(chars[i..j].iter().collect()), j - i)
            }
        };
    }
    out.push(Token {
        tok: Tok::End,
        col: chars.len() + 1,
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_columns() {
        let toks = lex("stage=won and value >= 1000 or name ~ \"a \\\"b\\\", c\"").unwrap();
        let got: Vec<(Tok, usize)> = toks.into_iter().map(|t| (t.tok, t.col)).collect();
        assert_eq!(
            got,
            vec![
                (Tok::Word("stage".into()), 1),
                (Tok::Op(CmpOp::Eq), 6),
                (Tok::Word("won".into()), 7),
                (Tok::Word("and".into()), 11),
                (Tok::Word("value".into()), 15),
                (Tok::Op(CmpOp::Ge), 21),
                (Tok::Word("1000".into()), 24),
                (Tok::Word("or".into()), 29),
                (Tok::Word("name".into()), 32),
                (Tok::Op(CmpOp::Has), 37),
                (Tok::Str("a \"b\", c".into()), 39),
                (Tok::End, 51),
            ]
        );
    }

    #[test]
    fn moments_and_emails_are_one_word() {
        let toks = lex("at >= 2026-11-22T10:00:00+07:00 and owner = ayu@ourco.id").unwrap();
        assert_eq!(toks[2].tok, Tok::Word("2026-11-22T10:00:00+07:00".into()));
        assert_eq!(toks[6].tok, Tok::Word("ayu@ourco.id".into()));
    }
}
