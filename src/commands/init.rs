use std::path::PathBuf;

use anyhow::Result;

use super::Ctx;

/// Create a crm folder: crm.toml with every default, one folder per record type,
/// schema/, .gitattributes and .gitignore. Refuses where a crm.toml exists.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to create (default: the current folder)
    pub dir: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let dir = ctx
        .start_dir()
        .join(args.dir.unwrap_or_else(|| PathBuf::from(".")));
    crm::ops::init::init(&dir)?;
    ctx.ui
        .info(&format!("created a crm folder in {}", dir.display()));
    Ok(())
}
