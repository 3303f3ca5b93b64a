//! The folder of records: finding it, loading it, resolving references, writing records.
//!
//! Commands reach storage only through [`Store`].

pub mod atomic;
pub mod cache;
pub mod encoding;
pub mod guard;
pub mod load;
pub mod lock;
pub mod read;
pub mod resolve;
pub mod root;
pub mod scan;
pub mod schemas;
pub mod score;
pub mod settle;
pub mod watch;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::config::{self, Config};
use crate::error::{Error, Result};
use crate::model::record_type::Layout;
use crate::model::{canonical, comments, Clock, Record, RecordType};
use load::{LoadIssue, Loaded, TypeData};
use read::Snapshot;
use resolve::{candidate_line, split_typed, ResolveError};

pub struct Store {
    pub root: PathBuf,
    pub config: Config,
    pub clock: Clock,
    /// Read records through `.crm/cache` (off with `--no-cache` or `CRM_NO_CACHE=1`).
    pub use_cache: bool,
    /// Each type as read, encoded (see [`Store::snapshot`]).
    snapshots: [OnceLock<Snapshot>; RecordType::COUNT],
    /// Whole records, decoded from the snapshot.
    loaded: [OnceLock<TypeData>; RecordType::COUNT],
    /// Types read with only some fields, with those fields (see [`Store::records_with`]).
    projected: [OnceLock<(Vec<String>, TypeData)>; RecordType::COUNT],
    /// Issues not yet shown to the user; each file's issue is reported once.
    pending_issues: RefCell<Vec<LoadIssue>>,
    /// Files whose id an earlier file of their type holds too, as notes for the user.
    duplicates: RefCell<Vec<String>>,
    /// Records read one by one, by exact id, without loading their type.
    single: typed_arena::Arena<Loaded>,
    /// The folder's write lock while this process writes (see [`lock`]).
    lock: RefCell<Option<lock::WriteLock>>,
    /// Rewrite files even where a comment in them cannot be kept (`--drop-comments`).
    pub drop_comments: bool,
    /// Lead scores, computed on first use (see [`score`]).
    scores: OnceLock<Result<score::Scores, score::RuleError>>,
    /// Each customer's `erased` day as read once (see [`Store::erased_on`]).
    erased: RefCell<std::collections::HashMap<String, Option<String>>>,
}

/// How "today" and "now" are pinned for this run (see [`Clock`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct ClockPins {
    pub today: Option<chrono::NaiveDate>,
    pub now: Option<chrono::DateTime<chrono::FixedOffset>>,
}

impl Store {
    /// Opens the crm folder that holds `start` (or is above it).
    pub fn open(start: &Path, pins: ClockPins) -> Result<Store> {
        let root = root::find_root(start)?;
        let config = Config::load(&root.join(config::FILE_NAME))?;
        let clock = Clock::new(pins.today, pins.now, config.tz());
        Ok(Store {
            root,
            config,
            clock,
            use_cache: true,
            snapshots: Default::default(),
            loaded: Default::default(),
            projected: Default::default(),
            pending_issues: RefCell::new(Vec::new()),
            duplicates: RefCell::new(Vec::new()),
            single: typed_arena::Arena::new(),
            erased: RefCell::default(),
            lock: RefCell::new(None),
            drop_comments: false,
            scores: OnceLock::new(),
        })
    }

    fn slot(ty: RecordType) -> usize {
        ty.index()
    }

    /// A type's records as read, encoded, on first use: the one reading of the type's
    /// files that whole records, projections and reports' views are all decoded from.
    /// Each file that cannot be used is reported once, here.
    pub fn snapshot(&self, ty: RecordType) -> &Snapshot {
        let slot = &self.snapshots[Self::slot(ty)];
        if slot.get().is_none() {
            self.adopt(ty, read::snapshot(&self.root, ty, self.use_cache, true));
        }
        slot.get().expect("just read")
    }

