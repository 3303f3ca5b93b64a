//! The README's five-minute tour, run line by line as a new user would, each line's
//! output checked against what its comment promises.

use std::path::Path;

fn tour() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("## Five-minute tour").expect("a tour");
    let block = &readme[start..];
    let body = &block[block.find("```sh\n").unwrap() + 6..];
    let body = &body[..body.find("```").unwrap()];
    body.lines().map(|l| l.to_string()).collect()
}

#[test]
fn the_readme_tour_does_what_it_says() {
    let lines = tour();
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin!("crm");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // One shell, so `cd acme` and `id=$(…)` carry over; a marker after each line.
    let mut script = String::from("set -e\n");
    for (i, line) in lines.iter().enumerate() {
        script.push_str(&format!("{line}\necho '@@{i}@@'\n"));
    }
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .env("PATH", path)
        .env("CRM_TODAY", "2026-11-22")
        .env("EDITOR", "true")
        .env_remove("VISUAL")
        .env_remove("CRM_DIR")
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut outputs = Vec::new();
    let mut rest = text.as_str();
    for i in 0..lines.len() {
        let marker = format!("@@{i}@@\n");
        let at = rest
            .find(&marker)
            .unwrap_or_else(|| panic!("line {i} did not run: {text}"));
        outputs.push(rest[..at].to_string());
        rest = &rest[at + marker.len()..];
    }
    let output_of = |prefix: &str| -> &str {
        let i = lines
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("the tour has no line {prefix:?}"));
        &outputs[i]
    };
    // `echo $id`: a slug of the name and 4 random characters.
    let id = output_of("echo $id").trim().to_string();
    assert!(
        id.starts_with("toko-maju-") && id.len() == "toko-maju-".len() + 4,
        "{id}"
    );
    assert!(output_of("crm show toko").contains("name: Toko Maju\n"));
    assert_eq!(output_of("crm get toko email"), "budi@tokomaju.id\n");
    // The won deal of 12,000,000 is listed, with its header.
    let won = output_of("crm list deals --where 'stage = won");
    assert_eq!(won.lines().count(), 2, "{won}");
    assert!(won.contains("Annual plan"), "{won}");
    // The customer is in Jakarta when the query runs.
    let csv = output_of("crm list deals --where 'customer.city = Jakarta'");
    assert!(csv.starts_with("id,title,customer.name\n"), "{csv}");
    assert!(csv.contains(",Annual plan,Toko Maju\n"), "{csv}");
    assert_eq!(
        output_of("crm list customers --where 'tags = vip'"),
        "budi@tokomaju.id\n"
    );
    assert!(output_of("crm report pipeline").contains("Pipeline"));
    assert!(output_of("crm report weekly").starts_with("# Weekly report\n"));
}
