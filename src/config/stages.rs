//! `[[lifecycle]]` and `[[pipeline]]`: the ordered stages customers and deals move through.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer};
use serde::Deserialize;

use crate::model::units::Percent;

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
