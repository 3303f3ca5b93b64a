use anyhow::Result;

use super::Ctx;

/// Register crm's merge driver in this git repository's config (.git/config), so
/// `customers/** merge=crm` (and the other record folders) in .gitattributes merge
/// records field by field. Inside a crm folder, its .gitattributes is brought up to date
/// (older versions routed every *.yaml of the repository).
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(ctx: &Ctx, _args: Args) -> Result<()> {
    let exe = std::env::current_exe()?;
    crm::ops::git::setup(&ctx.start_dir(), &exe)?;
    if let Ok(root) = crm::store::root::find_root(&ctx.start_dir()) {
        crm::ops::init::route_records(&root)?;
    }
    ctx.ui.info(&format!(
        "registered the crm merge driver ({})",
        exe.display()
    ));
    Ok(())
}
