use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Arg, ArgAction, CommandFactory};
use roff::{bold, italic, roman, Inline, Roff};

use super::Ctx;

/// Print crm's man pages (roff): `crm man` is crm(1), `crm man campaign log-send` is
/// crm-campaign-log-send(1); `crm man --dir DIR` writes every page into DIR.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The subcommand whose page to print (`list`, `campaign log-send`)
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,
    /// Write crm.1 and every subcommand's page (crm-list.1, …) into DIR instead
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub dir: Option<PathBuf>,
}

/// The variables crm reads, as the README's Environment table lists them (a test keeps the
/// two equal).
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "CRM_DIR",
        "start here instead of the current folder (as `-C`)",
    ),
    ("CRM_TODAY", "today's date (as `--as-of`)"),
    ("CRM_NOW", "the moment written as \"now\""),
    ("VISUAL`, `EDITOR", "the editor of `crm edit`"),
    ("NO_COLOR", "no colour in messages"),
    (
        "CRM_ID_SEED",
        "seeds the id generator (for tests that need a repeatable id sequence)",
    ),
    (
        "CRM_NO_CACHE",
        "`1`: read every record file instead of `.crm/cache` (as `--no-cache`)",
    ),
    (
        "CRM_LOCK_TIMEOUT",
        "seconds a writer waits for another crm writing the folder (default 30)",
    ),
    (
        "COLUMNS",
        "the width tables are drawn for when the terminal reports none, and off a terminal",
    ),
];

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut root = crate::cli::Cli::command().disable_help_subcommand(true);
    root.build();
    if let Some(dir) = &args.dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut written = 0;
        for page in pages(&root) {
            let path = dir.join(format!("{}.1", page.name));
            crm::store::atomic::overwrite(&path, &page.roff).map_err(crm::Error::from)?;
            written += 1;
        }
        ctx.ui
            .info(&format!("wrote {written} man pages to {}", dir.display()));
        return Ok(());
    }
    let mut cmd = &root;
    for word in &args.command {
        cmd = cmd
            .get_subcommands()
            .find(|c| !c.is_hide_set() && c.get_name() == word)
            .ok_or_else(|| {
                crate::exit::usage(format!(
                    "{} has no subcommand {word:?} (see `crm man`)",
                    cmd.get_bin_name().unwrap_or("crm")
                ))
            })?;
    }
    let mut out = ctx.out();
    out.write_all(&render(cmd, &root))?;
    out.flush()?;
    Ok(())
}

struct Page {
    name: String,
    roff: Vec<u8>,
}

/// crm(1) and the page of every visible subcommand, depth first.
fn pages(root: &clap::Command) -> Vec<Page> {
    tree(root)
        .into_iter()
        .map(|(cmd, _)| Page {
            name: page_name(cmd).to_string(),
            roff: render(cmd, root),
        })
        .collect()
}

/// Every visible command, depth first, with its parent.
fn tree(root: &clap::Command) -> Vec<(&clap::Command, Option<&clap::Command>)> {
    fn walk<'c>(
        cmd: &'c clap::Command,
        parent: Option<&'c clap::Command>,
        out: &mut Vec<(&'c clap::Command, Option<&'c clap::Command>)>,
    ) {
        out.push((cmd, parent));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, Some(cmd), out);
        }
    }
    let mut out = Vec::new();
    walk(root, None, &mut out);
    out
}

/// `crm-campaign-log-send`: clap's display name once the tree is built.
fn page_name(cmd: &clap::Command) -> &str {
    cmd.get_display_name().unwrap_or_else(|| cmd.get_name())
}

/// One page: clap_mangen's sections, with our own SYNOPSIS (clap_mangen's names no option
/// values), the global options left to crm(1), and ENVIRONMENT and SEE ALSO sections.
fn render(cmd: &clap::Command, root: &clap::Command) -> Vec<u8> {
    let is_root = std::ptr::eq(cmd, root);
    let mut shown = cmd.clone();
    if !is_root {
        // A subcommand holds copies of the global options; they are described once, in crm(1).
        for id in globals(root) {
            shown = shown.mut_arg(id, |a| a.hide(true));
        }
    }
    let version = root.get_version().unwrap_or_default();
    let man = clap_mangen::Man::new(shown.clone())
        .source(format!("crm {version}"))
        .manual("crm manual");
    let mut page = Vec::new();
    man.render_title(&mut page).expect("writing to memory");
    man.render_name_section(&mut page)
        .expect("writing to memory");
    let mut roff = Roff::new();
    roff.control("SH", ["SYNOPSIS"]);
    roff.text(synopsis(&shown, is_root));
    page.extend(roff.to_roff().into_bytes());
    man.render_description_section(&mut page)
        .expect("writing to memory");
    if shown.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut page)
            .expect("writing to memory");
    }
    if shown.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut page)
            .expect("writing to memory");
    }
    if shown.get_after_long_help().is_some() || shown.get_after_help().is_some() {
        man.render_extra_section(&mut page)
            .expect("writing to memory");
    }
    let mut roff = Roff::new();
    if !is_root {
        roff.control("SH", ["GLOBAL OPTIONS"]);
        roff.text([
            roman("The options of "),
            bold("crm"),
            roman("(1) apply here too: "),
            roman(
                root.get_arguments()
                    .filter(|a| a.is_global_set() && !a.is_hide_set())
                    .map(usage)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            roman("."),
        ]);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, meaning) in ENVIRONMENT {
        roff.control("TP", []);
        let names: Vec<&str> = name.split("`, `").collect();
        let mut head = Vec::new();
        for (i, n) in names.iter().enumerate() {
            if i > 0 {
                head.push(roman(", "));
            }
            head.push(bold(*n));
        }
        roff.text(head);
        roff.text([roman(meaning.replace('`', ""))]);
    }
    roff.control("SH", ["SEE ALSO"]);
    roff.text(see_also(cmd, root, is_root));
    page.extend(roff.to_roff().into_bytes());
    man.render_version_section(&mut page)
        .expect("writing to memory");
    once_preamble(page)
}

