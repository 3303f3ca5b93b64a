use anyhow::Result;

use super::Ctx;

/// Register crm's merge driver in this git repository's config (.git/config), so
/// `*.yaml merge=crm` in .gitattributes merges records field by field.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(ctx: &Ctx, _args: Args) -> Result<()> {
    let exe = std::env::current_exe()?;
    crm::ops::git::setup(&ctx.start_dir(), &exe)?;
    ctx.ui.info(&format!(
        "registered the crm merge driver ({})",
        exe.display()
    ));
    Ok(())
}
