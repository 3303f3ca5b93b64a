//! The values settings are made of: currency codes, time zones, percentages, rates,
//! amounts and channels, each checked as it is read (a bad one is named by the TOML
//! parser with its line and key) and each with its JSON Schema.

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer};
use serde::Deserialize;

/// An ISO 4217 code: three capital letters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Currency(pub String);

impl Currency {
    pub fn is_valid(code: &str) -> bool {
        code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if Currency::is_valid(&s) {
            Ok(Currency(s))
        } else {
            Err(de::Error::custom(format!(
                "{s:?} is not an ISO 4217 currency code (three capital letters, e.g. \"USD\")"
            )))
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(pub chrono_tz::Tz);

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse::<chrono_tz::Tz>().map(TimeZone).map_err(|_| {
            de::Error::custom(format!(
                "{s:?} is not a time zone name (use an IANA name such as \"Asia/Jakarta\" or \"UTC\")"
            ))
        })
    }
}

/// A percentage from 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Percent(pub Decimal);

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Rate::deserialize(d)?.0;
        super::value::check_percent(v).map_err(de::Error::custom)?;
        Ok(Percent(v))
    }
}

/// A positive decimal given as a TOML number or string: an exchange rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rate(pub Decimal);

/// A positive amount of money given as a TOML number or string (a loyalty tier's
/// minimum): up to the largest amount a record may hold, not the largest rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Amount(pub Decimal);

/// A decimal 0 or more, at most `max` (`what` names it in the message).
fn bounded<'de, D: Deserializer<'de>>(d: D, max: Decimal, what: &str) -> Result<Decimal, D::Error> {
    struct V;
    impl de::Visitor<'_> for V {
        type Value = Decimal;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a decimal number")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
            // The shortest text that round-trips is what the user typed.
            self.visit_str(&v.to_string())
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
            v.parse::<Decimal>()
                .map_err(|_| E::custom(format!("{v:?} is not a decimal number")))
        }
    }
    let v = d.deserialize_any(V)?;
    if v < Decimal::ZERO {
        return Err(de::Error::custom(format!("{v} must not be negative")));
    }
    if v > max {
        return Err(de::Error::custom(format!(
            "{v} is more than the largest {what} crm takes ({max})"
        )));
    }
    Ok(v)
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        bounded(d, super::value::MAX_RATE, "rate").map(Rate)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        bounded(d, super::value::MAX_AMOUNT, "amount").map(Amount)
    }
}

/// A region phone numbers are read in: an ISO 3166-1 alpha-2 code libphonenumber's
/// metadata knows (`ID`, `US`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region(pub String);

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.len() == 2 && super::phone::region_id(&s).is_some() {
            Ok(Region(s))
        } else {
            Err(de::Error::custom(format!(
                "{s:?} is not a region code for phone numbers (two capital letters, e.g. \"ID\")"
            )))
        }
    }
}

/// An interaction channel (call, email, whatsapp, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel(pub String);

impl<'de> Deserialize<'de> for Channel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if super::spec::CHANNELS.contains(&s.as_str()) {
            Ok(Channel(s))
        } else {
            Err(de::Error::custom(format!(
                "{s:?} is not a channel ({})",
                super::spec::CHANNELS.join(", ")
            )))
        }
    }
}

impl JsonSchema for Channel {
    fn schema_name() -> Cow<'static, str> {
        "Channel".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let channels: Vec<&str> = super::spec::CHANNELS.to_vec();
        json_schema!({"type": "string", "enum": channels})
    }
}

/// Schemas of the settings whose values are checked by hand-written code.
macro_rules! schema_of {
    ($t:ty, $name:literal, $schema:tt) => {
        impl JsonSchema for $t {
            fn schema_name() -> Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

schema_of!(Currency, "Currency", {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 code"});
schema_of!(Region, "Region", {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2 code, e.g. ID"});
schema_of!(TimeZone, "TimeZone", {"type": "string", "description": "IANA time zone name, e.g. Asia/Jakarta"});
schema_of!(Percent, "Percent", {"type": "number", "minimum": 0, "maximum": 100});
schema_of!(Rate, "Rate", {"type": ["number", "string"], "description": "a decimal, 0 or more"});
schema_of!(Amount, "Amount", {"type": ["number", "string"], "description": "an amount, 0 or more"});
