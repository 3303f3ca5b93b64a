//! The baseline of the benchmark: walk a crm folder, read every record file and parse it
//! with the same YAML crate, and nothing else. crm's cold run is measured against it.

use std::path::Path;

/// Usage: bare_parse DIR [TYPE-FOLDER…] (default: all five).
fn main() {
    let mut args = std::env::args().skip(1);
    let root = args
        .next()
        .expect("usage: bare_parse DIR [customers|deals|…]");
    let mut dirs: Vec<String> = args.collect();
    if dirs.is_empty() {
        dirs = ["customers", "deals", "tickets", "campaigns", "interactions"]
            .map(String::from)
            .to_vec();
    }
    let mut records = 0usize;
    for dir in &dirs {
        for entry in walkdir::WalkDir::new(Path::new(&root).join(dir))
            .into_iter()
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if entry.file_type().is_file() && path.extension().is_some_and(|e| e == "yaml") {
                let text = std::fs::read(path).expect("readable");
                let value: serde_yaml::Value = serde_yaml::from_slice(&text).expect("YAML");
                records += usize::from(value.is_mapping());
            }
        }
    }
    println!("{records}");
}
