//! The other sections of crm.toml: service levels, loyalty tiers, custom fields, consent
//! and the way amounts are written.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::spec::FieldKind;
use crate::model::units::{Amount, Channel, Currency};

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaTarget {
    pub first_response_hours: u32,
    pub resolution_hours: u32,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Sla {
    pub urgent: SlaTarget,
    pub high: SlaTarget,
    pub normal: SlaTarget,
    pub low: SlaTarget,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoyaltyTier {
    pub name: String,
    pub min: Amount,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CustomType {
    String,
    Integer,
    Decimal,
    Date,
    Moment,
    Bool,
    List,
}

impl CustomType {
    /// The word crm.toml declares it with.
    pub fn name(self) -> &'static str {
        match self {
            CustomType::String => "string",
            CustomType::Integer => "integer",
            CustomType::Decimal => "decimal",
            CustomType::Date => "date",
            CustomType::Moment => "moment",
            CustomType::Bool => "bool",
            CustomType::List => "list",
        }
    }

    pub fn kind(self) -> FieldKind {
        match self {
            CustomType::String => FieldKind::Text,
            CustomType::Integer => FieldKind::Integer,
            CustomType::Decimal => FieldKind::Money,
            CustomType::Date => FieldKind::Date,
            CustomType::Moment => FieldKind::Moment,
            CustomType::Bool => FieldKind::Bool,
            CustomType::List => FieldKind::List,
        }
    }
}

/// `[format]`: how the human formats (table, markdown, html, timeline) write amounts.
/// Machine formats (json, csv, tsv, yaml) keep them exact and ungrouped whatever it says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawFormat")]
pub struct FormatSettings {
    #[schemars(skip)]
    pub money: crate::model::money::MoneyStyle,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
struct RawFormat {
    /// Between groups of three digits ("," by default; "." or " " elsewhere; "" for none).
    thousands: String,
    /// Before the cents ("." by default).
    decimal: String,
    /// Currency symbols to write instead of the code: `IDR = "Rp"`.
    symbols: BTreeMap<String, String>,
}

impl Default for RawFormat {
    fn default() -> RawFormat {
        let m = crate::model::money::MoneyStyle::default();
        RawFormat {
            thousands: m.thousands,
            decimal: m.decimal,
            symbols: m.symbols,
        }
    }
}

impl TryFrom<RawFormat> for FormatSettings {
    type Error = String;

    fn try_from(r: RawFormat) -> Result<FormatSettings, String> {
        let printable = |s: &str| {
            s.chars().count() <= 4 && !s.chars().any(|c| c.is_control() || c.is_ascii_digit())
        };
        if r.decimal.is_empty() || !printable(&r.decimal) || !printable(&r.thousands) {
            return Err(format!(
                "format: thousands {:?} and decimal {:?} must be up to 4 characters, not digits or control characters, and decimal not empty",
                r.thousands, r.decimal
            ));
        }
        if r.thousands == r.decimal {
            return Err(format!(
                "format: thousands and decimal are both {:?}; amounts would read two ways",
                r.decimal
            ));
        }
        for (code, symbol) in &r.symbols {
            if !Currency::is_valid(code) {
                return Err(format!(
                    "format.symbols: {code:?} is not an ISO 4217 currency code (three capital letters)"
                ));
            }
            if symbol.is_empty()
                || symbol.chars().count() > 8
                || symbol.chars().any(char::is_control)
            {
                return Err(format!(
                    "format.symbols.{code}: {symbol:?} must be 1 to 8 printable characters"
                ));
            }
        }
        Ok(FormatSettings {
            money: crate::model::money::MoneyStyle {
                thousands: r.thousands,
                decimal: r.decimal,
                symbols: r.symbols,
            },
        })
    }
}

/// Which campaign channels need the customer's consent.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Consent {
    pub required: Vec<Channel>,
}

impl Consent {
    pub fn required_for(&self, channel: &str) -> bool {
        self.required.iter().any(|c| c.0 == channel)
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CustomFields {
    pub customer: BTreeMap<String, CustomField>,
    pub deal: BTreeMap<String, CustomField>,
    pub ticket: BTreeMap<String, CustomField>,
    pub campaign: BTreeMap<String, CustomField>,
    pub interaction: BTreeMap<String, CustomField>,
}

/// One declared custom field: `employees = "integer"`, or a table, `birthday = { type =
/// "date", personal = true }` (also written `[fields.customer.birthday]`). A table
/// without `type` leaves the values unchecked, as an undeclared field's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, schemars::JsonSchema)]
#[schemars(untagged)]
pub enum CustomField {
    Typed(CustomType),
    Table {
        #[schemars(rename = "type")]
        kind: Option<CustomType>,
        /// Personal data: `crm forget` removes it (README, "Customers' rights").
        #[schemars(default)]
        personal: bool,
    },
}

impl CustomField {
    /// The declared type, if any.
    pub fn kind(self) -> Option<CustomType> {
        match self {
            CustomField::Typed(t) => Some(t),
            CustomField::Table { kind, .. } => kind,
        }
    }

    pub fn personal(self) -> bool {
        matches!(self, CustomField::Table { personal: true, .. })
    }
}

impl<'de> Deserialize<'de> for CustomField {
    /// A type's word, or a table of `type` and `personal` (its own messages: serde's
    /// untagged enums say only that nothing matched).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<CustomField, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = CustomField;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a type (string, integer, decimal, date, moment, bool, list) or a table of `type` and `personal`")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<CustomField, E> {
                CustomType::deserialize(serde::de::value::StrDeserializer::new(s))
                    .map(CustomField::Typed)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<CustomField, A::Error> {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Table {
                    #[serde(rename = "type")]
                    kind: Option<CustomType>,
                    #[serde(default)]
                    personal: bool,
                }
                let t = Table::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(CustomField::Table {
                    kind: t.kind,
                    personal: t.personal,
                })
            }
        }
        d.deserialize_any(Visit)
    }
}

/// `[mail]`: who is us, and which senders are machines (`crm ingest mail`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Mail {
    /// Our addresses; an entry starting with `@` is a whole domain. Case-insensitive.
    pub me: Vec<String>,
    /// Senders whose messages are not conversations (`*` matches any run of characters).
    pub ignore: Vec<String>,
}

/// `[mcp]`: the agent interface, `crm mcp` (README, "Assistants").
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct McpSettings {
    /// Serve only the tools that read, as `crm mcp --read-only` does.
    pub read_only: bool,
}

/// `[phone]`: how numbers without a `+` are read.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PhoneSettings {
    /// The region of national numbers (`0812-3456-7890` in `ID`); unset: the one country
    /// of the folder's currency (IDR: ID), none for a currency many countries use.
    pub region: Option<crate::model::units::Region>,
}

