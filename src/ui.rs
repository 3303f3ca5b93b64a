//! Talking to the person at the terminal: messages on stderr (coloured when wanted), data on stdout.

use std::io::{self, IsTerminal, Write};

use anstyle::{AnsiColor, Style};

use crate::cli::ColorChoice;

pub struct Ui {
    color: bool,
    /// `--color never` or NO_COLOR: plain ASCII drawing as well as no colour.
    pub plain: bool,
    quiet: bool,
    pub stdout_is_tty: bool,
}

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();

impl Ui {
    pub fn new(choice: ColorChoice, quiet: bool) -> Ui {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && io::stderr().is_terminal(),
        };
        Ui {
            color,
            plain: choice == ColorChoice::Never || (choice == ColorChoice::Auto && no_color),
            quiet,
            stdout_is_tty: io::stdout().is_terminal(),
        }
    }

    fn label(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    pub fn error(&self, msg: &str) {
        let _ = writeln!(io::stderr(), "{}: {msg}", self.label(ERROR, "error"));
    }

    pub fn warn(&self, msg: &str) {
        if !self.quiet {
            let _ = writeln!(io::stderr(), "{}: {msg}", self.label(WARNING, "warning"));
        }
    }

    /// A progress or confirmation message; `-q` silences it.
    pub fn info(&self, msg: &str) {
        if !self.quiet {
            let _ = writeln!(io::stderr(), "{msg}");
        }
    }
}
