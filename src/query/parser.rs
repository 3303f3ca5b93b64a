//! The grammar of `--where`, lowest precedence first:
//!
//! ```text
//! expr       := and ("or" and)*
//! and        := unary ("and" unary)*
//! unary      := "not" unary | "(" expr ")" | comparison
//! comparison := FIELD [OP value | "in" "(" value ("," value)* ")"]
//! ```
//!
//! So `not` binds tightest (it negates the comparison or group right after it), then
//! comparisons, then `and`, then `or`. Keywords are case-insensitive.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::lexer::{lex, CmpOp, Tok, Token};
use crate::error::QueryError;
use crate::model::clock::{parse_date, relative_day};

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Cmp {
        field: Field,
        op: CmpOp,
        value: Literal,
    },
    In {
        field: Field,
        values: Vec<Literal>,
    },
    /// A bare field: present and truthy.
    Truthy(Field),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub path: String,
    pub col: usize,
}

/// A value as written, with every type it can be read as.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    pub text: String,
    pub col: usize,
    pub number: Option<Decimal>,
    pub date: Option<NaiveDate>,
    pub moment: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub boolean: Option<bool>,
}

const KEYWORDS: [&str; 4] = ["and", "or", "not", "in"];

fn keyword(tok: &Tok) -> Option<&'static str> {
    match tok {
        Tok::Word(w) => KEYWORDS.into_iter().find(|k| w.eq_ignore_ascii_case(k)),
        _ => None,
    }
}

/// A plain decimal: optional sign, digits, optional fraction.
fn number(text: &str) -> Option<Decimal> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let ok = !digits.is_empty()
        && !digits.starts_with('.')
        && !digits.ends_with('.')
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1;
    if ok {
        text.trim_start_matches('+').parse().ok()
    } else {
        None
    }
}

/// `today`, `today-7d`, `today+2w`, `today-3m`, `today+1y` (see [`relative_day`]).
fn relative_date(
    text: &str,
    today: NaiveDate,
    col: usize,
) -> Result<Option<NaiveDate>, QueryError> {
    relative_day(text, today).map_err(|m| QueryError::new(col, m))
}

impl Literal {
    fn read(
        text: String,
        quoted: bool,
        col: usize,
        today: NaiveDate,
    ) -> Result<Literal, QueryError> {
        let date = if quoted {
            parse_date(&text)
        } else {
            match relative_date(&text, today, col)? {
                Some(d) => Some(d),
                None => parse_date(&text),
            }
        };
        let moment = if date.is_some() {
            None
        } else {
            chrono::DateTime::parse_from_rfc3339(&text).ok()
        };
        Ok(Literal {
            number: number(&text),
            boolean: match text.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            date,
            moment,
            col,
            text,
        })
    }
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    today: NaiveDate,
    /// Columns of the `(` still open, to say which one lacks its `)`.
    open: Vec<usize>,
}

