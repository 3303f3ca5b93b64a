//! The command tree. Each command's arguments and help live in its own file under `commands/`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::commands;
use crm::render::Format;

/// A CRM whose database is a folder of YAML files: one file per customer, deal,
/// ticket, campaign and interaction, shared through git.
#[derive(Debug, Parser)]
#[command(name = "crm", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Run as if crm was started in DIR (the crm folder is found from there) [env: CRM_DIR]
    #[arg(
        id = "chdir",
        short = 'C',
        global = true,
        help_heading = "Global options",
        value_name = "DIR",
        env = "CRM_DIR",
        hide_env = true
    )]
    pub dir: Option<PathBuf>,
    /// Output format (each command lists the ones it offers)
    #[arg(long, global = true, value_parser = FormatValues::ANY, help_heading = "Global options")]
    pub format: Option<Format>,
    /// When to colour messages; NO_COLOR in the environment means never
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, help_heading = "Global options")]
    pub color: ColorChoice,
    /// Print no warnings or progress messages, only data and errors
    #[arg(short, long, global = true, help_heading = "Global options")]
    pub quiet: bool,
    /// Read every record file instead of the cache in .crm/ (also CRM_NO_CACHE=1)
    #[arg(long, global = true, help_heading = "Global options")]
    pub no_cache: bool,
    /// Rewrite a record even where a comment in its file cannot be kept (its field is gone)
    #[arg(long, global = true, help_heading = "Global options")]
    pub drop_comments: bool,
    /// The date taken as today, YYYY-MM-DD [env: CRM_TODAY]
    #[arg(long, global = true, value_name = "DATE", env = "CRM_TODAY", hide_env = true, value_parser = parse_date, help_heading = "Global options")]
    pub as_of: Option<NaiveDate>,
}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    crm::model::clock::parse_date(s).ok_or_else(|| format!("{s:?} is not a date (YYYY-MM-DD)"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// `--format`'s values for one command: exactly the formats it offers, each command
/// declaring them beside its `run` (`commands::list::FORMATS`). `crm::render::Format`
/// stays free of clap; this is its parser.
#[derive(Clone)]
pub struct FormatValues {
    command: std::borrow::Cow<'static, str>,
    offered: &'static [Format],
}

impl FormatValues {
    /// Before the command is known (`crm --format json list …`): any format; the
    /// command then checks it offers it.
    const ANY: FormatValues = FormatValues {
        command: std::borrow::Cow::Borrowed(""),
        offered: &Format::ALL,
    };
}

impl clap::builder::TypedValueParser for FormatValues {
    type Value = Format;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Format, clap::Error> {
        let text = value.to_string_lossy();
        match text.parse::<Format>() {
            Ok(f) if self.offered.contains(&f) => Ok(f),
            _ => {
                let names: Vec<&str> = self.offered.iter().map(|f| f.name()).collect();
                let whose = if self.command.is_empty() {
                    "crm".to_string()
                } else {
                    format!("`crm {}`", self.command)
                };
                let message = format!(
                    "--format {text} is not offered by {whose} (choose one of: {})\n",
                    names.join(", ")
                );
                Err(clap::Error::raw(clap::error::ErrorKind::InvalidValue, message).with_cmd(cmd))
            }
        }
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            self.offered
                .iter()
                .map(|f| clap::builder::PossibleValue::new(f.name())),
        ))
    }
}

/// The commands that print formatted output, by their path in the tree, and the formats
/// each offers. A command not listed prints no formatted output, and its help shows no
/// `--format`.
fn offers() -> [(&'static [&'static str], &'static [Format]); 18] {
    [
        (&["list"], commands::list::FORMATS),
        (&["report"], commands::report::FORMATS),
        (&["show"], commands::show::FORMATS),
        (&["get"], commands::get::FORMATS),
        (&["export"], commands::export::FORMATS),
        (&["import"], commands::import::FORMATS),
        (&["ingest", "mail"], commands::ingest::FORMATS),
        (&["ingest", "calendar"], commands::ingest::FORMATS),
        (&["ingest", "whatsapp"], commands::ingest::FORMATS),
        (&["check"], commands::check::FORMATS),
        (&["watch"], commands::watch::FORMATS),
        (&["agenda"], commands::agenda::FORMATS),
        (&["timeline"], commands::timeline::FORMATS),
        (&["score"], commands::score::FORMATS),
        (&["sql"], commands::sql::FORMATS),
        (&["dedupe"], commands::dedupe::FORMATS),
        (&["export-subject"], commands::export_subject::FORMATS),
        (
            &["campaign", "audience"],
            commands::campaign::AUDIENCE_FORMATS,
        ),
    ]
}

