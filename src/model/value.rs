//! Typed field values: parsing what a user types, and checking what a file holds.
//!
//! Records keep their fields as YAML values so unknown fields, nested ones included,
//! survive every rewrite; this module is where a known field's value gets its type.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_yaml::{Mapping, Value};

use super::clock::{parse_date, parse_moment};
use super::id::check_id;
use super::record_type::RecordType;
use super::spec::{FieldKind, FieldSpec};
use crate::config::{Config, Currency};

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

fn show(raw: &str) -> String {
    format!("{raw:?}")
}

/// Parses a value typed on the command line into what is stored for a field of `kind`.
/// References must already be resolved to ids.
pub fn parse_input(kind: FieldKind, raw: &str, cfg: &Config) -> Result<Value, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("the value is empty (use `crm unset` to remove a field)".into());
    }
    let s = || Value::String(raw.to_string());
    match kind {
        FieldKind::Text | FieldKind::Source => Ok(s()),
        FieldKind::Enum(words) => {
            if words.contains(&raw) {
                Ok(s())
            } else {
                Err(format!("{} is not one of: {}", show(raw), words.join(", ")))
            }
        }
        FieldKind::Lifecycle | FieldKind::Pipeline => {
            check_stage(kind, raw, cfg).map(|_| s())
        }
        FieldKind::Ref(_) => check_id(raw).map(|_| s()).map_err(|e| e.to_string()),
        FieldKind::Email => check_email(raw).map(|_| s()),
        FieldKind::Date => parse_date(raw)
            .map(|_| s())
            .ok_or_else(|| format!("{} is not a date (YYYY-MM-DD)", show(raw))),
        FieldKind::Moment => parse_moment(raw).map(|_| s()).ok_or_else(|| {
            format!(
                "{} is not a moment (RFC 3339, e.g. 2026-11-22T09:30:00+07:00, or a date YYYY-MM-DD)",
                show(raw)
            )
        }),
        FieldKind::Money => parse_decimal(raw).and_then(check_amount).map(money_value),
        FieldKind::Currency => {
            let up = raw.to_ascii_uppercase();
            if Currency::is_valid(&up) {
                Ok(Value::String(up))
            } else {
                Err(format!(
                    "{} is not an ISO 4217 currency code (three letters, e.g. USD)",
                    show(raw)
                ))
            }
        }
        FieldKind::Percent => {
            let d = parse_decimal(raw)?;
            check_percent(d)?;
            Ok(money_value(d))
        }
        FieldKind::Rating => match raw.parse::<i64>() {
            Ok(n @ 1..=5) => Ok(Value::Number(n.into())),
            _ => Err(format!("{} is not a whole number from 1 to 5", show(raw))),
        },
        FieldKind::Count => raw
            .parse::<u64>()
            .map(|n| Value::Number(n.into()))
            .map_err(|_| format!("{} is not a whole number of 0 or more", show(raw))),
        FieldKind::Integer => raw
            .parse::<i64>()
            .map(|n| Value::Number(n.into()))
            .map_err(|_| format!("{} is not a whole number", show(raw))),
        FieldKind::Bool => match raw.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" | "on" => Ok(Value::Bool(true)),
            "false" | "no" | "n" | "0" | "off" => Ok(Value::Bool(false)),
            _ => Err(format!("{} is not true or false", show(raw))),
        },
        FieldKind::List => Ok(Value::Sequence(split_list(raw))),
        FieldKind::Map => Err("is a map: set one entry as FIELD.NAME=VALUE".into()),
        FieldKind::Object(inner) => Err(format!(
            "is a group of fields ({}): set one as FIELD.NAME=VALUE",
            inner.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
        )),
        FieldKind::History => Err("is written by `crm stage`; it cannot be set".into()),
    }
}

/// Splits `a, b,c` into a list of strings, dropping empty items.
pub fn split_list(raw: &str) -> Vec<Value> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Value::String(s.to_string()))
        .collect()
}

/// Parses a decimal amount as typed: digits, an optional sign and point; no exponent.
pub fn parse_decimal(raw: &str) -> Result<Decimal, String> {
    let ok_chars = raw
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+');
    // Exact: a number with more digits than a decimal holds (28) is refused, not rounded.
    match Decimal::from_str_exact(raw) {
        Ok(d) if ok_chars => Ok(d),
        Err(_) if ok_chars && raw.bytes().filter(u8::is_ascii_digit).count() > 28 => Err(format!(
            "{} has more digits than crm keeps exactly (28)",
            show(raw)
        )),
        _ => Err(format!("{} is not a decimal number", show(raw))),
    }
}

