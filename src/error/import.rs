//! Why nothing was imported: the bad rows, each at its line and column.

use std::fmt;

/// A bad row: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Why nothing was imported.
#[derive(Debug)]
pub struct ImportErrors {
    pub source: String,
    pub errors: Vec<RowError>,
}

/// How many bad rows are listed before the rest are only counted.
pub const MAX_LISTED: usize = 50;

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        write!(
            f,
            "{n} bad row{} in {}; nothing was imported",
            if n == 1 { "" } else { "s" },
            self.source
        )?;
        for e in self.errors.iter().take(MAX_LISTED) {
            write!(
                f,
                "\n{}:{}:{}: {}",
                self.source, e.line, e.column, e.message
            )?;
        }
        if n > MAX_LISTED {
            write!(f, "\n… and {} more", n - MAX_LISTED)?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportErrors {}
