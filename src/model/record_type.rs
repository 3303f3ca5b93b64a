//! The five kinds of record, and the table of what crm knows about each ([`TypeInfo`]).
//!
//! Every per-type fact lives in [`TYPES`] (and each type's fields in the field table,
//! `spec.rs`): a new type is a variant here, a row there, and the compile errors of the
//! matches on `RecordType` (none has a wildcard arm) point to whatever else it needs.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordType {
    Customer,
    Deal,
    Ticket,
    Campaign,
    Interaction,
}

/// Which of `crm.toml`'s stage lists a type moves through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stages {
    /// No stages.
    None,
    /// `[lifecycle]` (customers).
    Lifecycle,
    /// `[pipeline]` (deals).
    Pipeline,
}

/// How a type's files are laid out in its folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `<folder>/<id>.yaml`.
    Flat,
    /// `<folder>/YYYY/MM/<id>.yaml`, by the year and month of this moment field (a file
    /// may also sit directly in the folder).
    ByMonth(&'static str),
}

/// A value `crm add` gives a field left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    Text(&'static str),
    /// Today's date.
    Today,
    /// This moment, RFC 3339 in the folder's time zone.
    Now,
}

/// What crm knows about one record type.
#[derive(Debug)]
pub struct TypeInfo {
    pub ty: RecordType,
    pub singular: &'static str,
    /// Also the name of the type's folder.
    pub plural: &'static str,
    /// The field a new record's id is made from.
    pub title_field: &'static str,
    pub stages: Stages,
    pub layout: Layout,
    /// The columns `crm list` shows when `--fields` is not given.
    pub columns: &'static [&'static str],
    /// The fields that identify a new imported record, for its stable id.
    pub identity: &'static [&'static str],
    /// The fields `crm add` fills when they are left out, in this order.
    pub fills: &'static [(&'static str, Fill)],
    /// The date fields a record came to be on, the first present wins (reports' start).
    pub start: &'static [&'static str],
    /// What a record of the type is, for help texts.
    pub about: &'static str,
    /// Made by `crm log` (with its own flags), not `crm add`.
    pub logged: bool,
}

/// The type table, in [`RecordType::ALL`]'s order (checked at compile time).
pub const TYPES: [TypeInfo; RecordType::COUNT] = [
    TypeInfo {
        ty: RecordType::Customer,
        singular: "customer",
        plural: "customers",
        title_field: "name",
        stages: Stages::Lifecycle,
        layout: Layout::Flat,
        columns: &["id", "name", "stage", "email", "city", "owner"],
        identity: &["email", "name"],
        fills: &[("created", Fill::Today)],
        start: &["created"],
        about: "a person or an organisation",
        logged: false,
    },
    TypeInfo {
        ty: RecordType::Deal,
        singular: "deal",
        plural: "deals",
        title_field: "title",
        stages: Stages::Pipeline,
        layout: Layout::Flat,
        columns: &[
            "id",
            "title",
            "customer",
            "stage",
            "value",
            "currency",
            "expected_close",
        ],
        identity: &["title", "customer", "created"],
        fills: &[("created", Fill::Today)],
        start: &["created"],
        about: "an opportunity moving through the pipeline",
        logged: false,
    },
    TypeInfo {
        ty: RecordType::Ticket,
        singular: "ticket",
        plural: "tickets",
        title_field: "subject",
        stages: Stages::None,
        layout: Layout::Flat,
        columns: &["id", "subject", "customer", "priority", "status", "opened"],
        identity: &["subject", "customer", "opened"],
        fills: &[
            ("status", Fill::Text("open")),
            ("priority", Fill::Text("normal")),
            ("opened", Fill::Now),
            ("created", Fill::Today),
        ],
        start: &["opened", "created"],
        about: "a question, problem, complaint, request or feedback",
        logged: false,
    },
    TypeInfo {
        ty: RecordType::Campaign,
        singular: "campaign",
        plural: "campaigns",
        title_field: "name",
        stages: Stages::None,
        layout: Layout::Flat,
        columns: &["id", "name", "phase", "status", "start", "end", "budget"],
        identity: &["name", "start"],
        fills: &[("status", Fill::Text("planned")), ("created", Fill::Today)],
        start: &["created"],
        about: "marketing that brings, grows or keeps customers",
        logged: false,
    },
    TypeInfo {
        ty: RecordType::Interaction,
        singular: "interaction",
        plural: "interactions",
        title_field: "summary",
        stages: Stages::None,
        layout: Layout::ByMonth("at"),
        columns: &["id", "at", "customer", "channel", "direction", "summary"],
        identity: &["customer", "at", "channel", "summary"],
        fills: &[("at", Fill::Now)],
        start: &["at"],
        about: "a call, e-mail, message or meeting with a customer",
        logged: true,
    },
];

// Each row sits at its type's index.
const _: () = {
    let mut i = 0;
    while i < RecordType::COUNT {
        assert!(TYPES[i].ty as usize == i);
        i += 1;
    }
};

impl RecordType {
    /// How many types there are: the size of every per-type array.
    pub const COUNT: usize = 5;

    pub const ALL: [RecordType; RecordType::COUNT] = [
        RecordType::Customer,
        RecordType::Deal,
        RecordType::Ticket,
        RecordType::Campaign,
        RecordType::Interaction,
    ];

    /// The type's place in [`RecordType::ALL`], [`TYPES`] and per-type arrays.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The type's row of the type table.
    pub fn info(self) -> &'static TypeInfo {
        &TYPES[self.index()]
    }

    pub fn singular(self) -> &'static str {
        self.info().singular
    }

    /// The plural is also the name of the type's folder.
    pub fn plural(self) -> &'static str {
        self.info().plural
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
        self.info().title_field
    }

    /// The stage field, for the types that move through stages.
    pub fn has_stage(self) -> bool {
        self.info().stages != Stages::None
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.singular())
    }
}
