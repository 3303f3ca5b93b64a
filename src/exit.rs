//! How a command failed, and so its exit code: the binary's decision, made here only
//! (as jj's `CommandError` does). The library says what went wrong ([`crm::Error`]'s
//! variants); [`kind_of`] says which of those are mistakes in how crm was called.

use std::fmt;

/// What the exit code tells a script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A mistake in how crm was called: exit 2.
    Usage,
    /// The command could not do its work: exit 1.
    Failed,
}

impl Kind {
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::Usage => 2,
            Kind::Failed => 1,
        }
    }
}

/// A failure a command finds itself (not the library's).
#[derive(Debug)]
pub struct CommandError {
    pub kind: Kind,
    message: String,
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CommandError {}

/// A mistake in how crm was called (exit 2).
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    CommandError {
        kind: Kind::Usage,
        message: message.into(),
    }
    .into()
}

/// A command that could not do its work (exit 1).
pub fn failed(message: impl Into<String>) -> anyhow::Error {
    CommandError {
        kind: Kind::Failed,
        message: message.into(),
    }
    .into()
}

/// Which library failures are usage errors: a value given on the command line that is
/// malformed, or a `--where` that does not parse. No wildcard: a new variant must be
/// placed here.
pub fn kind_of(e: &crm::Error) -> Kind {
    use crm::Error as E;
    match e {
        E::BadValue(_) | E::Query(_) | E::SqlQuery(_) => Kind::Usage,
        E::NoRoot(_)
        | E::Config(_)
        | E::Resolve(_)
        | E::Write(_)
        | E::Invalid { .. }
        | E::Import(_)
        | E::Audience { .. }
        | E::Unreadable(_)
        | E::TooLarge(_)
        | E::FieldPath(_)
        | E::IdField
        | E::Exists { .. }
        | E::NoFreeId { .. }
        | E::Referenced { .. }
        | E::AlreadyInitialised(_)
        | E::NotInGit(_)
        | E::Git(_)
        | E::Campaign(_)
        | E::Overflow { .. }
        | E::ImportStopped { .. }
        | E::Read { .. }
        | E::Comments { .. }
        | E::Sql(_)
        | E::Io { .. } => Kind::Failed,
    }
}

/// The kind of what a command returned: that of the outermost [`CommandError`] or
/// [`crm::Error`] in its chain of causes (context added on the way keeps it).
pub fn classify(e: &anyhow::Error) -> Kind {
    for cause in e.chain() {
        if let Some(c) = cause.downcast_ref::<CommandError>() {
            return c.kind;
        }
        if let Some(c) = cause.downcast_ref::<crm::Error>() {
            return kind_of(c);
        }
    }
    Kind::Failed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_exit_2_through_added_context() {
        let e = anyhow::Error::from(crm::Error::BadValue("--id: x".into())).context("cannot add");
        assert_eq!(classify(&e), Kind::Usage);
        assert_eq!(classify(&usage("bad")).exit_code(), 2);
        assert_eq!(classify(&failed("no")).exit_code(), 1);
        let e = anyhow::Error::from(crm::Error::IdField);
        assert_eq!(classify(&e), Kind::Failed);
        assert_eq!(classify(&anyhow::anyhow!("anything else")), Kind::Failed);
    }
}
