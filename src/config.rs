//! `crm.toml`: the folder's settings (README, "The folder"; `crm schema config`).
//!
//! Every key has a default, so an empty file works. Values are checked while they are
//! read, so a bad one is reported by the TOML parser with its line, column and key.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer};
use serde::Deserialize;
use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

use crate::model::spec::FieldKind;

pub const FILE_NAME: &str = "crm.toml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub name: String,
    pub currency: Currency,
    /// Codes outside ISO 4217 that amounts may name (a private unit such as loyalty
    /// points); typed currencies are refused otherwise.
    pub extra_currencies: Vec<Currency>,
    pub timezone: TimeZone,
    pub at_risk_days: u32,
    pub stale_days: u32,
    pub lifecycle: Lifecycle,
    pub pipeline: Pipeline,
    pub sla: Sla,
    pub loyalty: Vec<LoyaltyTier>,
    pub rates: BTreeMap<Currency, Rate>,
    pub fields: CustomFields,
    pub consent: Consent,
    pub format: FormatSettings,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            name: String::new(),
            currency: Currency("USD".into()),
            extra_currencies: Vec::new(),
            timezone: TimeZone(chrono_tz::Tz::UTC),
            at_risk_days: 60,
            stale_days: 30,
            lifecycle: Lifecycle::default(),
            pipeline: Pipeline::default(),
            sla: Sla::default(),
            loyalty: vec![
                LoyaltyTier::new("bronze", 0),
                LoyaltyTier::new("silver", 1_000),
                LoyaltyTier::new("gold", 10_000),
            ],
            rates: BTreeMap::new(),
            fields: CustomFields::default(),
            consent: Consent::default(),
            format: FormatSettings::default(),
        }
    }
}

/// The largest crm.toml crm reads (its defaults, written out with comments, are 8 KB).
pub const MAX_SETTINGS_BYTES: u64 = 1 << 20;

pub fn read_settings(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_SETTINGS_BYTES + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_SETTINGS_BYTES {
        return Err(std::io::Error::other(format!(
            "more than {MAX_SETTINGS_BYTES} bytes; not read"
        )));
    }
    Ok(text)
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = read_settings(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Config::parse(&text).map_err(|message| ConfigError::Invalid {
            path: path.display().to_string(),
            message,
        })
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        if let Some((line, column)) = crate::model::nesting::too_deep(text.as_bytes()) {
            return Err(format!(
                "line {line}, column {column}: {}",
                crate::model::nesting::too_deep_message()
            ));
        }
        toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())
    }

    /// Like [`Config::parse`], with the 1-based line and column of the problem and the
    /// parser's short message (for `crm check`).
    pub fn parse_located(text: &str) -> Result<Config, (usize, usize, String)> {
        if let Some((line, column)) = crate::model::nesting::too_deep(text.as_bytes()) {
            return Err((line, column, crate::model::nesting::too_deep_message()));
        }
        toml::from_str(text).map_err(|e: toml::de::Error| {
            let at = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let col = before
                .rsplit('\n')
                .next()
                .map(|l| l.chars().count())
                .unwrap_or(0)
                + 1;
            (line, col, e.message().to_string())
        })
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.0
    }

    pub fn lifecycle_stage(&self, name: &str) -> Option<&LifecycleStage> {
        self.lifecycle.0.iter().find(|s| s.name == name)
    }

    pub fn pipeline_stage(&self, name: &str) -> Option<&PipelineStage> {
        self.pipeline.0.iter().find(|s| s.name == name)
    }

    /// The kind of a custom field declared under `[fields.TYPE]`.
    pub fn custom_field(&self, ty: crate::model::RecordType, name: &str) -> Option<FieldKind> {
        self.custom_fields(ty).get(name).map(|t| t.kind())
    }

    /// The first stage of a type's stage list (`[lifecycle]` or `[pipeline]`).
    pub fn first_stage(&self, stages: crate::model::record_type::Stages) -> Option<&str> {
        use crate::model::record_type::Stages;
        match stages {
            Stages::None => None,
            Stages::Lifecycle => Some(self.lifecycle.first()),
            Stages::Pipeline => Some(self.pipeline.first()),
        }
    }

    /// The stage names of a type's stage list, in order.
    pub fn stage_names(&self, stages: crate::model::record_type::Stages) -> Option<Vec<&str>> {
        use crate::model::record_type::Stages;
        match stages {
            Stages::None => None,
            Stages::Lifecycle => Some(self.lifecycle.names()),
            Stages::Pipeline => Some(self.pipeline.names()),
        }
    }

    /// The fields `[fields.TYPE]` declares for a record type.
    pub fn custom_fields(&self, ty: crate::model::RecordType) -> &BTreeMap<String, CustomType> {
        match ty {
            crate::model::RecordType::Customer => &self.fields.customer,
            crate::model::RecordType::Deal => &self.fields.deal,
            crate::model::RecordType::Ticket => &self.fields.ticket,
            crate::model::RecordType::Campaign => &self.fields.campaign,
            crate::model::RecordType::Interaction => &self.fields.interaction,
        }
    }

    /// Whether amounts may name `code`: an ISO 4217 code (the `iso_currency` crate's
    /// table) or one of `extra_currencies`.
    pub fn knows_currency(&self, code: &str) -> bool {
        iso_currency::Currency::from_code(code).is_some()
            || self.extra_currencies.iter().any(|c| c.0 == code)
    }

    /// The text `crm init` writes: every default, with a comment saying what it does.
    pub fn default_toml(name: &str) -> String {
        Config::default_toml_in(name, "USD")
    }

    /// The same for a folder whose default currency is `currency` (an ISO 4217 code):
    /// the loyalty tiers' minimums are 1,000 and 10,000 times a power of ten sized to it
    /// (see [`crate::model::money::dollar_magnitude`]): IDR 10,000,000 and 100,000,000.
    pub fn default_toml_in(name: &str, currency: &str) -> String {
        let scale = 10u64.pow(crate::model::money::dollar_magnitude(currency));
        DEFAULT_TOML
            .replace("{name}", &toml_escape(name))
            .replace("{currency}", currency)
            .replace("{silver}", &(1_000 * scale).to_string())
            .replace("{gold}", &(10_000 * scale).to_string())
    }
}

