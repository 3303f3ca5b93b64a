//! The record cache under `.crm/cache/` (never shared: `.crm/` is git-ignored).
//!
//! One file per record type holds, for each record file, its path, size, modification
//! and change times (nanoseconds) and inode, as git's index does, and the parsed record
//! in a compact binary form. A load lists the type's folder, stats every file, and takes
//! from the cache the records whose file has not changed; the others are read and
//! parsed, on all cores. Entries written within two seconds of a file's change are
//! re-read next time (a second edit in the same second could otherwise look unchanged).
//! A missing, corrupt or old-version cache is rebuilt without a word; a cache that
//! cannot be written is skipped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_yaml::{Mapping, Value};

use super::load::{parse_record, LoadIssue, Loaded, Row, Stat, TypeData};
use crate::model::Record;
use crate::model::RecordType;

/// Bumped whenever the cache's layout or the meaning of what it stores changes.
const VERSION: u32 = 2;

/// Where the caches live, below the crm folder.
pub const DIR: &str = ".crm/cache";

/// A YAML value in the cache's binary form, written and read straight from and into
/// [`Value`]: a variant index (0 null, 1 bool, 2 signed, 3 unsigned, 4 float, 5 string,
/// 6 list, 7 map as a list of pairs), then its payload.
struct Enc<'a>(&'a Value);

const VARIANTS: &[&str] = &["Null", "Bool", "Int", "UInt", "Float", "Str", "Seq", "Map"];

impl Serialize for Enc<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Seq<'a>(&'a [Value]);
        impl Serialize for Seq<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.iter().map(Enc))
            }
        }
        match self.0 {
            Value::Null => s.serialize_unit_variant("Val", 0, VARIANTS[0]),
            Value::Bool(b) => s.serialize_newtype_variant("Val", 1, VARIANTS[1], b),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => s.serialize_newtype_variant("Val", 2, VARIANTS[2], &i),
                (None, Some(u)) => s.serialize_newtype_variant("Val", 3, VARIANTS[3], &u),
                _ => s.serialize_newtype_variant(
                    "Val",
                    4,
                    VARIANTS[4],
                    &n.as_f64().unwrap_or_default(),
                ),
            },
            Value::String(t) => s.serialize_newtype_variant("Val", 5, VARIANTS[5], t),
            Value::Sequence(items) => {
                s.serialize_newtype_variant("Val", 6, VARIANTS[6], &Seq(items))
            }
            Value::Mapping(m) => s.serialize_newtype_variant("Val", 7, VARIANTS[7], &Map(m)),
            Value::Tagged(t) => Enc(&t.value).serialize(s),
        }
    }
}

/// A map's pairs, for [`Enc`].
struct Map<'a>(&'a Mapping);

impl Serialize for Map<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|(k, v)| (Enc(k), Enc(v))))
    }
}

/// A record's fields as [`Enc`] writes a map, without building a value around them.
struct EncFields<'a>(&'a Mapping);

impl Serialize for EncFields<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_variant("Val", 7, VARIANTS[7], &Map(self.0))
    }
}

