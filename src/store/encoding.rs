//! The cache's binary form of a record's fields, written by [`encode`] and read in place
//! by [`Val`]: strings are borrowed from the cache file's bytes, lists and maps are
//! walked only when asked for, so a report reads the fields it uses without building
//! a single YAML value.
//!
//! A value is one tag byte, then its payload: 0 null; 1 bool (one byte); 2 signed
//! (zigzag varint); 3 unsigned (varint); 4 float (8 bytes, little-endian); 5 string
//! (byte length as a varint, then UTF-8); 6 list (item count as a varint, the items'
//! byte length as 4 bytes little-endian, then the items); 7 map (pair count, byte
//! length, then each key and its value); 8 tagged (the tag as a string, then the
//! value). A varint is LEB128: seven bits a byte, low bits first. Every value's length
//! is known from its first bytes, so a reader passes over a field it does not want in
//! one step. Tags are kept (`crm check` points at them), and looked through as YAML
//! values are: a tagged string reads as the string.

// Lengths and offsets here are written to and read from files: a silent narrowing
// would corrupt the cache, so each conversion says how it cannot lose bits.
#![warn(clippy::cast_possible_truncation)]

use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Value};

use crate::model::value::Scalar;

const NULL: u8 = 0;
const BOOL: u8 = 1;
const INT: u8 = 2;
const UINT: u8 = 3;
const FLOAT: u8 = 4;
const STR: u8 = 5;
const SEQ: u8 = 6;
const MAP: u8 = 7;
const TAGGED: u8 = 8;

/// Deeper than this is not a record crm wrote (the YAML parser stops at 128 levels).
const MAX_DEPTH: u32 = 160;

/// The encoding of a record's fields (a map).
pub fn encode(fields: &Mapping) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 * fields.len() + 8);
    put_map(fields, &mut out);
    out
}

fn put_varint(mut n: u64, out: &mut Vec<u8>) {
    let [low, ..] = n.to_le_bytes();
    let mut low = low;
    while n >= 0x80 {
        out.push(low | 0x80);
        n >>= 7;
        [low, ..] = n.to_le_bytes();
    }
    out.push(low);
}

/// Writes a list's or map's header, its items (by `items`), and then its byte length
/// into the header.
fn put_container(tag: u8, count: usize, out: &mut Vec<u8>, items: impl FnOnce(&mut Vec<u8>)) {
    out.push(tag);
    put_varint(count as u64, out);
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    items(out);
    // A record is at most a megabyte (a file larger is not read), so this fits.
    let len = u32::try_from(out.len() - at - 4).expect("a record is at most a megabyte");
    out[at..at + 4].copy_from_slice(&len.to_le_bytes());
}

fn put_map(m: &Mapping, out: &mut Vec<u8>) {
    put_container(MAP, m.len(), out, |out| {
        for (k, v) in m {
            put(k, out);
            put(v, out);
        }
    });
}

fn put(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.push(NULL),
        Value::Bool(b) => out.extend_from_slice(&[BOOL, u8::from(*b)]),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => {
                out.push(INT);
                put_varint(((i << 1) ^ (i >> 63)) as u64, out);
            }
            (None, Some(u)) => {
                out.push(UINT);
                put_varint(u, out);
            }
            _ => {
                out.push(FLOAT);
                out.extend_from_slice(&n.as_f64().unwrap_or_default().to_le_bytes());
            }
        },
        Value::String(s) => {
            out.push(STR);
            put_str(s, out);
        }
        Value::Sequence(items) => put_container(SEQ, items.len(), out, |out| {
            for i in items {
                put(i, out);
            }
        }),
        Value::Mapping(m) => put_map(m, out),
        Value::Tagged(t) => {
            out.push(TAGGED);
            put_str(&t.tag.to_string(), out);
            put(&t.value, out);
        }
    }
}

fn put_str(s: &str, out: &mut Vec<u8>) {
    put_varint(s.len() as u64, out);
    out.extend_from_slice(s.as_bytes());
}

