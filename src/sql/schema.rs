//! The tables the folder becomes (README, "SQL"): one per record type, one row per
//! record; list fields as child tables; typed columns.

use crate::config::Config;
use crate::model::spec::{FieldKind, FieldSpec};
use crate::model::RecordType;

/// What a column holds (how SQLite stores it, and how Parquet types it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    /// A decimal that is not an amount (a percentage, a score).
    Real,
    /// 0 or 1.
    Bool,
    /// `YYYY-MM-DD` text (SQLite's date functions read it).
    Date,
    /// RFC 3339 text.
    Moment,
    /// An amount: REAL, with its exact decimal text in the `<name>_text` column.
    Money,
    /// The exact decimal text of an amount.
    MoneyText,
    /// JSON text (a map, a list that is not a child table, what else a record holds).
    Json,
    /// A custom field nobody declared: each value as the record holds it.
    Any,
}

impl Kind {
    /// The declared type in SQLite.
    pub fn sql(self) -> &'static str {
        match self {
            Kind::Text | Kind::Date | Kind::Moment | Kind::MoneyText | Kind::Json => "TEXT",
            Kind::Integer | Kind::Bool => "INTEGER",
            Kind::Real | Kind::Money => "REAL",
            Kind::Any => "",
        }
    }

    fn of(kind: FieldKind) -> Kind {
        match kind {
            FieldKind::Text
            | FieldKind::Enum(_)
            | FieldKind::Lifecycle
            | FieldKind::Pipeline
            | FieldKind::Ref(_)
            | FieldKind::Source
            | FieldKind::Email
            | FieldKind::Phone
            | FieldKind::Currency => Kind::Text,
            FieldKind::Date => Kind::Date,
            FieldKind::Moment => Kind::Moment,
            FieldKind::Money => Kind::Money,
            FieldKind::Percent => Kind::Real,
            FieldKind::Rating | FieldKind::Nps | FieldKind::Count | FieldKind::Integer => {
                Kind::Integer
            }
            FieldKind::Bool => Kind::Bool,
            FieldKind::List
            | FieldKind::Phones
            | FieldKind::Map
            | FieldKind::Object(_)
            | FieldKind::History => Kind::Json,
        }
    }
}

/// Where a column's values come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The record's id.
    Id,
    /// The value at a dotted path.
    Field(String),
    /// The exact text of the amount at a dotted path.
    Exact(String),
    /// What else the record holds, as JSON.
    Extra,
    /// The customer's lead score.
    Score,
    /// A child row's parent: its type's table name, its id.
    ParentType,
    ParentId,
    /// A child row's item (a tag, a product) or a history entry's field.
    Item(&'static str),
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
    /// The table whose `id` it names (a declared foreign key).
    pub references: Option<&'static str>,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub name: &'static str,
    /// The record type of a main table; `None` for a child table.
    pub ty: Option<RecordType>,
    pub columns: Vec<Column>,
}

/// A list field that is a child table: the field, the types that have it, the table.
pub struct Child {
    pub field: &'static str,
    pub types: &'static [RecordType],
    pub table: &'static str,
}

/// The child tables, in the order they are written.
pub const CHILDREN: &[Child] = &[
    Child {
        field: "history",
        types: &RecordType::ALL,
        table: "history",
    },
    Child {
        field: "tags",
        types: &RecordType::ALL,
        table: "tags",
    },
    Child {
        field: "products",
        types: &[RecordType::Deal],
        table: "products",
    },
    Child {
        field: "emails",
        types: &[RecordType::Customer],
        table: "emails",
    },
    Child {
        field: "phones",
        types: &[RecordType::Customer],
        table: "phones",
    },
];

/// The child table of a type's field, if the field is one.
pub fn child_of(ty: RecordType, field: &str) -> Option<usize> {
    CHILDREN
        .iter()
        .position(|c| c.field == field && c.types.contains(&ty))
}

/// A main table's name.
pub fn table_name(ty: RecordType) -> &'static str {
    ty.plural()
}

/// The custom columns of each type: the fields crm.toml declares, then every other field
/// some record holds a plain value in (sorted), each with its kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Custom(pub [Vec<(String, Option<FieldKind>)>; 5]);

impl Custom {
    /// The declared ones, and `found` (the undeclared top-level names holding a plain
    /// value somewhere), by type.
    pub fn new(cfg: &Config, found: &[Vec<String>; 5]) -> Custom {
        let mut out = Custom::default();
        for (i, ty) in RecordType::ALL.into_iter().enumerate() {
            let taken = |n: &str| {
                n == "id"
                    || n == "extra"
                    || n == "score"
                    || crate::model::spec::lookup(ty.spec(), n).is_some()
                    || child_of(ty, n).is_some()
            };
            for (name, t) in cfg.typed_fields(ty) {
                if !taken(name) && sql_name(name) {
                    out.0[i].push((name.clone(), Some(t.kind())));
                }
            }
            let mut rest: Vec<&String> = found[i]
                .iter()
                .filter(|n| !taken(n) && cfg.custom_field(ty, n).is_none() && sql_name(n))
                .collect();
            rest.sort();
            rest.dedup();
            out.0[i].extend(rest.into_iter().map(|n| (n.clone(), None)));
        }
        out
    }
}

