//! One file per command: its clap `Args` (whose doc comments are its help) and `run`.

pub mod add;
pub mod agenda;
pub mod campaign;
pub mod check;
pub mod completions;
pub mod dedupe;
pub mod edit;
pub mod export;
pub mod export_subject;
pub mod forget;
pub mod generate;
pub mod get;
pub mod git_setup;
pub mod import;
pub mod ingest;
pub mod init;
pub mod list;
pub mod log;
pub mod man;
pub mod mcp;
pub mod merge;
pub mod merge_driver;
pub mod report;
pub mod rm;
pub mod schema;
pub mod score;
pub mod set;
pub mod show;
pub mod sql;
pub mod stage;
pub mod timeline;
pub mod unset;
pub mod watch;

use std::cell::OnceCell;
use std::io::{self, BufWriter, StdoutLock, Write};
use std::path::PathBuf;

use anyhow::Result;
use chrono::{DateTime, FixedOffset};
use crm::render::Format;
use crm::store::{ClockPins, Store};

use crate::cli::{Command, GlobalArgs};
use crate::ui::Ui;

/// What every command gets: the global options, the terminal, and the one way to the store.
pub struct Ctx {
    pub global: GlobalArgs,
    pub ui: Ui,
    now: Option<DateTime<FixedOffset>>,
    store: OnceCell<Store>,
}

impl Ctx {
    pub fn new(global: GlobalArgs, ui: Ui, now: Option<DateTime<FixedOffset>>) -> Ctx {
        Ctx {
            global,
            ui,
            now,
            store: OnceCell::new(),
        }
    }

    /// The folder crm was started in, or `-C DIR`.
    pub fn start_dir(&self) -> PathBuf {
        self.global
            .dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("."))
    }

    pub fn pins(&self) -> ClockPins {
        ClockPins {
            today: self.global.as_of,
            now: self.now,
        }
    }

    /// The crm folder this command works on, opened once.
    pub fn store(&self) -> Result<&Store> {
        if let Some(s) = self.store.get() {
            return Ok(s);
        }
        let mut store = Store::open(&self.start_dir(), self.pins())?;
        let env_off = std::env::var("CRM_NO_CACHE").is_ok_and(|v| !v.is_empty() && v != "0");
        store.use_cache = !(self.global.no_cache || env_off);
        store.drop_comments = self.global.drop_comments;
        Ok(self.store.get_or_init(|| store))
    }

    /// The default of every command that prints rows (list, agenda, timeline, campaign
    /// audience): a table for a person at a terminal, TSV (header, tab-separated, one
    /// line per row) for a pipe or a file, as `cut`, `awk` and `sort` read it.
    pub fn rows_default(&self) -> Format {
        if self.ui.stdout_is_tty {
            Format::Table
        } else {
            Format::Tsv
        }
    }

    /// The `--format` asked for, if this command offers it, else `default`.
    pub fn format(&self, command: &str, offered: &[Format], default: Format) -> Result<Format> {
        let Some(f) = self.global.format else {
            return Ok(default);
        };
        if offered.contains(&f) {
            Ok(f)
        } else {
            let names: Vec<&str> = offered.iter().map(|f| f.name()).collect();
            Err(crate::exit::usage(format!(
                "--format {f} is not offered by `crm {command}` (choose one of: {})",
                names.join(", ")
            )))
        }
    }

    pub fn out(&self) -> BufWriter<StdoutLock<'static>> {
        BufWriter::new(io::stdout().lock())
    }

    /// Warns once about every file that could not be read, and how many were skipped.
    pub fn report_issues(&self) {
        let Some(store) = self.store.get() else {
            return;
        };
        for note in store.duplicate_notes() {
            self.ui.warn(&note);
        }
        let issues = store.take_issues();
        for issue in &issues {
            self.ui.warn(&issue.to_string());
        }
        if !issues.is_empty() {
            let n = issues.len();
            self.ui.warn(&format!(
                "skipped {n} file{} that could not be read (`crm check` lists every problem)",
                if n == 1 { "" } else { "s" }
            ));
        }
    }

    /// Prints a created record's id: only the id when stdout is not a terminal, so
    /// `id=$(crm add …)` works.
    pub fn print_created(
        &self,
        ty: crm::model::RecordType,
        id: &str,
        path: &std::path::Path,
    ) -> Result<()> {
        let mut out = self.out();
        if self.ui.stdout_is_tty {
            writeln!(out, "created {ty} {id} ({})", path.display())?;
        } else {
            writeln!(out, "{id}")?;
        }
        out.flush()?;
        Ok(())
    }

    /// A note on stderr for each field a write added that no other record of its type has.
    pub fn note_new_fields(&self, ty: crm::model::RecordType, fields: &[String]) {
        for field in fields {
            self.ui.info(&format!(
                "note: `{field}` is a new field of {}: no other {} has it (crm.toml's [fields.{}] can declare its type)",
                ty.plural(),
                ty.singular(),
                ty.singular()
            ));
        }
    }

    /// Says on stderr whether a write changed a file.
    pub fn report_update(&self, changed: bool, record: &crm::model::Record) {
        if changed {
            self.ui
                .info(&format!("updated {} {}", record.ty, record.id));
        } else {
            self.ui
                .info(&format!("{} {} unchanged", record.ty, record.id));
        }
    }
}