/// An encoded value, read in place.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val<'a> {
    Scalar(Scalar<'a>),
    Seq(Items<'a>),
    Map(Pairs<'a>),
    /// A tag and the value it tags.
    Tagged(&'a str, Raw<'a>),
}

/// The items of an encoded list, read one by one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Items<'a> {
    count: usize,
    /// From the first item to the end of the list.
    bytes: &'a [u8],
    depth: u32,
}

/// The pairs of an encoded map, read one by one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pairs<'a>(Items<'a>);

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut out = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            out |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(out);
            }
        }
        None
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let out = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(out)
    }

    /// A list's or map's count of items and their bytes (after its tag).
    fn container(&mut self) -> Option<(usize, &'a [u8])> {
        let count = usize::try_from(self.varint()?).ok()?;
        let len = u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize;
        let items = self.take(len)?;
        // Each item is at least a byte long.
        (count <= items.len()).then_some((count, items))
    }

    /// Walks past the value here; with `check`, also checks that its strings are UTF-8.
    fn skip(&mut self, depth: u32, check: bool) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.byte()? {
            NULL => {}
            BOOL => {
                self.byte()?;
            }
            INT | UINT => {
                self.varint()?;
            }
            FLOAT => {
                self.take(8)?;
            }
            STR => {
                let n = usize::try_from(self.varint()?).ok()?;
                let text = self.take(n)?;
                if check {
                    std::str::from_utf8(text).ok()?;
                }
            }
            TAGGED => {
                let n = usize::try_from(self.varint()?).ok()?;
                let tag = self.take(n)?;
                // YAML has no empty tag (the writer never makes one).
                if check && (tag.is_empty() || std::str::from_utf8(tag).is_err()) {
                    return None;
                }
                self.skip(depth + 1, check)?;
            }
            tag @ (SEQ | MAP) => {
                let (count, items) = self.container()?;
                if check {
                    // Every item whole, and nothing after the last.
                    let mut inner = Reader {
                        bytes: items,
                        at: 0,
                    };
                    let per = if tag == MAP { 2 } else { 1 };
                    for _ in 0..count * per {
                        inner.skip(depth + 1, true)?;
                    }
                    if inner.at != items.len() {
                        return None;
                    }
                }
            }
            _ => return None,
        }
        Some(())
    }

    /// The value here, leaving the reader after it. A list's or map's items are
    /// checked as they are read.
    fn value(&mut self, depth: u32) -> Option<Val<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        Some(match self.byte()? {
            NULL => Val::Scalar(Scalar::Null),
            BOOL => Val::Scalar(Scalar::Bool(self.byte()? != 0)),
            INT => {
                let z = self.varint()?;
                Val::Scalar(Scalar::Int(((z >> 1) as i64) ^ -((z & 1) as i64)))
            }
            UINT => Val::Scalar(Scalar::UInt(self.varint()?)),
            FLOAT => Val::Scalar(Scalar::Float(f64::from_le_bytes(
                self.take(8)?.try_into().ok()?,
            ))),
            STR => {
                let n = usize::try_from(self.varint()?).ok()?;
                Val::Scalar(Scalar::Str(std::str::from_utf8(self.take(n)?).ok()?))
            }
            TAGGED => {
                let n = usize::try_from(self.varint()?).ok()?;
                let tag = std::str::from_utf8(self.take(n)?)
                    .ok()
                    .filter(|t| !t.is_empty())?;
                let start = self.at;
                self.skip(depth + 1, false)?;
                Val::Tagged(
                    tag,
                    Raw {
                        bytes: &self.bytes[start..self.at],
                        depth: depth + 1,
                    },
                )
            }
            tag @ (SEQ | MAP) => {
                let (count, bytes) = self.container()?;
                let items = Items {
                    count,
                    bytes,
                    depth: depth + 1,
                };
                if tag == MAP {
                    Val::Map(Pairs(items))
                } else {
                    Val::Seq(items)
                }
            }
            _ => return None,
        })
    }
}

/// An encoded value not yet read: its bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Raw<'a> {
    bytes: &'a [u8],
    depth: u32,
}

