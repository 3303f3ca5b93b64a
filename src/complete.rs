//! What the shell completes: record ids (with their names) and type names, computed by
//! crm itself when the shell asks (`COMPLETE=bash crm …`, see `crm completions`).

use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
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

fn ids(types: &[RecordType]) -> Vec<CompletionCandidate> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let start = start_dir(&args);
    let Ok(store) = Store::open(&start, ClockPins::default()) else {
        return Vec::new();
    };
    types
        .iter()
        .flat_map(|t| store.records(*t))
        .map(|l| {
            let c = CompletionCandidate::new(l.record.id.clone());
            match l.record.title() {
                Some(t) => c.help(Some(t.to_string().into())),
                None => c,
            }
        })
        .collect()
}

/// Any record.
pub fn records() -> ArgValueCandidates {
    ArgValueCandidates::new(|| ids(&RecordType::ALL))
}

pub fn customers() -> ArgValueCandidates {
    ArgValueCandidates::new(|| ids(&[RecordType::Customer]))
}

pub fn deals() -> ArgValueCandidates {
    ArgValueCandidates::new(|| ids(&[RecordType::Deal]))
}

pub fn tickets() -> ArgValueCandidates {
    ArgValueCandidates::new(|| ids(&[RecordType::Ticket]))
}

pub fn campaigns() -> ArgValueCandidates {
    ArgValueCandidates::new(|| ids(&[RecordType::Campaign]))
}

pub fn stageable() -> ArgValueCandidates {
    ArgValueCandidates::new(|| ids(&[RecordType::Customer, RecordType::Deal]))
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
