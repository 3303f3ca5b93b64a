//! Typed field values: decimals, amounts, e-mails and the text of a value. Checking a
//! value against a folder's crm.toml is [`crate::rules`]' work.
//!
//! Records keep their fields as YAML values so unknown fields, nested ones included,
//! survive every rewrite; this module is where a known field's value gets its type.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_yaml::Value;

/// A bad value, named by its field path (`preferences.consent`, `history[2].at`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field `{}`: {}", self.path, self.message)
    }
}

impl std::error::Error for FieldError {}

pub(crate) fn show(raw: &str) -> String {
    format!("{raw:?}")
}

/// Splits `a, b,c` into a list of strings, dropping empty items.
pub fn split_list(raw: &str) -> Vec<Value> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Value::String(s.to_string()))
        .collect()
}

/// Why a value is refused (the caller adds the field and the file or flag).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("{0} has more digits than crm keeps exactly (28)")]
    TooManyDigits(String),
    #[error("{0} is not a decimal number")]
    NotDecimal(String),
    #[error("{0} is not a percentage from 0 to 100")]
    NotPercent(Decimal),
    #[error("{0} is not a whole percentage from 0 to 100 (60 % is written 60, not 0.6)")]
    NotWholePercent(Decimal),
    #[error("{0} is negative; an amount is 0 or more")]
    Negative(Decimal),
    #[error("{0} is more than the largest amount crm takes ({MAX_AMOUNT})")]
    TooLarge(Decimal),
    #[error("{0} is not an e-mail address")]
    NotEmail(String),
}

impl From<ValueError> for String {
    fn from(e: ValueError) -> String {
        e.to_string()
    }
}

/// Parses a decimal amount as typed: digits, an optional sign and point; no exponent.
pub fn parse_decimal(raw: &str) -> Result<Decimal, ValueError> {
    let ok_chars = raw
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+');
    // Exact: a number with more digits than a decimal holds (28) is refused, not rounded.
    match Decimal::from_str_exact(raw) {
        Ok(d) if ok_chars => Ok(d),
        Err(_) if ok_chars && raw.bytes().filter(u8::is_ascii_digit).count() > 28 => {
            Err(ValueError::TooManyDigits(show(raw)))
        }
        _ => Err(ValueError::NotDecimal(show(raw))),
    }
}

/// A number as people write it, separators taken away: `sep` counts only between groups of
/// three digits (`12,000,000`, `1,500.50`; with `mark` `,` and `sep` `.`: `12.000.000`,
/// `1.500,50`), and `mark` becomes `.`. Anything else is returned as given (a comma
/// mark still becomes `.`), for the decimal check to refuse rather than guess.
pub fn ungroup(raw: &str, mark: char, sep: char) -> String {
    let (int, frac) = match raw.split_once(mark) {
        Some((i, f)) => (i, Some(f)),
        None => (raw, None),
    };
    let digits = int.trim_start_matches(['-', '+']);
    let groups: Vec<&str> = digits.split(sep).collect();
    let grouped = groups.len() > 1
        && !groups[0].is_empty()
        && groups[0].len() <= 3
        && groups[1..].iter().all(|g| g.len() == 3);
    if !grouped && mark == '.' {
        return raw.to_string();
    }
    let sign = &int[..int.len() - digits.len()];
    let whole = if grouped {
        groups.concat()
    } else {
        digits.to_string()
    };
    match frac {
        Some(f) => format!("{sign}{whole}.{f}"),
        None => format!("{sign}{whole}"),
    }
}

/// A percentage is a whole number from 0 to 100: 0.6 or 1.5 are refused rather than
/// guessed at (a fraction meant as 60 %, or a typo), and so is 150.
pub fn check_percent(d: Decimal) -> Result<(), ValueError> {
    if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED {
        Err(ValueError::NotPercent(d))
    } else if !d.fract().is_zero() {
        Err(ValueError::NotWholePercent(d))
    } else {
        Ok(())
    }
}