impl<'a> Raw<'a> {
    /// The value (`None` if it is not whole).
    pub fn val(self) -> Option<Val<'a>> {
        Reader {
            bytes: self.bytes,
            at: 0,
        }
        .value(self.depth)
    }

    pub fn str(self) -> Option<&'a str> {
        self.val()?.as_str()
    }

    /// A string's bytes, not checked to be UTF-8 (for text read as digits, such as
    /// dates).
    pub fn text(self) -> Option<&'a [u8]> {
        let mut r = Reader {
            bytes: self.bytes,
            at: 0,
        };
        match r.byte()? {
            STR => {
                let n = usize::try_from(r.varint()?).ok()?;
                r.take(n)
            }
            TAGGED => self.str().map(str::as_bytes),
            _ => None,
        }
    }

    pub fn decimal(self) -> Option<rust_decimal::Decimal> {
        self.val()?.decimal()
    }
}

/// The pairs of a map with a string key, as the key's bytes and the value not yet
/// read: a reader after a few fields compares keys and reads only the values it keeps.
pub struct RawPairs<'a>(Items<'a>);

impl<'a> Iterator for RawPairs<'a> {
    type Item = (&'a [u8], Raw<'a>);

    fn next(&mut self) -> Option<(&'a [u8], Raw<'a>)> {
        loop {
            let pair = self.0.step(|r, depth| {
                let key = if r.bytes.first() == Some(&STR) {
                    r.at = 1;
                    let n = usize::try_from(r.varint()?).ok()?;
                    Some(r.take(n)?)
                } else {
                    r.skip(depth, false)?;
                    None
                };
                let start = r.at;
                r.skip(depth, false)?;
                let value = Raw {
                    bytes: &r.bytes[start..r.at],
                    depth,
                };
                Some((key, value))
            })?;
            if let (Some(key), value) = pair {
                return Some((key, value));
            }
        }
    }
}

impl<'a> Val<'a> {
    /// The value that `bytes` hold, if it is whole (every string in it UTF-8) and
    /// nothing follows it.
    pub fn read(bytes: &'a [u8]) -> Option<Val<'a>> {
        let mut check = Reader { bytes, at: 0 };
        check.skip(0, true)?;
        if check.at != bytes.len() {
            return None;
        }
        Reader { bytes, at: 0 }.value(0)
    }

    /// The value a tag tags (itself when untagged), as YAML values are looked through.
    pub fn untag(self) -> Val<'a> {
        let mut v = self;
        while let Val::Tagged(_, inner) = v {
            match inner.val() {
                Some(i) => v = i,
                None => return Val::Scalar(Scalar::Null),
            }
        }
        v
    }

