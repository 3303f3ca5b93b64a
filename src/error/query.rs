//! A bad `--where` expression: where (the column) and what was expected there.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// 1-based column, in characters, of the bad token.
    pub col: usize,
    pub message: String,
    /// The expression, for the caret display; set by `query::Query::parse`.
    pub source: String,
}

impl QueryError {
    pub fn new(col: usize, message: impl Into<String>) -> QueryError {
        QueryError {
            col,
            message: message.into(),
            source: String::new(),
        }
    }

    /// The expression with a caret under the bad column.
    pub fn caret(&self) -> String {
        format!(
            "  {}\n  {}^",
            self.source,
            " ".repeat(self.col.saturating_sub(1))
        )
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid --where expression at column {}: {}\n{}",
            self.col,
            self.message,
            self.caret()
        )
    }
}

impl std::error::Error for QueryError {}