/// The largest amount crm takes: 10^15 (a thousand trillion, in any currency). Reports
/// multiply and add amounts (a value by a probability, the won values of a million deals,
/// a rate of crm.toml up to [`MAX_RATE`]); below this, no such figure can overflow a
/// decimal (about 7.9 × 10^28).
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(0xA4C6_8000, 0x3_8D7E, 0, false, 0);

/// The largest exchange rate crm.toml may give.
pub const MAX_RATE: Decimal = Decimal::from_parts(10_000_000, 0, 0, false, 0);

/// Amounts (deal values, budgets, costs) are 0 or more, and at most [`MAX_AMOUNT`].
pub fn check_amount(d: Decimal) -> Result<Decimal, ValueError> {
    if d < Decimal::ZERO {
        Err(ValueError::Negative(d))
    } else if d > MAX_AMOUNT {
        Err(ValueError::TooLarge(d))
    } else {
        Ok(d)
    }
}

/// A plausible e-mail address: `local@domain.tld`, no spaces.
pub fn check_email(raw: &str) -> Result<(), ValueError> {
    let ok = match raw.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !raw.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(ValueError::NotEmail(show(raw)))
    }
}

/// How a decimal is stored: a plain YAML number when one reads back as the same
/// decimal without exponent, else a quoted string, so no amount ever picks up float noise.
pub fn money_value(d: Decimal) -> Value {
    let d = d.normalize();
    if d.scale() == 0 {
        if let Ok(i) = i64::try_from(d.mantissa()) {
            return Value::Number(i.into());
        }
    } else if let Ok(f) = d.to_string().parse::<f64>() {
        // Stay clear of the ranges where YAML emitters switch to exponents.
        let fits = (1e-4..1e15).contains(&f.abs()) && decimal_of_f64(f) == Some(d);
        if fits {
            return Value::Number(f.into());
        }
    }
    Value::String(d.to_string())
}

fn decimal_of_f64(f: f64) -> Option<Decimal> {
    // Rust prints the shortest text that reads back as the same f64: the typed amount.
    Decimal::from_str(&f.to_string())
        .ok()
        .map(|d| d.normalize())
}

/// A scalar value, borrowed: from a YAML value or from the cache's encoding of one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scalar<'a> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(&'a str),
}

impl<'a> Scalar<'a> {
    /// `None` for a list, a map or a tagged value.
    pub fn of(v: &'a Value) -> Option<Scalar<'a>> {
        Some(match v {
            Value::Null => Scalar::Null,
            Value::Bool(b) => Scalar::Bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => Scalar::Int(i),
                (None, Some(u), _) => Scalar::UInt(u),
                (None, None, Some(f)) => Scalar::Float(f),
                _ => return None,
            },
            Value::String(s) => Scalar::Str(s),
            _ => return None,
        })
    }

    /// The YAML value it is.
    pub fn to_value(self) -> Value {
        match self {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Int(i) => Value::Number(i.into()),
            Scalar::UInt(u) => Value::Number(u.into()),
            Scalar::Float(f) => Value::Number(f.into()),
            Scalar::Str(s) => Value::String(s.to_string()),
        }
    }

    /// The decimal it holds: a number, or a string holding a decimal.
    pub fn decimal(self) -> Option<Decimal> {
        match self {
            Scalar::Int(i) => Some(Decimal::from(i)),
            Scalar::UInt(u) => Some(Decimal::from(u)),
            Scalar::Float(f) => decimal_of_f64(f),
            Scalar::Str(s) => parse_decimal(s.trim()).ok(),
            Scalar::Null | Scalar::Bool(_) => None,
        }
    }

