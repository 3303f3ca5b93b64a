//! `crm add TYPE`: one subcommand per type `crm add` makes, one flag per field of the
//! field table (`model::spec`), built with clap's builder API so that the table is the
//! only list of fields: a new field gets its flag, help and completion from its row.

use anyhow::Result;
use clap::{Arg, ArgAction, ArgMatches, Command};
use crm::model::record_type::{Fill, TYPES};
use crm::model::spec::{FieldKind, FieldSpec};
use crm::model::RecordType;
use crm::ops::add::{add, NewRecord};
use crm::ops::assign::Assignment;

use super::Ctx;

const ABOUT: &str = "Add a customer, deal, ticket or campaign; prints its new id";
const LONG_ABOUT: &str = "\
Add a customer, deal, ticket or campaign; prints its new id.

Every field has a flag; `--set KEY=VALUE` sets any field, known or custom (nested ones \
as `preferences.channel=email`). Values are checked before anything is written. \
References (`--customer`, `--deal`, …) take an id, a unique prefix of one, or a \
customer's e-mail.";

/// The id of the positional argument that gives the title field (`crm add customer NAME`).
const TITLE_ARG: &str = "title_arg";

#[derive(Debug)]
pub struct Args {
    pub ty: RecordType,
    /// The fields given by their flags, in the table's order, as `(path, value)`.
    pub fields: Vec<(String, String)>,
    /// `--id`
    pub id: Option<String>,
    /// `--set KEY=VALUE`, in the order given
    pub set: Vec<String>,
    /// `--new-field`
    pub new_field: bool,
}

/// One field's flag: the field's dotted path and its row.
struct Flag {
    path: String,
    spec: &'static FieldSpec,
}

/// The flags of a type's fields, in the table's order; groups (`preferences`,
/// `next_action`) give one flag per inner field, the history none (`crm stage` keeps it).
fn flags(ty: RecordType) -> Vec<Flag> {
    fn walk(specs: &'static [FieldSpec], prefix: &str, out: &mut Vec<Flag>) {
        for spec in specs {
            let path = format!("{prefix}{}", spec.name);
            match spec.kind {
                FieldKind::Object(inner) => walk(inner, &format!("{path}."), out),
                FieldKind::History => {}
                _ => out.push(Flag { path, spec }),
            }
        }
    }
    let mut out = Vec::new();
    walk(ty.spec(), "", &mut out);
    out
}

/// The types `crm add` makes (interactions are made by `crm log`).
fn types() -> impl Iterator<Item = RecordType> {
    TYPES.iter().filter(|t| !t.logged).map(|t| t.ty)
}