/// A field name that can be a column: letters, digits and `_`, not starting with a
/// digit, and not crm's own prefix (`_crm`). Others stay in `extra`.
pub fn sql_name(n: &str) -> bool {
    let mut chars = n.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !n.starts_with("_crm")
        && n.len() <= 64
}

pub fn slot(ty: RecordType) -> usize {
    RecordType::ALL
        .iter()
        .position(|t| *t == ty)
        .unwrap_or_default()
}

/// Every table: the five main ones, then the child tables.
pub fn tables(custom: &Custom, scored: bool) -> Vec<Table> {
    let mut out: Vec<Table> = RecordType::ALL
        .into_iter()
        .map(|ty| main_table(ty, custom, scored && ty == RecordType::Customer))
        .collect();
    let col = |name: &str, kind, references, source| Column {
        name: name.into(),
        kind,
        references,
        source,
    };
    for c in CHILDREN {
        let columns = match c.table {
            "history" => vec![
                col("type", Kind::Text, None, Source::ParentType),
                col("id", Kind::Text, None, Source::ParentId),
                col("stage", Kind::Text, None, Source::Item("stage")),
                col("at", Kind::Moment, None, Source::Item("at")),
            ],
            "tags" => vec![
                col("type", Kind::Text, None, Source::ParentType),
                col("id", Kind::Text, None, Source::ParentId),
                col("tag", Kind::Text, None, Source::Item("")),
            ],
            other => {
                let parent = c.types[0];
                let item = match other {
                    "products" => "product",
                    "emails" => "email",
                    _ => "phone",
                };
                vec![
                    col(
                        parent.singular(),
                        Kind::Text,
                        Some(table_name(parent)),
                        Source::ParentId,
                    ),
                    col(item, Kind::Text, None, Source::Item("")),
                ]
            }
        };
        out.push(Table {
            name: c.table,
            ty: None,
            columns,
        });
    }
    out
}

fn main_table(ty: RecordType, custom: &Custom, scored: bool) -> Table {
    let mut columns = vec![Column {
        name: "id".into(),
        kind: Kind::Text,
        references: None,
        source: Source::Id,
    }];
    known(ty, ty.spec(), "", &mut columns);
    for (name, kind) in &custom.0[slot(ty)] {
        let kind = kind.map_or(Kind::Any, Kind::of);
        columns.push(Column {
            name: name.clone(),
            kind,
            references: None,
            source: Source::Field(name.clone()),
        });
        if kind == Kind::Money {
            columns.push(Column {
                name: format!("{name}_text"),
                kind: Kind::MoneyText,
                references: None,
                source: Source::Exact(name.clone()),
            });
        }
    }
    columns.push(Column {
        name: "extra".into(),
        kind: Kind::Json,
        references: None,
        source: Source::Extra,
    });
    if scored {
        columns.push(Column {
            name: "score".into(),
            kind: Kind::Real,
            references: None,
            source: Source::Score,
        });
    }
    Table {
        name: table_name(ty),
        ty: Some(ty),
        columns,
    }
}

/// The known fields' columns, groups flattened with `_` (`preferences_channel`).
fn known(ty: RecordType, specs: &'static [FieldSpec], prefix: &str, out: &mut Vec<Column>) {
    for s in specs {
        let path = format!("{prefix}{}", s.name);
        if prefix.is_empty() && child_of(ty, s.name).is_some() {
            continue;
        }
        if let FieldKind::Object(inner) = s.kind {
            known(ty, inner, &format!("{path}."), out);
            continue;
        }
        let name = path.replace('.', "_");
        let kind = Kind::of(s.kind);
        out.push(Column {
            name: name.clone(),
            kind,
            references: match s.kind {
                FieldKind::Ref(t) => Some(table_name(t)),
                _ => None,
            },
            source: Source::Field(path.clone()),
        });
        if kind == Kind::Money {
            out.push(Column {
                name: format!("{name}_text"),
                kind: Kind::MoneyText,
                references: None,
                source: Source::Exact(path),
            });
        }
    }
}

/// The statements that make the tables (and an index per child table's parent).
pub fn create_sql(tables: &[Table]) -> Vec<String> {
    let mut out = Vec::new();
    for t in tables {
        let cols: Vec<String> = t
            .columns
            .iter()
            .map(|c| {
                let mut s = quote(&c.name);
                if !c.kind.sql().is_empty() {
                    s.push(' ');
                    s.push_str(c.kind.sql());
                }
                if t.ty.is_some() && c.source == Source::Id {
                    s.push_str(" PRIMARY KEY");
                }
                if let Some(r) = c.references {
                    s.push_str(&format!(" REFERENCES {}(\"id\")", quote(r)));
                }
                s
            })
            .collect();
        out.push(format!(
            "CREATE TABLE {} ({})",
            quote(t.name),
            cols.join(", ")
        ));
        if t.ty.is_none() {
            let keys: Vec<String> = t
                .columns
                .iter()
                .filter(|c| matches!(c.source, Source::ParentType | Source::ParentId))
                .map(|c| quote(&c.name))
                .collect();
            out.push(format!(
                "CREATE INDEX {} ON {} ({})",
                quote(&format!("{}_parent", t.name)),
                quote(t.name),
                keys.join(", ")
            ));
        }
    }
    out
}

/// An identifier, quoted for SQL.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
