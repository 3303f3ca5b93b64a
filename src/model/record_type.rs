//! The five kinds of record and the folder each lives in.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordType {
    Customer,
    Deal,
    Ticket,
    Campaign,
    Interaction,
}

impl RecordType {
    pub const ALL: [RecordType; 5] = [
        RecordType::Customer,
        RecordType::Deal,
        RecordType::Ticket,
        RecordType::Campaign,
        RecordType::Interaction,
    ];

    pub fn singular(self) -> &'static str {
        match self {
            RecordType::Customer => "customer",
            RecordType::Deal => "deal",
            RecordType::Ticket => "ticket",
            RecordType::Campaign => "campaign",
            RecordType::Interaction => "interaction",
        }
    }

    /// The plural is also the name of the type's folder.
    pub fn plural(self) -> &'static str {
        match self {
            RecordType::Customer => "customers",
            RecordType::Deal => "deals",
            RecordType::Ticket => "tickets",
            RecordType::Campaign => "campaigns",
            RecordType::Interaction => "interactions",
        }
    }

    pub fn dir(self) -> &'static str {
        self.plural()
    }

    /// Accepts the singular or the plural name.
    pub fn parse(s: &str) -> Option<RecordType> {
        RecordType::ALL
            .into_iter()
            .find(|t| t.singular() == s || t.plural() == s)
    }

    /// The field a new record's id is made from.
    pub fn title_field(self) -> &'static str {
        match self {
            RecordType::Customer | RecordType::Campaign => "name",
            RecordType::Deal => "title",
            RecordType::Ticket => "subject",
            RecordType::Interaction => "summary",
        }
    }

    /// The stage field, for the types that move through stages.
    pub fn has_stage(self) -> bool {
        matches!(self, RecordType::Customer | RecordType::Deal)
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.singular())
    }
}
