//! The folder as a SQLite database: built from the snapshot into `.crm/cache/crm.sqlite`
//! and kept there, updated for the records whose files changed since (each file's
//! content hash is kept beside its rows), rebuilt when the tables themselves would
//! change (a new custom field, crm.toml's declarations, another crm version).
//!
//! `.crm/` may come from a stranger: the database is opened without following links,
//! journal files found beside it are removed rather than replayed, and a database whose
//! tables are not exactly the ones crm makes is rebuilt, not trusted.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};

use rusqlite::{params_from_iter, Connection, OpenFlags};

use super::rows::{custom_keys, rows, Cell};
use super::schema::{create_sql, quote, slot, tables, Custom, Table};
use crate::error::{Error, Result};
use crate::model::RecordType;
use crate::store::read::snapshot::Encoded;
use crate::store::Store;

/// The database's name under `.crm/cache/`.
pub const FILE: &str = "crm.sqlite";
/// Bumped whenever the tables or what rows hold change.
const LAYOUT: &str = "1";
/// crm's own tables in the cached database (left out of an exported one).
const META: [&str; 2] = [
    "CREATE TABLE \"_crm_meta\" (\"key\" TEXT PRIMARY KEY, \"value\" TEXT)",
    "CREATE TABLE \"_crm_files\" (\"path\" TEXT PRIMARY KEY, \"type\" TEXT, \"id\" TEXT, \"hash\" INTEGER, \"keys\" TEXT)",
];

fn sql_error(e: rusqlite::Error) -> Error {
    Error::Sql(e.to_string())
}

/// A file's content hash (foldhash with a fixed seed: the same bytes, the same hash in
/// every run of this crm; another version's merely rebuilds).
fn hash(bytes: &[u8]) -> i64 {
    let mut h = foldhash::fast::FixedState::with_seed(0x73716c).build_hasher();
    h.write(bytes);
    h.finish() as i64
}

/// Every record file of a type: (path, id, content hash), in path order, and their digest.
struct Files<'s> {
    files: Vec<(&'s str, &'s str, i64)>,
    digest: String,
}

/// One run's view of the folder: each type's files hashed once, on first use (the
/// staleness check, the update, the digests written and the score key all read them).
struct Run<'s> {
    store: &'s Store,
    files: [std::cell::OnceCell<Files<'s>>; 5],
}

impl<'s> Run<'s> {
    fn new(store: &'s Store) -> Run<'s> {
        Run {
            store,
            files: Default::default(),
        }
    }

    fn files(&self, ty: RecordType) -> &Files<'s> {
        self.files[slot(ty)].get_or_init(|| files(self.store, ty))
    }
}

fn files(store: &Store, ty: RecordType) -> Files<'_> {
    let files: Vec<(&str, &str, i64)> = store
        .snapshot(ty)
        .par_filter_map(|e| Some((e.path, e.id(), hash(e.bytes))));
    let mut h = foldhash::fast::FixedState::with_seed(0x646967).build_hasher();
    for (path, _, hash) in &files {
        h.write(path.as_bytes());
        h.write_i64(*hash);
    }
    Files {
        digest: format!("{}:{:x}", files.len(), h.finish()),
        files,
    }
}

/// What the tables depend on besides the records: crm's version and layout, the fields
/// crm.toml declares, and whether scores are kept.
fn config_key(store: &Store) -> String {
    let mut key = format!("{LAYOUT}/{}", env!("CARGO_PKG_VERSION"));
    for ty in RecordType::ALL {
        for (name, t) in store.config.typed_fields(ty) {
            key.push_str(&format!("/{}.{name}:{}", ty.singular(), t.name()));
        }
    }
    if scored(store) {
        key.push_str("/score");
    }
    key
}

/// Whether crm.toml sets scoring rules (then customers have a `score` column).
pub fn scored(store: &Store) -> bool {
    !store.config.scoring.is_empty()
}

/// The undeclared top-level fields holding a plain value, by type, read off the
/// encodings without decoding the records.
fn found_keys(store: &Store) -> [Vec<String>; 5] {
    let mut out: [Vec<String>; 5] = Default::default();
    for ty in RecordType::ALL {
        let mut seen: HashSet<String> = HashSet::new();
        for e in store.snapshot(ty).records() {
            for (k, v) in e.fields().raw() {
                let Ok(k) = std::str::from_utf8(k) else {
                    continue;
                };
                if seen.contains(k) || crate::model::spec::lookup(ty.spec(), k).is_some() {
                    continue;
                }
                let plain = v.val().map(|v| v.untag().scalar());
                if matches!(plain, Some(Some(s)) if !matches!(s, crate::model::value::Scalar::Null))
                {
                    seen.insert(k.to_string());
                }
            }
        }
        out[slot(ty)] = seen.into_iter().collect();
    }
    out
}

