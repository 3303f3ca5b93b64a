//! iCalendar (RFC 5545) output, written by the `icalendar` crate (its line folding,
//! escaping and CRLF line ends): one VTODO per item, due on its day.

use std::io::{self, Write};

use chrono::{DateTime, NaiveDate, Utc};
use icalendar::{Calendar, Component, Todo};

/// One to-do of the calendar.
pub struct AgendaTodo {
    /// The same for the same item on every run, so that a calendar app updating its
    /// subscription replaces the item instead of adding one.
    pub uid: String,
    pub due: NaiveDate,
    pub summary: String,
    pub description: String,
}

/// Writes the calendar `name` with `todos`; `stamp` is DTSTAMP (when it was made).
pub fn write_todos(
    out: &mut dyn Write,
    name: &str,
    stamp: DateTime<Utc>,
    todos: &[AgendaTodo],
) -> io::Result<()> {
    let mut cal = Calendar::new();
    cal.name(name);
    for t in todos {
        cal.push(
            Todo::new()
                .uid(&t.uid)
                .timestamp(stamp)
                .summary(&t.summary)
                .description(&t.description)
                .due(t.due)
                .done(),
        );
    }
    write!(out, "{}", cal.done())
}