/// Reads what [`Enc`] wrote.
struct Dec(Value);

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Dec, D::Error> {
        use serde::de::{EnumAccess, SeqAccess, VariantAccess, Visitor};
        struct Items;
        impl<'de> serde::de::DeserializeSeed<'de> for Items {
            type Value = Vec<Value>;
            fn deserialize<D: serde::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Vec<Value>, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Vec<Value>;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("a list")
                    }
                    fn visit_seq<A: SeqAccess<'de>>(
                        self,
                        mut a: A,
                    ) -> Result<Vec<Value>, A::Error> {
                        let mut out = Vec::with_capacity(a.size_hint().unwrap_or(0));
                        while let Some(Dec(v)) = a.next_element()? {
                            out.push(v);
                        }
                        Ok(out)
                    }
                }
                d.deserialize_seq(V)
            }
        }
        struct Pairs;
        impl<'de> serde::de::DeserializeSeed<'de> for Pairs {
            type Value = Mapping;
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Mapping, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Mapping;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("a list of pairs")
                    }
                    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Mapping, A::Error> {
                        let mut out = Mapping::with_capacity(a.size_hint().unwrap_or(0));
                        while let Some((Dec(k), Dec(v))) = a.next_element()? {
                            out.insert(k, v);
                        }
                        Ok(out)
                    }
                }
                d.deserialize_seq(V)
            }
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a cached value")
            }
            fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
                let (i, v): (u32, _) = data.variant()?;
                Ok(match i {
                    0 => {
                        v.unit_variant()?;
                        Value::Null
                    }
                    1 => Value::Bool(v.newtype_variant()?),
                    2 => Value::Number(v.newtype_variant::<i64>()?.into()),
                    3 => Value::Number(v.newtype_variant::<u64>()?.into()),
                    4 => Value::Number(v.newtype_variant::<f64>()?.into()),
                    5 => Value::String(v.newtype_variant()?),
                    6 => Value::Sequence(v.newtype_variant_seed(Items)?),
                    7 => Value::Mapping(v.newtype_variant_seed(Pairs)?),
                    _ => return Err(serde::de::Error::custom("unknown cached value")),
                })
            }
        }
        d.deserialize_enum("Val", VARIANTS, V).map(Dec)
    }
}

/// What a file held when it was last read: the record's fields, encoded, or the problem
/// reported for it (line, column, message). Read borrowing from the cache file's bytes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
enum Content<'a> {
    Record(&'a [u8]),
    Issue(Option<usize>, Option<usize>, &'a str),
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Entry<'a> {
    path: &'a str,
    stat: Stat,
    /// Changed too close to the cache's writing to trust the stat next time.
    racy: bool,
    #[serde(borrow)]
    content: Content<'a>,
}

#[derive(Debug, Serialize, Deserialize)]
struct File<'a> {
    version: u32,
    crm: &'a str,
    #[serde(borrow, deserialize_with = "exact")]
    entries: Vec<Entry<'a>>,
}

/// A list read into a vector of the length the file gives (serde's own reading grows
/// it step by step, copying it each time), within a bound a corrupt length cannot pass.
fn exact<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(a.size_hint().unwrap_or(0).min(1 << 22));
            while let Some(x) = a.next_element()? {
                out.push(x);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(V(std::marker::PhantomData))
}

fn cache_path(root: &Path, ty: RecordType) -> PathBuf {
    root.join(DIR).join(format!("{}.bin", ty.plural()))
}

/// A cache file's bytes, mapped rather than copied: the file is tens of megabytes at
/// a few hundred thousand records, already in the page cache, and read once.
///
/// Safety: crm never writes a cache file in place, it replaces it whole (rename), so
/// the mapped file's bytes do not change while they are read.
fn map_file(path: &Path) -> Option<memmap2::Mmap> {
    let file = std::fs::File::open(path).ok()?;
    unsafe { memmap2::Mmap::map(&file) }.ok()
}

/// The entries of a cache file's bytes; none when it is missing, corrupt or of another version.
fn entries(bytes: &[u8]) -> Vec<Entry<'_>> {
    match postcard::from_bytes::<File>(bytes) {
        Ok(f) if f.version == VERSION && f.crm == env!("CARGO_PKG_VERSION") => f.entries,
        _ => Vec::new(),
    }
}

fn encode(fields: &Mapping) -> Vec<u8> {
    postcard::to_stdvec(&EncFields(fields)).unwrap_or_default()
}

fn decode(bytes: &[u8], fields: Option<&[&str]>) -> Option<Mapping> {
    match fields {
        None => match postcard::from_bytes::<Dec>(bytes).ok()?.0 {
            Value::Mapping(m) => Some(m),
            _ => None,
        },
        Some(f) => {
            let mut d = postcard::Deserializer::from_bytes(bytes);
            serde::de::DeserializeSeed::deserialize(Only(f), &mut d).ok()
        }
    }
}