fn toml_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

const DEFAULT_TOML: &str = r#"# crm settings. Every key below shows its default; delete a key to go back to it.

# The name of this CRM, shown on reports.
name = "{name}"
# Currency of amounts that name none (ISO 4217 code).
currency = "{currency}"
# Codes outside ISO 4217 that amounts may name too (e.g. ["PTS"] for loyalty points).
extra_currencies = []
# Time zone of "today" and of the timestamps crm writes (IANA name, e.g. "Asia/Jakarta").
timezone = "UTC"
# A customer is at risk after this many days without an interaction.
at_risk_days = 60
# An open deal is stale after this many days without a stage change or an interaction.
stale_days = 30

# The customer lifecycle, in order; a new customer record starts at the first stage.
# customer = true: reaching this stage makes a record a paying customer.
# churned = true: a customer who left.  lost = true: a lead that will not buy.
[[lifecycle]]
name = "lead"

[[lifecycle]]
name = "prospect"

[[lifecycle]]
name = "customer"
customer = true

[[lifecycle]]
name = "churned"
churned = true

[[lifecycle]]
name = "disqualified"
lost = true

# The deal pipeline, in order; a new deal starts at the first stage.
# probability: percent chance to win, used for weighted value unless a deal sets its own.
# won = true / lost = true: the stages that close a deal (entering one sets `closed`).
[[pipeline]]
name = "new"
probability = 10

[[pipeline]]
name = "qualified"
probability = 25

[[pipeline]]
name = "proposal"
probability = 50

[[pipeline]]
name = "negotiation"
probability = 75

[[pipeline]]
name = "won"
probability = 100
won = true

[[pipeline]]
name = "lost"
probability = 0
lost = true

# Service level targets per ticket priority, in hours.
[sla]
urgent = { first_response_hours = 1, resolution_hours = 8 }
high = { first_response_hours = 4, resolution_hours = 24 }
normal = { first_response_hours = 8, resolution_hours = 72 }
low = { first_response_hours = 24, resolution_hours = 168 }

# Loyalty tiers: a customer is in the highest tier whose `min` their won deal value
# of the trailing 12 months reaches, in the default currency (`crm init --currency`
# sized them to it; set your own).
[[loyalty]]
name = "bronze"
min = 0

[[loyalty]]
name = "silver"
min = {silver}

[[loyalty]]
name = "gold"
min = {gold}

# Exchange rates into the default currency, for reports that add up currencies:
# one unit of the named currency is worth this much of the default one.
[rates]
# EUR = 1.08

# Campaign channels that may reach only customers who gave consent
# (`preferences.consent = true`).
[consent]
required = ["email", "whatsapp", "sms"]

# How tables, markdown, html and the timeline write amounts (json, csv and tsv keep
# them exact and ungrouped): IDR 155,500,000 by default. In Indonesia, for instance:
# thousands = ".", decimal = "," and symbols = { IDR = "Rp" } write Rp 155.500.000.
[format]
thousands = ","
decimal = "."

# Custom fields with a declared type (string, integer, decimal, date, moment, bool, list),
# checked like built-in ones. Undeclared custom fields are kept as they are written.
[fields.customer]
# employees = "integer"