/// A file's device and inode ("" where the system has none).
fn file_id(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(m) = std::fs::symlink_metadata(path) {
            return format!("{}:{}", m.dev(), m.ino());
        }
    }
    let _ = path;
    String::new()
}

/// Opens `path` for writing, never through a link.
fn open_rw(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NOFOLLOW
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(sql_error)?;
    // Another crm updating it: wait for it, as writers of records wait for each other.
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(sql_error)?;
    // A cache: after a crash it is rebuilt (see `dirty`), so no journal file is kept,
    // nor is anything synced. The foreign keys are declared for readers (Datasette draws
    // them), not enforced: a hand-edited folder may name a customer that is not there.
    conn.execute_batch(
        "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA trusted_schema = OFF; PRAGMA foreign_keys = OFF;",
    )
    .map_err(sql_error)?;
    Ok(conn)
}

/// A read-only connection to `path` (what a user's query runs on).
pub fn open_ro(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NOFOLLOW
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(sql_error)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(sql_error)?;
    conn.execute_batch("PRAGMA query_only = ON; PRAGMA trusted_schema = OFF;")
        .map_err(sql_error)?;
    Ok(conn)
}

/// The statements of every table, index and crm table the database must hold.
fn expected(tables: &[Table]) -> Vec<String> {
    let mut all: Vec<String> = create_sql(tables);
    all.extend(META.iter().map(|s| s.to_string()));
    all.sort();
    all
}

fn meta(conn: &Connection, key: &str) -> Option<String> {
    conn.query_row(
        "SELECT \"value\" FROM \"_crm_meta\" WHERE \"key\" = ?1",
        [key],
        |r| r.get(0),
    )
    .ok()
}

fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO \"_crm_meta\" (\"key\", \"value\") VALUES (?1, ?2)",
        [key, value],
    )
    .map_err(sql_error)?;
    Ok(())
}

/// Inserts rows, one prepared statement per table.
struct Writer<'c> {
    main: Vec<rusqlite::Statement<'c>>,
    files: Option<rusqlite::Statement<'c>>,
}

impl<'c> Writer<'c> {
    fn new(conn: &'c Connection, tables: &[Table], with_files: bool) -> Result<Writer<'c>> {
        let mut main = Vec::new();
        for t in tables {
            let marks = vec!["?"; t.columns.len()].join(", ");
            let verb = if t.ty.is_some() {
                "INSERT OR IGNORE"
            } else {
                "INSERT"
            };
            main.push(
                conn.prepare(&format!("{verb} INTO {} VALUES ({marks})", quote(t.name)))
                    .map_err(sql_error)?,
            );
        }
        let files = with_files
            .then(|| {
                conn.prepare("INSERT OR REPLACE INTO \"_crm_files\" VALUES (?1, ?2, ?3, ?4, ?5)")
            })
            .transpose()
            .map_err(sql_error)?;
        Ok(Writer { main, files })
    }

    /// A record's rows; a second file of an id is left out (the first counts, as in
    /// every report), and so are its child rows.
    fn add(
        &mut self,
        r: &crate::model::Record,
        tables: &[Table],
        path: &str,
        h: i64,
    ) -> Result<()> {
        let made = Made::of(r, tables, h);
        self.put(r.ty, path, &made, tables)
    }

    fn put(&mut self, ty: RecordType, path: &str, made: &Made, tables: &[Table]) -> Result<()> {
        let t = tables.iter().position(|t| t.ty == Some(ty)).unwrap_or(0);
        let added = self.main[t]
            .execute(params_from_iter(made.rows.main.iter().map(value)))
            .map_err(sql_error)?;
        if added == 1 {
            for (at, row) in &made.rows.children {
                self.main[*at]
                    .execute(params_from_iter(row.iter().map(value)))
                    .map_err(sql_error)?;
            }
        }
        if let Some(files) = &mut self.files {
            files
                .execute(rusqlite::params![
                    path,
                    ty.plural(),
                    made.id,
                    made.hash,
                    made.keys
                ])
                .map_err(sql_error)?;
        }
        Ok(())
    }
}

/// What a record becomes, worked out on any core: its rows, id, hash and custom keys.
struct Made {
    rows: super::rows::Rows,
    id: String,
    hash: i64,
    keys: String,
}

impl Made {
    fn of(r: &crate::model::Record, tables: &[Table], hash: i64) -> Made {
        Made {
            rows: rows(r, tables, None),
            id: r.id.clone(),
            hash,
            keys: custom_keys(r).join("\n"),
        }
    }
}

fn value(c: &Cell) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    use rust_decimal::prelude::ToPrimitive;
    match c {
        Cell::Null => V::Null,
        Cell::Int(n) => V::Integer(*n),
        Cell::Real(f) => V::Real(*f),
        Cell::Text(s) => V::Text(s.clone()),
        Cell::Money(d) => d.to_f64().map_or(V::Null, V::Real),
    }
}

