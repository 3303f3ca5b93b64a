//! The command tree. Each command's arguments and help live in its own file under `commands/`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::commands;

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
    #[arg(long, global = true, value_enum, help_heading = "Global options")]
    pub format: Option<FormatArg>,
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

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    crm::model::clock::parse_date(s).ok_or_else(|| format!("{s:?} is not a date (YYYY-MM-DD)"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Mirrors `crm::render::Format`, which stays free of clap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Table,
    Json,
    Jsonl,
    Yaml,
    Csv,
    Tsv,
    Ids,
    Markdown,
    Text,
    Github,
    Html,
}

impl From<FormatArg> for crm::render::Format {
    fn from(f: FormatArg) -> Self {
        use crm::render::Format as F;
        match f {
            FormatArg::Table => F::Table,
            FormatArg::Json => F::Json,
            FormatArg::Jsonl => F::Jsonl,
            FormatArg::Yaml => F::Yaml,
            FormatArg::Csv => F::Csv,
            FormatArg::Tsv => F::Tsv,
            FormatArg::Ids => F::Ids,
            FormatArg::Markdown => F::Markdown,
            FormatArg::Text => F::Text,
            FormatArg::Github => F::Github,
            FormatArg::Html => F::Html,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(commands::init::Args),
    Add(commands::add::Args),
    Log(Box<commands::log::Args>),
    List(commands::list::Args),
    Report(commands::report::Args),
    Timeline(commands::timeline::Args),
    Agenda(commands::agenda::Args),
    Campaign(commands::campaign::Args),
    #[command(hide = true)]
    Generate(commands::generate::Args),
    Export(commands::export::Args),
    Import(Box<commands::import::Args>),
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
    hyphen_values(Cli::command())
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