[fields.deal]

[fields.ticket]

[fields.campaign]

[fields.interaction]
"#;

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
        crate::model::value::check_percent(v).map_err(de::Error::custom)?;
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
        bounded(d, crate::model::value::MAX_RATE, "rate").map(Rate)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        bounded(d, crate::model::value::MAX_AMOUNT, "amount").map(Amount)
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LifecycleStage {
    pub name: String,
    #[serde(default)]
    pub customer: bool,
    #[serde(default)]
    pub churned: bool,
    #[serde(default)]
    pub lost: bool,
}

/// The ordered customer lifecycle; checked to be non-empty with unique names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifecycle(pub Vec<LifecycleStage>);

impl Default for Lifecycle {
    fn default() -> Lifecycle {
        let s = |name: &str, customer, churned, lost| LifecycleStage {
            name: name.into(),
            customer,
            churned,
            lost,
        };
        Lifecycle(vec![
            s("lead", false, false, false),
            s("prospect", false, false, false),
            s("customer", true, false, false),
            s("churned", false, true, false),
            s("disqualified", false, false, true),
        ])
    }
}

impl<'de> Deserialize<'de> for Lifecycle {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let stages = Vec::<LifecycleStage>::deserialize(d)?;
        check_stage_names(stages.iter().map(|s| s.name.as_str())).map_err(de::Error::custom)?;
        if !stages.iter().any(|s| s.customer) {
            return Err(de::Error::custom(
                "no lifecycle stage has `customer = true`: mark the stage that makes a record a customer",
            ));
        }
        Ok(Lifecycle(stages))
    }
}