    pub fn as_str(&self) -> Option<&'a str> {
        match self.untag() {
            Val::Scalar(Scalar::Str(s)) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<Pairs<'a>> {
        match self.untag() {
            Val::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<Items<'a>> {
        match self.untag() {
            Val::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a scalar (`None` for a list, a map or a tagged value, as
    /// [`Scalar::of`]).
    pub fn scalar(&self) -> Option<Scalar<'a>> {
        match *self {
            Val::Scalar(s) => Some(s),
            Val::Seq(_) | Val::Map(_) | Val::Tagged(..) => None,
        }
    }

    /// The value as a number (see [`Scalar::decimal`]).
    pub fn decimal(&self) -> Option<rust_decimal::Decimal> {
        self.scalar()?.decimal()
    }

    /// The value built as YAML.
    pub fn to_value(&self) -> Value {
        match *self {
            Val::Scalar(s) => s.to_value(),
            Val::Seq(items) => Value::Sequence(items.map(|v| v.to_value()).collect()),
            Val::Map(pairs) => Value::Mapping(pairs.to_mapping()),
            Val::Tagged(tag, inner) => Value::Tagged(Box::new(TaggedValue {
                tag: Tag::new(tag),
                value: inner.val().map_or(Value::Null, |v| v.to_value()),
            })),
        }
    }
}

impl<'a> Items<'a> {
    /// Reads the next item with `read`, and steps past it.
    fn step<T>(&mut self, read: impl FnOnce(&mut Reader<'a>, u32) -> Option<T>) -> Option<T> {
        if self.count == 0 {
            return None;
        }
        let mut r = Reader {
            bytes: self.bytes,
            at: 0,
        };
        let out = read(&mut r, self.depth)?;
        self.bytes = &self.bytes[r.at..];
        self.count -= 1;
        Some(out)
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = Val<'a>;

    fn next(&mut self) -> Option<Val<'a>> {
        self.step(|r, depth| r.value(depth))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.count, Some(self.count))
    }
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (Val<'a>, Val<'a>);

    fn next(&mut self) -> Option<(Val<'a>, Val<'a>)> {
        self.0
            .step(|r, depth| Some((r.value(depth)?, r.value(depth)?)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.0.count, Some(self.0.count))
    }
}

impl<'a> Pairs<'a> {
    /// The pairs of the map at the start of `bytes`, read lazily: each pair is checked
    /// as it is read, and reading stops at one that is not whole (none for bytes that
    /// do not start a map). For records read in place, where walking every record
    /// once more just to check it would cost as much as reading it.
    pub fn open(bytes: &'a [u8]) -> Pairs<'a> {
        let mut r = Reader { bytes, at: 0 };
        let (count, bytes) = match r.byte() {
            Some(MAP) => r.container().unwrap_or((0, &[])),
            _ => (0, &[][..]),
        };
        Pairs(Items {
            count,
            bytes,
            depth: 1,
        })
    }

    /// The fields of an encoded record; `None` when the bytes are not a whole map.
    pub fn of_record(bytes: &'a [u8]) -> Option<Pairs<'a>> {
        Val::read(bytes)?.as_map()
    }

    /// The pairs with a string key, their values not yet read.
    pub fn raw(self) -> RawPairs<'a> {
        RawPairs(self.0)
    }

    /// The value of a string key.
    pub fn get(self, name: &str) -> Option<Val<'a>> {
        self.raw()
            .find(|(k, _)| *k == name.as_bytes())
            .and_then(|(_, v)| v.val())
    }

    /// The value at a dotted path (`preferences.channel`).
    pub fn path(self, path: &str) -> Option<Val<'a>> {
        let mut parts = path.split('.');
        let mut cur = self.get(parts.next()?)?;
        for part in parts {
            cur = cur.as_map()?.get(part)?;
        }
        Some(cur)
    }

    /// The text of a string field at a dotted path.
    pub fn str(self, path: &str) -> Option<&'a str> {
        self.path(path)?.as_str()
    }

    pub fn to_mapping(self) -> Mapping {
        let mut out = Mapping::with_capacity(self.0.count);
        for (k, v) in self {
            out.insert(k.to_value(), v.to_value());
        }
        out
    }

    /// The map with only the top-level string keys named.
    pub fn only(self, names: &[&str]) -> Mapping {
        let mut out = Mapping::with_capacity(names.len().min(self.0.count));
        for (k, v) in self {
            if k.as_str().is_some_and(|k| names.contains(&k)) {
                out.insert(k.to_value(), v.to_value());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Mapping {
        serde_yaml::from_str(text).unwrap()
    }

    const TEXT: &str = "customer: c-1\nat: 2026-11-02T09:00:00+07:00\nvalue: -42\n\
        big: 18446744073709551615\nrate: 0.25\nok: true\nnone: null\nnotes:\n  summary: día\n\
        tags: [a, b]\n1: one\nempty: ''\nhistory:\n- {stage: new, at: 2026-11-01}\n\
        shell: !shell 'rm -rf ~'\nwhen: !date 2026-11-03\n";

    #[test]
    fn every_kind_of_value_reads_back_as_written() {
        let m = yaml(TEXT);
        let bytes = encode(&m);
        assert_eq!(Pairs::of_record(&bytes).unwrap().to_mapping(), m);
        // Bytes of a small map: tag, count, then tagged key and value.
        let small = encode(&yaml("a: 1\nb: [true, -1]\n"));
        assert_eq!(
            small,
            [
                MAP, 2, 18, 0, 0, 0, STR, 1, b'a', INT, 2, STR, 1, b'b', SEQ, 2, 4, 0, 0, 0, BOOL,
                1, INT, 1
            ]
        );
    }

    #[test]
    fn fields_are_found_without_building_values() {
        let bytes = encode(&yaml(TEXT));
        let f = Pairs::of_record(&bytes).unwrap();
        assert_eq!(f.str("customer"), Some("c-1"));
        assert_eq!(f.str("notes.summary"), Some("día"));
        assert_eq!(f.get("value"), Some(Val::Scalar(Scalar::Int(-42))));
        assert_eq!(f.get("big"), Some(Val::Scalar(Scalar::UInt(u64::MAX))));
        assert_eq!(f.get("rate").and_then(|v| v.decimal()), "0.25".parse().ok());
        assert_eq!(f.get("ok"), Some(Val::Scalar(Scalar::Bool(true))));
        assert_eq!(f.str("empty"), Some(""));
        // A tag is kept, and looked through (as by YAML values): a tagged string reads as
        // the string, but is not a number.
        let shell = f.get("shell").unwrap();
        assert!(matches!(shell, Val::Tagged("!shell", _)));
        assert_eq!(shell.as_str(), Some("rm -rf ~"));
        assert_eq!((shell.scalar(), shell.decimal()), (None, None));
        let when = f.raw().find(|(k, _)| *k == b"when").unwrap().1;
        assert_eq!(when.text(), Some(b"2026-11-03".as_slice()));
        assert_eq!(f.get("missing"), None);
        // A number key is not the string "1".
        assert_eq!(f.get("1"), None);
        let tags: Vec<_> = f.get("tags").unwrap().as_seq().unwrap().collect();
        assert_eq!(
            tags,
            [Val::Scalar(Scalar::Str("a")), Val::Scalar(Scalar::Str("b"))]
        );
        let h = f.get("history").unwrap().as_seq().unwrap().next().unwrap();
        assert_eq!(h.as_map().unwrap().str("stage"), Some("new"));
        let only = f.only(&["notes", "value", "nope"]);
        assert_eq!(only, yaml("value: -42\nnotes:\n  summary: día\n"));
    }

    #[test]
    fn raw_pairs_skip_what_is_not_read() {
        let bytes = encode(&yaml("1: one\na: x\nb: [1, {c: d}]\nc: 3\n"));
        let f = Pairs::of_record(&bytes).unwrap();
        let keys: Vec<&[u8]> = f.raw().map(|(k, _)| k).collect();
        // The number key is passed over.
        assert_eq!(keys, [b"a".as_slice(), b"b", b"c"]);
        let (_, b) = f.raw().nth(1).unwrap();
        assert_eq!(b.val().unwrap().as_seq().unwrap().count(), 2);
        assert_eq!(f.raw().nth(2).unwrap().1.decimal(), Some(3.into()));
        // A value whose text is not UTF-8 is skipped over, and does not read.
        let mut bad = encode(&yaml("a: x\nb: y\n"));
        let at = bad.iter().rposition(|b| *b == b'x').unwrap();
        bad[at] = 0xff;
        let pairs: Vec<_> = Pairs::open(&bad).raw().collect();
        assert_eq!(pairs.len(), 2);
        assert_eq!((pairs[0].1.str(), pairs[1].1.str()), (None, Some("y")));
        assert!(Pairs::of_record(&bad).is_none());
    }

    #[test]
    fn broken_bytes_do_not_read() {
        let bytes = encode(&yaml(TEXT));
        for cut in [1, bytes.len() / 2, bytes.len() - 1] {
            assert!(Pairs::of_record(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(NULL);
        assert!(Pairs::of_record(&longer).is_none());
        // Unknown tag, a count larger than the bytes, invalid UTF-8, too deep.
        assert!(Val::read(&[9]).is_none());
        assert!(Val::read(&[SEQ, 0xff, 0xff, 0x7f, 1, 0, 0, 0, 0]).is_none());
        // A length that says less than the items take, or more than the bytes hold.
        assert!(Val::read(&[SEQ, 2, 2, 0, 0, 0, BOOL, 1, BOOL, 0]).is_none());
        assert!(Val::read(&[SEQ, 1, 9, 0, 0, 0, NULL]).is_none());
        assert!(Val::read(&[STR, 1, 0xff]).is_none());
        let mut deep = Value::Null;
        for _ in 0..MAX_DEPTH + 2 {
            deep = Value::Sequence(vec![deep]);
        }
        let mut m = Mapping::new();
        m.insert("deep".into(), deep);
        assert!(Pairs::of_record(&encode(&m)).is_none());
        // A scalar is not a record.
        assert!(Pairs::of_record(&[NULL]).is_none());
        // YAML has no empty tag (the fuzzer's first finding: building one panicked).
        assert!(Val::read(&[TAGGED, 0, NULL]).is_none());
        assert!(Val::read(&[TAGGED, 1, b'!', NULL]).is_some());
    }
}
