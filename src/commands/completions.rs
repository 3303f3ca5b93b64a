use anyhow::Result;

use super::Ctx;

/// Print the shell code that gives crm completions: bash, zsh, fish, elvish or powershell.
///
/// The code asks crm itself what to complete, so record ids and type names complete
/// too. Install, e.g.: bash `crm completions bash > ~/.local/share/bash-completion/completions/crm`;
/// zsh `crm completions zsh > ~/.zfunc/_crm`; fish `crm completions fish > ~/.config/fish/completions/crm.fish`;
/// elvish `crm completions elvish >> ~/.config/elvish/rc.elv`;
/// powershell `crm completions powershell >> $PROFILE`. The same files are in completions/.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// bash, zsh, fish, elvish or powershell
    #[arg(value_parser = ["bash", "zsh", "fish", "elvish", "powershell"])]
    pub shell: String,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let script = crate::complete::registration(&args.shell).expect("clap checked the shell");
    let mut out = ctx.out();
    std::io::Write::write_all(&mut out, &script)?;
    std::io::Write::flush(&mut out)?;
    Ok(())
}