/// Reads a value without building it (the fields a projection leaves out).
struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Skip, D::Error> {
        use serde::de::{EnumAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Skip;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a cached value")
            }
            fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Skip, A::Error> {
                let (i, v): (u32, _) = data.variant()?;
                skip_payload(i, v)?;
                Ok(Skip)
            }
        }
        d.deserialize_enum("Val", VARIANTS, V)
    }
}

/// Reads the payload of a cached value of variant `i` without building it.
fn skip_payload<'de, A: serde::de::VariantAccess<'de>>(i: u32, v: A) -> Result<(), A::Error> {
    use serde::de::{SeqAccess, Visitor};
    struct Each;
    impl<'de> Visitor<'de> for Each {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
            while a.next_element::<Skip>()?.is_some() {}
            Ok(())
        }
    }
    struct Pairs;
    impl<'de> Visitor<'de> for Pairs {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of pairs")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
            while a.next_element::<(Skip, Skip)>()?.is_some() {}
            Ok(())
        }
    }
    struct SeqOf<V>(V);
    impl<'de, V: Visitor<'de, Value = ()>> serde::de::DeserializeSeed<'de> for SeqOf<V> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self.0)
        }
    }
    match i {
        0 => v.unit_variant(),
        1 => v.newtype_variant::<bool>().map(drop),
        2 => v.newtype_variant::<i64>().map(drop),
        3 => v.newtype_variant::<u64>().map(drop),
        4 => v.newtype_variant::<f64>().map(drop),
        5 => v.newtype_variant::<&str>().map(drop),
        6 => v.newtype_variant_seed(SeqOf(Each)),
        7 => v.newtype_variant_seed(SeqOf(Pairs)),
        _ => Err(serde::de::Error::custom("unknown cached value")),
    }
}

/// A string, borrowed from the cache's bytes; anything else is read past (`None`).
/// Projections compare field names, and rows take string values, without building a
/// value for each.
struct Text<'de>(Option<&'de str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Text<'de>, D::Error> {
        use serde::de::{EnumAccess, VariantAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a cached value")
            }
            fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Text<'de>, A::Error> {
                let (i, v): (u32, _) = data.variant()?;
                if i == 5 {
                    return Ok(Text(Some(v.newtype_variant::<&'de str>()?)));
                }
                skip_payload(i, v)?;
                Ok(Text(None))
            }
        }
        d.deserialize_enum("Val", VARIANTS, V)
    }
}

/// Decodes a record keeping only some of its top-level fields.
struct Only<'f>(&'f [&'f str]);

impl<'de> serde::de::DeserializeSeed<'de> for Only<'_> {
    type Value = Mapping;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Mapping, D::Error> {
        use serde::de::{SeqAccess, Visitor};
        struct Pair<'f>(&'f [&'f str]);
        impl<'de> serde::de::DeserializeSeed<'de> for Pair<'_> {
            type Value = Option<(Value, Value)>;
            fn deserialize<D: serde::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Self::Value, D::Error> {
                struct T<'f>(&'f [&'f str]);
                impl<'de> Visitor<'de> for T<'_> {
                    type Value = Option<(Value, Value)>;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("a field")
                    }
                    fn visit_seq<A: SeqAccess<'de>>(
                        self,
                        mut a: A,
                    ) -> Result<Self::Value, A::Error> {
                        let Some(Text(k)) = a.next_element()? else {
                            return Ok(None);
                        };
                        if let Some(k) = k.filter(|k| self.0.contains(k)) {
                            let k = Value::String(k.to_string());
                            Ok(a.next_element::<Dec>()?.map(|Dec(v)| (k, v)))
                        } else {
                            a.next_element::<Skip>()?;
                            Ok(None)
                        }
                    }
                }
                d.deserialize_tuple(2, T(self.0))
            }
        }
        struct Fields<'f>(&'f [&'f str]);
        impl<'de> Visitor<'de> for Fields<'_> {
            type Value = Mapping;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("fields")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Mapping, A::Error> {
                // Room for no more than the fields kept: a map grown entry by entry
                // ends up with room for twice as many.
                let room = a.size_hint().unwrap_or(0).min(self.0.len());
                let mut out = Mapping::with_capacity(room);
                while let Some(pair) = a.next_element_seed(Pair(self.0))? {
                    if let Some((k, v)) = pair {
                        out.insert(k, v);
                    }
                }
                Ok(out)
            }
        }
        RecordOf(Fields(self.0)).deserialize(d)
    }
}