/// A format a command does not offer reached its `match` (its `FORMATS` and the match
/// disagree): a usage error rather than output in some other format.
pub fn unoffered(command: &str, format: Format) -> anyhow::Error {
    crate::exit::usage(format!(
        "--format {format} is not offered by `crm {command}`"
    ))
}

/// The formats of commands that print rows of plain values (timeline, agenda, audience).
pub const ROW_FORMATS: &[Format] = &[
    Format::Table,
    Format::Tsv,
    Format::Csv,
    Format::Json,
    Format::Jsonl,
    Format::Markdown,
    Format::Ids,
];

/// Prints rows of text (see [`crm::render::rows::write_labelled`]).
pub fn print_rows(
    ctx: &Ctx,
    format: Format,
    keys: &[&str],
    labels: &[&str],
    rows: &[Vec<String>],
) -> Result<()> {
    let mut out = ctx.out();
    crm::render::rows::write_labelled(&mut out, keys, labels, rows, format)?;
    out.flush()?;
    Ok(())
}

pub fn run(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Init(args) => init::run(ctx, args),
        Command::Add(args) => add::run(ctx, args),
        Command::Log(args) => log::run(ctx, *args),
        Command::List(args) => list::run(ctx, args),
        Command::Report(args) => report::run(ctx, args),
        Command::Export(args) => export::run(ctx, args),
        Command::Import(args) => import::run(ctx, *args),
        Command::Ingest(args) => ingest::run(ctx, args),
        Command::Schema(args) => schema::run(ctx, args),
        Command::Check(args) => check::run(ctx, args),
        Command::MergeDriver(args) => merge_driver::run(ctx, args),
        Command::GitSetup(args) => git_setup::run(ctx, args),
        Command::Completions(args) => completions::run(ctx, args),
        Command::Man(args) => man::run(ctx, args),
        Command::Score(args) => score::run(ctx, args),
        Command::Sql(args) => sql::run(ctx, args),
        Command::Dedupe(args) => dedupe::run(ctx, args),
        Command::ExportSubject(args) => export_subject::run(ctx, args),
        Command::Merge(args) => merge::run(ctx, args),
        Command::Forget(args) => forget::run(ctx, args),
        Command::Mcp(args) => mcp::run(ctx, args),
        Command::Timeline(args) => timeline::run(ctx, args),
        Command::Agenda(args) => agenda::run(ctx, args),
        Command::Campaign(args) => campaign::run(ctx, args),
        Command::Generate(args) => generate::run(ctx, args),
        Command::Show(args) => show::run(ctx, args),
        Command::Get(args) => get::run(ctx, args),
        Command::Set(args) => set::run(ctx, args),
        Command::Unset(args) => unset::run(ctx, args),
        Command::Stage(args) => stage::run(ctx, args),
        Command::Edit(args) => edit::run(ctx, args),
        Command::Rm(args) => rm::run(ctx, args),
        Command::Watch(args) => watch::run(ctx, args),
    }
}
