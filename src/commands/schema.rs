use std::io::Write;

use anyhow::Result;
use crm::config::Config;
use crm::model::RecordType;
use crm::rules::schema::{all, config_schema, record_schema, text};

use super::Ctx;

/// Print the JSON Schema (draft-07) of a record type, or of crm.toml (`config`).
///
/// Inside a crm folder the schemas name that folder's stages and declared fields;
/// elsewhere the defaults. Without TYPE, prints every schema as one JSON object by file name.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// customer, deal, ticket, campaign, interaction or config
    #[arg(value_name = "TYPE")]
    pub ty: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let cfg = match ctx.store() {
        Ok(store) => store.config.clone(),
        Err(_) => Config::default(),
    };
    let value = match args.ty.as_deref() {
        None => serde_json::Value::Object(all(&cfg).into_iter().collect()),
        Some("config" | "crm.toml") => config_schema(),
        Some(t) => match RecordType::parse(t) {
            Some(ty) => record_schema(ty, &cfg),
            None => {
                return Err(crate::exit::usage(format!(
                    "{t:?} is not a record type (customer, deal, ticket, campaign, interaction) or config"
                )))
            }
        },
    };
    let mut out = ctx.out();
    out.write_all(text(&value).as_bytes())?;
    out.flush()?;
    Ok(())
}