    /// Reads the snapshots of several types at once, each on its own core, for a
    /// command that reads them all (a report).
    pub fn preload(&self, types: &[RecordType]) {
        use rayon::prelude::*;
        let missing: Vec<RecordType> = types
            .iter()
            .copied()
            .filter(|t| self.snapshots[Self::slot(*t)].get().is_none())
            .collect();
        let (root, use_cache) = (self.root.as_path(), self.use_cache);
        let read: Vec<(RecordType, Snapshot)> = missing
            .into_par_iter()
            .map(|ty| (ty, read::snapshot(root, ty, use_cache, true)))
            .collect();
        for (ty, snap) in read {
            self.adopt(ty, snap);
        }
    }

    /// Keeps a snapshot read: its issues are reported, and so are ids held by two files.
    fn adopt(&self, ty: RecordType, snap: Snapshot) {
        self.pending_issues
            .borrow_mut()
            .extend(snap.issues().iter().cloned());
        self.duplicates
            .borrow_mut()
            .extend(snap.duplicates().into_iter().map(|(id, first, other)| {
                format!("{other}: holds the id {id}, as {first} does; read commands count it once, as {first} (keep one of the two)")
            }));
        let _ = self.snapshots[Self::slot(ty)].set(snap);
    }

    /// Decodes a type's records, whole or (`only`) with some top-level fields.
    fn decode(&self, ty: RecordType, only: Option<&[&str]>) -> TypeData {
        let (data, new_issues) = read::decode::decode(&self.root, ty, self.snapshot(ty), only);
        self.pending_issues.borrow_mut().extend(new_issues);
        data
    }

    /// All records of a type, loaded on first use.
    pub fn load(&self, ty: RecordType) -> &TypeData {
        self.loaded[Self::slot(ty)].get_or_init(|| self.decode(ty, None))
    }

    pub fn records(&self, ty: RecordType) -> impl Iterator<Item = &Loaded> {
        self.load(ty).entries.iter()
    }

    /// Records of a type holding only the top-level fields named (read-only use, such as
    /// a listing that shows a few fields): cheaper to decode and to keep. The whole
    /// records when the type is loaded already. A type is projected once per run:
    /// asking again for a field the first projection left out gets whole records.
    pub fn records_with(&self, ty: RecordType, fields: &[&str]) -> impl Iterator<Item = &Loaded> {
        let slot = Self::slot(ty);
        if self.loaded[slot].get().is_some() {
            return self.load(ty).entries.iter();
        }
        let (kept, data) = self.projected[slot].get_or_init(|| {
            let kept = fields.iter().map(|f| f.to_string()).collect();
            (kept, self.decode(ty, Some(fields)))
        });
        if fields.iter().all(|f| kept.iter().any(|k| k == f)) {
            data.entries.iter()
        } else {
            self.load(ty).entries.iter()
        }
    }

    /// Every file skipped so far (shown or not), each once, for output that must say
    /// what it left out (reports).
    pub fn skipped(&self) -> Vec<LoadIssue> {
        once_each(self.pending_issues.borrow().clone())
    }

    /// The notes about ids held by two files, read so far.
    pub fn duplicate_notes(&self) -> Vec<String> {
        self.duplicates.borrow().clone()
    }

    /// The issues not yet shown; a file read in two shapes is reported once.
    pub fn take_issues(&self) -> Vec<LoadIssue> {
        once_each(std::mem::take(&mut *self.pending_issues.borrow_mut()))
    }

    pub fn abs(&self, rel: &Path) -> PathBuf {
        self.root.join(rel)
    }

    /// The absolute path of a record file crm is about to read on its own or write,
    /// provided no component below the crm folder is a link (see [`guard`]).
    fn checked(&self, rel: &Path) -> Result<PathBuf> {
        guard::check(&self.root, rel).map_err(|e| Error::Write(e.into()))?;
        Ok(self.root.join(rel))
    }

    /// The record with exactly this id, if any.
    pub fn get(&self, ty: RecordType, id: &str) -> Option<&Loaded> {
        self.load(ty).get(id)
    }

