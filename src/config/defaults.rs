//! The defaults, in one place: the `Default` impls below hold every value, and
//! [`Config::default_toml_in`] writes them out as the commented crm.toml `crm init`
//! creates, so the text cannot say something the code does not do.

use std::collections::BTreeMap;
use std::fmt::Write;

use rust_decimal::Decimal;

use super::sections::{
    Consent, CustomFields, FormatSettings, LoyaltyTier, Mail, McpSettings, PhoneSettings, Scoring,
    Sla, SlaTarget, Whatsapp,
};
use super::stages::{Lifecycle, LifecycleStage, Pipeline, PipelineStage};
use super::Config;
use crate::model::units::{Amount, Channel, Currency, Percent, TimeZone};
use crate::model::RecordType;

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
            loyalty: loyalty_tiers(1),
            rates: BTreeMap::new(),
            fields: CustomFields::default(),
            consent: Consent::default(),
            format: FormatSettings::default(),
            mail: Mail::default(),
            phone: PhoneSettings::default(),
            whatsapp: Whatsapp::default(),
            mcp: McpSettings::default(),
            scoring: Scoring::default(),
        }
    }
}

impl Default for Scoring {
    fn default() -> Scoring {
        Scoring {
            half_life_days: 30.0,
            fit: Vec::new(),
            engagement: Vec::new(),
        }
    }
}

/// Bronze from 0, silver from 1,000 and gold from 10,000, times `scale`.
fn loyalty_tiers(scale: u64) -> Vec<LoyaltyTier> {
    let tier = |name: &str, min: u64| LoyaltyTier {
        name: name.into(),
        min: Amount(Decimal::from(min * scale)),
    };
    vec![
        tier("bronze", 0),
        tier("silver", 1_000),
        tier("gold", 10_000),
    ]
}

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