pub fn parse(src: &str, today: NaiveDate) -> Result<Expr, QueryError> {
    let mut p = Parser {
        toks: lex(src)?,
        pos: 0,
        today,
        open: Vec::new(),
    };
    let expr = p.or()?;
    let t = p.peek();
    match &t.tok {
        Tok::End => Ok(expr),
        Tok::RParen => Err(QueryError::new(t.col, "this `)` closes no `(`")),
        other => Err(QueryError::new(
            t.col,
            format!(
                "expected `and`, `or` or the end of the expression, found {}",
                other.describe()
            ),
        )),
    }
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.toks[self.pos]
    }

    fn next(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        if t.tok != Tok::End {
            self.pos += 1;
        }
        t
    }

    fn at_keyword(&self, k: &str) -> bool {
        keyword(&self.peek().tok) == Some(k)
    }

    fn or(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.and()?;
        while self.at_keyword("or") {
            self.next();
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.unary()?;
        while self.at_keyword("and") {
            self.next();
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, QueryError> {
        if self.at_keyword("not") {
            self.next();
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        let t = self.next();
        match t.tok {
            Tok::LParen => {
                self.open.push(t.col);
                let inner = self.or()?;
                let close = self.next();
                if close.tok != Tok::RParen {
                    return Err(QueryError::new(
                        close.col,
                        format!(
                            "expected `)` to close the `(` at column {}, found {}",
                            t.col,
                            close.tok.describe()
                        ),
                    ));
                }
                self.open.pop();
                Ok(inner)
            }
            Tok::Word(w) if keyword(&Tok::Word(w.clone())).is_none() => {
                let field = self.field(w, t.col)?;
                self.comparison(field)
            }
            other => Err(QueryError::new(
                t.col,
                format!(
                    "expected a field name, `not` or `(`, found {}",
                    describe_kw(&other)
                ),
            )),
        }
    }

    fn field(&self, path: String, col: usize) -> Result<Field, QueryError> {
        let ok = path.split('.').all(|seg| {
            !seg.is_empty()
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
        if ok {
            Ok(Field { path, col })
        } else {
            Err(QueryError::new(
                col,
                format!("`{path}` is not a field name (letters, digits, `_` and `-`, nested fields joined by `.`)"),
            ))
        }
    }

    fn comparison(&mut self, field: Field) -> Result<Expr, QueryError> {
        let t = self.peek().clone();
        match t.tok {
            Tok::Op(op) => {
                self.next();
                let value = self.value(&format!("after `{}`", op.symbol()))?;
                Ok(Expr::Cmp { field, op, value })
            }
            _ if self.at_keyword("in") => {
                self.next();
                let open = self.next();
                if open.tok != Tok::LParen {
                    return Err(QueryError::new(
                        open.col,
                        format!("expected `(` after `in`, found {}", open.tok.describe()),
                    ));
                }
                let mut values = vec![self.value("in the list")?];
                loop {
                    let t = self.next();
                    match t.tok {
                        Tok::Comma => values.push(self.value("after `,`")?),
                        Tok::RParen => break,
                        other => {
                            return Err(QueryError::new(
                                t.col,
                                format!(
                                    "expected `,` or `)` in the list of `in`, found {}",
                                    other.describe()
                                ),
                            ))
                        }
                    }
                }
                Ok(Expr::In { field, values })
            }
            _ => Ok(Expr::Truthy(field)),
        }
    }

    fn value(&mut self, place: &str) -> Result<Literal, QueryError> {
        let t = self.next();
        match t.tok {
            Tok::Word(w) if keyword(&Tok::Word(w.clone())).is_some() => Err(QueryError::new(
                t.col,
                format!("expected a value {place}, found the keyword `{w}` (quote it to mean the word: \"{w}\")"),
            )),
            Tok::Word(w) => Literal::read(w, false, t.col, self.today),
            Tok::Str(s) => Literal::read(s, true, t.col, self.today),
            other => Err(QueryError::new(t.col, format!("expected a value {place}, found {}", other.describe()))),
        }
    }
}

fn describe_kw(tok: &Tok) -> String {
    match keyword(tok) {
        Some(k) => format!("the keyword `{k}`"),
        None => tok.describe(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Expr {
        parse(s, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()).unwrap()
    }

    fn shape(e: &Expr) -> String {
        match e {
            Expr::Or(a, b) => format!("({} or {})", shape(a), shape(b)),
            Expr::And(a, b) => format!("({} and {})", shape(a), shape(b)),
            Expr::Not(a) => format!("not {}", shape(a)),
            Expr::Cmp { field, op, value } => {
                format!("{}{}{}", field.path, op.symbol(), value.text)
            }
            Expr::In { field, values } => format!(
                "{} in [{}]",
                field.path,
                values
                    .iter()
                    .map(|v| v.text.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            Expr::Truthy(f) => f.path.clone(),
        }
    }

    #[test]
    fn precedence() {
        assert_eq!(
            shape(&p("a = 1 or b = 2 and c = 3")),
            "(a=1 or (b=2 and c=3))"
        );
        assert_eq!(shape(&p("not a = 1 and b")), "(not a=1 and b)");
        assert_eq!(
            shape(&p("not (a = 1 or b) AND c in (x, \"y z\")")),
            "(not (a=1 or b) and c in [x,y z])"
        );
    }

    #[test]
    fn relative_dates() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let d = |s: &str| relative_date(s, today, 1).unwrap().unwrap().to_string();
        assert_eq!(d("today"), "2026-11-22");
        assert_eq!(d("today-7d"), "2026-11-15");
        assert_eq!(d("today+2w"), "2026-12-06");
        assert_eq!(d("today-3m"), "2026-08-22");
        assert_eq!(d("today-1y"), "2025-11-22");
        assert!(relative_date("today-7x", today, 1).is_err());
        assert_eq!(relative_date("todays-special", today, 1).unwrap(), None);
    }
}