    /// Where a record of this id would be if it sits where crm puts new ones:
    /// `TYPE/ID.yaml`, or `interactions/YYYY/MM/ID.yaml` (any month that exists).
    pub fn probe_paths(&self, ty: RecordType, id: &str) -> Vec<PathBuf> {
        if crate::model::id::check_id(id).is_err() {
            return Vec::new();
        }
        let base = PathBuf::from(ty.dir());
        let mut candidates = vec![
            base.join(format!("{id}.yaml")),
            base.join(format!("{id}.yml")),
        ];
        if let Layout::ByMonth(_) = ty.info().layout {
            for year in std::fs::read_dir(self.abs(&base))
                .into_iter()
                .flatten()
                .flatten()
            {
                for month in std::fs::read_dir(year.path())
                    .into_iter()
                    .flatten()
                    .flatten()
                {
                    candidates.push(
                        base.join(year.file_name())
                            .join(month.file_name())
                            .join(format!("{id}.yaml")),
                    );
                }
            }
        }
        // A link is not a record, and nor is a file reached through a linked folder:
        // both are reported when the type is loaded, never followed.
        candidates
            .into_iter()
            .filter(|p| {
                guard::check(&self.root, p).is_ok()
                    && std::fs::symlink_metadata(self.abs(p)).is_ok_and(|m| m.is_file())
            })
            .collect()
    }

    /// Whether a record of this type and id exists, reading as little as it can: the
    /// loaded type if it is loaded, else the file where crm would have put it, else the
    /// whole type (the record may sit in a subfolder). A record the loaded type lacks is
    /// still looked for where crm puts files: this run may have written it since the
    /// load (an ingest's new lead, named by the interactions written after it).
    pub fn exists(&self, ty: RecordType, id: &str) -> bool {
        let loaded = self.loaded[Self::slot(ty)].get().is_some();
        if loaded && self.get(ty, id).is_some() {
            return true;
        }
        if !self.probe_paths(ty, id).is_empty() {
            return true;
        }
        !loaded && self.get(ty, id).is_some()
    }

    /// The record with exactly this id, read on its own when its file is where crm puts
    /// it (so commands that name one record by id need not load its whole type).
    fn single(&self, types: &[RecordType], id: &str) -> Option<&Loaded> {
        if types
            .iter()
            .any(|t| self.loaded[Self::slot(*t)].get().is_some())
        {
            return None;
        }
        let mut found = types
            .iter()
            .flat_map(|t| self.probe_paths(*t, id).into_iter().map(move |p| (*t, p)));
        let (ty, rel) = found.next()?;
        if found.next().is_some() {
            return None;
        }
        let bytes = read::parse::read_record(&self.root, &rel).ok()?;
        let record = read::parse::parse_record(ty, &rel, &bytes).ok()?;
        Some(self.single.alloc(Loaded { record, path: rel }))
    }

