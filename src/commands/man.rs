use anyhow::Result;
use clap::CommandFactory;

use super::Ctx;

/// Print crm's man page (roff), e.g. `crm man > /usr/local/share/man/man1/crm.1`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(ctx: &Ctx, _args: Args) -> Result<()> {
    let mut out = ctx.out();
    clap_mangen::Man::new(crate::cli::Cli::command()).render(&mut out)?;
    std::io::Write::flush(&mut out)?;
    Ok(())
}
