//! A crm folder in a temporary directory, and a `crm` command pinned to it and to a fixed today.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub const TODAY: &str = "2026-11-22";

pub struct Folder {
    pub dir: tempfile::TempDir,
}

impl Folder {
    /// A fresh folder made by `crm init`.
    pub fn new() -> Folder {
        let f = Folder::empty();
        f.crm().arg("init").assert().success();
        f
    }

    /// An empty temporary directory, not yet a crm folder.
    pub fn empty() -> Folder {
        Folder {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// `crm` run in the folder, hermetic: fixed today, no colour, no inherited crm settings.
    pub fn crm(&self) -> Command {
        Command::from_std(self.process())
    }

    /// The same as a plain process, to spawn, wait for or kill.
    pub fn process(&self) -> std::process::Command {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin!("crm"));
        c.current_dir(self.root())
            .env("CRM_TODAY", TODAY)
            .env_remove("CRM_DIR")
            .env_remove("CRM_NOW")
            .env_remove("CRM_ID_SEED")
            .env_remove("CRM_LOCK_TIMEOUT")
            .env_remove("VISUAL")
            .env_remove("EDITOR")
            .env_remove("NO_COLOR")
            .env("LC_ALL", "C");
        c
    }

    /// Runs crm with `args`, expects success, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.crm().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "crm {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// `crm check`: its exit code and what it printed on standard output.
    pub fn check(&self) -> (Option<i32>, String) {
        let out = self.crm().arg("check").output().unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    }

    /// Runs crm with `args`, expects exit `code`, returns stderr.
    pub fn fails(&self, code: i32, args: &[&str]) -> String {
        let out = self.crm().args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "crm {args:?}: stdout {} stderr {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).unwrap()
    }

    /// Breaks `customers/delta.yaml` and checks that two listings in a row both leave it
    /// out and warn about it (cached or not, a broken file is reported on every run);
    /// `ids` is what they list.
    pub fn delta_breaks(&self, ids: &str) {
        self.write("customers/delta.yaml", "name: [\n");
        for _ in 0..2 {
            let out = self
                .crm()
                .args(["list", "customers", "--format", "ids"])
                .output()
                .unwrap();
            assert_eq!(String::from_utf8(out.stdout).unwrap(), ids);
            assert!(String::from_utf8(out.stderr)
                .unwrap()
                .starts_with("warning: customers/delta.yaml:2:1: does not parse as YAML"));
        }
    }

    /// Adds a record and returns its id (stdout without the newline).
    pub fn add(&self, args: &[&str]) -> String {
        let mut full = vec!["add"];
        full.extend_from_slice(args);
        self.ok(&full).trim_end().to_string()
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// A record file crm wrote: checks its first line points at the type's schema, and
    /// returns the YAML after it.
    pub fn record(&self, rel: &str) -> String {
        let text = self.read(rel);
        let ty = match rel.split('/').next().unwrap() {
            "customers" => "customer",
            "deals" => "deal",
            "tickets" => "ticket",
            "campaigns" => "campaign",
            "interactions" => "interaction",
            other => panic!("{other} is not a record folder"),
        };
        let header = format!(
            "# yaml-language-server: $schema={}schema/{ty}.schema.json\n",
            "../".repeat(rel.matches('/').count())
        );
        match text.strip_prefix(&header) {
            Some(body) => body.to_string(),
            None => panic!("{rel} does not start with {header:?}:\n{text}"),
        }
    }

    /// Edits a file in place as a person would: `from` (which must be there) becomes `to`.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not hold {from:?}:\n{text}");
        fs::write(self.path(rel), text.replace(from, to)).unwrap();
    }

    /// The customers' ids and names, one per line, as crm lists them.
    pub fn names(&self) -> String {
        self.ok(&["list", "customers", "--fields", "id,name", "--no-header"])
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    /// Every file below the folder with its bytes, to show that nothing changed (the
    /// cache under `.crm/` is crm's own, not the user's data, and is left out).
    pub fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(self.root())
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.file_name() != ".crm")
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(self.root()).unwrap().to_path_buf(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        out.sort();
        out
    }

    /// A customer "Toko Maju" with a fixed id, and a deal for it.
    /// Kafe Dewi (`kafe-dewi-m3n4`, dewi@kafedewi.id; with `extra`, also
    /// dewi.owner@gmail.test in `emails`).
    pub fn with_dewi(&self, extra: bool) {
        let mut args = vec![
            "customer",
            "--id",
            "kafe-dewi-m3n4",
            "--name",
            "Kafe Dewi",
            "--email",
            "dewi@kafedewi.id",
        ];
        if extra {
            args.extend(["--extra-email", "dewi.owner@gmail.test"]);
        }
        self.add(&args);
    }

    pub fn with_toko(&self) -> (String, String) {
        let c = self.add(&[
            "customer",
            "--id",
            "toko-maju-k7q2",
            "--name",
            "Toko Maju",
            "--email",
            "budi@tokomaju.id",
        ]);
        let d = self.add(&[
            "deal",
            "--id",
            "annual-plan-a1b2",
            "--title",
            "Annual plan",
            "--customer",
            "toko",
            "--value",
            "12000000",
            "--currency",
            "IDR",
        ]);
        (c, d)
    }
}

/// Runs `cmd`, expects exit `code`, returns stderr.
pub fn stderr_of(cmd: &mut Command, code: i32) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stderr).unwrap()
}

/// `crm` pinned to the read-only fixture folder `tests/fixtures/NAME`, today 2026-11-22.
pub fn fixture(name: &str) -> Command {
    let mut c = Command::cargo_bin("crm").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("-C")
        .arg(format!("tests/fixtures/{name}"))
        .env("CRM_TODAY", TODAY)
        .env_remove("CRM_DIR")
        .env_remove("CRM_NOW");
    c
}

/// Runs crm on a fixture folder, expects success, returns stdout.
pub fn fixture_ok(name: &str, args: &[&str]) -> String {
    let out = fixture(name).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `crm ARGS` in the folder on a pseudo-terminal (Python's `pty`, an independent
/// terminal), typing `input`; returns the exit code and what the terminal showed (stdout
/// and stderr together). None, with a note, where Python is missing.
#[allow(dead_code)]
pub fn on_terminal(
    f: &Folder,
    env: &[(&str, &str)],
    args: &[&str],
    input: &str,
) -> Option<(i32, String)> {
    use std::io::Write;
    let crm = f.process();
    let mut c = std::process::Command::new("python3");
    c.arg("-c")
        .arg("import os, pty, sys\nsys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))")
        .arg(crm.get_program())
        .args(args)
        .current_dir(f.root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in crm.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.envs(env.iter().copied());
    let Ok(mut child) = c.spawn() else {
        eprintln!("skipped: python3 is needed to run crm on a pseudo-terminal");
        return None;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n"),
    ))
}

/// `python3`, when it runs here (tests that use it as an independent client skip
/// otherwise, saying so).
#[allow(dead_code)]
pub fn python() -> Option<String> {
    let ok = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then(|| "python3".to_string())
}
