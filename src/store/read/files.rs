//! Stage 1 of reading a type: its record files, every `.yaml`/`.yml` below its folder in
//! path order (dot-files and other files ignored), each statted when the cache needs it.

use std::path::{Path, PathBuf};

use crate::model::RecordType;
use crate::store::cache::Stat;
use crate::store::load::is_record_file;

/// A record file and, when asked for, its stat.
pub type Listed = (PathBuf, Option<Stat>);

/// The record files below a type's folder, relative to the crm folder, in path order,
/// with each file's metadata when `stat` (read through its folder's handle, which
/// spares the kernel walking the whole path again).
pub fn record_files_with(root: &Path, ty: RecordType, stat: bool) -> Vec<Listed> {
    let dir = Path::new(ty.dir());
    if std::fs::symlink_metadata(root.join(dir)).is_ok_and(|m| m.file_type().is_symlink()) {
        // Reported (by reading it as a record), not followed.
        return vec![(dir.to_path_buf(), None)];
    }
    collect(root, dir, stat)
}

/// What a listing holds at `rel` (relative to the crm folder), with stats: the file, if
/// it is a record file or a link (reported, not followed); every record file below it,
/// if it is a folder; nothing if it is gone or anything else.
pub fn listed_at(root: &Path, rel: &Path) -> Vec<Listed> {
    let Ok(meta) = std::fs::symlink_metadata(root.join(rel)) else {
        return Vec::new();
    };
    let t = meta.file_type();
    if t.is_dir() {
        collect(root, rel, true)
    } else if t.is_symlink() || (t.is_file() && is_record_file(rel)) {
        vec![(rel.to_path_buf(), Some(Stat::of(&meta)))]
    } else {
        Vec::new()
    }
}

/// Dot-files and dot-folders are skipped; only `.yaml`/`.yml` files are records.
///
/// Each folder's entries are sorted by name and a subfolder's files take its place, which
/// is the order of a sort by path without comparing whole paths. Files are statted and
/// subfolders (interactions' years and months) listed on all cores: a type's folder may
/// hold tens of thousands of files, and a stat is a system call.
fn collect(root: &Path, rel: &Path, stat: bool) -> Vec<Listed> {
    use rayon::prelude::*;
    enum Item {
        File(PathBuf, std::fs::DirEntry),
        Dir(PathBuf),
    }
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return Vec::new();
    };
    let mut items: Vec<(std::ffi::OsString, Item)> = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name();
        if name.as_encoded_bytes().first() == Some(&b'.') {
            continue;
        }
        let path = rel.join(&name);
        match e.file_type() {
            Ok(t) if t.is_dir() => items.push((name, Item::Dir(path))),
            // Links are listed so that they are reported, never followed.
            Ok(t) if (t.is_file() && is_record_file(&path)) || t.is_symlink() => {
                items.push((name, Item::File(path, e)))
            }
            _ => {}
        }
    }
    items.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // Stats are cheap: hand them out in batches; subfolders one by one.
    let batch = if items.iter().any(|i| matches!(i.1, Item::Dir(_))) {
        1
    } else {
        256
    };
    items
        .into_par_iter()
        .with_min_len(batch)
        .flat_map_iter(|(_, item)| match item {
            Item::File(path, e) => {
                // Read through the folder's handle: the kernel need not walk the path again.
                let meta = if stat {
                    e.metadata().ok().map(|m| Stat::of(&m))
                } else {
                    None
                };
                rayon::iter::Either::Left(std::iter::once((path, meta)))
            }
            Item::Dir(path) => rayon::iter::Either::Right(collect(root, &path, stat).into_iter()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_is_in_path_order_and_skips_dot_files() {
        let dir = tempfile::tempdir().unwrap();
        for rel in [
            "interactions/2026/11/i-2.yaml",
            "interactions/2026/11/i-1.yml",
            "interactions/2026/11-x/i-3.yaml",
            "interactions/2026/1/i-4.yaml",
            "interactions/2026/i-0.yaml",
            "interactions/.hidden/i-5.yaml",
            "interactions/2026/11/.i-6.yaml",
            "interactions/2026/11/notes.txt",
        ] {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "at: 2026-11-02\n").unwrap();
        }
        let listed = record_files_with(dir.path(), RecordType::Interaction, true);
        let paths: Vec<&str> = listed.iter().map(|(p, _)| p.to_str().unwrap()).collect();
        assert_eq!(
            paths,
            [
                "interactions/2026/1/i-4.yaml",
                "interactions/2026/11/i-1.yml",
                "interactions/2026/11/i-2.yaml",
                "interactions/2026/11-x/i-3.yaml",
                "interactions/2026/i-0.yaml",
            ]
        );
        let mut sorted = listed.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        sorted.sort();
        assert_eq!(
            listed.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>(),
            sorted
        );
        // Each file's stat came with it: 15 bytes each.
        assert!(listed.iter().all(|(_, s)| s.is_some_and(|s| s.size == 15)));
    }
}
