use anyhow::{Context, Result};
use rmcp::ServiceExt;

use super::Ctx;
use crate::mcp::{Server, Setup};

/// Serve the folder to AI assistants over the Model Context Protocol (stdio).
///
/// Tools: list_records, show_record, timeline, agenda, report, sql (reading);
/// add_record, log_interaction, set_fields, move_stage (writing). Resources:
/// crm://config and crm://schema/{type}. Each tool runs the crm command it stands for,
/// with its checks and messages. Standard output carries the protocol only; messages go
/// to stderr.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Serve only the tools that read (also crm.toml's `[mcp] read_only = true`)
    #[arg(long)]
    pub read_only: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let setup = Setup {
        exe: std::env::current_exe().context("cannot find the crm executable to run tools with")?,
        root: store.root.clone(),
        pins: ctx.pins(),
        read_only: args.read_only || store.config.mcp.read_only,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(async {
        let service = Server::new(setup)
            .serve(crate::mcp::stdio::pipes())
            .await
            .context("the MCP session did not start")?;
        service.waiting().await.context("the MCP session failed")?;
        Ok(())
    })
}
