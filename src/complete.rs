//! What the shell completes: record ids (with their names) and type names, computed by
//! crm itself when the shell asks (`COMPLETE=bash crm …`, see `crm completions`).

use std::ffi::OsStr;

use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter, CompletionCandidate};
use crm::model::RecordType;
use crm::store::{ClockPins, Store};

/// The folder the line being completed names with `-C DIR` (or `-CDIR`), else
/// `CRM_DIR`, else here. The shell passes the line's words after `--`:
/// `crm -- crm -C ../shop show to`.
fn start_dir(args: &[std::ffi::OsString]) -> std::path::PathBuf {
    let words: Vec<&std::ffi::OsString> = args.iter().skip_while(|a| *a != "--").skip(1).collect();
    let mut dir = None;
    for (i, w) in words.iter().enumerate() {
        let Some(text) = w.to_str() else { continue };
        if text == "-C" {
            dir = words
                .get(i + 1)
                .map(|d| std::path::PathBuf::from(d.as_os_str()));
        } else if let Some(d) = text.strip_prefix("-C").filter(|d| !d.is_empty()) {
            dir = Some(d.into());
        }
    }
    dir.or_else(|| std::env::var_os("CRM_DIR").map(std::path::PathBuf::from))
        .unwrap_or_else(|| ".".into())
}

/// The registration script of a shell, as clap_complete writes it, with zsh's mended:
/// loaded from `fpath` on the first TAB, it only registered the completer, and that TAB
/// completed nothing; now it also completes when zsh loads it that way.
pub fn registration(shell: &str) -> Option<Vec<u8>> {
    let shells = clap_complete::env::Shells::builtins();
    let mut out = Vec::new();
    shells
        .completer(shell)?
        .write_registration("COMPLETE", "crm", "crm", "crm", &mut out)
        .ok()?;
    if shell == "zsh" {
        let text = String::from_utf8(out).ok()?;
        let line = "compdef _clap_dynamic_completer_crm crm\n";
        let mended = text.replace(
            line,
            "if [ \"${funcstack[1]}\" = \"_crm\" ]; then\n    _clap_dynamic_completer_crm \"$@\"\nelse\n    compdef _clap_dynamic_completer_crm crm\nfi\n",
        );
        return Some(mended.into_bytes());
    }
    Some(out)
}

fn open_store() -> Option<Store> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    Store::open(&start_dir(&args), ClockPins::default()).ok()
}

/// Ids of records of `types` (with their names) that start with the word typed. A word
/// with a `/` is the documented `TYPE/REF` form (`deal/kopi-s`): the ids of that type,
/// written the same way.
fn ids(types: &[RecordType], current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(store) = open_store() else {
        return Vec::new();
    };
    let typed = current.to_string_lossy();
    let (prefix, types): (String, Vec<RecordType>) = match typed.split_once('/') {
        Some((ty, _)) => match RecordType::parse(ty) {
            Some(t) if types.contains(&t) => (format!("{ty}/"), vec![t]),
            _ => return Vec::new(),
        },
        None => (String::new(), types.to_vec()),
    };
    types
        .iter()
        .flat_map(|t| store.records(*t))
        .map(|l| (format!("{prefix}{}", l.record.id), l))
        .filter(|(word, _)| word.starts_with(typed.as_ref()))
        .map(|(word, l)| {
            let c = CompletionCandidate::new(word);
            match l.record.title() {
                Some(t) => c.help(Some(t.to_string().into())),
                None => c,
            }
        })
        .collect()
}

fn completer(types: &'static [RecordType]) -> ArgValueCompleter {
    ArgValueCompleter::new(move |current: &OsStr| ids(types, current))
}

/// Any record.
pub fn records() -> ArgValueCompleter {
    completer(&RecordType::ALL)
}

/// Records of one type.
pub fn of_type(ty: RecordType) -> ArgValueCompleter {
    static ALL: [RecordType; RecordType::COUNT] = RecordType::ALL;
    completer(std::slice::from_ref(&ALL[ty.index()]))
}

pub fn customers() -> ArgValueCompleter {
    completer(&[RecordType::Customer])
}

pub fn deals() -> ArgValueCompleter {
    completer(&[RecordType::Deal])
}

pub fn tickets() -> ArgValueCompleter {
    completer(&[RecordType::Ticket])
}

pub fn campaigns() -> ArgValueCompleter {
    completer(&[RecordType::Campaign])
}

pub fn stageable() -> ArgValueCompleter {
    completer(&[RecordType::Customer, RecordType::Deal])
}

/// The record the line names after its subcommand (`crm set toko <TAB>`: toko's type).
fn named_type(store: &Store) -> Option<RecordType> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let words: Vec<String> = args
        .iter()
        .skip_while(|a| *a != "--")
        .skip(2)
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    let sub = words
        .iter()
        .position(|w| ["get", "set", "unset", "stage"].contains(&w.as_str()))?;
    let reference = words[sub + 1..].iter().find(|w| !w.starts_with('-'))?;
    store
        .resolve(reference, &RecordType::ALL)
        .ok()
        .map(|l| l.record.ty)
}

/// Stage names from crm.toml: the lifecycle's for a customer, the pipeline's for a deal,
/// both when the record is not known.
pub fn stages() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let Some(store) = open_store() else {
            return Vec::new();
        };
        let ty = named_type(&store);
        let mut names: Vec<&str> = Vec::new();
        if ty != Some(RecordType::Deal) {
            names.extend(store.config.lifecycle.names());
        }
        if ty != Some(RecordType::Customer) {
            names.extend(store.config.pipeline.names());
        }
        let typed = current.to_string_lossy();
        names
            .into_iter()
            .filter(|n| n.starts_with(typed.as_ref()))
            .map(CompletionCandidate::new)
            .collect()
    })
}

/// Field names of the named record's type (its known fields, crm.toml's, and those the
/// record holds); `=` after each when `assign` (for `crm set KEY=VALUE`).
pub fn fields(assign: bool) -> ArgValueCompleter {
    ArgValueCompleter::new(move |current: &OsStr| {
        let Some(store) = open_store() else {
            return Vec::new();
        };
        let types = match named_type(&store) {
            Some(t) => vec![t],
            None => RecordType::ALL.to_vec(),
        };
        let mut names: Vec<String> = Vec::new();
        for t in &types {
            names.extend(crm::model::spec::names(t.spec()));
            names.extend(store.config.custom_fields(*t).keys().cloned());
        }
        names.sort();
        names.dedup();
        let typed = current.to_string_lossy();
        names
            .into_iter()
            .map(|n| if assign { format!("{n}=") } else { n })
            .filter(|n| n.starts_with(typed.as_ref()))
            .map(CompletionCandidate::new)
            .collect()
    })
}

/// The plural type names.
pub fn types() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        RecordType::ALL
            .iter()
            .map(|t| CompletionCandidate::new(t.plural()))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_typed_on_the_line_is_used() {
        let words = |w: &[&str]| -> Vec<std::ffi::OsString> { w.iter().map(Into::into).collect() };
        assert_eq!(
            start_dir(&words(&["crm", "--", "crm", "-C", "../shop", "show", "t"])),
            std::path::PathBuf::from("../shop")
        );
        assert_eq!(
            start_dir(&words(&["crm", "--", "crm", "-C/x", "show"])),
            std::path::PathBuf::from("/x")
        );
    }
}
