//! The example scripts (`examples/scripts/`) and CI jobs (`examples/ci/`), run against a
//! copy of the demo folder with the crm under test first on PATH.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A copy of examples/demo (without its cache) in a temporary folder.
fn demo() -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo");
    let dir = tempfile::tempdir().unwrap();
    for e in walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".crm")
        .flatten()
    {
        let to = dir.path().join(e.path().strip_prefix(&src).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
    dir
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/scripts")
        .join(name)
}

/// Runs a script in `dir`; returns (exit code, stdout, stderr).
fn run(dir: &Path, name: &str, args: &[&str]) -> (i32, String, String) {
    let bin = PathBuf::from(assert_cmd::cargo::cargo_bin!("crm"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg(script(name))
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("CRM_TODAY", common::TODAY)
        .env("LC_ALL", "C")
        .env_remove("CRM_DIR")
        .env_remove("CRM_NOW")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn call_this_week_lists_due_follow_ups_most_overdue_first() {
    let d = demo();
    let (code, out, err) = run(d.path(), "call-this-week.sh", &["--format", "csv"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        "name,phone,next_action.on,next_action.note\n\
         Kopi Kampung,'+6281113330000,2026-10-22,Check the sample pack arrived\n\
         Kopi Lima,'+6281114070000,2026-11-01,Ask about the blend decision\n\
         Warung Kopi Pagi,'+6281110370000,2026-11-13,Send the 2027 price list\n\
         Cafe Lembayung,'+6281110740000,2026-11-23,Bring the contract\n"
    );
    // One of them asks not to be contacted: gone from the list.
    common_set(
        d.path(),
        &["set", "kopi-lima", "preferences.do_not_contact=true"],
    );
    let (_, out, _) = run(d.path(), "call-this-week.sh", &["--format", "ids"]);
    assert_eq!(out, "kopi-kampung\nwarung-kopi-pagi\ncafe-lembayung\n");
}

fn common_set(dir: &Path, args: &[&str]) {
    let out = Command::new(assert_cmd::cargo::cargo_bin!("crm"))
        .args(args)
        .current_dir(dir)
        .env("CRM_TODAY", common::TODAY)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn the_morning_agenda_is_plain_text_for_a_chat() {
    let d = demo();
    let (code, out, err) = run(d.path(), "morning-agenda.sh", &["ayu@sinarkopi.id"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let lines: Vec<&str> = out.lines().collect();
    // 14 customers due a touch and 12 stale deals owned by ayu (crm agenda --owner);
    // kopi-senja, churned, is not kept in touch.
    assert_eq!(
        lines[0],
        "Good morning! 26 things on the agenda for 2026-11-22:"
    );
    assert_eq!(
        lines[1],
        "- Roti dan Kopi: due a weekly touch: last outbound contact 151 days ago (due 2026-07-01)"
    );
    assert_eq!(lines.len(), 12);
    assert_eq!(lines[11], "...and 16 more: run crm agenda");
    let (_, out, _) = run(d.path(), "morning-agenda.sh", &["nobody@sinarkopi.id"]);
    assert_eq!(out, "Good morning! Nothing is due on 2026-11-22.\n");
}

#[test]
fn close_won_stages_the_deal_and_logs_the_call() {
    let d = demo();
    let (code, out, err) = run(
        d.path(),
        "close-won.sh",
        &["kedai-sahabat-grinder", "Signed the grinder lease"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "updated deal kedai-sahabat-grinder\n");
    let logged = out.trim();
    let deal = std::fs::read_to_string(d.path().join("deals/kedai-sahabat-grinder.yaml")).unwrap();
    assert!(deal.contains("\nstage: won\n"), "{deal}");
    assert!(deal.contains("\nclosed: 2026-11-22\n"), "{deal}");
    let interaction = walkdir::WalkDir::new(d.path().join("interactions"))
        .into_iter()
        .flatten()
        .find(|e| e.file_name().to_string_lossy() == format!("{logged}.yaml"))
        .expect("the call is logged");
    let text = std::fs::read_to_string(interaction.path()).unwrap();
    assert!(text.contains("customer: kedai-sahabat\n"), "{text}");
    assert!(
        text.contains("channel: call\ndirection: outbound\n"),
        "{text}"
    );
    assert!(text.contains("deal: kedai-sahabat-grinder\n"), "{text}");
    assert!(
        text.contains("summary: Signed the grinder lease\n"),
        "{text}"
    );
    assert!(text.contains("outcome: won\n"), "{text}");
    // A deal that does not exist: the script stops at the first error.
    let (code, _, err) = run(d.path(), "close-won.sh", &["no-such-deal", "x"]);
    assert_eq!(code, 1);
    assert_eq!(err, "error: no record matches \"no-such-deal\"\n");
}

#[test]
fn import_leads_adds_them_once() {
    let d = demo();
    std::fs::write(
        d.path().join("form.csv"),
        "Submitted at,Full name,Email,Phone,Company,Message,UTM source\n\
         21/11/2026 09:14,Rina Wijaya,rina@kopirina.id,+62 812 1111 2222,Kopi Rina,\"Need 10 kg a month, price?\",instagram\n\
         21/11/2026 15:40,Agus Salim,AGUS@warungagus.id,+62 813 3333 4444,Warung Agus,Do you deliver to Bogor?,google\n",
    )
    .unwrap();
    let (code, _, err) = run(d.path(), "import-leads.sh", &["form.csv"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        "imported customers: created 2, updated 0, unchanged 0, skipped 0\n"
    );
    let (_, _, err) = run(d.path(), "import-leads.sh", &["form.csv"]);
    assert_eq!(
        err,
        "imported customers: created 0, updated 0, unchanged 2, skipped 0\n"
    );
    let rina = walkdir::WalkDir::new(d.path().join("customers"))
        .into_iter()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("rina-wijaya-"))
        .unwrap();
    let text = std::fs::read_to_string(rina.path()).unwrap();
    for line in [
        "name: Rina Wijaya\n",
        "email: rina@kopirina.id\n",
        // Stored in E.164: the folder's currency (IDR) makes its phone region Indonesia.
        "phone: '+6281211112222'\n",
        "stage: lead\n",
        "source: instagram\n",
        "notes: Need 10 kg a month, price?\n",
        "created: 2026-11-21\n",
        "company: Kopi Rina\n",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    let (code, _, err) = run(d.path(), "import-leads.sh", &[]);
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            format!(
                "usage: {} FORM.csv [--dry-run]\n",
                script("import-leads.sh").display()
            )
            .as_str()
        )
    );
}

/// The CI jobs parse, are scheduled weekly, and run commands that work on the demo.
#[test]
fn the_ci_examples_run_their_commands() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci");
    let gh: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root.join("weekly-report.yml")).unwrap())
            .unwrap();
    assert_eq!(gh["on"]["schedule"][0]["cron"].as_str(), Some("0 1 * * 1"));
    let steps: Vec<String> = gh["jobs"]["weekly-report"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str().map(String::from))
        .collect();
    assert_eq!(
        steps,
        [
            "cargo install --locked --git \"$CRM_REPO\" crm",
            "crm check --format github",
            "crm report weekly --strict --format markdown >> \"$GITHUB_STEP_SUMMARY\"",
            "crm report weekly --strict --format html > weekly-report.html",
        ]
    );
    let gl: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root.join("gitlab-ci.yml")).unwrap())
            .unwrap();
    let script: Vec<&str> = gl["weekly-report"]["script"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert_eq!(script[1], "crm check");
    assert_eq!(
        gl["weekly-report"]["artifacts"]["paths"][0].as_str(),
        Some("weekly-report.html")
    );
    // The jobs' crm commands on the demo folder.
    let d = demo();
    for args in [
        &["check", "--format", "github"][..],
        &["check"],
        &["report", "weekly", "--format", "markdown"],
        &["report", "weekly", "--format", "html"],
    ] {
        common_set(d.path(), args);
    }
}

/// The weekly page's at-risk count is the length of its at-risk list (the funnel once
/// counted only "no interaction for too long", leaving out open complaints past target).
#[test]
fn the_weekly_at_risk_count_is_the_lists_length() {
    let d = demo();
    let out = Command::new(assert_cmd::cargo::cargo_bin!("crm"))
        .args(["-C"])
        .arg(d.path())
        .args([
            "--as-of",
            "2026-11-22",
            "report",
            "weekly",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = r["sections"]["at_risk_customers"]["rows"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        r["sections"]["retain"]["figures"]["at_risk"],
        serde_json::json!(rows)
    );
    assert_eq!(rows, 4);
}