    /// Every file of type `ty` whose id is `id`, by path: from the loaded records if the
    /// type is loaded, else from a listing of its folders (no stat, nothing parsed).
    fn files_of(&self, ty: RecordType, id: &str) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = match self.loaded[Self::slot(ty)].get() {
            Some(data) => data
                .entries
                .iter()
                .filter(|l| l.record.id == id)
                .map(|l| l.path.clone())
                .collect(),
            // The cache's list of paths (mapped, read in place) and where crm puts new
            // files: no listing of a folder of 100,000 files for one record. A copy made in
            // a subfolder since the last read command is warned about by the next one.
            None => match cache::CacheFile::open(&self.root, ty) {
                Some(c) => {
                    let mut found: Vec<PathBuf> = (0..c.len())
                        .map(|i| c.entry(i).path)
                        .filter(|p| load::id_of(Path::new(p)) == id)
                        .map(PathBuf::from)
                        .collect();
                    found.extend(self.probe_paths(ty, id));
                    found.sort();
                    found.dedup();
                    found
                }
                None => read::files::record_files_with(&self.root, ty, false)
                    .into_iter()
                    .map(|(p, _)| p)
                    .filter(|p| load::is_record_file(p) && load::id_of(p) == id)
                    .collect(),
            },
        };
        paths.sort();
        paths
    }

    /// `found`, unless another file of its type holds the same id.
    fn unique<'s>(&'s self, found: &'s Loaded) -> Result<&'s Loaded, ResolveError> {
        let paths = self.files_of(found.record.ty, &found.record.id);
        if paths.len() > 1 {
            return Err(ResolveError::Duplicate {
                id: found.record.id.clone(),
                paths: paths.iter().map(|p| p.display().to_string()).collect(),
            });
        }
        Ok(found)
    }

    /// Finds the one record `reference` names among `types` (see [`resolve`]). A record
    /// whose id another file of its type also holds is refused, naming both.
    pub fn resolve(&self, reference: &str, types: &[RecordType]) -> Result<&Loaded, ResolveError> {
        self.resolve_any(reference, types)
            .and_then(|l| self.unique(l))
    }

    fn resolve_any(&self, reference: &str, types: &[RecordType]) -> Result<&Loaded, ResolveError> {
        let (types, r) = split_typed(reference, types);
        if let Some(l) = self.single(&types, &r) {
            return Ok(l);
        }
        let not_found = || ResolveError::NotFound {
            reference: reference.to_string(),
            types: types.clone(),
        };
        if r.is_empty() {
            return Err(not_found());
        }
        let ambiguous = |found: &[&Loaded]| ResolveError::Ambiguous {
            reference: reference.to_string(),
            candidates: found
                .iter()
                .map(|l| {
                    let line = candidate_line(l.record.ty, &l.record.id, l.record.title());
                    // One id in two files (a copy in a subfolder) would give two equal
                    // lines: the paths tell them apart.
                    let twice = found
                        .iter()
                        .filter(|o| o.record.ty == l.record.ty && o.record.id == l.record.id)
                        .count()
                        > 1;
                    if twice {
                        format!("{line}  ({})", l.path.display())
                    } else {
                        line
                    }
                })
                .collect(),
        };
        fn pick<'a>(
            found: Vec<&'a Loaded>,
            ambiguous: &dyn Fn(&[&Loaded]) -> ResolveError,
        ) -> Option<Result<&'a Loaded, ResolveError>> {
            match found.len() {
                0 => None,
                1 => Some(Ok(found[0])),
                _ => Some(Err(ambiguous(&found))),
            }
        }
        let all = || types.iter().flat_map(|t| self.records(*t));
        if let Some(res) = pick(
            types.iter().filter_map(|t| self.get(*t, &r)).collect(),
            &ambiguous,
        ) {
            return res;
        }
        if r.contains('@') && types.contains(&RecordType::Customer) {
            let by_email = self
                .records(RecordType::Customer)
                .filter(|l| crate::model::contact::has_email(&l.record, &r))
                .collect();
            if let Some(res) = pick(by_email, &ambiguous) {
                return res;
            }
        }
        if types.contains(&RecordType::Customer) && crate::model::phone::looks_like_phone(&r) {
            let region = self.config.phone_region();
            if let Some(key) = crate::model::phone::match_key(&r, region.as_deref()) {
                let by_phone = self
                    .records(RecordType::Customer)
                    .filter(|l| {
                        crate::model::contact::has_phone(&l.record, &key, region.as_deref())
                    })
                    .collect();
                if let Some(res) = pick(by_phone, &ambiguous) {
                    return res;
                }
            }
        }
        if let Some(issue) = types.iter().find_map(|t| self.load(*t).unreadable(&r)) {
            return Err(ResolveError::Unreadable {
                reference: reference.to_string(),
                path: issue.path.display().to_string(),
                problem: match issue.line {
                    Some(line) => format!("line {line}: {}", issue.message),
                    None => issue.message.clone(),
                },
            });
        }
        if let Some(res) = pick(
            all().filter(|l| l.record.id.starts_with(&r)).collect(),
            &ambiguous,
        ) {
            return res;
        }
        // An id a merge removed: say where its record went.
        let merged = all().find(|l| match l.record.get(crate::model::spec::MERGED) {
            Some(serde_yaml::Value::Sequence(ids)) => ids.iter().any(|i| i.as_str() == Some(&r)),
            _ => false,
        });
        Err(match merged {
            Some(l) => ResolveError::Merged {
                ty: l.record.ty,
                id: r.clone(),
                into: l.record.id.clone(),
            },
            None => not_found(),
        })
    }

    /// Where a record of this type and id is kept when created: by month (`YYYY/MM/`)
    /// for a type laid out so (interactions).
    pub fn path_for(&self, record: &Record) -> PathBuf {
        let mut p = PathBuf::from(record.ty.dir());
        if let Layout::ByMonth(field) = record.ty.info().layout {
            if let Some(at) = record
                .str(field)
                .and_then(crate::model::clock::parse_moment)
            {
                p.push(at.format("%Y").to_string());
                p.push(at.format("%m").to_string());
            }
        }
        p.push(format!("{}.yaml", record.id));
        p
    }

    /// Runs `f` holding the folder's write lock, taken once however deeply nested.
    pub fn locked<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let outer = self.lock.borrow().is_some();
        if !outer {
            *self.lock.borrow_mut() = Some(lock::WriteLock::acquire(&self.root)?);
            // Every write keeps `schema/` in step with a crm.toml changed since.
            let _ = schemas::refresh_if_older(&self.root, &self.config);
        }
        let out = f();
        if !outer {
            self.lock.borrow_mut().take();
        }
        out
    }

    /// Journals the folder of a temporary file about to be made (see [`lock`]).
    fn note_temp(&self, target: &Path) -> Result<()> {
        if let (Some(l), Some(dir)) = (self.lock.borrow_mut().as_mut(), target.parent()) {
            l.note_dir(dir)?;
        }
        Ok(())
    }

    /// Writes a new record; fails with [`atomic::WriteError::Exists`] if its file exists.
    pub fn create(&self, record: &Record) -> Result<PathBuf> {
        let rel = self.path_for(record);
        let abs = self.checked(&rel)?;
        self.locked(|| {
            self.note_temp(&abs)?;
            atomic::create_new(&abs, sized_text(record, &rel)?.as_bytes())?;
            settle::note_own_write(&self.root, &rel);
            Ok(())
        })?;
        Ok(rel)
    }

    /// Writes many new records (see [`atomic::create_new_all`]: one flush of the file
    /// system for all), each failing alone with [`atomic::WriteError::Exists`] if its
    /// file exists. Returns each record's path or its error, in order.
    pub fn create_all(&self, records: &[Record]) -> Result<Vec<Result<PathBuf>>> {
        self.locked(|| {
            let mut targets = Vec::with_capacity(records.len());
            for record in records {
                let rel = self.path_for(record);
                let abs = self.checked(&rel)?;
                self.note_temp(&abs)?;
                let text = sized_text(record, &rel)?;
                targets.push((rel, abs, text));
            }
            let items: Vec<(&Path, &[u8])> = targets
                .iter()
                .map(|(_, abs, text)| (abs.as_path(), text.as_bytes()))
                .collect();
            let written = atomic::create_new_all(&items);
            let ok: Vec<&Path> = targets
                .iter()
                .zip(&written)
                .filter(|(_, w)| w.is_ok())
                .map(|((rel, _, _), _)| rel.as_path())
                .collect();
            settle::note_own_writes(&self.root, &ok);
            Ok(targets
                .into_iter()
                .zip(written)
                .map(|((rel, _, _), w)| w.map(|()| rel).map_err(Error::from))
                .collect())
        })
    }

    /// The file's bytes now, provided it still holds the record as crm read it; a
    /// change by another writer since then is [`atomic::WriteError::Changed`].
    fn unchanged_bytes(&self, original: &Loaded) -> Result<Vec<u8>> {
        let path = self.checked(&original.path)?;
        let changed = || Error::Write(atomic::WriteError::Changed(path.clone()));
        let bytes = settle::read_quiet(&self.root, &original.path)?;
        match read::parse::parse_record(original.record.ty, &original.path, &bytes) {
            Ok(now) if now.fields == original.record.fields => Ok(bytes),
            _ => Err(changed()),
        }
    }

    /// The text of a record's file as it is now.
    pub fn read_text(&self, l: &Loaded) -> Result<String> {
        let path = self.checked(&l.path)?;
        std::fs::read(&path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| Error::io(path, e))
    }

    /// Writes a changed record over the file it was read from, provided the file still
    /// holds what was read (for `crm edit` and imports, whose changes were made against
    /// that reading). Returns false, writing nothing, when the record is unchanged, so a
    /// no-op leaves the file byte-identical.
    ///
    /// The file's comments are kept beside their fields (see [`comments`]).
    pub fn update(&self, original: &Loaded, record: &Record) -> Result<bool> {
        self.update_from(original, record, None)
    }

    /// As [`Store::update`], with the comments of `edited` (the text a person saved in
    /// `crm edit`) instead of the file's: a comment added or changed there is a change.
    pub fn update_from(
        &self,
        original: &Loaded,
        record: &Record,
        edited: Option<&str>,
    ) -> Result<bool> {
        let same_fields = record.fields == original.record.fields;
        if same_fields && edited.is_none() {
            return Ok(false);
        }
        let path = self.checked(&original.path)?;
        self.locked(|| {
            let expected = self.unchanged_bytes(original)?;
            if same_fields {
                let now = comments::comments(&String::from_utf8_lossy(&expected));
                let then = comments::comments(edited.unwrap_or_default());
                let key = |c: &comments::Comment| (c.text.clone(), c.place.clone());
                if now.iter().map(key).eq(then.iter().map(key)) {
                    return Ok(false);
                }
            }
            self.note_temp(&path)?;
            let source = edited.map_or(expected.as_slice(), str::as_bytes);
            let text = self.text_over(record, &original.path, source)?;
            atomic::replace(&path, text.as_bytes(), &expected)?;
            settle::note_own_write(&self.root, &original.path);
            Ok(true)
        })
    }

    /// Changes a record with `change`, applied to the record as its file holds it once
    /// the write lock is taken: crm writers of one record take turns, and each sees the
    /// changes of the one before (no update is lost). Returns whether the file changed,
    /// and the record written.
    pub fn modify(
        &self,
        original: &Loaded,
        change: impl FnOnce(&mut Record) -> Result<()>,
    ) -> Result<(bool, Record)> {
        let path = self.checked(&original.path)?;
        self.locked(|| {
            let bytes = settle::read_quiet(&self.root, &original.path)?;
            let now = read::parse::parse_record(original.record.ty, &original.path, &bytes)?;
            let mut record = now.clone();
            change(&mut record)?;
            if record.fields == now.fields {
                return Ok((false, record));
            }
            self.note_temp(&path)?;
            let text = self.text_over(&record, &original.path, &bytes)?;
            atomic::replace(&path, text.as_bytes(), &bytes)?;
            settle::note_own_write(&self.root, &original.path);
            Ok((true, record))
        })
    }

    pub fn remove(&self, original: &Loaded) -> Result<()> {
        let path = self.checked(&original.path)?;
        self.locked(|| {
            let expected = self.unchanged_bytes(original)?;
            atomic::remove(&path, &expected)?;
            Ok(())
        })
    }

    /// The customer, other than `except`, whose e-mail is `email` (any case).
    ///
    /// Under the write lock (every write of a customer checks there) the customers are
    /// read afresh, through the cache: what another writer, `git pull` or an editor
    /// changed a moment ago is seen, since the cache is checked against every file (or
    /// the watcher). No separate index is kept: an index that readers rewrote without the
    /// lock lost the lines writers had just added, and one that only writers kept would
    /// not know of a pull. A customer file that does not parse keeps its e-mail: any
    /// `email:` line in it is taken.
    /// Whether `email` is new to the customer `id`: its file, where crm keeps it, does not
    /// already hold it (an e-mail a record keeps was checked when it was set, and a
    /// duplicate made since by hand is `crm check`'s to report).
    pub fn email_is_new(&self, id: &str, email: &str) -> bool {
        let paths = self.probe_paths(RecordType::Customer, id);
        let [rel] = paths.as_slice() else {
            return true;
        };
        let Ok(bytes) = read::parse::read_record(&self.root, rel) else {
            return true;
        };
        match read::parse::parse_record(RecordType::Customer, rel, &bytes) {
            Ok(r) => !r
                .str("email")
                .is_some_and(|e| crate::model::fold::same(e, email)),
            Err(_) => true,
        }
    }

    pub fn email_owner(&self, email: &str, except: &str) -> Option<String> {
        let want = crate::model::fold::fold(email);
        let fresh;
        let snapshot = if self.lock.borrow().is_some() {
            fresh = read::snapshot(&self.root, RecordType::Customer, self.use_cache, false);
            &fresh
        } else {
            self.snapshot(RecordType::Customer)
        };
        let same = |e: &str| crate::model::fold::fold(e) == want;
        if let Some(owner) = snapshot
            .records()
            .find(|e| e.id() != except && e.fields().str("email").is_some_and(same))
        {
            return Some(owner.id().to_string());
        }
        snapshot.issues().iter().find_map(|issue| {
            let id = load::id_of(&issue.path);
            if id == except {
                return None;
            }
            let bytes = read::parse::read_record(&self.root, &issue.path).ok()?;
            let text = String::from_utf8_lossy(&bytes);
            text.lines()
                .filter_map(|l| l.trim_start().strip_prefix("email:"))
                .map(|v| v.trim().trim_matches(|c| c == '"' || c == '\''))
                .any(same)
                .then_some(id)
        })
    }

    /// Every reference of `record` that names no existing record, as (field, type, id).
    pub fn dangling_references<'r>(
        &self,
        record: &'r Record,
    ) -> Vec<(&'static str, RecordType, &'r str)> {
        record
            .references()
            .into_iter()
            .filter(|(field, ty, id)| {
                // A customer's source may be free text; it is a reference only when it names a campaign.
                *field != "source" && !self.exists(*ty, id)
            })
            .collect()
    }

    /// The day customer `id` was erased (`crm forget`), if it was: from the loaded
    /// customers, else from its own file, read once a run (so the checks of many records
    /// of one customer, an ingest's, neither load every customer nor read it again).
    pub fn erased_on(&self, id: &str) -> Option<String> {
        let ty = RecordType::Customer;
        let of = |r: &Record| r.str(crate::model::spec::ERASED).map(str::to_string);
        if self.loaded[Self::slot(ty)].get().is_some() {
            return self.get(ty, id).and_then(|l| of(&l.record));
        }
        if let Some(day) = self.erased.borrow().get(id) {
            return day.clone();
        }
        // Its own file where crm puts it; else (elsewhere, or there twice) the whole type.
        let day = match self.single(&[ty], id) {
            Some(l) => of(&l.record),
            None => self.get(ty, id).and_then(|l| of(&l.record)),
        };
        self.erased.borrow_mut().insert(id.to_string(), day.clone());
        day
    }

    /// Records that point at `ty/id`, as (record, field).
    pub fn referrers(&self, ty: RecordType, id: &str) -> Vec<(&Loaded, &'static str)> {
        let mut out = Vec::new();
        for t in RecordType::ALL {
            for l in self.records(t) {
                for (field, target, target_id) in l.record.references() {
                    if target == ty && target_id == id && !(t == ty && l.record.id == id) {
                        out.push((l, field));
                    }
                }
            }
        }
        out
    }
}

