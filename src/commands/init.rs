use std::path::PathBuf;

use anyhow::Result;

use super::Ctx;

/// Create a crm folder: crm.toml with every default, one folder per record type,
/// schema/, .gitattributes and .gitignore. Refuses where a crm.toml exists.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to create (default: the current folder)
    pub dir: Option<PathBuf>,
    /// The folder's default currency (ISO 4217); the loyalty tiers are sized to it
    #[arg(long, value_name = "CODE", default_value = "USD")]
    pub currency: String,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let dir = match args.dir {
        Some(d) => ctx.start_dir().join(d),
        None => ctx.start_dir(),
    };
    crm::ops::init::init_in(&dir, &args.currency.to_ascii_uppercase())?;
    ctx.ui
        .info(&format!("created a crm folder in {}", dir.display()));
    // Inside a git work tree, records merge field by field from the start.
    if crm::ops::git::in_work_tree(&dir) {
        let exe = std::env::current_exe()?;
        crm::ops::git::setup(&dir, &exe)?;
        ctx.ui
            .info("registered the crm merge driver in this repository (crm git-setup)");
    }
    Ok(())
}