/// Gives each command of [`offers`] its own `--format`, listing its formats; in the
/// help of the others (which print no formatted output) the global one is hidden.
fn with_formats(cmd: clap::Command) -> clap::Command {
    fn walk(cmd: clap::Command, path: &mut Vec<String>) -> clap::Command {
        let names: Vec<String> = cmd
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect();
        let mut cmd = cmd;
        for name in names {
            path.push(name.clone());
            cmd = cmd.mut_subcommand(name, |c| walk(c, path));
            path.pop();
        }
        if path.is_empty() {
            return cmd;
        }
        let offered = offers()
            .into_iter()
            .find(|(p, _)| p.iter().eq(path.iter()))
            .map(|(_, f)| f);
        let leaf = cmd.get_subcommands().next().is_none();
        let arg = clap::Arg::new("format")
            .long("format")
            .value_name("FORMAT")
            .global(true)
            .help_heading("Global options");
        match offered {
            Some(offered) => cmd.arg(arg.help("Output format").value_parser(FormatValues {
                command: path.join(" ").into(),
                offered,
            })),
            None if leaf => cmd.arg(arg.hide(true).value_parser(FormatValues::ANY)),
            None => cmd,
        }
    }
    walk(cmd, &mut Vec::new())
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(commands::init::Args),
    Add(commands::add::Args),
    Log(Box<commands::log::Args>),
    List(commands::list::Args),
    Report(commands::report::Args),
    Timeline(commands::timeline::Args),
    Score(commands::score::Args),
    Sql(commands::sql::Args),
    Dedupe(commands::dedupe::Args),
    ExportSubject(commands::export_subject::Args),
    Merge(commands::merge::Args),
    Forget(commands::forget::Args),
    Mcp(commands::mcp::Args),
    Agenda(commands::agenda::Args),
    Campaign(commands::campaign::Args),
    #[command(hide = true)]
    Generate(commands::generate::Args),
    Export(commands::export::Args),
    Import(Box<commands::import::Args>),
    Ingest(commands::ingest::Args),
    Schema(commands::schema::Args),
    Check(commands::check::Args),
    MergeDriver(commands::merge_driver::Args),
    GitSetup(commands::git_setup::Args),
    Completions(commands::completions::Args),
    Man(commands::man::Args),
    Show(commands::show::Args),
    Get(commands::get::Args),
    Set(commands::set::Args),
    Unset(commands::unset::Args),
    Stage(commands::stage::Args),
    Edit(commands::edit::Args),
    Rm(commands::rm::Args),
    Watch(commands::watch::Args),
}

/// The command tree as crm parses it: every value, of a flag or a positional argument,
/// may begin with `-` (a name "-Weird Name", a summary "-5% discount asked", a note
/// "- call back"). Numbers still go through their field's check (`--value -5` is
/// refused as negative).
pub fn command() -> clap::Command {
    hyphen_values(with_formats(Cli::command()))
}

fn hyphen_values(cmd: clap::Command) -> clap::Command {
    cmd.mut_args(|a| {
        // A flag whose value is optional (`--consent` alone means true) would take the
        // next flag as its value.
        let optional = a.get_num_args().is_some_and(|n| n.min_values() == 0);
        // A positional taking many values (`crm set REF KEY=VALUE…`, `crm unset REF
        // FIELD…`) would swallow every flag after it; its items (keys, field names)
        // never begin with `-`.
        let many = a.is_positional()
            && (matches!(a.get_action(), clap::ArgAction::Append)
                || a.get_num_args().is_some_and(|n| n.max_values() > 1));
        if a.get_action().takes_values() && !optional && !many {
            a.allow_hyphen_values(true)
        } else {
            a
        }
    })
    .mut_subcommands(hyphen_values)
}
