//! SQL over the folder (README, "SQL"): the records as tables of an embedded SQLite
//! ([`schema`], [`rows`]), kept in `.crm/cache/crm.sqlite` ([`db`]), queried read-only;
//! the same tables exported as a SQLite file or as Parquet files ([`parquet`]).

pub mod db;
pub mod parquet;
pub mod rows;
pub mod schema;

use rusqlite::types::ValueRef;

use crate::error::{Error, Result};
use crate::store::Store;

/// A query's answer: its column names and rows.
pub struct Answer {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// One value of an answer, as SQLite gave it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    /// As text: NULL empty, a blob in hex.
    pub fn text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Integer(n) => n.to_string(),
            Value::Real(f) => f.to_string(),
            Value::Text(s) => s.clone(),
            Value::Blob(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Integer(n) => (*n).into(),
            Value::Real(f) => {
                serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
            }
            Value::Text(_) | Value::Blob(_) => self.text().into(),
        }
    }
}

/// Whether a query names the customers table (then their scores are brought up to date
/// first): a table is read only by naming it.
fn names_customers(sql: &str) -> bool {
    sql.to_ascii_lowercase()
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| w == "customers")
}

/// Runs `sql` on the folder's database, read-only. A statement SQLite does not take is
/// [`Error::SqlQuery`] (a usage error); one that fails as it runs (a write) is
/// [`Error::Sql`].
pub fn query(store: &Store, sql: &str) -> Result<Answer> {
    let path = db::cached(store, names_customers(sql))?;
    let conn = db::open_ro(&path)?;
    let mut stmt = conn
        .prepare(sql)
        .map_err(|e| Error::SqlQuery(e.to_string()))?;
    let columns: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let n = columns.len();
    let mut rows = Vec::new();
    let mut q = stmt.query([]).map_err(|e| Error::Sql(e.to_string()))?;
    while let Some(r) = q.next().map_err(|e| Error::Sql(e.to_string()))? {
        let mut row = Vec::with_capacity(n);
        for i in 0..n {
            let v = r.get_ref(i).map_err(|e| Error::Sql(e.to_string()))?;
            row.push(match v {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(x) => Value::Integer(x),
                ValueRef::Real(x) => Value::Real(x),
                ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Value::Blob(b.to_vec()),
            });
        }
        rows.push(row);
    }
    Ok(Answer { columns, rows })
}

/// The tables and their columns: (table, column, type, the table it references).
pub fn describe(store: &Store) -> Vec<[String; 4]> {
    let mut out = Vec::new();
    for t in db::tables_of(store) {
        for c in &t.columns {
            out.push([
                t.name.to_string(),
                c.name.clone(),
                match c.kind.sql() {
                    "" => "ANY".to_string(),
                    t => t.to_string(),
                },
                c.references.unwrap_or("").to_string(),
            ]);
        }
    }
    out
}
