//! What a user types for a field, parsed into what is stored: the field table's kinds with
//! the folder's stages and currencies.

use serde_yaml::Value;

use crate::config::Config;
use crate::model::clock::{format_moment, parse_date, parse_moment};
use crate::model::id::check_id;
use crate::model::spec::FieldKind;
use crate::model::units::Currency;
use crate::model::value::{
    check_amount, check_email, check_percent, money_value, parse_decimal, show, split_list, ungroup,
};

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
        FieldKind::Email => check_email(raw).map(|_| s()).map_err(String::from),
        FieldKind::Phone => Ok(Value::String(phone_input(raw, cfg))),
        FieldKind::Phones => Ok(Value::Sequence(
            split_list(raw)
                .into_iter()
                .map(|v| match v {
                    Value::String(p) => Value::String(phone_input(&p, cfg)),
                    other => other,
                })
                .collect(),
        )),
        FieldKind::Date => parse_date(raw)
            .map(|_| s())
            .ok_or_else(|| format!("{} is not a date (YYYY-MM-DD)", show(raw))),
        FieldKind::Moment => moment_input(raw, cfg).ok_or_else(|| {
            format!(
                "{} is not a moment (RFC 3339, e.g. 2026-11-22T09:30:00+07:00; 2026-11-22 09:30 in the folder's time zone; or a date YYYY-MM-DD)",
                show(raw)
            )
        }),
        FieldKind::Money => parse_decimal(&ungrouped(raw, cfg))
            .and_then(check_amount)
            .map(money_value)
            .map_err(String::from),
        FieldKind::Currency => {
            let up = raw.to_ascii_uppercase();
            if Currency::is_valid(&up) && cfg.knows_currency(&up) {
                Ok(Value::String(up))
            } else {
                Err(format!(
                    "{} is not an ISO 4217 currency code (e.g. USD, IDR); crm.toml's extra_currencies may add others",
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
        FieldKind::Nps => match raw.parse::<i64>() {
            Ok(n @ 0..=10) => Ok(Value::Number(n.into())),
            _ => Err(format!("{} is not a whole number from 0 to 10", show(raw))),
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

/// A phone number as stored: E.164 when it parses for the folder's region, else as typed
/// (`crm check` warns about it).
pub fn phone_input(raw: &str, cfg: &Config) -> String {
    crate::model::phone::e164(raw, cfg.phone_region().as_deref())
        .unwrap_or_else(|| raw.trim().to_string())
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

/// A moment as typed: RFC 3339 is kept as written; a date and time without an offset
/// (`2026-12-01 14:00`, `2026-12-01T14:00:30`) is in the folder's time zone, and a date
/// alone is its first moment there, both stored as RFC 3339, so a moment field never
/// holds a mix of dates and moments.
fn moment_input(raw: &str, cfg: &Config) -> Option<Value> {
    if chrono::DateTime::parse_from_rfc3339(raw).is_ok() {
        return Some(Value::String(raw.to_string()));
    }
    let tz = cfg.tz();
    let local = [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .iter()
    .find_map(|f| chrono::NaiveDateTime::parse_from_str(raw, f).ok());
    let moment = match local {
        Some(t) => {
            use chrono::TimeZone;
            tz.from_local_datetime(&t).earliest()?.fixed_offset()
        }
        None => crate::model::clock::midnight(parse_date(raw)?, tz),
    };
    // Checked as every stored moment is (a year crm reads back).
    parse_moment(&format_moment(&moment))?;
    Some(Value::String(format_moment(&moment)))
}

/// An amount as people write it, with the folder's separators (`[format]`): `12,000,000`
/// or `1,500.50` (with `thousands = "."`, `decimal = ","`: `12.000.000`, `1.500,50`).
fn ungrouped(raw: &str, cfg: &Config) -> String {
    let style = &cfg.format.money;
    let mark = style.decimal.chars().next().unwrap_or('.');
    let sep = match style.thousands.chars().next() {
        Some(c) if c != mark => c,
        _ if mark == '.' => ',',
        _ => '.',
    };
    ungroup(raw, mark, sep)
}