/// Writes every record of the folder into the empty database `conn` (crm's tables
/// too when `cache`), then the scores.
fn fill(run: &Run<'_>, conn: &Connection, tables: &[Table], cache: bool) -> Result<()> {
    let store = run.store;
    // Tables first, their indexes after the rows: one sort instead of a tree kept in
    // order row by row.
    let (indexes, creates): (Vec<String>, Vec<String>) = create_sql(tables)
        .into_iter()
        .partition(|s| s.starts_with("CREATE INDEX"));
    for sql in creates {
        conn.execute(&sql, []).map_err(sql_error)?;
    }
    if cache {
        for sql in META {
            conn.execute(sql, []).map_err(sql_error)?;
        }
    }
    conn.execute_batch("BEGIN").map_err(sql_error)?;
    {
        let mut w = Writer::new(conn, tables, cache)?;
        for ty in RecordType::ALL {
            let snapshot = store.snapshot(ty);
            let mut failed = None;
            crate::store::read::decode::each_mapped(
                &store.root,
                ty,
                snapshot,
                |e, r| Made::of(r, tables, hash(e.bytes)),
                |e, made| {
                    if failed.is_none() {
                        if let Err(err) = w.put(ty, e.path, &made, tables) {
                            failed = Some(err);
                        }
                    }
                },
            );
            if let Some(e) = failed {
                return Err(e);
            }
        }
    }
    for sql in indexes {
        conn.execute(&sql, []).map_err(sql_error)?;
    }
    if cache {
        set_meta(conn, "config", &config_key(store))?;
        for ty in RecordType::ALL {
            set_meta(conn, ty.plural(), &run.files(ty).digest)?;
        }
    }
    conn.execute_batch("COMMIT").map_err(sql_error)?;
    Ok(())
}

/// The tables the folder's records make now.
pub fn tables_of(store: &Store) -> Vec<Table> {
    current_tables(store)
}

fn current_tables(store: &Store) -> Vec<Table> {
    tables(
        &Custom::new(&store.config, &found_keys(store)),
        scored(store),
    )
}

/// A new database of the folder at `path`, written to a temporary file beside it and
/// renamed over it (keeping the mode of a file it replaces); `cache` adds crm's tables.
pub fn write(store: &Store, path: &Path, cache: bool) -> Result<()> {
    write_run(&Run::new(store), path, cache)
}