/// Reads a record's encoding (a map: variant 7) and hands its list of pairs to `V`.
struct RecordOf<V>(V);

impl<'de, V: serde::de::Visitor<'de>> serde::de::DeserializeSeed<'de> for RecordOf<V> {
    type Value = V::Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        use serde::de::{EnumAccess, VariantAccess, Visitor};
        struct Pairs<V>(V);
        impl<'de, V: Visitor<'de>> serde::de::DeserializeSeed<'de> for Pairs<V> {
            type Value = V::Value;
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
                d.deserialize_seq(self.0)
            }
        }
        struct Map<V>(V);
        impl<'de, V: Visitor<'de>> Visitor<'de> for Map<V> {
            type Value = V::Value;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a record")
            }
            fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
                let (i, v): (u32, _) = data.variant()?;
                if i != 7 {
                    return Err(serde::de::Error::custom("a record is a map"));
                }
                v.newtype_variant_seed(Pairs(self.0))
            }
        }
        d.deserialize_enum("Val", VARIANTS, Map(self.0))
    }
}

/// Decodes a record into a [`Row`] of the fields named.
struct ColumnsSeed<'f>(&'f [&'f str]);

impl<'de> serde::de::DeserializeSeed<'de> for ColumnsSeed<'_> {
    type Value = Row;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Row, D::Error> {
        use serde::de::{SeqAccess, Visitor};
        struct Fields<'f>(&'f [&'f str]);
        impl<'de> Visitor<'de> for Fields<'_> {
            type Value = Row;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("fields")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Row, A::Error> {
                let mut row: Vec<Option<&str>> = vec![None; self.0.len()];
                while let Some((Text(k), Text(v))) = a.next_element::<(Text, Text)>()? {
                    if let (Some(k), Some(v)) = (k, v) {
                        if let Some(i) = self.0.iter().position(|f| *f == k) {
                            row[i] = Some(v);
                        }
                    }
                }
                Ok(Row::new(&row))
            }
        }
        RecordOf(Fields(self.0)).deserialize(d)
    }
}

/// What a load makes of each record: whole records, records with some of their fields,
/// or rows of string columns.
trait Shape: Sync {
    type Out: Send;
    /// From a record read afresh (the cache keeps it whole whatever the shape).
    fn of_record(&self, rel: PathBuf, record: Record) -> Self::Out;
    /// From the cache's encoding of a record; `None` when it does not decode.
    fn of_bytes(&self, ty: RecordType, rel: &Path, bytes: &[u8]) -> Option<Self::Out>;
}

/// Records with all their fields, or (`Some`) only the top-level fields named.
struct Records<'f>(Option<&'f [&'f str]>);

impl Shape for Records<'_> {
    type Out = Loaded;
    fn of_record(&self, rel: PathBuf, mut record: Record) -> Loaded {
        if let Some(f) = self.0 {
            // A new map of the fields kept: the record's own would keep room for all.
            record.fields = std::mem::take(&mut record.fields)
                .into_iter()
                .filter(|(k, _)| k.as_str().is_some_and(|k| f.contains(&k)))
                .collect();
        }
        Loaded { record, path: rel }
    }
    fn of_bytes(&self, ty: RecordType, rel: &Path, bytes: &[u8]) -> Option<Loaded> {
        Some(Loaded {
            record: Record {
                ty,
                id: super::load::id_of(rel),
                fields: decode(bytes, self.0)?,
            },
            path: rel.to_path_buf(),
        })
    }
}