/// Issues in their order, each once (a file read in two shapes is reported twice).
fn once_each(mut issues: Vec<LoadIssue>) -> Vec<LoadIssue> {
    let mut seen = std::collections::HashSet::new();
    issues.retain(|i| seen.insert((i.path.clone(), i.line, i.column, i.message.clone())));
    issues
}

impl Error {
    pub fn invalid(
        context: impl Into<String>,
        errors: Vec<crate::model::value::FieldError>,
    ) -> Error {
        Error::Invalid {
            context: context.into(),
            errors,
        }
    }
}

impl crate::query::Records for Store {
    fn record(&self, ty: RecordType, id: &str) -> Option<&Record> {
        self.get(ty, id).map(|l| &l.record)
    }

    /// Reads the type's records whole (asked only for a name the field table lacks).
    fn holds(&self, ty: RecordType, path: &str) -> bool {
        self.records(ty).any(|l| l.record.get(path).is_some())
    }

    /// The scoring rules' error, for a query naming `score`.
    fn computed_problem(&self, ty: RecordType, name: &str) -> Option<String> {
        match (ty, name) {
            (RecordType::Customer, crate::query::field::SCORE) => {
                self.scores().err().map(|e| e.to_string())
            }
            _ => None,
        }
    }

    /// A customer's `score` (see [`score`]).
    fn computed(&self, ty: RecordType, id: &str, name: &str) -> Option<serde_yaml::Value> {
        match (ty, name) {
            (RecordType::Customer, crate::query::field::SCORE) => self
                .score_of(id)
                .map(|s| serde_yaml::Value::Number(serde_yaml::Number::from(s))),
            _ => None,
        }
    }
}

