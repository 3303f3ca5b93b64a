//! `crm.toml`: the folder's settings (README, "The folder"; `crm schema config`).
//!
//! Every key has a default, so an empty file works. Values are checked while they are
//! read, so a bad one is reported by the TOML parser with its line, column and key.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::model::spec::FieldKind;

mod defaults;
mod sections;
mod stages;

pub use sections::{
    Consent, CustomField, CustomFields, CustomType, FormatSettings, LoyaltyTier, Mail, McpSettings,
    PhoneSettings, ScoreRule, Scoring, Sla, SlaTarget, Whatsapp,
};
pub use stages::{Lifecycle, LifecycleStage, Pipeline, PipelineStage, MAX_STAGES};

use crate::model::units::{Currency, Rate, TimeZone};

pub const FILE_NAME: &str = "crm.toml";

pub use crate::error::ConfigError;

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
    pub mail: Mail,
    pub phone: PhoneSettings,
    pub whatsapp: Whatsapp,
    pub scoring: Scoring,
    pub mcp: McpSettings,
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
        self.custom_fields(ty)
            .get(name)
            .and_then(|t| t.kind())
            .map(CustomType::kind)
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

    /// The fields `[fields.TYPE]` declares with a type, and their types.
    pub fn typed_fields(
        &self,
        ty: crate::model::RecordType,
    ) -> impl Iterator<Item = (&String, CustomType)> {
        self.custom_fields(ty)
            .iter()
            .filter_map(|(name, f)| Some((name, f.kind()?)))
    }

    /// Whether `[fields.TYPE]` declares the field personal.
    pub fn personal_field(&self, ty: crate::model::RecordType, name: &str) -> bool {
        self.custom_fields(ty)
            .get(name)
            .is_some_and(|f| f.personal())
    }

    /// The fields `[fields.TYPE]` declares for a record type.
    pub fn custom_fields(&self, ty: crate::model::RecordType) -> &BTreeMap<String, CustomField> {
        match ty {
            crate::model::RecordType::Customer => &self.fields.customer,
            crate::model::RecordType::Deal => &self.fields.deal,
            crate::model::RecordType::Ticket => &self.fields.ticket,
            crate::model::RecordType::Campaign => &self.fields.campaign,
            crate::model::RecordType::Interaction => &self.fields.interaction,
        }
    }

    /// The region national phone numbers are read in: `[phone] region`, else the one
    /// country that uses the folder's currency (IDR: ID; none for USD or EUR, which many
    /// countries use).
    pub fn phone_region(&self) -> Option<String> {
        if let Some(r) = &self.phone.region {
            return Some(r.0.clone());
        }
        let used_by = iso_currency::Currency::from_code(&self.currency.0)?.used_by();
        match used_by.as_slice() {
            [one] => {
                Some(format!("{one:?}")).filter(|c| crate::model::phone::region_id(c).is_some())
            }
            _ => None,
        }
    }

    /// Whether amounts may name `code`: an ISO 4217 code (the `iso_currency` crate's
    /// table) or one of `extra_currencies`.
    pub fn knows_currency(&self, code: &str) -> bool {
        iso_currency::Currency::from_code(code).is_some()
            || self.extra_currencies.iter().any(|c| c.0 == code)
    }
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
    fn custom_fields_are_a_type_or_a_table() {
        let c = Config::parse(
            "[fields.customer]\nemployees = \"integer\"\nnpwp = { type = \"string\", personal = true }\n\n[fields.customer.birthday]\npersonal = true\n",
        )
        .unwrap();
        let ty = crate::model::RecordType::Customer;
        assert_eq!(c.custom_field(ty, "employees"), Some(FieldKind::Integer));
        assert!(!c.personal_field(ty, "employees"));
        assert_eq!(c.custom_field(ty, "npwp"), Some(FieldKind::Text));
        assert!(c.personal_field(ty, "npwp"));
        // Declared personal without a type: unchecked, as an undeclared field.
        assert_eq!(c.custom_field(ty, "birthday"), None);
        assert!(c.personal_field(ty, "birthday"));
        let e = Config::parse("[fields.customer.birthday]\npersonel = true\n").unwrap_err();
        assert!(
            e.contains("line 2") && e.contains("unknown field `personel`"),
            "{e}"
        );
        let e = Config::parse("[fields.customer]\nx = \"number\"\n").unwrap_err();
        assert!(e.contains("unknown variant `number`"), "{e}");
        let e = Config::parse("[fields.customer]\nx = 3\n").unwrap_err();
        assert!(e.contains("a type (string, integer"), "{e}");
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
