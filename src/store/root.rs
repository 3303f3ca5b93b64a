//! Finding the crm folder: walk up from the start folder to the first `crm.toml`, as git finds `.git`.

use std::path::{Path, PathBuf};

use crate::config::FILE_NAME;
use crate::error::Error;

pub fn find_root(start: &Path) -> Result<PathBuf, Error> {
    let start = std::path::absolute(start).map_err(|e| Error::io(start, e))?;
    let mut dir: Option<&Path> = Some(&start);
    while let Some(d) = dir {
        if d.join(FILE_NAME).is_file() {
            return Ok(d.to_path_buf());
        }
        dir = d.parent();
    }
    Err(Error::NoRoot(start))
}