impl Store {
    /// The text that would replace `original`'s file with `record` now (its comments
    /// kept): what an import checks before it writes anything.
    pub fn rewrite_text(&self, original: &Loaded, record: &Record) -> Result<String> {
        let bytes = read::parse::read_record(&self.root, &original.path)?;
        self.text_over(record, &original.path, &bytes)
    }

    /// The text that replaces a record's file whose text was `source`: canonical, with
    /// the comments of `source` put back beside their fields. A comment that cannot be
    /// kept (its field is gone) refuses the write, unless `--drop-comments` was given.
    fn text_over(&self, record: &Record, rel: &Path, source: &[u8]) -> Result<String> {
        let found = comments::comments(&String::from_utf8_lossy(source));
        if found.is_empty() {
            return sized_text(record, rel);
        }
        let woven = comments::weave(&canonical::to_yaml(record), &found);
        if !woven.lost.is_empty() && !self.drop_comments {
            return Err(Error::Comments {
                path: rel.to_path_buf(),
                lost: woven.lost,
            });
        }
        checked_size(
            record,
            canonical::schema_header(record.ty, rel) + &woven.text,
        )
    }
}

/// A record's file text, refused when reads would refuse the file it makes (too big): a
/// write never leaves a record that then "matches nothing".
fn sized_text(record: &Record, rel: &Path) -> Result<String> {
    checked_size(record, canonical::file_text(record, rel))
}