impl Default for Mail {
    fn default() -> Mail {
        Mail {
            me: Vec::new(),
            ignore: [
                "noreply@*",
                "no-reply@*",
                "mailer-daemon@*",
                "*@notifications.*",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

impl Config {
    /// The settings of a new folder whose default currency is `currency` (an ISO 4217
    /// code): the defaults, with the loyalty tiers' minimums sized to the currency (see
    /// [`crate::model::money::dollar_magnitude`]): IDR 10,000,000 and 100,000,000.
    pub fn defaults_in(name: &str, currency: &str) -> Config {
        let scale = 10u64.pow(crate::model::money::dollar_magnitude(currency));
        Config {
            name: name.to_string(),
            currency: Currency(currency.to_string()),
            loyalty: loyalty_tiers(scale),
            ..Config::default()
        }
    }

    /// The text `crm init` writes: every default, with a comment saying what it does.
    pub fn default_toml(name: &str) -> String {
        Config::default_toml_in(name, "USD")
    }

    /// The same for a folder whose default currency is `currency`.
    pub fn default_toml_in(name: &str, currency: &str) -> String {
        commented(&Config::defaults_in(name, currency))
    }
}

/// A line of the text (writing to a String cannot fail).
macro_rules! w {
    ($t:expr) => {
        $t.push('\n')
    };
    ($t:expr, $($arg:tt)*) => {
        let _ = writeln!($t, $($arg)*);
    };
}

/// `c` as crm.toml, each key with the comment that says what it does.
fn commented(c: &Config) -> String {
    let mut t = String::new();
    top(&mut t, c);
    stages(&mut t, c);
    money(&mut t, c);
    mail(&mut t, c);
    phone(&mut t, c);
    scoring(&mut t, c);
    fields(&mut t, c);
    mcp(&mut t, c);
    t
}

/// `[mcp]`.
fn mcp(t: &mut String, c: &Config) {
    w!(t);
    w!(
        t,
        "# `crm mcp`, the CRM as tools for AI assistants: true serves only the tools that read."
    );
    w!(t, "[mcp]");
    w!(t, "read_only = {}", c.mcp.read_only);
}

/// The folder's name, currency, time zone and thresholds.
fn top(t: &mut String, c: &Config) {
    w!(
        t,
        "# crm settings. Every key below shows its default; delete a key to go back to it."
    );
    w!(t);
    w!(t, "# The name of this CRM, shown on reports.");
    w!(t, "name = {}", quoted(&c.name));
    w!(t, "# Currency of amounts that name none (ISO 4217 code).");
    w!(t, "currency = {}", quoted(&c.currency.0));
    w!(
        t,
        "# Codes outside ISO 4217 that amounts may name too (e.g. [\"PTS\"] for loyalty points)."
    );
    w!(
        t,
        "extra_currencies = [{}]",
        list(c.extra_currencies.iter().map(|c| c.0.as_str()))
    );
    w!(t, "# Time zone of \"today\" and of the timestamps crm writes (IANA name, e.g. \"Asia/Jakarta\").");
    w!(t, "timezone = {}", quoted(c.timezone.0.name()));
    w!(
        t,
        "# A customer is at risk after this many days without an interaction."
    );
    w!(t, "at_risk_days = {}", c.at_risk_days);
    w!(
        t,
        "# An open deal is stale after this many days without a stage change or an interaction."
    );
    w!(t, "stale_days = {}", c.stale_days);
}

/// `[[lifecycle]]` and `[[pipeline]]`.
fn stages(t: &mut String, c: &Config) {
    w!(t);
    w!(
        t,
        "# The customer lifecycle, in order; a new customer record starts at the first stage."
    );
    w!(
        t,
        "# customer = true: reaching this stage makes a record a paying customer."
    );
    w!(
        t,
        "# churned = true: a customer who left.  lost = true: a lead that will not buy."
    );
    for (i, s) in c.lifecycle.0.iter().enumerate() {
        if i > 0 {
            w!(t);
        }
        w!(t, "[[lifecycle]]");
        w!(t, "name = {}", quoted(&s.name));
        for (set, key) in [
            (s.customer, "customer"),
            (s.churned, "churned"),
            (s.lost, "lost"),
        ] {
            if set {
                w!(t, "{key} = true");
            }
        }
    }
    w!(t);
    w!(
        t,
        "# The deal pipeline, in order; a new deal starts at the first stage."
    );
    w!(
        t,
        "# probability: percent chance to win, used for weighted value unless a deal sets its own."
    );
    w!(
        t,
        "# won = true / lost = true: the stages that close a deal (entering one sets `closed`)."
    );
    for (i, s) in c.pipeline.0.iter().enumerate() {
        if i > 0 {
            w!(t);
        }
        w!(t, "[[pipeline]]");
        w!(t, "name = {}", quoted(&s.name));
        w!(t, "probability = {}", s.probability.0);
        for (set, key) in [(s.won, "won"), (s.lost, "lost")] {
            if set {
                w!(t, "{key} = true");
            }
        }
    }
}

/// Service levels, loyalty tiers, rates, consent and the way amounts are written.
fn money(t: &mut String, c: &Config) {
    w!(t);
    w!(t, "# Service level targets per ticket priority, in hours.");
    w!(t, "[sla]");
    let sla = &c.sla;
    for (name, target) in [
        ("urgent", sla.urgent),
        ("high", sla.high),
        ("normal", sla.normal),
        ("low", sla.low),
    ] {
        let SlaTarget {
            first_response_hours,
            resolution_hours,
        } = target;
        w!(t, "{name} = {{ first_response_hours = {first_response_hours}, resolution_hours = {resolution_hours} }}");
    }
    w!(t);
    w!(
        t,
        "# Loyalty tiers: a customer is in the highest tier whose `min` their won deal value"
    );
    w!(
        t,
        "# of the trailing 12 months reaches, in the default currency (`crm init --currency`"
    );
    w!(t, "# sized them to it; set your own).");
    for (i, tier) in c.loyalty.iter().enumerate() {
        if i > 0 {
            w!(t);
        }
        w!(t, "[[loyalty]]");
        w!(t, "name = {}", quoted(&tier.name));
        w!(t, "min = {}", tier.min.0);
    }
    w!(t);
    w!(
        t,
        "# Exchange rates into the default currency, for reports that add up currencies:"
    );
    w!(
        t,
        "# one unit of the named currency is worth this much of the default one."
    );
    w!(t, "[rates]");
    if c.rates.is_empty() {
        w!(t, "# EUR = 1.08");
    }
    for (code, rate) in &c.rates {
        w!(t, "{code} = {}", rate.0);
    }
    w!(t);
    w!(
        t,
        "# Campaign channels that may reach only customers who gave consent"
    );
    w!(t, "# (`preferences.consent = true`).");
    w!(t, "[consent]");
    w!(
        t,
        "required = [{}]",
        list(c.consent.required.iter().map(|Channel(c)| c.as_str()))
    );
    w!(t);
    w!(
        t,
        "# How tables, markdown, html and the timeline write amounts (json, csv and tsv keep"
    );
    w!(
        t,
        "# them exact and ungrouped): IDR 155,500,000 by default. In Indonesia, for instance:"
    );
    w!(t, "# thousands = \".\", decimal = \",\" and symbols = {{ IDR = \"Rp\" }} write Rp 155.500.000.");
    w!(t, "[format]");
    let money = &c.format.money;
    w!(t, "thousands = {}", quoted(&money.thousands));
    w!(t, "decimal = {}", quoted(&money.decimal));
    for (code, symbol) in &money.symbols {
        w!(t, "symbols.{code} = {}", quoted(symbol));
    }
}

/// `[mail]`.
fn mail(t: &mut String, c: &Config) {
    w!(t);
    w!(
        t,
        "# `crm ingest mail`: our addresses (an entry starting with @ is a whole domain,"
    );
    w!(
        t,
        "# e.g. [\"sari@ourco.test\", \"@ourco.test\"]), and senders whose messages are not"
    );
    w!(t, "# conversations (* matches anything).");
    w!(t, "[mail]");
    w!(t, "me = [{}]", list(c.mail.me.iter().map(String::as_str)));
    w!(
        t,
        "ignore = [{}]",
        list(c.mail.ignore.iter().map(String::as_str))
    );
}

/// `[phone]` and `[whatsapp]`.
fn phone(t: &mut String, c: &Config) {
    w!(t);
    w!(
        t,
        "# Phone numbers are stored in E.164 (+6281234567890). Numbers without + are read in"
    );
    w!(
        t,
        "# this region (ISO 3166-1 code); unset, the one country of the currency above (IDR: ID)."
    );
    w!(t, "[phone]");
    match &c.phone.region {
        Some(r) => {
            w!(t, "region = {}", quoted(&r.0));
        }
        None => {
            w!(t, "# region = \"ID\"");
        }
    }
    w!(t);
    w!(
        t,
        "# `crm ingest whatsapp`: our names as chat exports show them (e.g. [\"Sari\"])."
    );
    w!(t, "[whatsapp]");
    w!(
        t,
        "me = [{}]",
        list(c.whatsapp.me.iter().map(String::as_str))
    );
}

/// `[scoring]`.
fn scoring(t: &mut String, c: &Config) {
    w!(t);
    w!(
        t,
        "# Lead scores (`crm score`, the `score` field): points for each [[scoring.fit]] rule"
    );
    w!(
        t,
        "# that holds on a customer, plus, for each of their interactions, the points of each"
    );
    w!(
        t,
        "# [[scoring.engagement]] rule that holds on it, halved every half_life_days of its age."
    );
    w!(t, "# Rules are --where queries, e.g.:");
    w!(t, "#   [[scoring.fit]]");
    w!(
        t,
        "#   where = \"industry = cafe and city in (Jakarta, Bandung)\""
    );
    w!(t, "#   points = 15");
    w!(t, "#   [[scoring.engagement]]");
    w!(
        t,
        "#   where = \"direction = inbound and channel in (whatsapp, call, meeting)\""
    );
    w!(t, "#   points = 10");
    w!(t, "[scoring]");
    w!(t, "half_life_days = {}", c.scoring.half_life_days);
}

/// `[fields.TYPE]`.
fn fields(t: &mut String, c: &Config) {
    w!(t);
    w!(t, "# Custom fields with a declared type (string, integer, decimal, date, moment, bool, list),");
    w!(
        t,
        "# checked like built-in ones. Undeclared custom fields are kept as they are written."
    );
    w!(
        t,
        "# A table declares personal data, which `crm forget` removes: birthday = {{ type = \"date\", personal = true }}"
    );
    for (i, ty) in RecordType::ALL.into_iter().enumerate() {
        if i > 0 {
            w!(t);
        }
        w!(t, "[fields.{}]", ty.singular());
        let declared = c.custom_fields(ty);
        if ty == RecordType::Customer && declared.is_empty() {
            w!(t, "# employees = \"integer\"");
        }
        for (name, field) in declared {
            let value = match *field {
                crate::config::CustomField::Typed(kind) => quoted(kind.name()),
                crate::config::CustomField::Table { kind, personal } => {
                    let mut parts: Vec<String> = kind
                        .map(|k| format!("type = {}", quoted(k.name())))
                        .into_iter()
                        .collect();
                    parts.push(format!("personal = {personal}"));
                    format!("{{ {} }}", parts.join(", "))
                }
            };
            w!(t, "{} = {}", quoted(name), value);
        }
    }
}

/// `"a", "b"`.
fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.map(quoted).collect::<Vec<_>>().join(", ")
}

/// A TOML basic string.
fn quoted(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text `crm init` writes, checked in so that a change to it is seen in review.
    const BEFORE: &str = include_str!("../../tests/fixtures/default-crm.toml");

    #[test]
    fn the_written_defaults_are_the_checked_in_text() {
        assert_eq!(
            Config::default_toml("Toko \"Maju\""),
            BEFORE.replace("{name}", "Toko \\\"Maju\\\"")
        );
    }

    #[test]
    fn declared_fields_are_written_back_as_declared() {
        let c = Config::parse(
            "[fields.customer]\nemployees = \"integer\"\nnpwp = { type = \"string\", personal = true }\nbirthday = { personal = true }\n",
        )
        .unwrap();
        let text = commented(&c);
        assert!(
            text.contains("[fields.customer]\n\"birthday\" = { personal = true }\n\"employees\" = \"integer\"\n\"npwp\" = { type = \"string\", personal = true }\n"),
            "{text}"
        );
        assert_eq!(Config::parse(&text).unwrap().fields, c.fields);
    }

    #[test]
    fn a_folder_in_rupiah_gets_tiers_sized_to_it() {
        let text = Config::default_toml_in("x", "IDR");
        assert!(text.contains("currency = \"IDR\"\n"));
        assert!(
            text.contains("name = \"silver\"\nmin = 10000000\n"),
            "{text}"
        );
        assert!(
            text.contains("name = \"gold\"\nmin = 100000000\n"),
            "{text}"
        );
        let c = Config::parse(&text).unwrap();
        assert_eq!(c.loyalty, Config::defaults_in("x", "IDR").loyalty);
    }
}