/// `[whatsapp]`: who is us in chat exports (`crm ingest whatsapp`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Whatsapp {
    /// Our names as the exports show them (exactly, any case).
    pub me: Vec<String>,
}

/// `[scoring]`: lead scores (README, "Lead scores"). Rules are `--where` queries: `fit`
/// on the customer, `engagement` on each of the customer's interactions.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Scoring {
    /// Engagement points halve every this many days (more than 0).
    #[serde(deserialize_with = "positive")]
    #[schemars(range(min = 0))]
    pub half_life_days: f64,
    pub fit: Vec<ScoreRule>,
    pub engagement: Vec<ScoreRule>,
}

impl Scoring {
    pub fn is_empty(&self) -> bool {
        self.fit.is_empty() && self.engagement.is_empty()
    }
}

/// One scoring rule: the points a record earns when the query holds on it.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreRule {
    /// A `--where` expression.
    #[serde(rename = "where")]
    pub query: String,
    /// Points, negative for what makes a lead less likely (a finite number).
    #[serde(deserialize_with = "finite")]
    pub points: f64,
}

fn finite<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let v = f64::deserialize(d)?;
    if v.is_finite() && v.abs() <= 1e9 {
        Ok(v)
    } else {
        Err(serde::de::Error::custom(format!(
            "{v} is not a number of points (at most a billion either way)"
        )))
    }
}

fn positive<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let v = f64::deserialize(d)?;
    if v.is_finite() && v > 0.0 && v <= 1e6 {
        Ok(v)
    } else {
        Err(serde::de::Error::custom(format!(
            "{v} is not a half-life in days (more than 0)"
        )))
    }
}