fn checked_size(record: &Record, text: String) -> Result<String> {
    match read::parse::oversize(record, &text) {
        Some((_, why)) => Err(Error::TooLarge(why)),
        None => Ok(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_read_in_two_shapes_is_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(config::FILE_NAME), "").unwrap();
        let month = dir.path().join("interactions/2026/11");
        std::fs::create_dir_all(&month).unwrap();
        std::fs::write(month.join("i-1.yaml"), "customer: c-1\nat: 2026-11-02\n").unwrap();
        std::fs::write(month.join("i-2.yaml"), "customer: [\n").unwrap();
        let store = Store::open(dir.path(), ClockPins::default()).unwrap();
        let some: Vec<_> = store
            .records_with(RecordType::Interaction, &["at"])
            .collect();
        assert_eq!(some.len(), 1);
        assert_eq!(some[0].record.str("at"), Some("2026-11-02"));
        assert_eq!(some[0].record.str("customer"), None);
        assert_eq!(store.records(RecordType::Interaction).count(), 1);
        let issues = store.take_issues();
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].path, Path::new("interactions/2026/11/i-2.yaml"));
    }

    #[test]
    fn a_record_written_after_its_type_was_loaded_exists() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(config::FILE_NAME), "").unwrap();
        std::fs::create_dir_all(dir.path().join("customers")).unwrap();
        let store = Store::open(dir.path(), ClockPins::default()).unwrap();
        assert_eq!(store.records(RecordType::Customer).count(), 0);
        let mut lead = Record::new(RecordType::Customer, "rina-5aqf");
        lead.fields.insert("name".into(), "Rina".into());
        lead.fields.insert("stage".into(), "lead".into());
        store.create(&lead).unwrap();
        assert!(store.exists(RecordType::Customer, "rina-5aqf"));
        assert!(!store.exists(RecordType::Customer, "nobody-0000"));
    }

    #[test]
    fn a_field_left_out_of_the_first_projection_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(config::FILE_NAME), "").unwrap();
        std::fs::create_dir_all(dir.path().join("deals")).unwrap();
        std::fs::write(
            dir.path().join("deals/d-1.yaml"),
            "title: Pos\nstage: won\nowner: dewi\n",
        )
        .unwrap();
        let store = Store::open(dir.path(), ClockPins::default()).unwrap();
        let fields = |store: &Store, asked: &[&str], read: &str| -> Option<String> {
            let d = store.records_with(RecordType::Deal, asked).next().unwrap();
            d.record.str(read).map(String::from)
        };
        // The first projection keeps only what it names.
        assert_eq!(fields(&store, &["stage"], "stage").as_deref(), Some("won"));
        assert_eq!(fields(&store, &["stage"], "owner"), None);
        // A field it left out: whole records, not a silent blank.
        assert_eq!(fields(&store, &["owner"], "owner").as_deref(), Some("dewi"));
        assert_eq!(fields(&store, &["owner"], "title").as_deref(), Some("Pos"));
    }
}
