//! Keeping `schema/` in step with `crm.toml`: the schemas hold the folder's stages and
//! declared fields, so a stage added to `crm.toml` would make editors flag valid records
//! until the schemas are written again.

use std::path::{Path, PathBuf};

use super::atomic::{self, WriteError};
use super::guard;
use crate::config::{self, Config};
use crate::rules::schema;

/// The folder's schemas that differ from what `cfg` makes of them, with their new text
/// (none when the folder has no `schema/`, which a team may have removed).
fn stale(root: &Path, cfg: &Config) -> Vec<(PathBuf, String)> {
    let dir = root.join("schema");
    if guard::check(root, Path::new("schema")).is_err() || !dir.is_dir() {
        return Vec::new();
    }
    schema::all(cfg)
        .into_iter()
        .map(|(name, value)| (PathBuf::from("schema").join(name), schema::text(&value)))
        .filter(|(rel, text)| std::fs::read_to_string(root.join(rel)).ok().as_ref() != Some(text))
        .collect()
}

/// Writes every stale schema anew; returns those written.
pub fn refresh(root: &Path, cfg: &Config) -> Result<Vec<PathBuf>, WriteError> {
    let mut written = Vec::new();
    for (rel, text) in stale(root, cfg) {
        atomic::overwrite(&root.join(&rel), text.as_bytes())?;
        written.push(rel);
    }
    Ok(written)
}

/// [`refresh`], but only when `crm.toml` changed after the schemas were written (one stat
/// of each on the write path, where this runs).
pub fn refresh_if_older(root: &Path, cfg: &Config) -> Result<Vec<PathBuf>, WriteError> {
    let modified = |p: PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let settings = modified(root.join(config::FILE_NAME));
    let schemas = modified(root.join("schema").join("customer.schema.json"));
    match (settings, schemas) {
        (Some(s), Some(c)) if s > c => refresh(root, cfg),
        _ => Ok(Vec::new()),
    }
}