impl Lifecycle {
    pub fn first(&self) -> &str {
        &self.0[0].name
    }
    pub fn names(&self) -> Vec<&str> {
        self.0.iter().map(|s| s.name.as_str()).collect()
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PipelineStage {
    pub name: String,
    pub probability: Percent,
    #[serde(default)]
    pub won: bool,
    #[serde(default)]
    pub lost: bool,
}

impl PipelineStage {
    pub fn is_closed(&self) -> bool {
        self.won || self.lost
    }
}

/// The ordered deal pipeline; checked to be non-empty with unique names and no stage both won and lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline(pub Vec<PipelineStage>);

impl Default for Pipeline {
    fn default() -> Pipeline {
        let s = |name: &str, p: i64, won, lost| PipelineStage {
            name: name.into(),
            probability: Percent(Decimal::from(p)),
            won,
            lost,
        };
        Pipeline(vec![
            s("new", 10, false, false),
            s("qualified", 25, false, false),
            s("proposal", 50, false, false),
            s("negotiation", 75, false, false),
            s("won", 100, true, false),
            s("lost", 0, false, true),
        ])
    }
}

impl<'de> Deserialize<'de> for Pipeline {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let stages = Vec::<PipelineStage>::deserialize(d)?;
        check_stage_names(stages.iter().map(|s| s.name.as_str())).map_err(de::Error::custom)?;
        if let Some(s) = stages.iter().find(|s| s.won && s.lost) {
            return Err(de::Error::custom(format!(
                "pipeline stage {:?} cannot be both won and lost",
                s.name
            )));
        }
        Ok(Pipeline(stages))
    }
}

impl Pipeline {
    pub fn first(&self) -> &str {
        &self.0[0].name
    }
    pub fn names(&self) -> Vec<&str> {
        self.0.iter().map(|s| s.name.as_str()).collect()
    }
}

/// The most stages a lifecycle or a pipeline may have: a real one has a handful, and
/// every report and check walks them.
pub const MAX_STAGES: usize = 100;

fn check_stage_names<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> Result<(), String> {
    if names.len() > MAX_STAGES {
        return Err(format!(
            "{} stages; crm takes at most {MAX_STAGES}",
            names.len()
        ));
    }
    let mut seen = Vec::new();
    for name in names {
        if crate::model::id::check_id(name).is_err() {
            return Err(format!(
                "stage name {name:?} must be lower-case letters, digits and '-'"
            ));
        }
        if seen.contains(&name) {
            return Err(format!("stage {name:?} is listed twice"));
        }
        seen.push(name);
    }
    if seen.is_empty() {
        return Err("at least one stage is needed".into());
    }
    Ok(())
}

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

impl Default for Sla {
    fn default() -> Sla {
        let t = |first_response_hours, resolution_hours| SlaTarget {
            first_response_hours,
            resolution_hours,
        };
        Sla {
            urgent: t(1, 8),
            high: t(4, 24),
            normal: t(8, 72),
            low: t(24, 168),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoyaltyTier {
    pub name: String,
    pub min: Amount,
}

impl LoyaltyTier {
    fn new(name: &str, min: i64) -> LoyaltyTier {
        LoyaltyTier {
            name: name.into(),
            min: Amount(Decimal::from(min)),
        }
    }
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

impl Default for Consent {
    fn default() -> Consent {
        Consent {
            required: ["email", "whatsapp", "sms"]
                .iter()
                .map(|c| Channel(c.to_string()))
                .collect(),
        }
    }
}

impl Consent {
    pub fn required_for(&self, channel: &str) -> bool {
        self.required.iter().any(|c| c.0 == channel)
    }
}

/// An interaction channel (call, email, whatsapp, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel(pub String);

impl<'de> Deserialize<'de> for Channel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if crate::model::spec::CHANNELS.contains(&s.as_str()) {
            Ok(Channel(s))
        } else {
            Err(de::Error::custom(format!(
                "{s:?} is not a channel ({})",
                crate::model::spec::CHANNELS.join(", ")
            )))
        }
    }
}

impl JsonSchema for Channel {
    fn schema_name() -> Cow<'static, str> {
        "Channel".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let channels: Vec<&str> = crate::model::spec::CHANNELS.to_vec();
        json_schema!({"type": "string", "enum": channels})
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CustomFields {
    pub customer: BTreeMap<String, CustomType>,
    pub deal: BTreeMap<String, CustomType>,
    pub ticket: BTreeMap<String, CustomType>,
    pub campaign: BTreeMap<String, CustomType>,
    pub interaction: BTreeMap<String, CustomType>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_is_the_defaults() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.currency.0, "USD");
        assert_eq!(c.pipeline, Pipeline::default());
        assert_eq!(c.lifecycle, Lifecycle::default());
        assert_eq!(c.at_risk_days, 60);
    }

    #[test]
    fn written_defaults_equal_built_in_defaults() {
        let c = Config::parse(&Config::default_toml("acme \"co\"")).unwrap();
        let d = Config::default();
        assert_eq!(c.name, "acme \"co\"");
        assert_eq!(c.currency, d.currency);
        assert_eq!(c.timezone, d.timezone);
        assert_eq!(c.at_risk_days, d.at_risk_days);
        assert_eq!(c.stale_days, d.stale_days);
        assert_eq!(c.lifecycle, d.lifecycle);
        assert_eq!(c.pipeline, d.pipeline);
        assert_eq!(c.sla, d.sla);
        assert_eq!(c.loyalty, d.loyalty);
        assert_eq!(c.rates, d.rates);
        assert_eq!(c.fields, d.fields);
        assert_eq!(c.consent, d.consent);
    }

    #[test]
    fn bad_settings_name_key_and_line() {
        let e = Config::parse("name = \"x\"\n\n[[pipeline]]\nname = \"new\"\nprobability = 500\n")
            .unwrap_err();
        assert!(e.contains("line 5"), "{e}");
        assert!(e.contains("probability"), "{e}");
        assert!(e.contains("500 is not a percentage from 0 to 100"), "{e}");

        let e = Config::parse("currency = \"usd\"\n").unwrap_err();
        assert!(e.contains("line 1"), "{e}");
        assert!(
            e.contains("\"usd\" is not an ISO 4217 currency code"),
            "{e}"
        );

        let e = Config::parse("at_risk_dayz = 3\n").unwrap_err();
        assert!(e.contains("unknown field `at_risk_dayz`"), "{e}");

        let e = Config::parse("timezone = \"Mars/Olympus\"\n").unwrap_err();
        assert!(e.contains("not a time zone name"), "{e}");
    }

    #[test]
    fn rates_accept_numbers_and_strings() {
        let c = Config::parse("[rates]\nEUR = 1.08\nIDR = \"0.000063\"\n").unwrap();
        assert_eq!(c.rates[&Currency("EUR".into())].0.to_string(), "1.08");
        assert_eq!(c.rates[&Currency("IDR".into())].0.to_string(), "0.000063");
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
schema_of!(TimeZone, "TimeZone", {"type": "string", "description": "IANA time zone name, e.g. Asia/Jakarta"});
schema_of!(Percent, "Percent", {"type": "number", "minimum": 0, "maximum": 100});
schema_of!(Rate, "Rate", {"type": ["number", "string"], "description": "a decimal, 0 or more"});
schema_of!(Amount, "Amount", {"type": ["number", "string"], "description": "an amount, 0 or more"});

impl JsonSchema for Lifecycle {
    fn schema_name() -> Cow<'static, str> {
        "Lifecycle".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "array", "minItems": 1, "items": g.subschema_for::<LifecycleStage>()})
    }
}

impl JsonSchema for Pipeline {
    fn schema_name() -> Cow<'static, str> {
        "Pipeline".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "array", "minItems": 1, "items": g.subschema_for::<PipelineStage>()})
    }
}
