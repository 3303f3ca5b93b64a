//! Every problem with a record's fields, checked against the field table and crm.toml.

use serde_yaml::{Mapping, Value};

use super::input::parse_input;
use crate::config::Config;
use crate::model::clock::parse_moment;
use crate::model::spec::{FieldKind, FieldSpec};
use crate::model::units::Currency;
use crate::model::value::{
    as_decimal, check_amount, check_percent, describe, has_complex_key, scalar_text, show,
    FieldError,
};
use crate::model::RecordType;

/// Checks a value read from a file against its field's kind.
#[expect(
    clippy::too_many_lines,
    reason = "one match over the value kinds of the field table"
)]
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
        // A number that does not parse is kept as typed: `crm check` warns, never refuses.
        FieldKind::Text | FieldKind::Source | FieldKind::Phone => text().map(|_| ()),
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
            if kind == FieldKind::Moment {
                // A file holds RFC 3339 or a date: the forms typed input also takes
                // (`2026-11-22 09:30`) are converted when written, never stored.
                return parse_moment(s).map(|_| ()).ok_or_else(|| {
                    format!(
                        "{} is not a moment (RFC 3339, e.g. 2026-11-22T09:30:00+07:00, or a date YYYY-MM-DD)",
                        show(s)
                    )
                });
            }
            parse_input(kind, s, cfg).map(|_| ())
        }),
        FieldKind::Money => as_decimal(v)
            .ok_or_else(|| format!("expected a decimal amount, found {}", describe(v)))
            .and_then(|d| check_amount(d).map_err(String::from))
            .map(|_| ()),
        FieldKind::Percent => match as_decimal(v) {
            Some(d) => check_percent(d).map_err(String::from),
            None => Err(format!("expected a percentage, found {}", describe(v))),
        },
        FieldKind::Rating => match v.as_i64() {
            Some(1..=5) => Ok(()),
            _ => Err(format!(
                "expected a whole number from 1 to 5, found {}",
                describe(v)
            )),
        },
        FieldKind::Nps => match v.as_i64() {
            Some(0..=10) => Ok(()),
            _ => Err(format!(
                "expected a whole number from 0 to 10, found {}",
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
        FieldKind::List | FieldKind::Phones => match v {
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
