use std::io::Write;

use anyhow::Result;
use crm::model::value::scalar_text;
use crm::model::RecordType;
use crm::render::{self, Format};
use serde_yaml::Value;

use super::Ctx;

/// Print one field of a record, raw, for scripts.
///
/// Text prints as it is, lists one item per line, groups as YAML. FIELD may be a
/// dotted path (preferences.channel) or `id`. A field the record lacks prints
/// nothing and exits 1.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record
    #[arg(add = crate::complete::records())]
    pub reference: String,
    /// The field
    #[arg(add = crate::complete::fields(false))]
    pub field: String,
}

/// The formats `crm get` offers.
pub const FORMATS: &[Format] = &[Format::Yaml, Format::Json];

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let format = ctx.format("get", FORMATS, Format::Yaml)?;
    let store = ctx.store()?;
    let record = &store.resolve(&args.reference, &RecordType::ALL)?.record;
    let value = if args.field == "id" {
        Value::String(record.id.clone())
    } else {
        match record.get(&args.field) {
            Some(v) if !v.is_null() => v.clone(),
            _ => {
                return Err(crate::exit::failed(format!(
                    "{} {} has no field `{}`",
                    record.ty, record.id, args.field
                )))
            }
        }
    };
    let mut out = ctx.out();
    // Raw for scripts; on a terminal, control characters show as escapes (a value could
    // otherwise clear the screen or write the clipboard).
    let tty = ctx.ui.stdout_is_tty;
    let shown = |t: String| {
        if tty {
            crm::render::guard::printable(&t).into_owned()
        } else {
            t
        }
    };
    if ctx.global.format.is_some() && format == Format::Json {
        serde_json::to_writer(&mut out, &render::yaml_to_json(&value))?;
        writeln!(out)?;
    } else if let Some(text) = scalar_text(&value) {
        writeln!(out, "{}", shown(text))?;
    } else if let Value::Sequence(items) = &value {
        for item in items {
            match scalar_text(item) {
                Some(t) => writeln!(out, "{}", shown(t))?,
                None => serde_json::to_writer(&mut out, &render::yaml_to_json(item))
                    .map(|_| writeln!(out))??,
            }
        }
    } else {
        out.write_all(serde_yaml::to_string(&value)?.as_bytes())?;
    }
    out.flush()?;
    Ok(())
}