fn write_run(run: &Run<'_>, path: &Path, cache: bool) -> Result<()> {
    let store = run.store;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let io = |e: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let tmp = tempfile::Builder::new()
        .prefix(".crm-new-")
        .suffix(".sqlite")
        .tempfile_in(dir)
        .map_err(io)?;
    {
        let conn = open_rw(tmp.path())?;
        conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA cache_size = -65536;")
            .map_err(sql_error)?;
        let t = current_tables(store);
        fill(run, &conn, &t, cache)?;
        if cache {
            // The file itself: renamed into place it keeps its inode, which no one who
            // hands us a `.crm/` can know in advance.
            set_meta(&conn, "file", &file_id(tmp.path()))?;
        }
        // An export holds the scores; the cache gets them when a query asks (`cached`).
        if scored(store) && !cache {
            refresh_scores(run, &conn, false)?;
        }
        conn.close().map_err(|(_, e)| sql_error(e))?;
    }
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Removes the cached database (`crm forget`: its rows, and SQLite's free pages, hold
/// the records as they were); the next `crm sql` builds it again. Not through a link.
pub fn discard(root: &Path) {
    if !crate::store::guard::private_readable(root, crate::store::cache::DIR) {
        return;
    }
    let dir = root.join(crate::store::cache::DIR);
    for end in ["", "-journal", "-wal", "-shm"] {
        let path = dir.join(format!("{FILE}{end}"));
        if std::fs::symlink_metadata(&path).is_ok() {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// The cached database, brought up to date with the folder; its path. `customers`: the
/// query reads the customers table, so their scores must be current too.
pub fn cached(store: &Store, customers: bool) -> Result<PathBuf> {
    let dir = crate::store::guard::private_dir(&store.root, crate::store::cache::DIR)
        .map_err(|e| Error::Sql(format!("the database's folder: {e}")))?;
    let path = dir.join(FILE);
    // Journals are never kept (see `open_rw`): one found here was not crm's to replay.
    for end in ["-journal", "-wal", "-shm"] {
        let side = dir.join(format!("{FILE}{end}"));
        if std::fs::symlink_metadata(&side).is_ok() {
            let _ = std::fs::remove_file(&side);
        }
    }
    let usable = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
    if !usable && std::fs::symlink_metadata(&path).is_ok() {
        let _ = std::fs::remove_file(&path);
    }
    let run = Run::new(store);
    let current = usable && update(&run, &path).unwrap_or(false);
    if !current {
        write_run(&run, &path, true)?;
    }
    if customers && scored(store) {
        let conn = open_rw(&path)?;
        refresh_scores(&run, &conn, true)?;
    }
    Ok(path)
}

/// Brings the database at `path` up to date in place; false when it must be rebuilt
/// (not crm's, another layout, new columns, a change to a duplicated id).
fn update(run: &Run<'_>, path: &Path) -> Result<bool> {
    let store = run.store;
    let conn = open_rw(path)?;
    if meta(&conn, "config").as_deref() != Some(config_key(store).as_str())
        || meta(&conn, "dirty").is_some()
        || meta(&conn, "file").as_deref() != Some(file_id(path).as_str())
    {
        return Ok(false);
    }
    let stale: Vec<RecordType> = RecordType::ALL
        .into_iter()
        .filter(|ty| meta(&conn, ty.plural()).as_deref() != Some(run.files(*ty).digest.as_str()))
        .collect();
    if stale.is_empty() {
        return Ok(true);
    }
    let tables = current_tables(store);
    let mut have: Vec<String> = conn
        .prepare("SELECT \"sql\" FROM \"sqlite_master\" WHERE \"sql\" IS NOT NULL")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(sql_error)?;
    have.sort();
    // The tables crm would make now, exactly: new custom columns, or a database that is
    // not crm's, are a rebuild.
    if have != expected(&tables) {
        return Ok(false);
    }
    // Marked first: a crash in the middle leaves it marked, and the next run rebuilds.
    set_meta(&conn, "dirty", "1")?;
    conn.execute_batch("BEGIN").map_err(sql_error)?;
    for ty in stale {
        if !update_type(run, &conn, &tables, ty)? {
            conn.execute_batch("ROLLBACK").map_err(sql_error)?;
            return Ok(false);
        }
        set_meta(&conn, ty.plural(), &run.files(ty).digest)?;
    }
    conn.execute("DELETE FROM \"_crm_meta\" WHERE \"key\" = 'dirty'", [])
        .map_err(sql_error)?;
    conn.execute_batch("COMMIT").map_err(sql_error)?;
    Ok(true)
}

/// Replaces the rows of the type's changed, new and removed files; false when the
/// change needs a rebuild.
fn update_type(run: &Run<'_>, conn: &Connection, tables: &[Table], ty: RecordType) -> Result<bool> {
    let store = run.store;
    let now = run.files(ty);
    let mut old: HashMap<String, (String, i64)> = HashMap::new();
    {
        let mut s = conn
            .prepare("SELECT \"path\", \"id\", \"hash\" FROM \"_crm_files\" WHERE \"type\" = ?1")
            .map_err(sql_error)?;
        let rows = s
            .query_map([ty.plural()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    (r.get::<_, String>(1)?, r.get::<_, i64>(2)?),
                ))
            })
            .map_err(sql_error)?;
        for row in rows {
            let (p, v) = row.map_err(sql_error)?;
            old.insert(p, v);
        }
    }
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (_, id, _) in &now.files {
        *ids.entry(id).or_default() += 1;
    }
    let here: HashSet<&str> = now.files.iter().map(|f| f.0).collect();
    let changed: HashSet<&str> = now
        .files
        .iter()
        .filter(|(p, _, h)| old.get(*p).is_none_or(|(_, oh)| oh != h))
        .map(|f| f.0)
        .collect();
    let removed: Vec<(&String, &String)> = old
        .iter()
        .filter(|(p, _)| !here.contains(p.as_str()))
        .map(|(p, (id, _))| (p, id))
        .collect();
    // An id two files hold: which one counts depends on them all.
    let dup = |id: &str| ids.get(id).copied().unwrap_or(0) > 1;
    if removed.iter().any(|(_, id)| ids.contains_key(id.as_str()))
        || now
            .files
            .iter()
            .any(|(p, id, _)| changed.contains(p) && dup(id))
    {
        return Ok(false);
    }
    let table = super::schema::table_name(ty);
    let gone: Vec<&str> = removed
        .iter()
        .map(|(_, id)| id.as_str())
        .chain(
            now.files
                .iter()
                .filter(|(p, _, _)| changed.contains(p))
                .map(|f| f.1),
        )
        .collect();
    for id in &gone {
        delete(conn, tables, ty, table, id)?;
    }
    for (p, _) in &removed {
        conn.execute(
            "DELETE FROM \"_crm_files\" WHERE \"path\" = ?1",
            [p.as_str()],
        )
        .map_err(sql_error)?;
    }
    let mut w = Writer::new(conn, tables, true)?;
    let snapshot = store.snapshot(ty);
    let wanted: Vec<Encoded> = snapshot
        .records()
        .filter(|e| changed.contains(e.path))
        .collect();
    for e in wanted {
        let Ok(l) = crate::store::read::decode::decode_encoded(&store.root, ty, e) else {
            continue;
        };
        w.add(&l.record, tables, e.path, hash(e.bytes))?;
    }
    Ok(true)
}

/// Deletes a record's rows (main and child).
fn delete(
    conn: &Connection,
    tables: &[Table],
    ty: RecordType,
    table: &str,
    id: &str,
) -> Result<()> {
    conn.execute(
        &format!("DELETE FROM {} WHERE \"id\" = ?1", quote(table)),
        [id],
    )
    .map_err(sql_error)?;
    for t in tables.iter().filter(|t| t.ty.is_none()) {
        let typed = t.columns.iter().any(|c| c.name == "type");
        if typed {
            conn.execute(
                &format!(
                    "DELETE FROM {} WHERE \"type\" = ?1 AND \"id\" = ?2",
                    quote(t.name)
                ),
                [table, id],
            )
            .map_err(sql_error)?;
        } else if t.columns[0].name == ty.singular() {
            conn.execute(
                &format!(
                    "DELETE FROM {} WHERE {} = ?1",
                    quote(t.name),
                    quote(ty.singular())
                ),
                [id],
            )
            .map_err(sql_error)?;
        }
    }
    Ok(())
}

/// Writes every customer's current score, unless the database holds them as of today
/// for the same customers, interactions and rules already.
fn refresh_scores(run: &Run<'_>, conn: &Connection, cache: bool) -> Result<()> {
    let store = run.store;
    let key = format!(
        "{}/{}/{}/{:?}",
        store.clock.today,
        run.files(RecordType::Customer).digest,
        run.files(RecordType::Interaction).digest,
        store.config.scoring
    );
    if cache && meta(conn, "scores").as_deref() == Some(key.as_str()) {
        return Ok(());
    }
    crate::ops::score::scores(store)?;
    let ids: Vec<String> = conn
        .prepare("SELECT \"id\" FROM \"customers\"")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(sql_error)?;
    conn.execute_batch("BEGIN").map_err(sql_error)?;
    {
        let mut s = conn
            .prepare("UPDATE \"customers\" SET \"score\" = ?1 WHERE \"id\" = ?2")
            .map_err(sql_error)?;
        for id in &ids {
            s.execute(rusqlite::params![store.score_of(id), id])
                .map_err(sql_error)?;
        }
    }
    if cache {
        set_meta(conn, "scores", &key)?;
    }
    conn.execute_batch("COMMIT").map_err(sql_error)?;
    Ok(())
}