/// A percentage is a whole number from 0 to 100: 0.6 or 1.5 are refused rather than
/// guessed at (a fraction meant as 60 %, or a typo), and so is 150.
pub fn check_percent(d: Decimal) -> Result<(), String> {
    if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED {
        Err(format!("{d} is not a percentage from 0 to 100"))
    } else if !d.fract().is_zero() {
        Err(format!(
            "{d} is not a whole percentage from 0 to 100 (60 % is written 60, not 0.6)"
        ))
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
pub fn check_amount(d: Decimal) -> Result<Decimal, String> {
    if d < Decimal::ZERO {
        Err(format!("{d} is negative; an amount is 0 or more"))
    } else if d > MAX_AMOUNT {
        Err(format!(
            "{d} is more than the largest amount crm takes ({MAX_AMOUNT})"
        ))
    } else {
        Ok(d)
    }
}

fn check_stage(kind: FieldKind, raw: &str, cfg: &Config) -> Result<(), String> {
    let (names, what) = if kind == FieldKind::Lifecycle {
        (cfg.lifecycle.names(), "lifecycle")
    } else {
        (cfg.pipeline.names(), "pipeline")
    };
    if names.contains(&raw) {
        Ok(())
    } else {
        Err(format!(
            "{} is not a stage of the {what} in crm.toml ({})",
            show(raw),
            names.join(", ")
        ))
    }
}

/// A plausible e-mail address: `local@domain.tld`, no spaces.
pub fn check_email(raw: &str) -> Result<(), String> {
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
        Err(format!("{} is not an e-mail address", show(raw)))
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
fn has_complex_key(v: &Value) -> bool {
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

fn describe(v: &Value) -> String {
    match scalar_text(v) {
        Some(s) if !matches!(v, Value::Null) => format!("{} {}", type_name(v), show(&s)),
        _ => type_name(v).to_string(),
    }
}

/// Checks a value read from a file against its field's kind.
pub fn check_value(
    kind: FieldKind,
    v: &Value,
    cfg: &Config,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    let mut err = |message: String| {
        errors.push(FieldError {
            path: path.to_string(),
            message,
        })
    };
    let text = || match v {
        Value::String(s) => Ok(s.as_str()),
        other => Err(format!(
            "expected text, found {} (put it in quotes)",
            describe(other)
        )),
    };
    let result: Result<(), String> = match kind {
        FieldKind::Text | FieldKind::Source => text().map(|_| ()),
        FieldKind::Enum(_)
        | FieldKind::Lifecycle
        | FieldKind::Pipeline
        | FieldKind::Ref(_)
        | FieldKind::Email
        | FieldKind::Date
        | FieldKind::Moment
        | FieldKind::Currency => text().and_then(|s| {
            if kind == FieldKind::Currency && !Currency::is_valid(s) {
                return Err(format!(
                    "{} is not an ISO 4217 currency code (three capital letters)",
                    show(s)
                ));
            }
            parse_input(kind, s, cfg).map(|_| ())
        }),
        FieldKind::Money => as_decimal(v)
            .ok_or_else(|| format!("expected a decimal amount, found {}", describe(v)))
            .and_then(check_amount)
            .map(|_| ()),
        FieldKind::Percent => match as_decimal(v) {
            Some(d) => check_percent(d),
            None => Err(format!("expected a percentage, found {}", describe(v))),
        },
        FieldKind::Rating => match v.as_i64() {
            Some(1..=5) => Ok(()),
            _ => Err(format!(
                "expected a whole number from 1 to 5, found {}",
                describe(v)
            )),
        },
        FieldKind::Count => match v.as_u64() {
            Some(_) => Ok(()),
            None => Err(format!(
                "expected a whole number of 0 or more, found {}",
                describe(v)
            )),
        },
        FieldKind::Integer => match v.as_i64() {
            Some(_) => Ok(()),
            None => Err(format!("expected a whole number, found {}", describe(v))),
        },
        FieldKind::Bool => match v {
            Value::Bool(_) => Ok(()),
            other => Err(format!("expected true or false, found {}", describe(other))),
        },
        FieldKind::List => match v {
            Value::Sequence(items) => match items
                .iter()
                .find(|i| !matches!(i, Value::String(_) | Value::Number(_) | Value::Bool(_)))
            {
                Some(bad) => Err(format!("list items must be text, found {}", describe(bad))),
                None => Ok(()),
            },
            other => Err(format!(
                "expected a list (e.g. [a, b]), found {}",
                describe(other)
            )),
        },
        FieldKind::Map => match v {
            Value::Mapping(m) => {
                for (k, item) in m {
                    let key = scalar_text(k).unwrap_or_default();
                    if !matches!(item, Value::String(_) | Value::Number(_)) {
                        errors.push(FieldError {
                            path: format!("{path}.{key}"),
                            message: format!("expected text, found {}", describe(item)),
                        });
                    }
                }
                return;
            }
            other => Err(format!(
                "expected a map of names to text, found {}",
                describe(other)
            )),
        },
        FieldKind::Object(specs) => match v {
            Value::Mapping(m) => {
                check_fields(specs, m, cfg, &format!("{path}."), errors);
                return;
            }
            other => Err(format!(
                "expected a group of fields, found {}",
                describe(other)
            )),
        },
        FieldKind::History => {
            check_history(v, path, errors);
            return;
        }
    };
    if let Err(message) = result {
        err(message);
    }
}

fn check_history(v: &Value, path: &str, errors: &mut Vec<FieldError>) {
    let Value::Sequence(items) = v else {
        errors.push(FieldError {
            path: path.to_string(),
            message: format!("expected a list of {{stage, at}}, found {}", describe(v)),
        });
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let here = format!("{path}[{i}]");
        let Value::Mapping(m) = item else {
            errors.push(FieldError {
                path: here,
                message: format!("expected {{stage, at}}, found {}", describe(item)),
            });
            continue;
        };
        match m.get("stage") {
            Some(Value::String(_)) => {}
            Some(other) => errors.push(FieldError {
                path: format!("{here}.stage"),
                message: format!("expected a stage name, found {}", describe(other)),
            }),
            None => errors.push(FieldError {
                path: format!("{here}.stage"),
                message: "is missing".into(),
            }),
        }
        match m.get("at") {
            Some(Value::String(s)) if parse_moment(s).is_some() => {}
            Some(other) => errors.push(FieldError {
                path: format!("{here}.at"),
                message: format!("expected a moment (RFC 3339), found {}", describe(other)),
            }),
            None => errors.push(FieldError {
                path: format!("{here}.at"),
                message: "is missing".into(),
            }),
        }
    }
}

fn check_fields(
    specs: &[FieldSpec],
    m: &Mapping,
    cfg: &Config,
    prefix: &str,
    errors: &mut Vec<FieldError>,
) {
    for spec in specs {
        match m.get(spec.name) {
            None | Some(Value::Null) => {
                if spec.required {
                    errors.push(FieldError {
                        path: format!("{prefix}{}", spec.name),
                        message: "is required".into(),
                    });
                }
            }
            Some(v) => check_value(spec.kind, v, cfg, &format!("{prefix}{}", spec.name), errors),
        }
    }
}

/// Every problem with a record's fields: required ones missing, known and declared
/// custom ones of the wrong type. References are checked by the store, which can see them.
pub fn validate(ty: RecordType, fields: &Mapping, cfg: &Config) -> Vec<FieldError> {
    let mut errors = Vec::new();
    check_fields(ty.spec(), fields, cfg, "", &mut errors);
    for (k, v) in fields {
        let Value::String(key) = k else {
            errors.push(FieldError {
                path: scalar_text(k).unwrap_or_else(|| "?".into()),
                message: "field names must be text".into(),
            });
            continue;
        };
        if has_complex_key(v) {
            errors.push(FieldError {
                path: key.clone(),
                message: "holds a map whose key is a list or a map; keys are text".into(),
            });
        }
        if key == "id" {
            errors.push(FieldError {
                path: "id".into(),
                message: "is not a field: a record's id is its file name".into(),
            });
            continue;
        }
        if ty.spec().iter().any(|s| s.name == key) {
            continue;
        }
        if let Some(kind) = cfg.custom_field(ty, key) {
            if !matches!(v, Value::Null) {
                check_value(kind, v, cfg, key, &mut errors);
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config {
        Config::default()
    }

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

    #[test]
    fn inputs_are_typed() {
        let c = cfg();
        assert_eq!(
            parse_input(FieldKind::Money, "abc", &c).unwrap_err(),
            "\"abc\" is not a decimal number"
        );
        assert!(parse_input(FieldKind::Money, "1e6", &c).is_err());
        assert_eq!(
            parse_input(FieldKind::Percent, "500", &c).unwrap_err(),
            "500 is not a percentage from 0 to 100"
        );
        assert_eq!(
            parse_input(FieldKind::Date, "2026-13-01", &c).unwrap_err(),
            "\"2026-13-01\" is not a date (YYYY-MM-DD)"
        );
        assert_eq!(
            parse_input(FieldKind::Pipeline, "closing", &c).unwrap_err(),
            "\"closing\" is not a stage of the pipeline in crm.toml (new, qualified, proposal, negotiation, won, lost)"
        );
        assert_eq!(
            parse_input(FieldKind::Currency, "idr", &c).unwrap(),
            Value::String("IDR".into())
        );
        assert_eq!(
            parse_input(FieldKind::List, "vip, retail,,", &c).unwrap(),
            Value::Sequence(vec!["vip".into(), "retail".into()])
        );
        assert!(parse_input(FieldKind::Email, "budi@", &c).is_err());
        assert!(parse_input(FieldKind::Email, "budi@tokomaju.id", &c).is_ok());
    }

    #[test]
    fn validate_names_fields() {
        let m: Mapping = serde_yaml::from_str(
            "title: x\nstage: won\nvalue: abc\npreferences: 3\nprobability: 120\nhistory:\n- stage: new\n  at: soon\n",
        )
        .unwrap();
        let errs: Vec<String> = validate(RecordType::Deal, &m, &cfg())
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(
            errs,
            vec![
                "field `customer`: is required",
                "field `history[0].at`: expected a moment (RFC 3339), found text \"soon\"",
                "field `value`: expected a decimal amount, found text \"abc\"",
                "field `probability`: 120 is not a percentage from 0 to 100",
            ]
        );
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
            check_amount(MAX_AMOUNT + Decimal::ONE).unwrap_err(),
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
                parse_decimal(long).unwrap_err(),
                format!("\"{long}\" has more digits than crm keeps exactly (28)")
            );
        }
    }
}
