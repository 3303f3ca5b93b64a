//! crm: parse the command line, run the command, map its outcome to an exit code
//! (0 ok, 1 failed, 2 usage). A closed pipe (`crm … | head`) ends the run quietly.

mod cli;
mod commands;
mod complete;
mod exit;
mod mcp;
mod ui;

use std::process::ExitCode;

// A folder's records are hundreds of thousands of small values decoded on all cores:
// mimalloc allocates and frees them in a fraction of the system allocator's time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // `COMPLETE=<shell> crm` alone prints the registration script (zsh's mended, see
    // complete::registration); with words after `--`, clap_complete answers and exits.
    if let Ok(shell) = std::env::var("COMPLETE") {
        if std::env::args_os().len() == 1 {
            if let Some(script) = complete::registration(&shell) {
                use std::io::Write;
                let _ = std::io::stdout().write_all(&script);
                return ExitCode::SUCCESS;
            }
        }
    }
    clap_complete::CompleteEnv::with_factory(cli::command).complete();
    let cli = match cli::command()
        .try_get_matches()
        .and_then(|m| <cli::Cli as clap::FromArgMatches>::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let ui = ui::Ui::new(cli.global.color, cli.global.quiet);
    let now = match std::env::var("CRM_NOW") {
        Ok(s) if !s.is_empty() => match chrono::DateTime::parse_from_rfc3339(&s) {
            Ok(t) => Some(t),
            Err(_) => {
                ui.error(&format!("CRM_NOW={s:?} is not an RFC 3339 moment"));
                return ExitCode::from(2);
            }
        },
        _ => None,
    };
    let ctx = commands::Ctx::new(cli.global, ui, now);
    let result = commands::run(&ctx, cli.command);
    ctx.report_issues();
    let code = exit_code(&ctx, result);
    // The loaded records are freed by the process's exit; dropping them one by one
    // first would only cost time.
    std::mem::forget(ctx);
    code
}

fn exit_code(ctx: &commands::Ctx, result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            ctx.ui.error(&format!("{e:#}"));
            ExitCode::from(exit::classify(&e).exit_code())
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(BrokenPipe))
            || c.downcast_ref::<csv::Error>().is_some_and(
                |c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe),
            )
    })
}
