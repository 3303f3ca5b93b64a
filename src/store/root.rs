//! Finding the crm folder: walk up from the start folder to the first `crm.toml`, as git finds `.git`.

use std::path::{Path, PathBuf};

use crate::config::FILE_NAME;
use crate::error::Error;

pub fn find_root(start: &Path) -> Result<PathBuf, Error> {
    let start = std::path::absolute(start).map_err(|e| Error::io(start, e))?;
    if !start.is_dir() {
        // `-C /nonexistent` (or CRM_DIR) is a mistake in how crm was called, not a folder
        // without crm.toml.
        let what = if start.exists() {
            "is not a folder"
        } else {
            "does not exist"
        };
        return Err(Error::BadValue(format!(
            "{}: {what} (the folder given by -C or CRM_DIR)",
            start.display()
        )));
    }
    let mut dir: Option<&Path> = Some(&start);
    while let Some(d) = dir {
        if d.join(FILE_NAME).is_file() {
            return Ok(d.to_path_buf());
        }
        dir = d.parent();
    }
    Err(Error::NoRoot(start))
}
