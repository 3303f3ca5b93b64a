use std::path::PathBuf;

use anyhow::Result;
use crm::ops::generate::{generate, Sizes};

use super::Ctx;

/// Write a realistic folder made from a seed, for benchmarks (hidden from help).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to create
    pub dir: PathBuf,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, default_value_t = 1000)]
    pub customers: usize,
    #[arg(long, default_value_t = 500)]
    pub deals: usize,
    #[arg(long, default_value_t = 200)]
    pub tickets: usize,
    #[arg(long, default_value_t = 2000)]
    pub interactions: usize,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let sizes = Sizes {
        customers: args.customers,
        deals: args.deals,
        tickets: args.tickets,
        interactions: args.interactions,
    };
    generate(&ctx.start_dir().join(&args.dir), args.seed, sizes)?;
    Ok(())
}