/// Rows of the top-level fields named, each a string or nothing.
struct Columns<'f>(&'f [&'f str]);

impl Shape for Columns<'_> {
    type Out = Row;
    fn of_record(&self, _: PathBuf, record: Record) -> Row {
        Row::of(&record, self.0)
    }
    fn of_bytes(&self, _: RecordType, _: &Path, bytes: &[u8]) -> Option<Row> {
        let mut d = postcard::Deserializer::from_bytes(bytes);
        serde::de::DeserializeSeed::deserialize(ColumnsSeed(self.0), &mut d).ok()
    }
}

/// What a load made of a file that was not taken from the cache.
struct Fresh {
    path: String,
    stat: Stat,
    /// The encoded record, or the issue's message.
    content: Result<Vec<u8>, (Option<usize>, Option<usize>, String)>,
}

/// One file's outcome: the record or issue, and where it came from: the cache entry at
/// this position, or a fresh read (boxed: most loads read next to nothing afresh).
struct Outcome<T> {
    loaded: Result<T, Box<LoadIssue>>,
    source: Result<usize, Box<Fresh>>,
}

fn from_entry<S: Shape>(
    shape: &S,
    ty: RecordType,
    rel: &Path,
    (at, e): (usize, &Entry),
) -> Option<Outcome<S::Out>> {
    let loaded = match e.content {
        Content::Record(bytes) => Ok(shape.of_bytes(ty, rel, bytes)?),
        Content::Issue(line, column, message) => Err(Box::new(LoadIssue {
            path: rel.to_path_buf(),
            line,
            column,
            message: message.to_string(),
        })),
    };
    Some(Outcome {
        loaded,
        source: Ok(at),
    })
}

fn outcome<S: Shape>(
    shape: &S,
    root: &Path,
    ty: RecordType,
    rel: PathBuf,
    old: Option<(usize, &Entry)>,
    stat: Option<Stat>,
) -> Option<Outcome<S::Out>> {
    let stat = match stat {
        Some(s) => s,
        None => Stat::of(&std::fs::symlink_metadata(root.join(&rel)).ok()?),
    };
    if let Some(hit) = old.filter(|(_, e)| e.stat == stat && !e.racy) {
        if let Some(o) = from_entry(shape, ty, &rel, hit) {
            return Some(o);
        }
    }
    let path = rel.to_string_lossy().into_owned();
    let (loaded, content) =
        match super::load::read_record(root, &rel).and_then(|b| parse_record(ty, &rel, &b)) {
            Ok(record) => {
                let bytes = encode(&record.fields);
                (Ok(shape.of_record(rel, record)), Ok(bytes))
            }
            Err(i) => {
                let content = Err((i.line, i.column, i.message.clone()));
                (Err(Box::new(i)), content)
            }
        };
    Some(Outcome {
        loaded,
        source: Err(Box::new(Fresh {
            path,
            stat,
            content,
        })),
    })
}

/// What a load through the cache gives: one item per record file that reads, the
/// issues of the others, and whether the cache was rewritten.
struct Shaped<T> {
    items: Vec<T>,
    issues: Vec<LoadIssue>,
    changed: bool,
}

