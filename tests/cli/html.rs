//! `crm report weekly --format html`: one self-contained page, checked as text and in
//! headless Chromium (the system package; `.ci/run` installs it; `CRM_CHROMIUM` names
//! another binary).

use crate::common;

use std::path::{Path, PathBuf};

const HEADINGS: [&str; 12] = [
    "This week (2026-11-09 to 2026-11-15) against the week before (2026-11-02 to 2026-11-08)",
    "The last 12 weeks",
    "Acquire (2026-11-09 to 2026-11-15): records reaching each stage",
    "Enhance (2026-11-09 to 2026-11-15)",
    "Retain (2026-11-09 to 2026-11-15)",
    "Pipeline: open deals by stage (now)",
    "Service levels (2026-11-09 to 2026-11-15)",
    "Overdue follow-ups",
    "Stale deals",
    "Tickets past SLA",
    "At-risk customers",
    // The page's own heading.
    "Weekly report",
];

fn page() -> String {
    common::fixture_ok("reports", &["report", "weekly", "--format", "html"])
}

#[test]
fn the_page_is_self_contained_and_stable() {
    let html = page();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n"));
    assert!(html.ends_with("</main>\n</body>\n</html>\n"));
    let h2: Vec<&str> = html
        .split("<h2>")
        .skip(1)
        .map(|s| s.split("</h2>").next().unwrap())
        .collect();
    assert_eq!(h2, HEADINGS[..11]);
    assert!(html.contains("<h1>Weekly report</h1>"));
    // Two trend charts, bars for the funnel and for the pipeline.
    assert_eq!(html.matches("<svg ").count(), 4);
    assert!(html.contains(
        "<svg class=\"cols\" role=\"img\" viewBox=\"0 0 300 170\" aria-label=\"Value won\">"
    ));
    assert!(html.contains(
        "<svg class=\"cols\" role=\"img\" viewBox=\"0 0 300 170\" aria-label=\"New leads\">"
    ));
    // Nothing is loaded: no scripts, links, sources, imports or addresses.
    for needle in [
        "<script", "<link", "src=", "url(", "@import", "http:", "https:",
    ] {
        assert!(!html.contains(needle), "the page holds {needle:?}");
    }
    // The week's trend row, as the markdown report has it.
    assert!(html.contains(
        "<tr><td class=\"date\">2026-11-09</td><td class=\"num\">1</td><td class=\"num\">2</td><td class=\"num\">USD 2,800</td></tr>"
    ));
    assert_eq!(page(), html, "the same report renders to the same bytes");
}

fn chromium() -> PathBuf {
    if let Ok(p) = std::env::var("CRM_CHROMIUM") {
        return p.into();
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("headless Chromium is needed for this test: apt-get install chromium (.ci/run does), or set CRM_CHROMIUM")
}

/// Loads a page in headless Chromium: its DOM, and the console messages it logged.
fn render(file: &Path, profile: &Path) -> (String, Vec<String>) {
    render_at(file, profile, "1280,900")
}

/// The same in a window of `size` ("390,844": a phone).
fn render_at(file: &Path, profile: &Path, size: &str) -> (String, Vec<String>) {
    let out = std::process::Command::new(chromium())
        .arg(format!("--window-size={size}"))
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Any network request fails at once: the page must need none.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", file.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(String::from)
        .collect();
    (String::from_utf8(out.stdout).unwrap(), console)
}

#[test]
fn chromium_renders_the_page_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("weekly.html");
    std::fs::write(&file, page()).unwrap();
    let (dom, console) = render(&file, &dir.path().join("profile"));
    assert_eq!(console, Vec::<String>::new());
    for h in HEADINGS {
        assert!(dom.contains(&format!(">{h}</h")), "{h} is not on the page");
    }
    assert_eq!(dom.matches("<svg ").count(), 4);
    assert_eq!(dom.matches("<rect class=\"bar").count(), 12 + 12 + 3 + 5);

    // The check would see an error: a page that logs one.
    let bad = dir.path().join("bad.html");
    std::fs::write(&bad, "<!DOCTYPE html><p>x</p><script>missing()</script>").unwrap();
    let (_, console) = render(&bad, &dir.path().join("profile2"));
    assert_eq!(console.len(), 1, "{console:?}");
    assert!(console[0].contains("Uncaught ReferenceError: missing is not defined"));
}

/// At 390 pixels (a phone): dates are one line, a table wider than the screen scrolls
/// inside a box that shows it (edge shadows), the page itself does not, and chart text
/// is drawn at 11 px or more. Measured by a script added to a copy of the page.
#[test]
fn the_page_reads_on_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("phone.html");
    // Headless Chromium's window is at least 500 pixels wide: the body is narrowed to
    // 390 instead (no rule of the page depends on the window's width).
    let probe = r#"<script>
document.body.style.width = '390px';
const px = [...document.querySelectorAll('svg')].map(s => s.getBoundingClientRect().width / s.viewBox.baseVal.width * 13);
const dates = [...document.querySelectorAll('td.date')].filter(td => { const r = document.createRange(); r.selectNodeContents(td); return r.getClientRects().length !== 1; }).length;
const boxes = [...document.querySelectorAll('.scroll')];
const wide = boxes.filter(b => b.scrollWidth > b.clientWidth);
const cued = wide.filter(b => getComputedStyle(b).backgroundImage.includes('gradient')).length;
document.body.setAttribute('data-probe', JSON.stringify({
  page: document.querySelector('main').scrollWidth, text: Math.min(...px).toFixed(1),
  dates_broken: dates, date_cells: document.querySelectorAll('td.date').length, wide: wide.length, cued }));
</script>"#;
    std::fs::write(&file, page().replace("</body>", &format!("{probe}</body>"))).unwrap();
    let (dom, console) = render_at(&file, &dir.path().join("profile"), "390,844");
    assert_eq!(console, Vec::<String>::new());
    let json = dom
        .split("data-probe=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .replace("&quot;", "\"");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["page"], serde_json::json!(390), "{v}");
    assert!(
        v["text"].as_str().unwrap().parse::<f64>().unwrap() >= 11.0,
        "{v}"
    );
    assert_eq!(v["dates_broken"], serde_json::json!(0), "{v}");
    assert!(v["date_cells"].as_u64().unwrap() >= 12, "{v}");
    assert_eq!(v["cued"], v["wide"], "{v}");
}
