//! The library's modules are layers (README, Development): a module uses only the layers
//! before it, and inside a layer no files import each other in a circle. Checked on the
//! source: every `crate::…` and `super::…` path outside comments and test modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Lowest first, as the README's table lists them.
const LAYERS: [&str; 10] = [
    "model", "error", "config", "rules", "query", "store", "report", "render", "ops", "sql",
];

/// The binary's files, which may use everything.
const BINARY: [&str; 8] = [
    "main", "cli", "ui", "commands", "complete", "exit", "lib", "mcp",
];

/// Module path (`["ops", "import", "plan"]`) → source, for every file under `src/`.
fn modules() -> BTreeMap<Vec<String>, String> {
    let mut out = BTreeMap::new();
    let src = Path::new(ROOT).join("src");
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_str().unwrap().to_string())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            out.insert(parts, code_of(&text));
        }
    }
    out
}

/// The code before the test module, without comment lines.
fn code_of(text: &str) -> String {
    let code = text.split("#[cfg(test)]").next().unwrap();
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a file names: `crate::a::b` as `[a, b]`, `super::b` resolved from the file.
fn uses(module: &[String], code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    for (start, word) in [("crate::", true), ("super::", false)] {
        let mut from = 0;
        while let Some(i) = code[from..].find(start) {
            let at = from + i;
            from = at + start.len();
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
                continue;
            }
            let mut path: Vec<String> = if word {
                Vec::new()
            } else {
                module[..module.len().saturating_sub(1)].to_vec()
            };
            let rest = &code[from..];
            let mut rest_iter = rest;
            loop {
                let name: String = rest_iter
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if name.is_empty() {
                    break;
                }
                if name == "super" {
                    path.pop();
                } else {
                    path.push(name.clone());
                }
                rest_iter = &rest_iter[name.len()..];
                match rest_iter.strip_prefix("::") {
                    Some(r) => rest_iter = r,
                    None => break,
                }
            }
            // `use super::{a, b}`: each name is a path.
            if let Some(list) = rest_iter.strip_prefix('{') {
                let list = &list[..list.find('}').unwrap_or(list.len())];
                for item in list.split(',') {
                    let first = item.trim().split("::").next().unwrap_or("").trim();
                    if !first.is_empty() && first != "self" {
                        let mut p = path.clone();
                        p.push(first.to_string());
                        out.push(p);
                    }
                }
            }
            out.push(path);
        }
    }
    out
}

/// The longest prefix of `path` that is a module, cut to `depth` parts.
fn module_of(
    path: &[String],
    all: &BTreeMap<Vec<String>, String>,
    depth: usize,
) -> Option<Vec<String>> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| all.contains_key(p))
        .map(|p| p[..p.len().min(depth)].to_vec())
}

#[test]
fn every_layer_uses_only_the_layers_before_it() {
    let all = modules();
    let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
    let mut wrong = Vec::new();
    for (module, code) in &all {
        let top = module[0].as_str();
        if BINARY.contains(&top) {
            continue;
        }
        let mine = rank(top).unwrap_or_else(|| panic!("src/{top} is in no layer of LAYERS"));
        for path in uses(module, code) {
            let Some(target) = module_of(&path, &all, 1) else {
                continue;
            };
            let theirs = rank(&target[0]);
            if theirs.is_none_or(|t| t > mine) {
                wrong.push(format!(
                    "{} uses crate::{}",
                    module.join("::"),
                    path.join("::")
                ));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "uses against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_files_of_a_layer_import_each_other_in_a_circle() {
    let all = modules();
    // Edges between modules two levels deep (`report::funnel` → `report::segments`).
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, code) in &all {
        if BINARY.contains(&module[0].as_str()) {
            continue;
        }
        let from = module[..module.len().min(2)].to_vec();
        for path in uses(module, code) {
            if let Some(to) = module_of(&path, &all, 2) {
                if to != from && to[0] == from[0] {
                    edges.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    // A depth-first search finds a cycle by meeting a module on its own path.
    fn visit(
        m: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        path: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == m) {
            let mut cycle: Vec<String> = path[i..].iter().map(|p| p.join("::")).collect();
            cycle.push(m.join("::"));
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.clone());
        for next in edges.get(m).into_iter().flatten() {
            if let Some(c) = visit(next, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.clone());
        None
    }
    let mut done = BTreeSet::new();
    for m in edges.keys() {
        if let Some(cycle) = visit(m, &edges, &mut Vec::new(), &mut done) {
            panic!("modules import each other: {}", cycle.join(" -> "));
        }
    }
}

/// The checks see what they claim to: a file's uses, resolved from where it is.
#[test]
fn uses_are_read_from_paths() {
    let module = vec!["ops".to_string(), "import".to_string(), "plan".to_string()];
    let code = "use super::check::{check_row, X};\nuse crate::model::{fold, Record};\nlet x = crate::rules::parse_input(k);\nfn a_crate::b() {}";
    let found: Vec<String> = uses(&module, code).iter().map(|p| p.join("::")).collect();
    assert_eq!(
        found,
        [
            "model::fold",
            "model::Record",
            "model",
            "rules::parse_input",
            "ops::import::check::check_row",
            "ops::import::check::X",
            "ops::import::check",
        ]
    );
}
