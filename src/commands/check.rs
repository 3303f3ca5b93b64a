use std::io::Write;

use anyhow::Result;
use crm::ops::check::{check, Severity};
use crm::render::Format;

use super::Ctx;

/// Check the whole folder: every file parses, every field has its type and an allowed
/// value, references resolve, no e-mail or id is used twice, histories are in time
/// order, crm.toml is valid. Exits 1 when there is an error, 0 with only warnings.
///
/// --format text (default: `path:line:col: error: message`), json, or github (workflow
/// annotations: `::error file=…,line=…,col=…::message`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// First remove the temporary files that interrupted writes left (`.crm-new-*`),
    /// waiting for any crm writing now
    #[arg(long)]
    pub fix: bool,
}

/// The formats `crm check` offers.
pub const FORMATS: &[Format] = &[Format::Text, Format::Json, Format::Github];

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let style = ctx.format("check", FORMATS, Format::Text)?;
    let root = crm::store::root::find_root(&ctx.start_dir())?;
    if args.fix {
        for p in crm::ops::check::remove_leftovers(&root)? {
            ctx.ui.info(&format!("removed {}", p.display()));
        }
    }
    let findings = check(&root, ctx.pins());
    // Paths as the user would type them from where crm was started.
    let cwd = std::env::current_dir().unwrap_or_default();
    let base = root
        .strip_prefix(&cwd)
        .map(|p| p.to_path_buf())
        .unwrap_or_else(|_| root.clone());
    let path = |f: &std::path::Path| base.join(f).display().to_string();
    let mut out = ctx.out();
    match style {
        Format::Text => {
            for f in &findings {
                writeln!(
                    out,
                    "{}:{}:{}: {}: {}",
                    path(&f.file),
                    f.line,
                    f.column,
                    f.severity,
                    f.message
                )?;
            }
        }
        Format::Github => {
            for f in &findings {
                let kind = if f.severity == Severity::Error {
                    "error"
                } else {
                    "warning"
                };
                writeln!(
                    out,
                    "::{kind} file={},line={},col={}::{}",
                    github_property(&path(&f.file)),
                    f.line,
                    f.column,
                    github_data(&f.message)
                )?;
            }
        }
        Format::Table
        | Format::Jsonl
        | Format::Yaml
        | Format::Csv
        | Format::Tsv
        | Format::Ids
        | Format::Markdown
        | Format::Html
        | Format::Ics
        | Format::Vcf
        | Format::Sqlite
        | Format::Parquet => return Err(super::unoffered("check", style)),
        Format::Json => {
            let items: Vec<serde_json::Value> = findings
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "file": path(&f.file),
                        "line": f.line,
                        "column": f.column,
                        "severity": f.severity.to_string(),
                        "message": f.message,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &items)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    if errors > 0 {
        return Err(crate::exit::failed(format!(
            "check found {} and {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        )));
    }
    ctx.ui.info(&format!(
        "check found no errors and {}",
        plural(warnings, "warning")
    ));
    Ok(())
}

/// A workflow command's message, escaped as the runner reads it: `%`, CR and LF (a line
/// break would end the command).
fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property (`file=`): the message's escapes, and `:` and `,`,
/// which would end the property (a file name holding `,` would land the annotation on
/// another file).
fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}
