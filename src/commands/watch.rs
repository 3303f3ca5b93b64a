use std::io::Write;

use anyhow::{Context, Result};
use crm::render::Format;
use crm::store::watch::{self, Request, Status};

use super::Ctx;

/// Keep a watch on the crm folder, so that commands read only what changed.
///
/// While a watcher runs, a command asks it which files changed since the cache in
/// .crm/ was written, and reads just those: no listing and no stat of every file, as
/// git's fsmonitor does for `git status`. Without one, every file is statted, which is
/// just as correct and slower on large folders. The watcher runs until Ctrl-C,
/// `crm watch --stop`, or the folder is moved or removed. Linux only; refused on
/// network file systems, whose changes made elsewhere it would never hear of.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Run in the background (its messages go to .crm/watch.log); returns once it watches
    #[arg(long, conflicts_with_all = ["stop", "status"])]
    pub detach: bool,
    /// Stop the folder's watcher
    #[arg(long, conflicts_with = "status")]
    pub stop: bool,
    /// Print what the folder's watcher has seen (exits 1 when none runs); --format json
    /// for scripts
    #[arg(long)]
    pub status: bool,
}

/// The formats `crm watch --status` offers.
pub const FORMATS: &[Format] = &[Format::Text, Format::Json];

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let root = ctx.store()?.root.clone();
    let none = || crate::exit::failed(format!("no watcher serves {}", root.display()));
    if args.status {
        let format = ctx.format("watch --status", FORMATS, Format::Text)?;
        let status = watch::send(&root, &Request::Status)
            .and_then(|a| Status::parse(&a))
            .ok_or_else(none)?;
        let mut out = ctx.out();
        if format == Format::Json {
            serde_json::to_writer_pretty(&mut out, &status)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}", status.line())?;
        }
        out.flush()?;
        return Ok(());
    }
    if args.stop {
        watch::send(&root, &Request::Stop)
            .filter(|a| a.starts_with(b"stopping"))
            .ok_or_else(none)?;
        ctx.ui
            .info(&format!("stopped the watcher of {}", root.display()));
        return Ok(());
    }
    if args.detach {
        let pid = detach(&root)?;
        ctx.ui.info(&format!(
            "watching {} in the background (pid {pid}; `crm watch --stop` stops it)",
            root.display()
        ));
        return Ok(());
    }
    serve(ctx, &root)
}

#[cfg(target_os = "linux")]
fn serve(ctx: &Ctx, root: &std::path::Path) -> Result<()> {
    let why = crm::store::watch::serve(root, |folders| {
        ctx.ui.info(&format!(
            "watching {} ({folders} folders); Ctrl-C stops",
            root.display()
        ))
    })
    .map_err(|e| crate::exit::failed(e.to_string()))?;
    ctx.ui.info(&format!("stopped watching: {why}"));
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn serve(_: &Ctx, _: &std::path::Path) -> Result<()> {
    Err(crate::exit::failed(
        "crm watch needs Linux's inotify; without a watcher every command checks each file".into(),
    ))
}

#[cfg(not(unix))]
fn detach(_: &std::path::Path) -> Result<u32> {
    Err(crate::exit::failed("crm watch needs Linux's inotify"))
}

/// Starts `crm watch` as a process of its own session, and waits until it answers.
#[cfg(unix)]
fn detach(root: &std::path::Path) -> Result<u32> {
    use std::os::unix::process::CommandExt;
    let log_path = root.join(".crm/watch.log");
    crm::store::guard::private_dir(root, crm::store::guard::PRIVATE)?;
    let log = crm::store::guard::open_nofollow(
        std::fs::OpenOptions::new().create(true).append(true),
        &log_path,
    )
    .with_context(|| format!("cannot write {}", log_path.display()))?;
    let mut cmd = std::process::Command::new(std::env::current_exe()?);
    cmd.arg("-C")
        .arg(root)
        .arg("watch")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(log);
    // Its own session: it outlives the terminal it was started from.
    // SAFETY: the closure runs in the child between fork and exec, and calls only
    // setsid, which is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let mut child = cmd.spawn()?;
    let started = std::time::Instant::now();
    loop {
        if watch::send(root, &Request::Status).is_some() {
            return Ok(child.id());
        }
        if let Some(status) = child.try_wait()? {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            let last = log
                .lines()
                .last()
                .unwrap_or("")
                .trim_start_matches("error: ");
            return Err(crate::exit::failed(format!(
                "the watcher stopped ({status}): {last}"
            )));
        }
        if started.elapsed() > std::time::Duration::from_secs(30) {
            return Err(crate::exit::failed(
                "the watcher did not answer within 30 s",
            ));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