/// `a, b or c`.
fn either(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// How a value of the kind is written, for the flag's help.
fn form(kind: FieldKind) -> Option<String> {
    let s = match kind {
        FieldKind::Text | FieldKind::Email => return None,
        FieldKind::Enum(words) => return Some(either(words)),
        FieldKind::Lifecycle => "a stage of crm.toml's [lifecycle] (default: the first)",
        FieldKind::Pipeline => "a stage of crm.toml's [pipeline] (default: the first)",
        FieldKind::Ref(RecordType::Customer) => "id, prefix or e-mail",
        FieldKind::Ref(_) => "id or prefix",
        FieldKind::Source => "a campaign id or free text",
        FieldKind::Date => "YYYY-MM-DD",
        FieldKind::Moment => "RFC 3339",
        FieldKind::Money => "a decimal number",
        FieldKind::Currency => "ISO 4217 code",
        FieldKind::Percent => "a whole percentage 0–100",
        FieldKind::Rating => "1–5",
        FieldKind::Nps => "0–10",
        FieldKind::Count | FieldKind::Integer => "a whole number",
        FieldKind::Bool => "true/false; the flag alone means true",
        FieldKind::List | FieldKind::Phones => "repeatable, or comma-separated",
        FieldKind::Phone => "read in crm.toml's [phone] region unless it starts with +",
        FieldKind::Map => "NETWORK=HANDLE, repeatable",
        FieldKind::Object(_) | FieldKind::History => return None,
    };
    Some(s.to_string())
}

fn help(ty: RecordType, flag: &Flag) -> String {
    let mut h = flag.spec.doc.to_string();
    if let Some(form) = form(flag.spec.kind) {
        h = if h.is_empty() {
            form
        } else {
            format!("{h}: {form}")
        };
    }
    let fill = ty.info().fills.iter().find(|(f, _)| *f == flag.path);
    if let Some((_, fill)) = fill {
        let default = match fill {
            Fill::Text(t) => t,
            Fill::Today => "today",
            Fill::Now => "now",
        };
        h.push_str(&format!(" (default: {default})"));
    }
    h
}

fn value_name(flag: &Flag) -> String {
    let name = match flag.spec.kind {
        FieldKind::Ref(t) => t.singular(),
        FieldKind::Lifecycle | FieldKind::Pipeline => "stage",
        FieldKind::Date => "date",
        FieldKind::Moment => "moment",
        FieldKind::Money => "amount",
        FieldKind::Currency => "code",
        FieldKind::Rating => "1-5",
        FieldKind::Nps => "0-10",
        FieldKind::Count | FieldKind::Integer => "n",
        FieldKind::Bool => "bool",
        FieldKind::Map => "network=handle",
        FieldKind::List | FieldKind::Phones => return flag.spec.flag_name().to_uppercase(),
        _ => flag.spec.name,
    };
    name.to_uppercase()
}

fn field_arg(ty: RecordType, flag: &Flag) -> Arg {
    let name = flag.spec.flag_name();
    let arg = Arg::new(flag.path.clone())
        .long(name.clone())
        .value_name(value_name(flag))
        .help(help(ty, flag));
    match flag.spec.kind {
        FieldKind::List | FieldKind::Phones => arg
            .visible_alias(flag.spec.name.replace('_', "-"))
            .action(ArgAction::Append)
            .value_delimiter(','),
        FieldKind::Map => arg.action(ArgAction::Append),
        FieldKind::Bool => arg.num_args(0..=1).default_missing_value("true"),
        // A negative amount is the library's to refuse, with its message.
        FieldKind::Money
        | FieldKind::Percent
        | FieldKind::Count
        | FieldKind::Integer
        | FieldKind::Rating
        | FieldKind::Nps => arg.allow_negative_numbers(true),
        FieldKind::Ref(t) => arg.add(crate::complete::of_type(t)),
        FieldKind::Enum(words) => arg.add(clap_complete::ArgValueCandidates::new(move || {
            words
                .iter()
                .map(clap_complete::CompletionCandidate::new)
                .collect()
        })),
        _ => arg,
    }
    // `.hide_possible_values` is moot: no flag declares possible values, so that a wrong
    // one gets the library's message naming the field and the allowed words.
}

fn subcommand(ty: RecordType) -> Command {
    let info = ty.info();
    let title = ty.title_field();
    let title_doc = ty
        .spec()
        .iter()
        .find(|s| s.name == title)
        .map_or("", |s| s.doc);
    let mut cmd = Command::new(info.singular)
        .about(format!("Add a {} ({})", info.singular, info.about))
        .arg(
            Arg::new(TITLE_ARG)
                .value_name(title.to_uppercase())
                .help(format!("{title_doc} (or --{title})")),
        );
    for flag in flags(ty) {
        cmd = cmd.arg(field_arg(ty, &flag));
    }
    cmd.arg(
        Arg::new("id")
            .long("id")
            .value_name("ID")
            .help("Use this id instead of making one from the name"),
    )
    .arg(
        Arg::new("set")
            .long("set")
            .value_name("KEY=VALUE")
            .action(ArgAction::Append)
            .help("Set any field, known or custom (repeatable; KEY+=VALUE adds to a list)"),
    )
    .arg(
        Arg::new("new_field")
            .long("new-field")
            .action(ArgAction::SetTrue)
            .help("Add a new field with --set even when its name is a typo away from a known one"),
    )
}

impl clap::Args for Args {
    fn augment_args(cmd: Command) -> Command {
        types()
            .fold(cmd, |cmd, ty| cmd.subcommand(subcommand(ty)))
            .about(ABOUT)
            .long_about(LONG_ABOUT)
            .subcommand_required(true)
            .arg_required_else_help(true)
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

impl clap::FromArgMatches for Args {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let Some((name, m)) = matches.subcommand() else {
            return Err(clap::Error::new(clap::error::ErrorKind::MissingSubcommand));
        };
        let ty = types()
            .find(|t| t.singular() == name)
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidSubcommand))?;
        let strings = |id: &str| -> Vec<String> {
            m.get_many::<String>(id)
                .map(|v| v.cloned().collect())
                .unwrap_or_default()
        };
        let mut fields = Vec::new();
        for flag in flags(ty) {
            let given = strings(&flag.path);
            let value = match flag.spec.kind {
                FieldKind::List | FieldKind::Phones if !given.is_empty() => Some(given.join(",")),
                FieldKind::Map => {
                    for entry in given {
                        fields.push((flag.path.clone(), entry));
                    }
                    None
                }
                _ => given.into_iter().next(),
            };
            // The flag wins over the positional title (`crm add customer X --name Y`: Y).
            let value = match value {
                None if flag.path == ty.title_field() => strings(TITLE_ARG).into_iter().next(),
                v => v,
            };
            if let Some(v) = value {
                fields.push((flag.path, v));
            }
        }
        Ok(Args {
            ty,
            fields,
            id: m.get_one::<String>("id").cloned(),
            set: strings("set"),
            new_field: m.get_flag("new_field"),
        })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

/// `social` takes NETWORK=HANDLE and sets `social.NETWORK`.
fn assignment(ty: RecordType, path: &str, value: &str) -> Result<Assignment> {
    let is_map = flags(ty)
        .iter()
        .any(|f| f.path == path && f.spec.kind == FieldKind::Map);
    if !is_map {
        return Ok(Assignment::set(path, value));
    }
    match value.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok(Assignment::set(&format!("{path}.{k}"), v)),
        _ => Err(crate::exit::usage(format!(
            "--{} takes NETWORK=HANDLE (e.g. whatsapp=+6281234), found {value:?}",
            path.replace('_', "-")
        ))),
    }
}

impl Args {
    fn into_new(self) -> Result<NewRecord> {
        let mut assignments = Vec::new();
        for (path, value) in &self.fields {
            assignments.push(assignment(self.ty, path, value)?);
        }
        for s in &self.set {
            assignments.push(s.parse()?);
        }
        Ok(NewRecord {
            ty: self.ty,
            id: self.id,
            assignments,
        })
    }
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let new_field = args.new_field;
    let new = args.into_new()?;
    let store = ctx.store()?;
    let empty = crm::model::Record::new(new.ty, "");
    let added = crm::ops::assign::new_fields(store, &empty, &new.assignments, new_field)?;
    let (record, path) = add(store, new)?;
    ctx.note_new_fields(record.ty, &added);
    ctx.print_created(record.ty, &record.id, &path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long_flags(ty: RecordType) -> Vec<String> {
        subcommand(ty)
            .get_arguments()
            .filter_map(|a| a.get_long().map(str::to_string))
            .collect()
    }

    #[test]
    fn every_field_of_the_table_has_its_flag() {
        assert_eq!(
            long_flags(RecordType::Customer),
            [
                "name",
                "kind",
                "organisation",
                "email",
                "extra-email",
                "phone",
                "extra-phone",
                "social",
                "stage",
                "source",
                "owner",
                "tag",
                "city",
                "region",
                "country",
                "industry",
                "preferred-channel",
                "frequency",
                "consent",
                "consent-at",
                "do-not-contact",
                "interest",
                "next-on",
                "next-note",
                "points",
                "notes",
                "created",
                "id",
                "set",
                "new-field",
            ]
        );
        // No two flags of a type clash (clap would panic on the first `crm add`).
        for ty in types() {
            let mut all = long_flags(ty);
            let n = all.len();
            all.sort();
            all.dedup();
            assert_eq!(all.len(), n, "{ty}");
        }
    }

    #[test]
    fn help_comes_from_the_field_table() {
        let cmd = subcommand(RecordType::Ticket);
        let help = |long: &str| {
            cmd.get_arguments()
                .find(|a| a.get_long() == Some(long))
                .and_then(|a| a.get_help())
                .map(ToString::to_string)
                .unwrap()
        };
        assert_eq!(
            help("priority"),
            "Priority: low, normal, high or urgent (default: normal)"
        );
        assert_eq!(
            help("opened"),
            "When it was opened: RFC 3339 (default: now)"
        );
        assert_eq!(help("customer"), "The customer: id, prefix or e-mail");
        assert_eq!(help("satisfaction"), "Customer satisfaction: 1–5");
        assert!(!types().any(|t| t == RecordType::Interaction));
    }

    #[test]
    fn the_title_flag_wins_over_the_positional_title() {
        let cmd = <Args as clap::Args>::augment_args(Command::new("add"));
        let m = cmd
            .try_get_matches_from(["add", "deal", "Typed", "--title", "Flagged", "--tag", "x"])
            .unwrap_err();
        // Deals have no tags: clap refuses the flag.
        assert_eq!(m.kind(), clap::error::ErrorKind::UnknownArgument);
        let cmd = <Args as clap::Args>::augment_args(Command::new("add"));
        let m = cmd
            .try_get_matches_from([
                "add",
                "customer",
                "Typed",
                "--name",
                "Flagged",
                "--tag",
                "a,b",
                "--tags",
                "c",
                "--consent",
                "--social",
                "x=@t",
            ])
            .unwrap();
        let args = <Args as clap::FromArgMatches>::from_arg_matches(&m).unwrap();
        assert_eq!(
            args.fields,
            [
                ("name".to_string(), "Flagged".to_string()),
                ("social".to_string(), "x=@t".to_string()),
                ("tags".to_string(), "a,b,c".to_string()),
                ("preferences.consent".to_string(), "true".to_string()),
            ]
        );
    }
}
