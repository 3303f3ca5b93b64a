//! `crm init`: lay out a new crm folder (README, "The folder").

use std::fs;
use std::path::Path;

use crate::config::{Config, FILE_NAME};
use crate::error::{Error, Result};
use crate::model::RecordType;
use crate::store::atomic;

/// Only the record folders go through the merge driver: a CI workflow or any other YAML
/// of the repository merges as git merges text (the driver would sort its keys, drop its
/// comments and expand its anchors).
fn gitattributes() -> String {
    let mut text = String::from(
        "# Records merge field by field through `crm merge-driver` (`crm git-setup` registers it).\n",
    );
    for ty in RecordType::ALL {
        text.push_str(&format!("{}/** merge=crm\n", ty.dir()));
    }
    text
}

/// The lines of older crm versions, which routed every YAML file of the repository.
const OLD_ROUTES: [&str; 2] = ["*.yaml merge=crm", "*.yml merge=crm"];

/// Routes the record folders of the crm folder at `dir` through the merge driver, in its
/// `.gitattributes`, replacing the older lines that routed every YAML file.
pub fn route_records(dir: &Path) -> Result<()> {
    let path = dir.join(".gitattributes");
    if let Ok(existing) = fs::read_to_string(&path) {
        if existing.lines().any(|l| OLD_ROUTES.contains(&l.trim())) {
            let kept: String = existing
                .split_inclusive('\n')
                .filter(|l| !OLD_ROUTES.contains(&l.trim()))
                .collect();
            atomic::overwrite(&path, kept.as_bytes())?;
        }
    }
    add_lines(&path, &gitattributes())
}
const GITIGNORE: &str = "# crm's local cache, never shared.\n.crm/\n";

/// Creates the folder layout in `dir`. Refuses, touching nothing, where a `crm.toml` exists.
pub fn init(dir: &Path) -> Result<()> {
    init_in(dir, "USD")
}

/// `crm init` for a folder whose default currency is `currency` (ISO 4217, checked).
pub fn init_in(dir: &Path, currency: &str) -> Result<()> {
    if !crate::model::units::Currency::is_valid(currency)
        || !Config::default().knows_currency(currency)
    {
        return Err(Error::BadValue(format!(
            "--currency {currency:?} is not an ISO 4217 code (e.g. USD, IDR)"
        )));
    }
    let toml = dir.join(FILE_NAME);
    if toml.exists() {
        return Err(Error::AlreadyInitialised(toml));
    }
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = std::path::absolute(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "crm".into());
    atomic::create_new(&toml, Config::default_toml_in(&name, currency).as_bytes())?;
    for ty in RecordType::ALL {
        let d = dir.join(ty.dir());
        fs::create_dir_all(&d).map_err(|e| Error::io(&d, e))?;
    }
    let schema = dir.join("schema");
    fs::create_dir_all(&schema).map_err(|e| Error::io(&schema, e))?;
    for (name, value) in crate::rules::schema::all(&Config::default()) {
        atomic::create_new(
            &schema.join(name),
            crate::rules::schema::text(&value).as_bytes(),
        )?;
    }
    route_records(dir)?;
    add_lines(&dir.join(".gitignore"), GITIGNORE)?;
    Ok(())
}

/// Writes `text` to a file, or appends the lines it lacks to one that exists.
fn add_lines(path: &Path, text: &str) -> Result<()> {
    match fs::read_to_string(path) {
        Ok(existing) => {
            let have: Vec<&str> = existing.lines().collect();
            let missing: Vec<&str> = text
                .lines()
                .filter(|l| !l.starts_with('#') && !have.contains(l))
                .collect();
            if missing.is_empty() {
                return Ok(());
            }
            let mut new = existing.clone();
            if !new.is_empty() && !new.ends_with('\n') {
                new.push('\n');
            }
            for l in missing {
                new.push_str(l);
                new.push('\n');
            }
            atomic::overwrite(path, new.as_bytes())?;
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            atomic::create_new(path, text.as_bytes())?;
            Ok(())
        }
        Err(e) => Err(Error::io(path, e)),
    }
}