/// Each of clap_mangen's sections starts with roff's apostrophe preamble; a page needs it
/// once. Characters past ASCII become `\[uXXXX]` escapes, which groff and mandoc read
/// whatever input encoding they assume (plain `groff` takes bytes as Latin-1).
fn once_preamble(page: Vec<u8>) -> Vec<u8> {
    const PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";
    let text = String::from_utf8(page).expect("roff is UTF-8");
    let rest = text
        .strip_prefix(PREAMBLE)
        .unwrap_or(&text)
        .replace(PREAMBLE, "");
    let mut out = String::from(PREAMBLE);
    for c in rest.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", c as u32));
        }
    }
    out.into_bytes()
}

fn globals(root: &clap::Command) -> Vec<String> {
    root.get_arguments()
        .filter(|a| a.is_global_set())
        .map(|a| a.get_id().to_string())
        .collect()
}

/// `crm list [-w|--where QUERY] … TYPE`: every option with its value's name, then the
/// positionals, then the subcommand.
fn synopsis(cmd: &clap::Command, is_root: bool) -> Vec<Inline> {
    let name = cmd.get_bin_name().unwrap_or_else(|| cmd.get_name());
    let mut line = vec![bold(name)];
    let options = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set() && !a.is_positional());
    for arg in options {
        line.push(roman(" "));
        let text = usage(arg);
        if arg.is_required_set() {
            line.push(roman(text));
        } else {
            line.push(roman(format!("[{text}]")));
        }
    }
    for arg in cmd.get_positionals().filter(|a| !a.is_hide_set()) {
        line.push(roman(" "));
        let mut text = value_names(arg).join(" ");
        if repeats(arg) {
            text.push('…');
        }
        if arg.is_required_set() {
            line.push(italic(text));
        } else {
            line.push(roman("["));
            line.push(italic(text));
            line.push(roman("]"));
        }
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        line.push(roman(" "));
        line.push(italic("COMMAND"));
    }
    if is_root {
        line.push(roman(" …"));
    }
    line
}

/// `-w|--where QUERY`, `--format FORMAT`, `-q|--quiet`.
fn usage(arg: &Arg) -> String {
    let mut text = match (arg.get_short(), arg.get_long()) {
        (Some(s), Some(l)) => format!("-{s}|--{l}"),
        (Some(s), None) => format!("-{s}"),
        (None, Some(l)) => format!("--{l}"),
        (None, None) => arg.get_id().to_string(),
    };
    if takes_value(arg) {
        text.push(' ');
        text.push_str(&value_names(arg).join(" "));
    }
    if repeats(arg) && !text.ends_with("...") {
        text.push('…');
    }
    text
}

fn takes_value(arg: &Arg) -> bool {
    matches!(arg.get_action(), ArgAction::Set | ArgAction::Append)
}

fn repeats(arg: &Arg) -> bool {
    matches!(arg.get_action(), ArgAction::Append | ArgAction::Count)
        || arg.get_num_args().is_some_and(|n| n.max_values() > 1)
}

fn value_names(arg: &Arg) -> Vec<String> {
    match arg.get_value_names() {
        Some(names) => names.iter().map(|n| n.to_string()).collect(),
        None => vec![arg.get_id().as_str().to_uppercase()],
    }
}

/// crm(1) names every page; a subcommand's page names crm(1), its parent and its own
/// subcommands.
fn see_also(cmd: &clap::Command, root: &clap::Command, is_root: bool) -> Vec<Inline> {
    let mut names: Vec<&str> = Vec::new();
    let all = tree(root);
    if is_root {
        names.extend(all.iter().skip(1).map(|(c, _)| page_name(c)));
    } else {
        names.push("crm");
        let parent = all
            .iter()
            .find(|(c, _)| std::ptr::eq(*c, cmd))
            .and_then(|(_, p)| *p);
        if let Some(p) = parent.filter(|p| !std::ptr::eq(*p, root)) {
            names.push(page_name(p));
        }
        names.extend(
            cmd.get_subcommands()
                .filter(|s| !s.is_hide_set())
                .map(page_name),
        );
    }
    names.push("git");
    let mut line = Vec::new();
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            line.push(roman(", "));
        }
        line.push(bold(*n));
        line.push(roman("(1)"));
    }
    line
}