fn load_shaped<S: Shape>(root: &Path, ty: RecordType, shape: &S) -> Shaped<S::Out> {
    let map = map_file(&cache_path(root, ty));
    let old = entries(map.as_deref().unwrap_or_default());
    let files = super::load::record_files_with(root, ty, true);
    // The cache lists files in the order a listing gives them: look each up at its own
    // position first, and hash the paths only when the folder changed.
    let by_path: std::sync::OnceLock<HashMap<&str, usize>> = std::sync::OnceLock::new();
    let lookup = |i: usize, rel: &Path| -> Option<(usize, &Entry)> {
        let key = rel.to_str()?;
        let at = match old.get(i) {
            Some(e) if e.path == key => i,
            _ => *by_path
                .get_or_init(|| old.iter().enumerate().map(|(i, e)| (e.path, i)).collect())
                .get(key)?,
        };
        Some((at, &old[at]))
    };
    // Collected in place (an indexed iterator): a file gone since the listing is a `None`.
    let outcomes: Vec<Option<Outcome<S::Out>>> = files
        .into_par_iter()
        .enumerate()
        .map(|(i, (rel, stat))| {
            let hit = lookup(i, &rel);
            outcome(shape, root, ty, rel, hit, stat)
        })
        .collect();
    let count = outcomes.iter().flatten().count();
    let changed = count != old.len()
        || outcomes
            .iter()
            .flatten()
            .any(|o| o.source.as_ref().map_or(true, |&at| old[at].racy));
    let mut out = Shaped {
        items: Vec::with_capacity(count),
        issues: Vec::new(),
        changed,
    };
    let mut sources = Vec::with_capacity(if changed { count } else { 0 });
    for o in outcomes.into_iter().flatten() {
        match o.loaded {
            Ok(l) => out.items.push(l),
            Err(i) => out.issues.push(*i),
        }
        if changed {
            sources.push(o.source);
        }
    }
    if changed {
        let new: Vec<Entry> = sources
            .iter()
            .map(|s| match s {
                Ok(at) => old[*at],
                Err(f) => Entry {
                    path: &f.path,
                    stat: f.stat,
                    racy: false,
                    content: match &f.content {
                        Ok(b) => Content::Record(b),
                        Err((line, col, msg)) => Content::Issue(*line, *col, msg),
                    },
                },
            })
            .collect();
        write_cache(root, ty, new);
    }
    out
}

/// Loads a type through the cache (see the module's documentation); with `only`, the
/// records hold just those top-level fields (for reports that read a few).
pub fn load_type(root: &Path, ty: RecordType, only: Option<&[&str]>) -> TypeData {
    let loads = load_shaped(root, ty, &Records(only));
    let mut data = TypeData {
        entries: loads.items,
        issues: loads.issues,
        ..TypeData::default()
    };
    data.index();
    if ty == RecordType::Customer
        && only.is_none()
        && (loads.changed || !email_index_path(root).exists())
    {
        let pairs = data
            .entries
            .iter()
            .filter_map(|l| {
                l.record
                    .str("email")
                    .map(|e| (e.to_ascii_lowercase(), l.record.id.clone()))
            })
            .collect();
        write_emails(root, pairs);
    }
    data
}

/// Rows of a type's records holding the top-level string fields named, in that order
/// (for reports over the most numerous records: no map, no key per record), and the
/// issues of the files that do not read.
pub fn load_rows(root: &Path, ty: RecordType, fields: &[&str]) -> (Vec<Row>, Vec<LoadIssue>) {
    let loads = load_shaped(root, ty, &Columns(fields));
    (loads.items, loads.issues)
}

/// The e-mail index: `email<TAB>id` lines, e-mails lower-cased, sorted. Written with the
/// customers' cache and kept current by crm's own writes, so adding a customer need not
/// read every customer to keep e-mails unique.
fn email_index_path(root: &Path) -> PathBuf {
    root.join(DIR).join("emails")
}

fn write_emails(root: &Path, mut pairs: Vec<(String, String)>) {
    pairs.sort();
    let text: String = pairs.iter().map(|(e, i)| format!("{e}\t{i}\n")).collect();
    write_quietly(&email_index_path(root), text.as_bytes());
}

/// Writes a cache file whole (rename), without syncing: after a crash a cache that
/// does not read back is rebuilt, so durability would only cost time.
fn write_quietly(path: &Path, bytes: &[u8]) {
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let Ok(mut tmp) = tempfile::Builder::new()
        .prefix(".crm-new-")
        .tempfile_in(dir)
    else {
        return;
    };
    if std::io::Write::write_all(&mut tmp, bytes).is_ok() {
        let _ = tmp.persist(path);
    }
}

/// The `id` of the index line for `email` (lower-cased), other than `except`. The index
/// is scanned as text: no line is parsed into memory.
fn find_email<'t>(text: &'t str, email: &str, except: &str) -> Option<&'t str> {
    let needle = format!("{email}\t");
    let mut at = 0;
    while let Some(i) = text[at..].find(&needle) {
        let start = at + i;
        at = start + needle.len();
        if start > 0 && text.as_bytes()[start - 1] != b'\n' {
            continue;
        }
        let id = text[at..].split('\n').next().unwrap_or_default();
        if id != except {
            return Some(id);
        }
    }
    None
}