    /// The text a script wants: strings bare, numbers as decimals, booleans as written,
    /// null as nothing.
    pub fn text(self) -> String {
        match self {
            Scalar::Str(s) => s.to_string(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Null => String::new(),
            Scalar::Int(_) | Scalar::UInt(_) | Scalar::Float(_) => match (self.decimal(), self) {
                (Some(d), _) => d.normalize().to_string(),
                (None, Scalar::Float(f)) => serde_yaml::Number::from(f).to_string(),
                (None, _) => String::new(),
            },
        }
    }
}

/// The decimal a stored value holds (a YAML number or a quoted decimal string).
pub fn as_decimal(v: &Value) -> Option<Decimal> {
    Scalar::of(v)?.decimal()
}

/// Whether a map anywhere inside `v` has a list or a map as a key (YAML allows it with
/// `? `; crm cannot write it back as it was).
pub(crate) fn has_complex_key(v: &Value) -> bool {
    match v {
        Value::Mapping(m) => m.iter().any(|(k, v)| {
            matches!(k, Value::Sequence(_) | Value::Mapping(_))
                || matches!(k, Value::Tagged(t) if matches!(t.value, Value::Sequence(_) | Value::Mapping(_)))
                || has_complex_key(v)
        }),
        Value::Sequence(items) => items.iter().any(has_complex_key),
        Value::Tagged(t) => has_complex_key(&t.value),
        _ => false,
    }
}

/// A value on one line, YAML flow style (`[a, b]`, `{k: v}`), for keys that are lists
/// or maps.
pub fn flow_text(v: &Value) -> String {
    match v {
        Value::Sequence(items) => {
            format!(
                "[{}]",
                items.iter().map(flow_text).collect::<Vec<_>>().join(", ")
            )
        }
        Value::Mapping(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", flow_text(k), flow_text(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Tagged(t) => flow_text(&t.value),
        other => scalar_text(other).unwrap_or_default(),
    }
}

/// A scalar as the text a script wants: strings bare, numbers and booleans as written
/// (`None` for a list or a map).
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::Tagged(t) => scalar_text(&t.value),
        v => Scalar::of(v).map(Scalar::text),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a map",
        Value::Tagged(_) => "a tagged value",
    }
}

pub(crate) fn describe(v: &Value) -> String {
    match scalar_text(v) {
        Some(s) if !matches!(v, Value::Null) => format!("{} {}", type_name(v), show(&s)),
        _ => type_name(v).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_exact_and_plain() {
        let d = |s: &str| money_value(Decimal::from_str(s).unwrap());
        assert_eq!(serde_yaml::to_string(&d("12000000")).unwrap(), "12000000\n");
        assert_eq!(serde_yaml::to_string(&d("1500.50")).unwrap(), "1500.5\n");
        assert_eq!(serde_yaml::to_string(&d("0.1")).unwrap(), "0.1\n");
        assert_eq!(
            serde_yaml::to_string(&d("12345678901234567.89")).unwrap(),
            "'12345678901234567.89'\n"
        );
        assert_eq!(serde_yaml::to_string(&d("0.00001")).unwrap(), "'0.00001'\n");
        assert_eq!(serde_yaml::to_string(&d("-5")).unwrap(), "-5\n");
        for s in [
            "1500.5",
            "0.1",
            "12345678901234567.89",
            "0.00001",
            "99999999999999.99",
        ] {
            let v = d(s);
            let text = serde_yaml::to_string(&v).unwrap();
            let back: Value = serde_yaml::from_str(&text).unwrap();
            assert_eq!(as_decimal(&back).unwrap().to_string(), s, "{text}");
        }
    }
}

#[cfg(test)]
mod amount_tests {
    use super::*;

    #[test]
    fn the_largest_amount_is_ten_to_the_fifteenth() {
        assert_eq!(MAX_AMOUNT.to_string(), "1000000000000000");
        assert_eq!(MAX_RATE.to_string(), "10000000");
        assert!(check_amount(MAX_AMOUNT).is_ok());
        assert_eq!(
            check_amount(MAX_AMOUNT + Decimal::ONE)
                .unwrap_err()
                .to_string(),
            "1000000000000001 is more than the largest amount crm takes (1000000000000000)"
        );
        // The worst a report does with amounts at the maximum cannot overflow.
        let million = Decimal::from(1_000_000);
        assert!(MAX_AMOUNT
            .checked_mul(million)
            .and_then(|x| x.checked_mul(MAX_RATE))
            .is_some());
        for long in [
            "123456789012345678901234567890",
            "0.12345678901234567890123456789",
        ] {
            assert_eq!(
                parse_decimal(long).unwrap_err().to_string(),
                format!("\"{long}\" has more digits than crm keeps exactly (28)")
            );
        }
    }
}