/// `Some(owner)` when the index answers (`None` inside: nobody else has it); `None`
/// when there is no index.
pub fn email_owner(root: &Path, email: &str, except: &str) -> Option<Option<String>> {
    let text = std::fs::read_to_string(email_index_path(root)).ok()?;
    Some(find_email(&text, &email.to_ascii_lowercase(), except).map(String::from))
}

/// Records a customer's e-mail (or its absence) in the index, if there is one.
pub fn update_email(root: &Path, id: &str, email: Option<&str>) {
    let Ok(text) = std::fs::read_to_string(email_index_path(root)) else {
        return;
    };
    let suffix = format!("\t{id}");
    let mut out: String = text
        .split_inclusive('\n')
        .filter(|l| !l.trim_end_matches('\n').ends_with(&suffix))
        .collect();
    if let Some(e) = email {
        out.push_str(&format!("{}\t{id}\n", e.to_ascii_lowercase()));
    }
    write_quietly(&email_index_path(root), out.as_bytes());
}

fn write_cache(root: &Path, ty: RecordType, mut entries: Vec<Entry>) {
    // A file changed in the last two seconds may change again within its timestamp's
    // granularity without looking changed: read it again next time.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    for e in &mut entries {
        e.racy = e.stat.mtime.0 >= now - 2 || e.stat.ctime.0 >= now - 2;
    }
    let file = File {
        version: VERSION,
        crm: env!("CARGO_PKG_VERSION"),
        entries,
    };
    let Ok(bytes) = postcard::to_stdvec(&file) else {
        return;
    };
    let path = cache_path(root, ty);
    // Another crm may write the same cache at the same time: each write is whole
    // (atomic rename), so the last one wins and neither is torn.
    write_quietly(&path, &bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &[u8] = b"customer: c-1\nat: 2026-11-02T09:00:00+07:00\ndirection: inbound\n\
        deal: 42\nnotes:\n  summary: called\ntags: [a, b]\n1: one\ncampaign: ''\n";
    const FIELDS: &[&str] = &[
        "customer",
        "at",
        "direction",
        "deal",
        "notes",
        "campaign",
        "by",
    ];

    fn record() -> Record {
        parse_record(
            RecordType::Interaction,
            Path::new("interactions/i-1.yaml"),
            TEXT,
        )
        .unwrap()
    }

    #[test]
    fn rows_read_from_the_cache_equal_rows_of_the_record() {
        let r = record();
        let bytes = encode(&r.fields);
        let row = Columns(FIELDS)
            .of_bytes(r.ty, Path::new("interactions/i-1.yaml"), &bytes)
            .unwrap();
        assert_eq!(row, Row::of(&r, FIELDS));
        assert_eq!(row.get(0), Some("c-1"));
        assert_eq!(row.get(2), Some("inbound"));
        assert_eq!(row.get(5), Some(""));
        assert_eq!((row.get(3), row.get(4), row.get(6)), (None, None, None));
    }

    #[test]
    fn a_projection_keeps_the_fields_named_whole() {
        let r = record();
        let bytes = encode(&r.fields);
        let rel = Path::new("interactions/i-1.yaml");
        let some = Records(Some(&["notes", "deal", "by"]))
            .of_bytes(r.ty, rel, &bytes)
            .unwrap();
        assert_eq!(some.record.id, "i-1");
        let keys: Vec<&str> = some
            .record
            .fields
            .keys()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(keys, ["deal", "notes"]);
        assert_eq!(
            some.record.get("notes.summary").and_then(Value::as_str),
            Some("called")
        );
        let all = Records(None).of_bytes(r.ty, rel, &bytes).unwrap();
        assert_eq!(all.record, r);
    }

    #[test]
    fn a_corrupt_encoding_is_not_a_row() {
        let bytes = encode(&record().fields);
        let cut = &bytes[..bytes.len() / 2];
        assert!(Columns(FIELDS)
            .of_bytes(RecordType::Interaction, Path::new(""), cut)
            .is_none());
    }
}
